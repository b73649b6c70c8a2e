"""Settings from DIVERSION_RISK_* variables, and the ones that change how the store writes."""

import pytest
from sqlalchemy import text

from service.db import Database
from service.settings import Settings, SettingsError


def test_settings_come_from_prefixed_variables_and_conventional_fallbacks(tmp_path):
    settings = Settings.from_env({"DIVERSION_RISK_MAX_HOPS": "2", "DATABASE_URL": "sqlite:///x.db",
                                  "DIVERSION_RISK_SQLITE_SYNCHRONOUS": "FULL"}, home=tmp_path)
    assert (settings.max_hops, settings.database, settings.sqlite_synchronous) == (2, "sqlite:///x.db", "FULL")


@pytest.mark.parametrize("variable, value", [("MAX_HOPS", "two"), ("MAX_HOPS", "9"), ("SQLITE_SYNCHRONOUS", "OFF"),
                                             ("RATE_LIMIT", "many"), ("BAND_HIGH", "0.1"),
                                             ("THREADS", "0")])
def test_a_bad_setting_is_refused_naming_its_variable(variable, value):
    with pytest.raises(SettingsError, match=f"DIVERSION_RISK_{variable}"):
        Settings.from_env({f"DIVERSION_RISK_{variable}": value})


@pytest.mark.parametrize("mode, code", [("NORMAL", 1), ("FULL", 2)])
def test_sqlite_syncs_commits_as_set(tmp_path, mode, code):
    db = Database(Settings(home=tmp_path, sqlite_synchronous=mode))
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == code
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.engine.dispose()
