"""Shared fixtures: the reference data, a trained default model, a prepared home, the decision
store, an app and API keys.

Training the default model takes ~20 s, so it happens once per session. The store is SQLite in
each test's home, or PostgreSQL when TEST_DATABASE_URL is set: then the session gets a schema of
its own (dropped at the end) and every test starts from empty tables."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from features.identifiers import normalize_identifier
from features.reference import load_reference
from features.shipment import Item, Party, Shipment
from service.app import create_app
from service.db import engine_url
from service.home import Home, bundled_groups
from service.settings import Settings
from service.tables import Base

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
# Where browser tests leave their screenshots, for a reviewer to look at.
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "test-output" / "screenshots"
# Headless in CI and on servers: no sandbox (CI runs as root), no GPU, nothing fetched in the background.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture
def shared_data() -> Path:
    """The project's shared reference data (see its README), when present beside the repository."""
    if not SHARED.is_dir():
        pytest.skip(f"full-size lists not available: {SHARED.resolve()} (the project's shared/data) does not exist")
    return SHARED.resolve()


def chromium() -> str:
    """Debian's chromium, which the browser tests drive (never a browser Playwright downloads)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "the browser tests need Debian's chromium: apt-get install chromium (make test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def browser():
    """A headless chromium through Playwright, for the session."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def reference():
    return load_reference()


@pytest.fixture(scope="session")
def trained_home(tmp_path_factory, reference) -> Home:
    """A home with the bundled sources plus the test network (source `network`), and the default model."""
    home = Home(Settings(home=tmp_path_factory.mktemp("home"), reload_interval=0.0))
    home.import_sources({**bundled_groups(), "network": ([(EXAMPLES / "network.ftm.jsonl", None)], "import")})
    home.prepare(reference, progress=lambda _: None)
    return home


@pytest.fixture(scope="session")
def database_url():
    """'' (SQLite in each home) or a PostgreSQL URL whose search path is a fresh schema."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield ""
        return
    schema = f"test_{secrets.token_hex(6)}"
    engine = create_engine(engine_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield make_url(engine_url(server)).update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def private_home(root: Path, trained_home: Home, database_url: str, **settings) -> Home:
    """A private copy of the trained home (symlinked artefacts) under `root`, safe to change."""
    fresh = Home(Settings(home=root, reload_interval=0.0, database_url=database_url, **settings))
    pairs = ((fresh.lists, trained_home.lists), (fresh.models, trained_home.models), (fresh.sources, trained_home.sources))
    for registry, source in pairs:
        registry.root.mkdir(parents=True)
        for version in source.versions():
            (registry.root / version).symlink_to(source.path(version))
        if source.active():
            registry.activate(source.active())
    return fresh


def ofac_fixture_home(root: Path, trained_home: Home, database_url: str) -> Home:
    """A home with one small source (the OFAC fixture, source `ofac`) and the trained default
    model (symlinked): a snapshot in a fraction of a second, for tests that list more later."""
    from tests.features.conftest import FIXTURES

    home = Home(Settings(home=root, reload_interval=0.0, database_url=database_url))
    home.models.root.mkdir(parents=True)
    model = trained_home.models.active()
    (home.models.root / model).symlink_to(trained_home.models.path(model))
    home.models.activate(model)
    home.import_lists([FIXTURES / "ofac_sdn" / "sdn.csv"], source="ofac")
    return home


def empty_store(database_url: str) -> None:
    """Empty the PostgreSQL tables (SQLite stores live and die with their home)."""
    if database_url:  # TRUNCATE, not DELETE: the append-only triggers refuse deletes
        engine = create_engine(database_url)
        with engine.begin() as connection:
            held = set(inspect(connection).get_table_names()) & set(Base.metadata.tables)
            if held:
                connection.execute(text(f"TRUNCATE {', '.join(sorted(held))}"))
        engine.dispose()


@pytest.fixture
def home(tmp_path, trained_home, database_url) -> Home:
    yield private_home(tmp_path / "home", trained_home, database_url)
    empty_store(database_url)


@pytest.fixture
def app(home):
    return create_app(home.settings)


@pytest.fixture
def new_key(app):
    """new_key(tenant, scopes) -> a fresh API key."""
    keys = app.extensions["diversion_risk_services"].keys
    return lambda tenant="acme", scopes="score,read": keys.create("test", tenant, scopes)[1]


@pytest.fixture
def client(app, new_key):
    """A test client sending a score+read key of tenant `acme`."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key()}"
    return client


def make_shipment(**overrides) -> Shipment:
    """A shipment of Tier 1 chips to Kazakhstan; override any field."""
    fields = dict(
        shipment_id="T-1",
        date=dt.date(2023, 5, 2),
        destination_country="KZ",
        origin_country="CN",
        transit_countries=(),
        items=(Item("8542.31.00", "microcontrollers", 100, 25000.0, "USD"),),
        parties=(Party("consignee", "Some Trading LLP", "KZ"), Party("shipper", "Shenzhen Parts Co", "CN")),
    )
    fields.update(overrides)
    return Shipment(**fields)


def party(role: str, name: str, country: str | None = None, **kwargs) -> Party:
    idents = tuple(normalize_identifier(s, v) for s, v in kwargs.pop("identifiers", ()))
    return Party(role, name, country, idents, **kwargs)
