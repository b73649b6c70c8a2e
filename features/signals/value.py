"""What a signal is: a pure function of a shipment's facts to a value with its evidence, and
what it needs and says (the mapping keys it reads, its reason codes' messages)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from features.facts import Facts


@dataclass(frozen=True)
class Value:
    value: float | None
    evidence: dict | None = None
    reason: str | None = None  # a more precise reason code than the table's, for this value


@dataclass(frozen=True)
class Signal:
    name: str
    compute: Callable[[Facts], Value]
    reason: str  # the stable reason code this signal reports under
    monotone: int  # +1: a higher value never lowers risk; -1: never raises it; 0: either
    # The message of each reason code the signal reports under, from the code's evidence (signal
    # name -> evidence): what an analyst reads.
    messages: Mapping[str, Callable[[dict], str]]
    # The keys of a user's column mapping the signal reads: each entry must be mapped, "a|b"
    # meaning either; without them the signal is unknown, not zero (`model.serving.spec`).
    inputs: tuple[str, ...]
    neutral: float | None = 0.0  # the unremarkable value reasons are measured from (None: unknown)
    red_flags: tuple[str, ...] = ()  # ids in features/data/export_evasion_red_flags.csv it answers to
    reads_record: bool = False  # reads the tenant's decision record (`features.history`), not the shipment alone
