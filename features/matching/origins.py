"""Where each word of a name's key comes from, for the evidence a reviewer reads: the words of
the name as written, and what made them the key's word (transliteration from another script,
a translation or an acronym's expansion from the glossary, a number written in words, a
Russian adjective of a place).

Off the scoring path: only a match's evidence asks (`explain`). It follows `names.name_key`
stage by stage, through the same functions (`digit_spans`, `Glossary.spans`, `place_stem`);
`tests/features/matching/test_origins.py` checks that it yields exactly the key's words.
"""

from __future__ import annotations

import re

from rigour.names import remove_org_types

from features.matching.glossary import glossary, place_stem
from features.matching.names import _word_tokens, name_key, protected_text, skeleton
from features.matching.numbers import digit_spans
from features.matching.rules import STOPWORDS

Origin = tuple[str, str, tuple[str, ...]]  # (the key's word, the words written, the rules applied)
_EDGES = re.compile(r"^\W+|\W+$")  # quotes and brackets around a word
ACRONYM_LETTERS = 5  # a glossary entry of one word this short that stands for several is an acronym ("uav", "bpla")


def _written(word: str) -> str:
    """A word as the name writes it (the underscores `_protected_word` adds undone)."""
    return _EDGES.sub("", word.lstrip("_").replace("_", "-"))


def _merge(items: list[Origin], start: int, length: int, words: tuple[str, ...], rule: str | None) -> list[Origin]:
    """The origins of `words`, which stand for items[start:start + length]."""
    part = items[start:start + length]
    if length == 1 and words == (part[0][0],):
        return part  # kept as it was
    source = " ".join(dict.fromkeys(written for _, written, _ in part))
    rules = tuple(dict.fromkeys(r for _, _, applied in part for r in applied)) + ((rule,) if rule else ())
    return [(word, source, rules) for word in words]


def _glossary_rule(written: list[str], words: tuple[str, ...]) -> str:
    return "acronym" if len(written) == 1 and len(written[0]) <= ACRONYM_LETTERS and len(words) > 1 else "translation"


def origins(name: str) -> list[Origin]:
    """(word, written as, rules) for each word of `name_key(name)`, in its order."""
    items: list[Origin] = [(token, _written(word), () if word.isascii() else ("transliteration",))
                           for word in remove_org_types(protected_text(name)).split() for token in _word_tokens(word)]
    tokens = [t for t, _, _ in items]
    if (numbers := digit_spans(tokens)) is not None:
        items = [o for i, n, token in numbers for o in _merge(items, i, n, (token,), "number in words")]
        tokens = [t for t, _, _ in items]
    if (phrases := glossary(skeleton).spans(tokens)) is not None:
        items = [o for i, n, words in phrases for o in _merge(items, i, n, words, _glossary_rule(tokens[i:i + n], words))]
    items = [(place_stem(t), written, applied + (("place adjective",) if place_stem(t) != t else ()))
             for t, written, applied in items]
    core = [o for o in items if o[0] not in STOPWORDS]
    if [t for t, _, _ in core] != list(name_key(name).tokens):  # the key's fallbacks: a name of legal forms alone
        return [(t, t, ()) for t in name_key(name).tokens]
    return core
