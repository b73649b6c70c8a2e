import pytest

from model.history.mapping import MappingError, load_mapping, parse_mapping
from tests.model.conftest import SYNTHETIC_MAPPING


def test_valid_mapping_parses():
    mapping = parse_mapping(SYNTHETIC_MAPPING)
    assert mapping.positive == ("diverted",)
    assert mapping.parties[0].identifier_scheme == "registration_number"
    assert mapping.crosses == (("consignee_id", "hs6"),)


@pytest.mark.parametrize("change, key", [
    ({"label": None}, "`label`"),
    ({"date": None}, "`date`"),
    ({"colour": "x"}, "colour"),
    ({"label": {"column": "outcome", "positive": []}}, "label.positive"),
    ({"hs_code": 42}, "`hs_code`"),
    ({"categorical": "office"}, "`categorical`"),
    ({"parties": [{"role": "buyer", "name": "buyer"}]}, "parties[0].role"),
    ({"parties": [{"role": "consignee", "name": "buyer", "identifier_scheme": "ssn"}]}, "parties[0].identifier_scheme"),
    ({"parties": [{"role": "consignee"}]}, "parties[0]"),
    ({"crosses": [["consignee_id", "colour"]]}, "crosses[0]"),
    ({"numeric": ["outcome"]}, "`label`"),
])
def test_errors_name_the_key(change, key):
    with pytest.raises(MappingError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_mapping({**SYNTHETIC_MAPPING, **change})


def test_yaml_file_errors_name_the_file(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("label: {column: y}\n")
    with pytest.raises(MappingError, match=r"map.yaml: `date` is required"):
        load_mapping(path)
    path.write_text("label: {column: y}\ndate: d\n")
    assert load_mapping(path).date == "d"
