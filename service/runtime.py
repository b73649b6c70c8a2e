"""What a worker serves with: the active lists snapshot and model, swapped atomically.

Every request takes one `State` at its start and uses it throughout, so a request never mixes
two snapshots or two models. Workers notice a newly activated version by re-reading the two
ACTIVE pointers at most once per `reload_interval`. The lists and the model switch each on its
own, and only to a version that loads: one that fails to load in any way, or a pointer that names
no version, is logged and refused, the one served keeps serving, and `refused` names it (for
/readyz) until the pointer names what serves or a version that loads. So the decision depends on
the files alone: workers reading the same pointers switch to the same versions and refuse the
same ones, whatever each served before (a stale fork of the master included).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from features.bulk import freeze_after_full_collections, freeze_long_lived
from features.reference import Reference
from features.resolve import Resolver
from features.snapshot.reader import Snapshot, SnapshotError
from model.serving.persist import ModelFileError, load_model
from model.serving.scorer import Bands, Scorer
from service.home import Home
from service.registry import Registry, RegistryError
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


# What `refused` names for an ACTIVE pointer that names no version (the reason is in the logs).
INVALID_POINTER = "(invalid pointer)"
# Failures that are a verdict on the files, logged without a traceback; any other is logged with one.
REFUSALS = (SnapshotError, ModelFileError, RegistryError)


class Runtime:
    def __init__(self, home: Home, reference: Reference):
        self.home, self.reference = home, reference
        self.settings = home.settings
        self._state: State | None = None
        self._checked = float("-inf")
        self._failed: tuple[str | None, str | None] | None = None
        self._tried: dict[str, str] = {}  # per kind, the version refused: not loaded again while activated
        self._lock = threading.Lock()
        freeze_after_full_collections()  # full collections stay short while the memos grow

    @property
    def refused(self) -> dict | None:
        """The activated lists and model versions, if one of them did not load and the previous one serves."""
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
        """Switch the lists and the model each to what its pointer names, if that loads; whether
        the state changed."""
        state = self._state
        served_lists = state and (state.lists_version, state.scorer.resolver)  # its memo kept across model switches
        served_model = state and (state.model_version, (state.scorer.model, state.model_card))
        lists, refused_lists = self._pick("lists", self.home.lists, served_lists, self._resolver)
        model, refused_model = self._pick("model", self.home.models, served_model, load_model)
        self._failed = (refused_lists or (lists and lists[0]), refused_model or (model and model[0])) \
            if refused_lists or refused_model else None
        if lists is None or model is None or (lists is served_lists and model is served_model):
            return False
        (lists_version, resolver), (model_version, (loaded, card)) = lists, model
        s = self.settings
        scorer = Scorer(self.reference, resolver, loaded, bands=Bands(s.band_medium, s.band_high), max_hops=s.max_hops)
        self._state = State(scorer, lists_version, model_version, card)
        log.info("serving lists %s with model %s", lists_version, model_version)
        return True

    def _resolver(self, path: Path) -> Resolver:
        return Resolver(Snapshot(path), self.settings.match_threshold)

    def _pick(self, kind: str, registry: Registry, served: tuple[str, Any] | None,
              load: Callable[[Path], Any]) -> tuple[tuple[str, Any] | None, str | None]:
        """What to serve of one kind, (version, what `load` made of it), and the version refused
        (None if none is): the version the pointer names if it serves or loads, else `served`."""
        try:
            wanted = registry.active()
        except RegistryError as exc:
            return served, self._refuse(kind, INVALID_POINTER, exc)
        if wanted is None or (served and served[0] == wanted):
            self._tried.pop(kind, None)
            return served, None
        if self._tried.get(kind) == wanted:
            return served, wanted
        try:
            loaded = load(registry.path(wanted))
        except Exception as exc:  # every way a version can fail to load means it is not served
            return served, self._refuse(kind, wanted, exc)
        self._tried.pop(kind, None)
        return (wanted, loaded), None

    def _refuse(self, kind: str, version: str, exc: Exception) -> str:
        """Record `version` of `kind` as refused, logging why the first time."""
        if self._tried.get(kind) != version:
            log.error("not switching to %s %s: %s", kind, version, exc, exc_info=not isinstance(exc, REFUSALS))
            self._tried[kind] = version
        return version
