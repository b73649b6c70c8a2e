import datetime as dt

import pytest

from features.countries import normalize_country
from features.hs import hs6_of, normalize_hs
from features.identifiers import kz_bin_registration, normalize_identifier


@pytest.mark.parametrize("code, digits", [
    ("8542.39", "854239"), ("8542 39 00", "85423900"), ("8542390000", "8542390000"), ("8542.31.00.10", "8542310010"),
])
def test_hs_codes_are_normalised(code, digits):
    assert normalize_hs(code) == digits
    assert hs6_of(code) == digits[:6]


@pytest.mark.parametrize("code", ["8542", "85423900001", "ABCDEF", "8542-39", "", "８５４２３９"])
def test_malformed_hs_codes_are_refused(code):
    assert normalize_hs(code) is None


def test_hs6_table_knows_chpl_codes(reference):
    assert len(reference.chpl) == 50
    assert all(code in reference.hs6 for code in reference.chpl)
    assert reference.chpl["854231"].tier == "Tier 1"
    assert "880730" not in reference.uav  # on the CHPL itself, so not in the weaker supplement
    assert "880622" in reference.uav


@pytest.mark.parametrize("scheme, value, valid", [
    ("inn", "5001007329", True), ("inn", "5001007328", False), ("ogrn", "1027700132195", True),
    ("bin", "221140000000", True), ("bin", "221140000001", False), ("imo", "IMO 9074729", True),
    ("lei", "529900T8BM49AURSDO55", True), ("registration_number", "HRB 12345", True),
])
def test_identifiers_are_checked(scheme, value, valid):
    assert normalize_identifier(scheme, value).valid is valid


def test_identifier_values_are_cleaned():
    assert normalize_identifier("INN", " 5001-007 329 ").value == "5001007329"
    assert normalize_identifier("imo", "IMO 9074729").value == "9074729"


def test_kazakh_bin_dates_the_company():
    assert kz_bin_registration("221140000000") == dt.date(2022, 11, 1)
    assert kz_bin_registration("221140000001") is None  # bad check digit


@pytest.mark.parametrize("code, expected", [("kz", "KZ"), ("AE", "AE"), ("HK", "HK"), ("XX", None), ("EU", None), ("SU", None), ("KAZ", None)])
def test_countries(code, expected):
    assert normalize_country(code) == expected
