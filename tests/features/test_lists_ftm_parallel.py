"""Large FtM files are parsed by worker processes: the records and the errors must be the
ones a single process gives."""

import pytest

from features.lists import ListFormatError, ftm, read_list
from tests.conftest import EXAMPLES


@pytest.fixture
def in_workers(monkeypatch):
    """Every file parsed in workers, three lines a batch, so that batches are merged."""
    monkeypatch.setattr(ftm, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(ftm, "BATCH", 3)
    monkeypatch.setattr(ftm.os, "cpu_count", lambda: 2)


def test_same_records_as_one_process(in_workers, monkeypatch):
    path = EXAMPLES / "network.ftm.jsonl"
    parallel = list(read_list(path))
    monkeypatch.setattr(ftm, "PARALLEL_FROM_BYTES", 1 << 60)
    assert parallel == list(read_list(path))


def test_first_bad_line_is_reported(in_workers, tmp_path):
    lines = (EXAMPLES / "network.ftm.jsonl").read_bytes().splitlines(keepends=True)
    path = tmp_path / "bad.ftm.jsonl"
    path.write_bytes(b"".join(lines[:7] + [b'{"id": "x", "schema": "NoSuchSchema"}\n', b"\xff\n"] + lines[7:]))
    with pytest.raises(ListFormatError) as error:
        list(read_list(path))
    assert error.value.line == 8 and "not an FtM entity" in str(error.value)
