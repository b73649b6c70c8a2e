"""Where the list fixtures and, when present, the shared full-size data files are."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
SHARED_DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()


@pytest.fixture
def lists() -> Path:
    """The small list excerpts and hand-made files of tests/fixtures/lists (see its README)."""
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"full-size lists not available: {SHARED_DATA} does not exist")
    return SHARED_DATA
