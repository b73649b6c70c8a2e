"""What a worker serves with: the active lists snapshot and model, swapped atomically.

Every request takes one `State` at its start and uses it throughout, so a request never mixes
two snapshots or two models. Workers notice a newly activated version by re-reading the two
ACTIVE pointers at most once per `reload_interval`; a version that fails to load is logged and
skipped, the previous state keeps serving, and `refused` names it (for /readyz) until a later
activation loads.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import cached_property

from features.bulk import freeze_long_lived
from features.reference import Reference
from features.snapshot import Snapshot, SnapshotError
from model.persist import ModelFileError, load_model
from model.scorer import Bands, Scorer
from service.home import Home
from service.sources import oldest_as_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    scorer: Scorer
    lists_version: str
    model_version: str
    model_card: dict

    @property
    def lists_meta(self) -> dict:
        return self.scorer.snapshot.meta

    @cached_property
    def lists_as_of(self) -> str | None:
        """The oldest as-of date of the sources screened against: what every score carries."""
        return oldest_as_of(self.lists_meta.get("sources", []))


class Runtime:
    def __init__(self, home: Home, reference: Reference):
        self.home, self.reference = home, reference
        self.settings = home.settings
        self._state: State | None = None
        self._checked = float("-inf")
        self._failed: tuple[str | None, str | None] | None = None
        self._lock = threading.Lock()

    @property
    def refused(self) -> dict | None:
        """The activated lists and model versions that did not load, while the previous ones serve."""
        return None if self._failed is None else {"lists_version": self._failed[0], "model_version": self._failed[1]}

    def current(self) -> State | None:
        """The state to serve this request with (None until a snapshot and a model are loaded)."""
        if time.monotonic() - self._checked >= self.settings.reload_interval:
            with self._lock:
                self._checked = time.monotonic()
                if self._refresh():
                    freeze_long_lived()  # the new snapshot and model, for the rest of their life
        return self._state

    def _refresh(self) -> bool:
        """Load the activated versions if they changed; whether the state was switched."""
        wanted = (self.home.lists.active(), self.home.models.active())
        state = self._state
        if state and wanted == (state.lists_version, state.model_version):
            self._failed = None  # back to what serves (e.g. after a rollback): nothing is refused
            return False
        if None in wanted or wanted == self._failed:
            return False
        try:
            snapshot = state.scorer.snapshot if state and state.lists_version == wanted[0] else \
                Snapshot(self.home.lists.path(wanted[0]))
            if state and state.model_version == wanted[1]:
                model, card = state.scorer.model, state.model_card
            else:
                model, card = load_model(self.home.models.path(wanted[1]))
        except (SnapshotError, ModelFileError, OSError) as exc:
            log.error("not switching to lists %s / model %s: %s", *wanted, exc)
            self._failed = wanted
            return False
        s = self.settings
        scorer = Scorer(self.reference, snapshot, model, bands=Bands(s.band_medium, s.band_high),
                        match_threshold=s.match_threshold, max_hops=s.max_hops)
        self._state = State(scorer, wanted[0], wanted[1], card)
        self._failed = None
        log.info("serving lists %s with model %s", *wanted)
        return True
