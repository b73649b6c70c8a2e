"""The everyday commands start without the heavy libraries: each command imports what it uses
(`service.cli`). Not timed: a fresh interpreter runs them and lists what it imported, so a
module-level import of scikit-learn (or of what imports it) anywhere on their way fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from features.lists import BY_NAME
from service.cli_lists import ListFormatChoice

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"sklearn", "skops", "matplotlib", "pandas", "pyarrow", "scipy", "dask", "flask", "rigour", "icu"}
COMMANDS = [["--help"], ["keys", "--help"], ["keys", "create", "startup"], ["keys", "list"],
            ["lists", "status"], ["models", "list"]]
SCRIPT = """
import json, sys
from service.cli import main
for args in json.loads(sys.argv[1]):
    try:
        main(args, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
print()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_everyday_commands_import_no_heavy_library(home):
    env = {**os.environ, "DIVERSION_RISK_HOME": str(home.root), "DIVERSION_RISK_DATABASE_URL": home.settings.database_url,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(COMMANDS)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "* default-" in done.stdout and "snapshot built" in done.stdout  # models list, lists status ran
    assert HEAVY & set(json.loads(done.stdout.splitlines()[-1])) == set()


def test_the_format_choice_is_the_list_formats():
    """`lists import --format` takes the formats' names, read when the option is used."""
    choice = ListFormatChoice()
    assert choice.choices == tuple(BY_NAME) and choice.convert("ofac-sdn", None, None) == "ofac-sdn"
    with pytest.raises(click.BadParameter, match="'nope' is not one of 'ftm-delta'"):
        choice.convert("nope", None, None)
