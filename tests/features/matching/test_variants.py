from features.matching.variants import listed_name_variants


def test_bracketed_aliases_become_names_of_their_own():
    assert listed_name_variants("PJSC Sberbank (Public Joint-Stock Company Sberbank)") == [
        "PJSC Sberbank (Public Joint-Stock Company Sberbank)", "PJSC Sberbank", "Public Joint-Stock Company Sberbank"]


def test_alias_markers_are_dropped_and_plain_names_kept():
    assert listed_name_variants("Foo Trading [a.k.a. Bar Ltd]")[-1] == "Bar Ltd"
    assert listed_name_variants("Foo (formerly: Baz LLC)")[-1] == "Baz LLC"
    assert listed_name_variants("ТОО «Аспан Арба»") == ["ТОО «Аспан Арба»"]
    assert listed_name_variants("So-called ()") == ["So-called ()", "So-called"]
