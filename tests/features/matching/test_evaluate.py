"""Evaluation of the name matcher on labelled pairs."""

import pytest

from features.matching.evaluate import evaluate_pairs, read_pairs


def test_counts_and_scores():
    pairs = [
        ("Company", "TOO Aspan Arba", "Aspan Arba LLP", True),  # tp
        ("Company", "DA GROUP 22", "KESTREL TRADING 23", True),  # fn
        ("Company", "Aspan Arba", "Nebesnaya Mekhanika", False),  # tn
        ("Company", "Nebesnaya Mekhanika", "Nebesnaya Mejanica", False),  # fp
    ]
    result = evaluate_pairs(pairs, 0.8)
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (1, 1, 1, 1)
    assert result["precision"] == result["recall"] == result["f1"] == 0.5


def test_no_pairs_gives_zeros():
    assert evaluate_pairs([], 0.8) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0, "tn": 0}


def test_reads_pairs_ignoring_extra_columns(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("case_group,schema,name1,name2,is_match,notes\n"
                    "g,Person,Ivan,Ivan,true,x\ng,Company,A,B,0,y\ng,Company,C,C,1,\ng,Person,D,E,FALSE,\n",
                    encoding="utf-8")
    assert list(read_pairs(path)) == [("Person", "Ivan", "Ivan", True), ("Company", "A", "B", False),
                                      ("Company", "C", "C", True), ("Person", "D", "E", False)]


def test_refuses_a_file_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name1,name2,label\nA,B,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"other\.csv.*schema.*is_match"):
        list(read_pairs(path))


def test_refuses_an_unreadable_label(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("schema,name1,name2,is_match\nPerson,A,B,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maybe"):
        list(read_pairs(path))
