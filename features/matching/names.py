"""Names across scripts, legal forms and transliterations, reduced to comparable keys.

"ТОО «Аспан Арба»", "TOO Aspan Arba" and "Aspan Arba LLP" share one key; "Nebesnaya Mekhanika"
and "Nebesnaya Mejanica" differ by a transliteration the skeleton folds away. rigour does
script detection, transliteration, legal-form removal and edit distances; the skeleton, the
homoglyph repair and the token alignment are ours, because no library folds the romanisations
of Russian in English, French, German and Spanish together.

Scoring, in `compare_names`: the words of the two names are aligned regardless of order, and
the score is the share of the names' weight (longer words weigh more) that the aligned pairs
cover. A word on one side only costs little when the other name is a subset of this one (a
dropped patronymic or middle name, a branch suffix) and costs fully when both names keep words
the other lacks: two different given names are evidence of two different people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rigour import env as rigour_env
from rigour.names import NameTypeTag, SymbolCategory, analyze_names, remove_org_types
from rigour.text.distance import raw_levenshtein
from rigour.text.translit import ascii_text

from features.matching import translit_han
from features.matching.glossary import glossary, place_stem
from features.matching.numbers import digits
from features.matching.rules import (ABRIDGED_LENGTH, AFFIX_KEY_LENGTH, AFFIX_LENGTH, ARTICLES, CONFLICT_COST, CONSONANT_KEY_LENGTH,
                                     CONSONANTS_SIMILARITY, DIFFERENT_NUMBERS, EXTRA_COST, EXTRA_LEGAL_FORMS, FLOOR, GENERIC_WEIGHT,
                                     INITIAL_SIMILARITY, NAME_SUFFIXES, ONE_SIDED_NUMBERS, PATRONYMIC_PARTICLES,
                                     PERSON_EXTRA_COST, PERSON_SCHEMAS, PREFIX_SIMILARITY, SAME_NAME_SIMILARITY,
                                     SKELETON_SIMILARITY, STOPWORDS, TYPO_COST, length_weight)
from features.matching.translit import ascii_word

_GENERIC_SYMBOLS = frozenset({SymbolCategory.SYMBOL, SymbolCategory.DOMAIN, SymbolCategory.ORG_CLASS})
_NAME_SYMBOLS = frozenset({SymbolCategory.NAME, SymbolCategory.NICK})
_PATRONYMIC_SUFFIX = re.compile(r"(ovich|evich|ovna|evna|ichna)$")
GIVEN, PATRONYMIC = "given", "patronymic"

# Letters that look alike across Latin, Cyrillic and Greek, for names typed with mixed
# keyboards or spoofed on purpose (Unicode's confusables, reduced to what occurs in names).
_CYR_TO_LAT = str.maketrans("аеорсхукмтвнѕіјԁһԛԝ", "aeopcxykmtbhsijdhqw")
_LAT_TO_CYR = str.maketrans("aeopcxykmtbh", "аеорсхукмтвн")
_GRK_TO_LAT = str.maketrans("αεορτυικνχβμ", "aeoptuiknxbm")
# Digits read for letters by OCR or typed on purpose ("KARIM0V"), in words that are mostly letters.
_DIGIT_TO_LAT = str.maketrans("01", "oi")
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_INNER_HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")
_ROMAN = re.compile(r"^(?=[ivx]{2,})x{0,3}(ix|iv|v?i{0,3})$")
_VOWELS = re.compile(r"[aeiou]")
_LATIN = re.compile(r"[a-z]")
_SKELETON_RULES = [  # applied in order on an ASCII token; see `skeleton`
    (re.compile(r"shch|sch"), "sh"), (re.compile(r"tsch|tch"), "ch"), (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"), (re.compile(r"(?<=i)j$|(?<=y)j$"), ""), (re.compile(r"j"), "h"),
    (re.compile(r"ph"), "f"), (re.compile(r"w"), "v"), (re.compile(r"x"), "ks"), (re.compile(r"q"), "k"),
    (re.compile(r"t+[sz]"), "c"), (re.compile(r"ck"), "k"), (re.compile(r"c(?=[ei])"), "s"), (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"y"), "i"), (re.compile(r"i(?=[aeu])"), ""), (re.compile(r"ou|oo"), "u"), (re.compile(r"ee"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]
# For each rule, substrings of which every match of its pattern contains one: a rule whose
# substrings are all absent from the token cannot change it, so its regex is not run (a cold
# skeleton went from ~10 to ~3 µs; most rules do not apply to a given word). "" is in every token.
_SKELETON_GUARDS = [
    ("ch",), ("ch",), ("zh", "dj"), ("kh",), ("j",), ("j",), ("ph",), ("w",), ("x",), ("q",),
    ("ts", "tz"), ("ck",), ("c",), ("c",), ("y",), ("i",), ("o",), ("ee",), ("",),
]
_SKELETON_STEPS = [(pattern.sub, repl, guards) for (pattern, repl), guards in zip(_SKELETON_RULES, _SKELETON_GUARDS)]


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name as comparable tokens: ASCII, lower case, legal forms and stopwords removed."""

    tokens: tuple[str, ...]

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(t for t in self.tokens if t.isdigit())

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if not t.isdigit())


def clean_text(text: str) -> str:
    """NFKC, case-folded, without control, format (zero-width, bidi) or punctuation characters."""
    return _NON_WORD.sub(" ", _visible(text)).replace("_", " ").strip()


def _visible(text: str) -> str:
    """NFKC and case-folded, without control and format characters (zero-width, bidi marks).

    Format characters are invisible, so a name carrying them must read as the name without.
    A printable text (most names) has none of them, so it is not walked character by character.
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text.casefold()


@lru_cache(maxsize=200_000)
def _protected_word(word: str) -> str:
    """One space-separated word kept whole through rigour's legal-form removal, which cuts at
    apostrophes and hyphens; its look-alike letters mapped to one script (`_fix_homoglyphs`).

    "Ky'ong" is no Finnish "ky" and "Ала-Тоо" no Kazakh "ТОО": apostrophes go, and hyphens inside
    words become underscores, which the tokenizer splits on afterwards. A Roman numeral gets a
    leading underscore, because rigour's table has "II" as a legal form and "Fund II" is a series.
    Cached: the words of names recur far more than the names do. Empty when the word was only
    apostrophes.
    """
    if word.isalpha() and "\u02bc" not in word:  # letters only (ʼ is one): nothing to remove or split
        return _fix_homoglyphs("_" + word if _ROMAN.match(word) else word)
    word = _INNER_HYPHEN.sub("_", _APOSTROPHES.sub("", word))
    if not word:
        return word
    return _fix_homoglyphs("_" + word if _ROMAN.match(_NON_WORD.sub("", word)) else word)


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The ASCII, lower-case tokens of one word left by legal-form removal; none if it is a legal form."""
    if word.isascii() and word.isalpha():  # Latin letters only: nothing to transliterate or split
        word = word.lower()
        return () if word in EXTRA_LEGAL_FORMS else (word,)
    word = ascii_word(word).lower()  # rigour's ascii_text, faster on Cyrillic (features/matching/translit.py)
    return () if _is_legal_form(word) else tuple(_NON_WORD.sub(" ", word).replace("_", " ").split())


def _fix_homoglyphs(token: str) -> str:
    """Map look-alike letters of a mixed-script token to the script most of its letters are in."""
    if not _LATIN.search(token) or (token.isascii() and "0" not in token and "1" not in token):
        return token  # no Latin letter to map, or Latin alone without a look-alike digit
    cyrillic = sum(1 for ch in token if "\u0400" <= ch <= "\u04ff")
    greek = sum(1 for ch in token if "\u0370" <= ch <= "\u03ff")
    latin = sum(1 for ch in token if "a" <= ch <= "z")
    digits = sum(1 for ch in token if ch in "01")
    if digits and latin >= 3 * digits and not any(ch.isdigit() and ch not in "01" for ch in token):
        token = token.translate(_DIGIT_TO_LAT)
    if cyrillic and latin:
        token = token.translate(_LAT_TO_CYR if cyrillic > latin else _CYR_TO_LAT)
    if greek and latin:
        token = token.translate(_GRK_TO_LAT)
    return token


def _is_legal_form(token: str) -> bool:
    return _NON_WORD.sub("", token) in EXTRA_LEGAL_FORMS


def protected_text(name: str) -> str:
    """A name's visible text with each word kept whole through legal-form removal (`_protected_word`)."""
    return " ".join(filter(None, map(_protected_word, _visible(name).split())))


@lru_cache(maxsize=200_000)
def name_key(name: str) -> NameKey:
    """The comparable key of a name, in any script.

    Legal forms are removed on whole, space-separated words only, so that "Ала-Тоо" keeps its
    "тоо"; rigour sees the text with its punctuation, which it needs for "Sp. z o.o.". Numbers
    written as words become digits (`numbers`), the common words of company names their
    English translation (`glossary`: "zavod" is "plant"), and Russian adjectives of a place the
    place ("Muromskiy" is "Murom").
    """
    text = protected_text(name)
    tokens = [t for w in remove_org_types(text).split() for t in _word_tokens(w)]
    tokens = list(digits(tokens) or tokens)
    tokens = list(glossary(skeleton).translate(tokens) or tokens)
    tokens = [place_stem(t) for t in tokens]
    core = [t for t in tokens if t not in STOPWORDS]
    if not core:  # the whole name was a legal form or a stopword: keep what there was
        core = tokens or clean_text(ascii_text(text).lower()).split()
    return NameKey(tuple(core))


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Fold romanisation variants of one token: kh/h/j, ya/ia/a, -ev/-yev/-iev, c/k, ts/tz/c (Ц:
    "tsentr", "centr"; "МЦСТ" read "mtsst" is "MCST"), w/v, doubles.

    "mekhanika" and "mejanica" both become "mehanika"; "yevgeniy" and "evgenii" become "evgeni".
    Snapshots store the skeletons of listed names (`features.matching.skeletons`): a change here
    needs a bump of `features.snapshot.meta.FORMAT`.
    """
    for sub, repl, guards in _SKELETON_STEPS:
        for guard in guards:
            if guard in token:
                token = sub(repl, token)
                break
    return token


# Rigour compares this many letters of a word at most.
_MAX_NAME_LENGTH = rigour_env.MAX_NAME_LENGTH


def _levenshtein(a: str, b: str) -> int:
    """rigour's `levenshtein` without its memo: the same distance (its native function on the same
    truncated strings), but a cache miss there costs ~4 µs against 0.3 µs for the distance itself,
    and the pairs of a resolution are mostly new."""
    if a == b:
        return 0
    return raw_levenshtein(a[:_MAX_NAME_LENGTH], b[:_MAX_NAME_LENGTH])


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two adjacent letters counted as one edit ("Schloz")."""
    d = _levenshtein(a, b)
    if d == 2 and len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return 1
    return d


def _stems(a: str, b: str) -> tuple[str, str]:
    """The two words without the name-forming ending they share, if any (`NAME_SUFFIXES`).

    The ending is common to thousands of names, so it must not make "Jónsdóttir" and
    "Tómasdóttir", the daughters of two fathers, look like one name with a typo.
    """
    if not (a.endswith(NAME_SUFFIXES) and b.endswith(NAME_SUFFIXES)):  # most words: no loop
        return a, b
    for suffix in NAME_SUFFIXES:
        if a.endswith(suffix) and b.endswith(suffix) and min(len(a), len(b)) > len(suffix):
            return a[: -len(suffix)], b[: -len(suffix)]
    return a, b


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two words in [0, 1]: spelling first (`spelling_rule`), then whether
    rigour's name database files both under one name (`SAME_NAME_SIMILARITY`)."""
    return token_rule(a, b)[0]


def token_rule(a: str, b: str) -> tuple[float, str]:
    """`token_similarity` with the rule that gave it ("same name" for the name ids')."""
    edit, rule = spelling_rule(a, skeleton(a), b, skeleton(b))
    if edit < SAME_NAME_SIMILARITY and len(a) > 1 and len(b) > 1:
        a, b = _stems(a, b)
        # `a` is the query's word in resolution, the same for every candidate, so its name ids are
        # looked up (and cached) once; most words have none, which spares the lookup of `b`'s.
        if (ids := name_ids(a)) and ids & name_ids(b):
            return SAME_NAME_SIMILARITY, "same name"
    return edit, rule


_ABRIDGED_MOST = max(PREFIX_SIMILARITY, CONSONANTS_SIMILARITY)


def spelling_similarity(a: str, sa: str, b: str, sb: str, need: float = 0.0) -> float:
    """The rules of `token_similarity` but the name ids', from both words and their skeletons
    (`spelling_rule`, which states them): what the bounds call too (`features.matching.bound`)."""
    return spelling_rule(a, sa, b, sb, need)[0]


def spelling_rule(a: str, sa: str, b: str, sb: str, need: float = 0.0) -> tuple[float, str]:
    """(similarity, the rule that gave it) by the spelling rules: the one statement of them in
    Python, read by the scorer, both bounds and the match evidence (`explain`).

    Equal spellings, then equal skeletons; an initial ("v") matches the words it starts; else
    the edit distance of the words or of their skeletons, whichever is smaller (of their stems
    when both end in one name-forming suffix, `_stems`), raised for the shapes names take when
    abridged: a word without vowels ("mhmmd", or Arabic script's "mhmd") matches a word with those
    consonants, written or in its skeleton ("mohammed", "mohamed"; not a word without vowels
    either, as acronyms are: "csyc" is no "ksk"), a truncated
    word ("alexa") its start, unless only the longer is a patronymic ("Ivanov" is a surname,
    not "Ivanovich" cut short). These get less than a full match, because they say less.

    Below `need`, the value returned is only an upper bound (words whose lengths alone keep them
    apart are not compared letter by letter); at `need` or above, it is exact.
    """
    if a == b:
        return 1.0, "same"
    if sa == sb:
        return SKELETON_SIMILARITY, "transliteration"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)  # sorted((a, b), key=len), which is stable
    long_sk = sb if len(a) <= len(b) else sa
    if len(short) == 1:
        return (INITIAL_SIMILARITY, "initial") if long_[0] == short else (0.0, "different")
    stemmed = a.endswith(NAME_SUFFIXES) and b.endswith(NAME_SUFFIXES)
    if stemmed:
        a, b = _stems(a, b)
        sa, sb = skeleton(a), skeleton(b)
    la, lb, lsa, lsb = len(a), len(b), len(sa), len(sb)
    longest = max(la, lb, lsa, lsb)
    gap = min(abs(la - lb), abs(lsa - lsb))
    if need and longest < _MAX_NAME_LENGTH and gap > (1.0 - need) * longest / TYPO_COST:
        # Both distances (of words rigour does not truncate) are at least the difference in
        # length, so the similarity is below `need` whatever they are.
        edit = 1.0 - TYPO_COST * gap / longest
    else:
        d = _edits(a, b)
        if d > 1 or stemmed:  # else the skeletons' distance, at least 1 (they differ), cannot be smaller
            d = min(d, _edits(sa, sb))
        edit = 1.0 - TYPO_COST * d / longest
    rule = "spelling"
    if edit < _ABRIDGED_MOST and len(short) >= ABRIDGED_LENGTH:
        if edit < PREFIX_SIMILARITY and long_.startswith(short) and not _only_patronymic(long_, short):
            edit, rule = PREFIX_SIMILARITY, "abridged"
        if edit < CONSONANTS_SIMILARITY and not _VOWELS.search(short) and (_VOWELS.sub("", long_) == short or (
                _VOWELS.search(long_) and _VOWELS.sub("", long_sk) == short)):
            edit, rule = CONSONANTS_SIMILARITY, "consonants"
    return edit, rule


def _only_patronymic(word: str, other: str) -> bool:
    """Whether `word` has a patronymic's ending and `other` has none ("ivanovich", "ivanov")."""
    return bool(_PATRONYMIC_SUFFIX.search(word)) and not _PATRONYMIC_SUFFIX.search(other)


@lru_cache(maxsize=200_000)
def name_roles(tokens: tuple[str, ...]) -> tuple[str | None, ...]:
    """The role of each word of a person's name where its structure shows it, else None.

    Hand-written because rigour tags name parts only from structured input: in "Ahmad bin Hasan",
    the words before the first "bin" are the person's own and the word after it the father's,
    so "Hasan bin Ahmad" is his son. Russian patronymics ("Ivanovich") carry their role in their
    ending. Particles and articles themselves have none.
    """
    roles: list[str | None] = []
    seen_particle = after_particle = False
    for token in tokens:
        if token in PATRONYMIC_PARTICLES:
            seen_particle = after_particle = True
            roles.append(None)
        elif token in ARTICLES:
            roles.append(None)
        elif after_particle or _PATRONYMIC_SUFFIX.search(token):
            after_particle = False
            roles.append(PATRONYMIC)
        else:
            roles.append(None if seen_particle else GIVEN)
    if not seen_particle:  # without a particle, only the patronymic endings tell
        roles = [r if r == PATRONYMIC else None for r in roles]
    return tuple(roles)


# A letter of each script the transliterators know, whose tables load on first use (Han's: ~0.1 s).
_SCRIPTS = "ā α ж ѣ ա א ا ܐ ހ अ অ ਅ અ ଅ அ అ ಅ അ අ ก ກ ཀ က ა 가 ሀ Ꭰ ᐁ ក ᠠ あ ア ㄅ 中 ꀀ"


def warm_up() -> None:
    """Load rigour's name data and the transliterators' tables now (about 10 s, once per process):
    done in gunicorn's preloading master, every worker, a replacement for a crashed one too,
    inherits them instead of making its first request wait."""
    analyze_names(NameTypeTag.PER, ["warm"], phonetics=False, numerics=False, consolidate=False)
    analyze_names(NameTypeTag.ORG, ["warm"])
    for letter in _SCRIPTS.split():
        ascii_text(letter)
    translit_han.load()


# One empty set for the words without name ids, most of them: each set is an object the garbage
# collector walks, and the memo below holds 200,000.
NO_NAME_IDS: frozenset[str] = frozenset()


@lru_cache(maxsize=200_000)
def name_ids(token: str) -> frozenset[str]:
    """The given names and nicknames rigour knows `token` as (Wikidata ids), empty for most words."""
    names = analyze_names(NameTypeTag.PER, [token], phonetics=False, numerics=False, consolidate=False)
    ids = frozenset(span.symbol.id for name in names for span in name.spans if span.symbol.category in _NAME_SYMBOLS)
    return ids or NO_NAME_IDS


@lru_cache(maxsize=100_000)
def is_generic(token: str) -> bool:
    """Whether a word says what kind of business a company is ("trading", "shipping", "group").

    rigour's name analysis tags such words with symbols; they are shared by many unrelated
    companies, so they tell less about which company a name is than a word of its own does.
    """
    names = analyze_names(NameTypeTag.ORG, [token])
    return any(span.symbol.category in _GENERIC_SYMBOLS for name in names for span in name.spans)


@lru_cache(maxsize=200_000)
def _weight(token: str, person: bool) -> float:
    """How much a word tells: longer words are rarer, but a long word is not worth many short ones."""
    weight = length_weight(len(token))
    return weight if person or not is_generic(token) else weight * GENERIC_WEIGHT


@lru_cache(maxsize=200_000)
def _aligned(a: tuple[str, ...], b: tuple[str, ...], floor: float, extra_cost: float, person: bool) -> float:
    """Weighted share of both names covered by word pairs at least `floor` alike.

    Greedy alignment, best pairs first, so token order does not matter ("Ivanov Ivan" = "Ivan
    Ivanov"), but a person's own name never pairs with a father's name (`name_roles`). Cached:
    the parties of a trade recur from shipment to shipment. Unpaired words cost `extra_cost` of
    their weight when only one name has them, and `CONFLICT_COST` times it when both names have
    words the other lacks.
    """
    used_a, used_b, pairs = _alignment(a, b, floor)
    covered = sum(sim * (_weight(a[i], person) + _weight(b[j], person)) for sim, i, j in pairs)
    paired = sum(_weight(a[i], person) + _weight(b[j], person) for _, i, j in pairs)
    if not paired:
        return 0.0
    left_a = sum(_weight(t, person) for i, t in enumerate(a) if i not in used_a)
    left_b = sum(_weight(t, person) for j, t in enumerate(b) if j not in used_b)
    cost = CONFLICT_COST if left_a and left_b else extra_cost
    return covered / (paired + cost * (left_a + left_b))


def _alignment(a: tuple[str, ...], b: tuple[str, ...], floor: float) -> tuple[set[int], set[int], list[tuple[float, int, int]]]:
    """The word pairs `_aligned` scores, (similarity, i, j), best first, and the words paired."""
    roles_a, roles_b = name_roles(a), name_roles(b)
    pairs = sorted(
        ((token_similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
         if not (roles_a[i] and roles_b[j] and roles_a[i] != roles_b[j])),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for sim, i, j in pairs:
        if sim < floor:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((sim, i, j))
    return used_a, used_b, chosen


def _numbers(key: NameKey, schema: str | None) -> frozenset[str]:
    """Numbers in a name; Roman numerals count in names known not to be a person's.

    "Fund VIII" is not "Fund IX", but in a person's name, or one of unknown kind, "II" is a
    generational suffix and "Xi" or "Vi" a name.
    """
    if schema is None or schema in PERSON_SCHEMAS:
        return key.numbers
    return frozenset(t for t in key.tokens if t.isdigit() or _ROMAN.match(t))


@lru_cache(maxsize=500_000)
def compare_names(a: NameKey, b: NameKey, floor: float = FLOOR, schema: str | None = None) -> float:
    """Similarity of two names in [0, 1]; `schema` ("Person", "Company"...) when known.

    Cached, like the alignment: a recurring party meets the same listed names again.

    Numbers weigh: a name with a number the other lacks keeps `ONE_SIDED_NUMBERS` of its score,
    one whose numbers differ `DIFFERENT_NUMBERS` (`rules`); words are aligned regardless of
    order, and the run-together form ("aspanarba" vs "aspan arba") is tried as well. A person's
    name tolerates a missing patronymic or middle name better than a company's tolerates a
    missing word, which is often what tells a subsidiary from its parent.
    """
    na, nb = _numbers(a, schema), _numbers(b, schema)
    wa = tuple(t for t in a.words if t not in na)
    wb = tuple(t for t in b.words if t not in nb)
    if not wa or not wb:
        return 1.0 if a.tokens == b.tokens else 0.0
    person = schema in PERSON_SCHEMAS
    score = _aligned(wa, wb, floor, PERSON_EXTRA_COST if person else EXTRA_COST, person)
    if len(wa) != len(wb):
        score = max(score, token_similarity("".join(wa), "".join(wb)))
    return score * number_factor(na, nb)


def number_factor(na: frozenset[str], nb: frozenset[str]) -> float:
    """The share of a name's score its numbers leave (`rules.ONE_SIDED_NUMBERS`, `DIFFERENT_NUMBERS`)."""
    if na == nb:
        return 1.0
    return DIFFERENT_NUMBERS if na and nb else ONE_SIDED_NUMBERS


def block_keys(key: NameKey) -> set[str]:
    """Index keys of a listed name: those of its words (`word_block_keys`) and of the name as a
    whole (`name_block_keys`), or its tokens when no word brings any."""
    return {k for t in key.tokens for k in word_block_keys(t)} | set(name_block_keys(key)) or set(key.tokens)


def query_block_keys(key: NameKey, listed: Callable[[str], bool]) -> set[str]:
    """The keys a query name is looked up by, `listed` saying which words the lists have: its
    words' own (`word_block_keys`); for a word the lists lack (misspelt, run together), also the
    start and end of its skeleton (`query_word_keys`); and the name's own as a whole
    (`query_name_keys`). Or its tokens when none brings any."""
    keys = {k for t in key.tokens for k in (word_block_keys(t) if listed(t) else query_word_keys(t))}
    return keys | set(query_name_keys(key, all(map(listed, key.tokens)))) or set(key.tokens)


def query_name_keys(key: NameKey, all_listed: bool) -> tuple[str, ...]:
    """The keys of `name_block_keys` a query name is looked up by: its words run together, and
    the start and end of that only when one of its words is one the lists lack (`all_listed`
    false), since only then may the listed name be spelt otherwise; the lookup of common starts
    and ends ("inte", "tech") is what would make blocking slower."""
    keys = name_block_keys(key)
    return (keys[:1] if len(key.words) > 1 else ()) if all_listed else keys


def word_block_keys(token: str, sk: str | None = None) -> tuple[str, ...]:
    """A word's index keys: its skeleton (`sk` when known) when it is long enough to be
    selective, and not a number.

    Also its consonants when longer, so that a name whose every word has a vowel typo or another
    romanisation ("Tukayev", "Tokayev") still shares a key with the listed spelling.
    """
    if len(token) < 2 or token.isdigit():
        return ()
    sk = skeleton(token) if sk is None else sk
    # A word without vowels ("mhmd": abridged, or Arabic script's consonants) is its consonants
    # key, which a word with vowels of those consonants has ("mohammed"), however short.
    vowelless = len(token) >= ABRIDGED_LENGTH and not _VOWELS.search(token)
    return (sk, "~" + _VOWELS.sub("", sk)) if len(token) >= CONSONANT_KEY_LENGTH or vowelless else (sk,)


def query_word_keys(token: str, sk: str | None = None) -> tuple[str, ...]:
    """The keys a query's word the lists lack is looked up by: its own (`word_block_keys`) and
    the start and end of its skeleton (`affix_keys`), which listed names have as a whole
    (`name_block_keys`)."""
    sk = skeleton(token) if sk is None else sk
    own = word_block_keys(token, sk)
    return own + affix_keys(sk) if own else own


def affix_keys(sk: str) -> tuple[str, ...]:
    """The first and the last `AFFIX_LENGTH` letters of a long skeleton, as keys."""
    return ("<" + sk[:AFFIX_LENGTH], ">" + sk[-AFFIX_LENGTH:]) if len(sk) >= AFFIX_KEY_LENGTH else ()


def name_block_keys(key: NameKey) -> tuple[str, ...]:
    """The index keys of a name as a whole: the skeleton of its words run together, which is a
    one-word name's own key ("Shenyang Jingcheng", "SHEN YANG JING CHENG", "Uralvagonzavod"),
    and that run's start and end (`affix_keys`), which a query's word may share: the name
    spelt otherwise inside a word ("Radiotekhkomplekt", "Radiotexkomplekt") or run together
    in part ("Zapchast Trade", "ZAPCHASTTRADE"). Kept to the whole name, not each of its words,
    so that common word starts ("inte", "tech") do not swell the index.
    """
    words = key.words
    if not words:
        return ()
    sk = skeleton("".join(words))
    return ((sk,) if len(words) > 1 else ()) + affix_keys(sk)
