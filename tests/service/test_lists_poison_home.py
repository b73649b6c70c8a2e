"""A poisoned list file refused by an import leaves the home as it was: no staging folder left
behind, the same active snapshot, the same sources. (The files are those of
tests/features/lists/test_poison.py; a home of the example network alone needs no model.)"""

from __future__ import annotations

import gzip

import pytest

from features.lists import ListFormatError
from features.lists.limits import MAX_RECORD_BYTES
from service.home import Home
from service.settings import Settings
from tests.conftest import EXAMPLES
from tests.features.lists.list_samples import uk, write


def _gzipped(path):
    path.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
    return path


def _bad_utf8(directory):
    path = directory / "uk.csv"
    path.write_bytes(uk("Alpha")[0] + b"RUS9999,1,Ivan \xff Petrov,Russia,Individual,UK,01-03-2022,Asset freeze\r\n")
    return path


def _nested(directory):
    path = directory / "deep.ftm.json"
    path.write_text('{"id": "b", "schema": "Company", "properties": {"name": ' + "[" * 50_000 + "]" * 50_000 + "}}\n")
    return path


POISONS = {
    "a name of 70,000 characters": lambda d: write(d, "ftm", "Zq" * 35_000)[0],
    "a name of a megabyte in UN XML": lambda d: write(d, "un-sc", "Zq" * (1 << 19))[0],
    "a line over the limit, gzipped": lambda d: _gzipped(write(d, "ftm", "Zq" * MAX_RECORD_BYTES)[0]),
    "a UK CSV with invalid UTF-8": _bad_utf8,
    "a line nested 50,000 deep": _nested,
    "a lone surrogate": lambda d: write(d, "ftm", "Alpha \ud800")[0],
}


def _tree(home: Home) -> set[str]:
    return {str(p.relative_to(home.root)) for p in home.root.rglob("*")}


@pytest.mark.parametrize("poison", POISONS)
def test_a_refused_import_leaves_the_home_as_it_was(poison, tmp_path):
    home = Home(Settings(home=tmp_path / "home", reload_interval=0.0))
    home.import_lists([EXAMPLES / "network.ftm.jsonl"], source="network")
    active, held, tree = home.lists.active(), home.held_sources(), _tree(home)
    for source in ("network", "other"):  # replacing a source, and adding one
        with pytest.raises(ListFormatError):
            home.import_lists([POISONS[poison](tmp_path)], source=source)
        assert not list(home.root.rglob(".stage-*"))
        assert (home.lists.active(), home.held_sources(), _tree(home)) == (active, held, tree)
