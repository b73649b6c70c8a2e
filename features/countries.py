"""ISO 3166-1 alpha-2 country codes, checked against rigour's territory database."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory, lookup_territory


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


@lru_cache(maxsize=1024)
def country_for_name(name: str) -> str | None:
    """The alpha-2 code of a country written out in English ("Korea, North" -> "KP"), or None.

    Lists such as OFAC's name countries instead of coding them; rigour's territory database
    knows the official and common names. A region ("Crimea") counts as its country ("UA"),
    because the lists' party filters compare two-letter codes.
    """
    territory = lookup_territory(name.strip()) if name and name.strip() else None
    while territory is not None and "-" in territory.code:
        territory = territory.parent
    return normalize_country(territory.code) if territory is not None else None
