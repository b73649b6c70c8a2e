"""ISO 3166-1 alpha-2 country codes, checked against rigour's territory database."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory


@lru_cache(maxsize=512)
def normalize_country(code: str) -> str | None:
    """Return the upper-case alpha-2 code if `code` names a current country or territory, else None.

    Territories such as Hong Kong count (they have their own customs); regions ("EU"), the
    "global" pseudo-code and historical states ("SU") do not.
    """
    if not isinstance(code, str) or len(code.strip()) != 2:
        return None
    territory = get_territory(code.strip().lower())
    if territory is None or territory.is_historical or not territory.alpha3:
        return None
    return territory.code.upper()
