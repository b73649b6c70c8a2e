"""The matcher's rulebook: every number and word list of name matching, in one place.

As nomenklatura keeps its weights and magic numbers together: the scorer (`names`), the two
bounds that rule candidates out before it runs (`bound`, and `prefilter` with its C), resolution
(`features.resolve`) and the snapshot's blocking index all read them here, and the C extension
receives each of its numbers from `C_RULES` when it is imported (`prefilter`), so a rule changed
here changes everywhere; `tests/features/matching/test_rules.py` fails if C holds other values.
A change to a rule that shapes what snapshots store (the skeleton, the blocking keys) needs a
bump of `features.snapshot.meta.FORMAT`.
"""

from __future__ import annotations

# --- Decisions -------------------------------------------------------------------------------
# The score above which two names are taken to be the same party (see `evaluate`).
MATCH_THRESHOLD = 0.83
# The least similarity at which two words are paired at all (`compare_names`'s floor).
FLOOR = 0.6
# A name match in another country than the listed entity's is weaker evidence: its score times this.
OTHER_COUNTRY = 0.9

# --- Word similarity (`names.token_similarity`), best rule first -----------------------------
# Two spellings of one romanisation ("mekhanika", "mejanica"): their skeletons are equal.
SKELETON_SIMILARITY = 0.95
# Two words that rigour's name database (from Wikidata) files under one name ("Ted" and
# "Theodore", "Sergejs" and "Sergey") are one name in two forms, whatever their spelling.
SAME_NAME_SIMILARITY = 0.9
# An initial ("v") matches the words it starts.
INITIAL_SIMILARITY = 0.85
# A word without vowels ("mhmmd") matches a word of those consonants, when at least `ABRIDGED_LENGTH` long.
CONSONANTS_SIMILARITY = 0.85
# A truncated word ("alexa") matches its start, when at least `ABRIDGED_LENGTH` long.
PREFIX_SIMILARITY = 0.8
ABRIDGED_LENGTH = 3
# Each edit (a swap of two adjacent letters counts once) costs this share of the longest spelling.
TYPO_COST = 1.0

# --- Name similarity (`names.compare_names`) -------------------------------------------------
# How much a word tells: min(length, WEIGHT_CAP) ** WEIGHT_POWER, longer words being rarer, but
# a long word not worth many short ones; a word rigour files as generic ("trading", "group") in a
# company's name weighs GENERIC_WEIGHT of that.
WEIGHT_CAP = 8
WEIGHT_POWER = 0.5
GENERIC_WEIGHT = 0.5
# Unpaired words cost this share of their weight when only one name has them (a dropped middle
# name, a branch suffix), a person's less than a company's; CONFLICT_COST when both names keep
# words the other lacks (two different given names are two people). A higher company cost
# refuses namesakes sharing a common word but loses spellings that drop a word (BENCHMARKS.md).
EXTRA_COST = 0.7
PERSON_EXTRA_COST = 0.3
CONFLICT_COST = 1.5
# The share of its score a name keeps when it has a number the other lacks ("Fund 2", "Fund").
ONE_SIDED_NUMBERS = 0.8
# ... and when both have numbers that differ ("Fund III", "Fund IV"; "Snow Storm 1", "Snow Storm
# 2"): more often two of one series (one sponsor, one owner) than strangers, so a match to review,
# just, when every word agrees, and none otherwise (nomenklatura's logic-v2 also weighs a number
# mismatch against a match rather than ruling it out).
DIFFERENT_NUMBERS = 0.85

# --- Words ------------------------------------------------------------------------------------
# Legal forms that rigour's table lacks or only knows in one script (checked against rigour
# 2.6.1), in their ASCII transliteration so that every script is covered by one entry: Kazakh
# TOO/ТОО and ЖШС (LLP), Kyrgyz ОсОО and ЖЧК, Uzbek MChJ/МЧЖ and XK, entrepreneurs IP/ИП/ЖК,
# Ukrainian ТОВ and ПП, Russian ООО/ОАО/ЗАО/ПАО/АО, and English forms rigour keeps.
EXTRA_LEGAL_FORMS = frozenset({
    "too", "zhshs", "osoo", "zhchk", "mchj", "mchzh", "xk", "ip", "zhk", "tov", "pp", "chp",
    "ooo", "oao", "zao", "pao", "ao", "jsc", "pjsc", "ojsc", "cjsc", "llc", "llp", "ltd",
    "inc", "corp", "corporation", "company", "co", "incorporated", "limited", "plc",
})
# "ve" and "va": Turkish and Uzbek "and".
STOPWORDS = frozenset({"the", "of", "and", "for", "de", "la", "el", "und", "i", "y", "et", "ve", "va"})
PERSON_SCHEMAS = frozenset({"Person"})
# Words that say the next name is the father's ("Salman bin Muhammad") and articles that may
# come between ("bin al-Din"); see `names.name_roles`.
PATRONYMIC_PARTICLES = frozenset({"bin", "ibn", "bint", "binti", "ben", "ould", "walad"})
ARTICLES = frozenset({"al", "el", "ad", "ud"})
# Endings that form patronymics, clan and compound names from a stem ("Jónsdóttir", "Hamidullah",
# "Shamsuddin", "Margoshvili"): two names sharing one differ only in their stems.
NAME_SUFFIXES = ("dottir", "ovich", "evich", "ovna", "evna", "ullah", "uddin", "shvili", "zadeh", "oglu", "enko")

# --- Work -------------------------------------------------------------------------------------
# The words of a query that blocking and comparison read, whatever its length (a name of 300
# Chinese characters is 300 words), so that no name costs more than such a one.
MAX_QUERY_WORDS = 32
# Blocking: the candidates a query's keys bring at most, and the postings beyond which a key is
# too common to bring any (it still counts for those the rarer keys bring).
CANDIDATES = 25
MAX_POSTING = 5_000
# A word this long or longer is also indexed by its consonants ("Tukayev", "Tokayev"); a name whose
# words run together make a skeleton AFFIX_KEY_LENGTH long or longer also by its first and last
# AFFIX_LENGTH letters, which a query's word of such a length is looked up by too.
CONSONANT_KEY_LENGTH = 5
AFFIX_KEY_LENGTH = 7
AFFIX_LENGTH = 4
# A word of Han characters is read (in pinyin, a syllable a token) this far: no further than
# comparison reads a query (`MAX_QUERY_WORDS`), since reading costs microseconds a character.
MAX_HAN_READ = MAX_QUERY_WORDS
# Float rounding in either of two computations never makes an upper bound fall below the score.
EPSILON = 1e-9


def length_weight(length: int) -> float:
    """A word's weight by its length alone (see `WEIGHT_CAP`)."""
    return min(length, WEIGHT_CAP) ** WEIGHT_POWER


# What the C extension (`_prefilter.c`) computes with, handed to it at import: every number it uses.
C_RULES = {
    "typo": TYPO_COST, "floor": FLOOR, "named_sim": SAME_NAME_SIMILARITY, "generic": GENERIC_WEIGHT,
    "one_sided": ONE_SIDED_NUMBERS, "different_numbers": DIFFERENT_NUMBERS, "conflict": CONFLICT_COST, "extra": EXTRA_COST,
    "person_extra": PERSON_EXTRA_COST, "epsilon": EPSILON, "initial_sim": INITIAL_SIMILARITY,
    "prefix_sim": PREFIX_SIMILARITY, "consonants_sim": CONSONANTS_SIMILARITY, "abridged_length": ABRIDGED_LENGTH,
    "weights": tuple(length_weight(n) for n in range(WEIGHT_CAP + 1)), "max_query_words": MAX_QUERY_WORDS,
}
