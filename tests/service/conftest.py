"""A small home for the list-source tests: the OFAC fixture set and the example network as two
sources, and the trained default model, so each rebuild of the snapshot takes a fraction of a
second (the bundled sources take ~20 s)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from service.cli import main
from service.home import Home
from service.settings import Settings
from tests.conftest import EXAMPLES, empty_store
from tests.features.conftest import FIXTURES


@pytest.fixture
def small_home(tmp_path, trained_home, database_url) -> Home:
    home = Home(Settings(home=tmp_path / "small", reload_interval=0.0, database_url=database_url,
                         sync_timeout=1.0, sync_retries=2, sync_backoff=0.0))
    home.models.root.mkdir(parents=True)
    model = trained_home.models.active()
    (home.models.root / model).symlink_to(trained_home.models.path(model))
    home.models.activate(model)
    home.import_lists([FIXTURES / "ofac_sdn" / "sdn.csv"], source="ofac")
    home.import_lists([EXAMPLES / "network.ftm.jsonl"], source="network")
    yield home
    empty_store(database_url)


@pytest.fixture
def run(home, monkeypatch):
    """run(*args): the command line against the test's home and store, its result."""
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(home.root))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", home.settings.database_url)

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke
