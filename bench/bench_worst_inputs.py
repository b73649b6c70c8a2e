"""The slowest shipments to score within the documented limits (issue "Hold under hostile input").

A random search for the worst inputs: shipments whose party names are built to be expensive to
resolve (long runs of random characters in the scripts that cost most to transliterate,
characters that NFKC expands, many one- and two-letter words, one word repeated, the words of
the most common blocking keys, listed names run together and misspelt, numbers), each shipment
at the documented limits (`service.schemas`: characters per name, parties per shipment, name
characters per shipment), scored one at a time through the in-process Scorer with the bundled
default lists, after the scorer has been warmed on ordinary shipments as a serving worker is.
The slowest shipments found are bred further (a party replaced by a fresh name of its kind or of
another), so the search climbs towards the worst. Every name is new when scored: the memos only
ever help the listed side, as in a service under attack.

    python -m bench.bench_worst_inputs [--seconds 120] [--seed 0]

The last line holds the figures as `name=value` pairs: the worst and the 99th percentile of the
time per shipment, wall clock and CPU (the machine is shared: CPU time is what the shipment
cost, wall time what it waited), the number of shipments scored, the longest garbage-collection
pause inside a shipment and between two (where a gunicorn worker runs its full collections), the
load average.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import os
import random
import time
import unicodedata
from collections.abc import Callable

import numpy as np
from marshmallow import ValidationError

from bench.bench_names import typo
from bench.common import prepared_home, report, sample_shipments
from features import bulk
from features.matching import names
from features.reference import load_reference
from features.snapshot.reader import Snapshot
from service.runtime import Runtime
from service.schemas import MAX_NAME_CHARS, MAX_PARTIES, MAX_PARTY_NAME, ShipmentSchema

SHIPMENT = ShipmentSchema()
# Scripts by the code points of their letters (the costliest to transliterate among them).
SCRIPTS = {
    "han": (0x4E00, 0x9FFF), "han_ext_b": (0x20000, 0x2A6DF), "hangul": (0xAC00, 0xD7A3), "greek": (0x3B1, 0x3C9),
    "armenian": (0x561, 0x586), "georgian": (0x10D0, 0x10FA), "latin_ext": (0x100, 0x24F), "cyrillic_ext": (0x450, 0x4FF),
    "thai": (0xE01, 0xE2E), "katakana": (0x30A1, 0x30FA), "ethiopic": (0x1200, 0x135A), "arabic": (0x621, 0x64A),
    "devanagari": (0x915, 0x939), "tamil": (0xB95, 0xBB9),
}
LATIN = "abcdefghijklmnopqrstuvwxyz"
BREED = 24  # slowest shipments kept to breed from


class Names:
    """Generators of expensive names, by kind; each gives a name of at most `size` characters."""

    def __init__(self, snapshot: Snapshot, rng: random.Random):
        self.rng = rng
        self.letters = {script: [chr(c) for c in range(a, b + 1) if unicodedata.category(chr(c))[0] == "L"]
                        for script, (a, b) in SCRIPTS.items()}
        # Characters whose NFKC form is longest (ligatures, squared words, spelled-out symbols).
        expanding = [chr(c) for c in range(0x80, 0x30000) if len(unicodedata.normalize("NFKC", chr(c))) >= 4]
        self.expanding = sorted(expanding, key=lambda ch: -len(unicodedata.normalize("NFKC", ch)))[:400]
        self.common = common_words(snapshot, 300)
        rows = rng.sample(range(len(snapshot)), min(5000, len(snapshot)))
        self.listed = [snapshot.record(row)["names"][0] for row in rows]
        self.kinds: dict[str, Callable[[int], str]] = {
            **{f"script_{script}": (lambda size, s=script: self.script(s, size)) for script in SCRIPTS},
            **{f"words_{script}": (lambda size, s=script: self.script_words(s, size))
               for script in ("han", "hangul", "greek", "latin_ext")},
            "expanding": self.expanding_chars, "one_letter_words": lambda size: self.short_words(size, 1),
            "two_letter_words": lambda size: self.short_words(size, 2), "random_words": self.random_words,
            "repeated_word": self.repeated_word, "common_words": self.common_words, "listed_run_together": self.listed_names,
            "listed_misspelt": self.misspelt, "numbered": self.numbered,
        }

    def script(self, script: str, size: int) -> str:
        return "".join(self.rng.choice(self.letters[script]) for _ in range(size))

    def script_words(self, script: str, size: int) -> str:
        return self._words(size, lambda: self.script(script, self.rng.randint(1, 4)))

    def expanding_chars(self, size: int) -> str:
        return "".join(self.rng.choice(self.expanding) for _ in range(size))

    def short_words(self, size: int, length: int) -> str:
        alphabet = self.rng.choice([LATIN, "".join(self.letters["greek"]), "абвгдежзиклмнопрстуфхцчшщыэюя"])
        return self._words(size, lambda: "".join(self.rng.choice(alphabet) for _ in range(length)))

    def random_words(self, size: int) -> str:
        return self._words(size, lambda: "".join(self.rng.choice(LATIN) for _ in range(self.rng.randint(2, 9))))

    def repeated_word(self, size: int) -> str:
        word = self.rng.choice(self.common + ["ivan", "trading", "group", "al", "bin"])
        return self._words(size, lambda: word)

    def common_words(self, size: int) -> str:
        return self._words(size, lambda: self.rng.choice(self.common))

    def listed_names(self, size: int) -> str:
        return self._words(size, lambda: self.rng.choice(self.listed))

    def misspelt(self, size: int) -> str:
        return self._words(size, lambda: typo(self.rng.choice(self.listed), self.rng))

    def numbered(self, size: int) -> str:
        pieces = [lambda: self.rng.choice(self.common), lambda: str(self.rng.randint(1, 99)),
                  lambda: self.rng.choice(["ii", "iii", "iv", "vi", "xi"]),
                  lambda: typo(self.rng.choice(self.listed), self.rng)]
        return self._words(size, lambda: self.rng.choice(pieces)())

    def _words(self, size: int, word: Callable[[], str]) -> str:
        out = word()[:size]
        while len(out) < size:
            nxt = word()
            if len(out) + 1 + len(nxt) > size:
                break
            out += " " + nxt
        return out


def common_words(snapshot: Snapshot, count: int) -> list[str]:
    """The listed words whose blocking keys bring the most names."""
    vocab = snapshot.vocab
    positions, offsets = vocab._block
    posting = np.diff(snapshot._block[1])
    sizes = [int(posting[positions[offsets[i]: offsets[i + 1]]].max(initial=0)) for i in range(len(vocab.words))]
    return [vocab.words[i] for i in np.argsort(sizes)[::-1][:count].tolist()]


class Collector:
    """The time the cyclic garbage collector takes, in ms: its pauses come with the size of the
    heap (the matcher's memos), not with the shipment they fall in, so they are counted apart,
    those inside a shipment's scoring apart from the full collections run between shipments as a
    serving worker runs them between requests (`features.bulk.collect_when_due`)."""

    def __init__(self):
        self.total = 0.0
        self.longest = {"inside": 0.0, "between": 0.0}
        self.where = "inside"
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = (time.perf_counter() - self._started) * 1000
            self.total += pause
            self.longest[self.where] = max(self.longest[self.where], pause)

    def between(self) -> None:
        """What a worker does after answering a request."""
        self.where = "between"
        bulk.collect_when_due()
        self.where = "inside"


class Search:
    """Shipments made of generated names, scored and bred from the slowest."""

    def __init__(self, scorer, generator: Names, rng: random.Random):
        self.scorer, self.names, self.rng = scorer, generator, rng
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.slowest: list[tuple[float, int, list[tuple[str, str]]]] = []  # (cpu ms, serial, [(kind, name)]), a min-heap
        self.serial = 0
        self.by_kind: dict[str, float] = {}  # the most CPU ms a shipment of names of one kind took
        self.collector = Collector()

    def fresh(self) -> list[tuple[str, str]]:
        """A shipment's parties as (kind, name): one to the most parties, the names filling the budget."""
        parties = self.rng.choice([1, 2, MAX_NAME_CHARS // MAX_PARTY_NAME, 10, 25, MAX_PARTIES, self.rng.randint(1, MAX_PARTIES)])
        kinds = [self.rng.choice(list(self.names.kinds))] if self.rng.random() < 0.7 else list(self.names.kinds)
        return [self.party(self.rng.choice(kinds), self._size(parties)) for _ in range(parties)]

    def bred(self) -> list[tuple[str, str]]:
        """A slow shipment with each party renewed: most of its own kind, some of another."""
        _, _, parent = self.rng.choice(self.slowest)
        kinds = list(self.names.kinds)
        return [self.party(kind if self.rng.random() < 0.8 else self.rng.choice(kinds), max(1, len(name)))
                for kind, name in parent]

    def party(self, kind: str, size: int) -> tuple[str, str]:
        return kind, self.names.kinds[kind](min(size, MAX_PARTY_NAME)) or "x"

    def _size(self, parties: int) -> int:
        return min(MAX_PARTY_NAME, MAX_NAME_CHARS // parties)

    def score(self, parties: list[tuple[str, str]]) -> None:
        self.serial += 1
        try:
            shipment = SHIPMENT.load({
                "shipment_id": f"W{self.serial}", "date": "2024-05-02", "destination_country": "KZ",
                "items": [{"hs_code": "8542.31", "value": 1000.0}],
                "parties": [{"role": "consignee" if i == 0 else "shipper", "name": name, "country": "KZ"}
                            for i, (_, name) in enumerate(parties)]})
        except ValidationError:  # beyond the documented limits (or a name without a letter): not a valid request
            return
        collected = self.collector.total
        wall, cpu = time.perf_counter(), time.thread_time()
        self.scorer.assess([shipment])
        cpu, wall = (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        cpu -= self.collector.total - collected
        self.collector.between()
        self.wall.append(wall)
        self.cpu.append(cpu)
        kinds = {kind for kind, _ in parties}
        if len(kinds) == 1:
            [kind] = kinds
            self.by_kind[kind] = max(cpu, self.by_kind.get(kind, 0.0))
        entry = (cpu, self.serial, parties)
        if len(self.slowest) < BREED:
            heapq.heappush(self.slowest, entry)
        elif cpu > self.slowest[0][0]:
            heapq.heapreplace(self.slowest, entry)

    def run(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.score(self.bred() if len(self.slowest) >= BREED and self.rng.random() < 0.6 else self.fresh())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to search")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    home = prepared_home()
    ordinary = sample_shipments(2000)
    names.warm_up()
    scorer = Runtime(home, load_reference()).current().scorer
    scorer.assess(ordinary)  # caches warm as a serving worker's are
    bulk.defer_full_collections()  # as in a gunicorn worker after its fork
    search = Search(scorer, Names(scorer.snapshot, rng), rng)
    search.run(args.seconds)
    wall, cpu = np.array(search.wall), np.array(search.cpu)
    by_kind = sorted(search.by_kind.items(), key=lambda kv: -kv[1])
    print("# worst CPU ms by kind: " + ", ".join(f"{kind} {ms:.1f}" for kind, ms in by_kind))
    worst = max(search.slowest)
    kinds = sorted({kind for kind, _ in worst[2]})
    print(f"# slowest: {len(worst[2])} parties of {', '.join(kinds)}, {sum(len(n) for _, n in worst[2])} characters; "
          f"first name {worst[2][0][1][:60]!r}")
    report("worst-inputs", {
        "shipments": len(cpu), "worst_ms": round(float(wall.max()), 2), "p99_ms": round(float(np.percentile(wall, 99)), 2),
        "worst_cpu_ms": round(float(cpu.max()), 2), "p99_cpu_ms": round(float(np.percentile(cpu, 99)), 2),
        "p50_cpu_ms": round(float(np.percentile(cpu, 50)), 2), "gc_pause_max_ms": round(search.collector.longest["inside"], 2),
        "gc_between_max_ms": round(search.collector.longest["between"], 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    })


if __name__ == "__main__":
    main()
