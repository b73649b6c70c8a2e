"""The evidence of a name match names the words paired and the rule that paired them."""

from features.matching.explain import explain
from features.matching.names import compare_names, name_key


def rules_of(a: str, b: str, schema: str) -> dict[tuple[str, str], str]:
    return {(w["party"], w["listed"]): w["rule"] for w in explain(name_key(a), name_key(b), schema)}


def test_each_pair_says_its_rule():
    assert rules_of("Nebesnaya Mejanica", "Nebesnaya Mekhanika", "Company") == {
        ("nebesnaya", "nebesnaya"): "same", ("mejanica", "mekhanika"): "transliteration"}
    assert rules_of("Ted Smith", "Theodore Smith", "Person")[("ted", "theodore")] == "same name"
    assert rules_of("V. Putin", "Vladimir Putin", "Person")[("v", "vladimir")] == "initial"
    assert rules_of("Brigade Forty-Four", "Brigade 44", "Organization")[("44", "44")] == "number"


def test_names_run_together_are_one_pair():
    assert rules_of("SHEN YANG JING CHENG", "Shenyang Jingcheng", "Company") == {
        ("shen yang jing cheng", "shenyang jingcheng"): "run together, same"}


def test_the_pairs_are_the_ones_scored():
    a, b = name_key("Radiotexkomplekt Trading"), name_key("Radiotekhkomplekt Trading")
    pairs = explain(a, b, "Company")
    assert {w["party"] for w in pairs} == set(a.tokens) and {w["listed"] for w in pairs} == set(b.tokens)
    assert compare_names(a, b, schema="Company") >= min(w["similarity"] for w in pairs)
