"""Where the list fixtures and, when present, the shared full-size data files are."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


@pytest.fixture
def lists() -> Path:
    """The small list excerpts and hand-made files of tests/fixtures/lists (see its README)."""
    return FIXTURES
