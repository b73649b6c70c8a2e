"""The static reference data every signal leans on: HS 2022, the CHPL, the EAEU, the hubs, the
embargoed destinations, the words of trading and logistics names, the ECB's exchange rates.

Loaded once per process (by the app factory or the trainer) and passed around explicitly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from features.money import Rates

# CHPL tiers from most to least severe; the number is the tier's rank used as a monotone feature.
TIER_RANK = {"Tier 1": 6, "Tier 2": 5, "Tier 3.A": 4, "Tier 3.B": 3, "Tier 4.A": 2, "Tier 4.B": 1}


@dataclass(frozen=True)
class ChplEntry:
    hs6: str
    tier: str
    description: str

    @property
    def rank(self) -> int:
        return TIER_RANK[self.tier]


@dataclass(frozen=True)
class IntermediaryWord:
    """A word that says trading, logistics, freight, express or import-export in a company name.
    `match`: "word" (a whole word of the name as read), "part" (inside a word: "translogistik"),
    "han" (inside the name as written: Chinese has no spaces)."""

    word: str
    match: str
    kind: str


@dataclass(frozen=True)
class Reference:
    hs6: dict[str, str]  # every HS 2022 six-digit code -> description
    chpl: dict[str, ChplEntry]
    uav: dict[str, str]  # UAV codes that are NOT on the CHPL -> description
    tiers: dict[str, str]  # tier -> definition
    eaeu: dict[str, str]  # ISO alpha-2 -> country name
    hubs: dict[str, str]  # the 18 FinCEN/BIS transshipment points, with Hong Kong and Macau as China
    red_flags: dict[str, str]  # red flag id -> text
    embargoed: dict[str, str]  # ISO alpha-2 -> the programme that embargoes it
    intermediary_words: tuple[IntermediaryWord, ...]
    rates: Rates


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference(directory: Path | None = None) -> Reference:
    """Read the bundled CSV files (or those in `directory`) into a `Reference`."""
    base = Path(directory) if directory else Path(str(resources.files("features") / "data"))
    chpl = {
        row["hs6"]: ChplEntry(row["hs6"], row["tier"], row["description"])
        for row in _rows(base, "chpl_hs6.csv")
    }
    return Reference(
        hs6={
            row["hscode"]: row["description"]
            for row in _rows(base, "harmonized-system-hs2022.csv")
            if row["level"] == "6"
        },
        chpl=chpl,
        uav={
            row["hs6"]: row["description"]
            for row in _rows(base, "hs6_uav_supplement.csv")
            if row["hs6"] not in chpl
        },
        tiers={row["tier"]: row["definition"] for row in _rows(base, "chpl_tiers.csv")},
        eaeu={row["iso2"]: row["country"] for row in _rows(base, "eaeu_members.csv")},
        hubs={row["iso2"]: row["country"] for row in _rows(base, "transshipment_countries.csv")},
        red_flags={row["id"]: row["red_flag"] for row in _rows(base, "export_evasion_red_flags.csv")},
        embargoed={row["iso2"]: row["programme"] for row in _rows(base, "embargoed_countries.csv")},
        intermediary_words=tuple(IntermediaryWord(row["word"], row["match"], row["kind"])
                                 for row in _rows(base, "intermediary_words.csv")),
        rates=Rates(),
    )
