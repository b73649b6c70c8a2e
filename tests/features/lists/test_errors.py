"""Sniffing, and malformed files refused with the file and line named."""

import shutil

import pytest

from features.lists import ListFormatError, detect_format, read_list


def test_formats_detected(lists, shared_data):
    assert detect_format(lists / "ofac_sdn" / "sdn.csv") == "ofac-sdn"
    assert detect_format(lists / "ofac_alt_2025-08_excerpt.csv") == "ofac-alt"
    assert detect_format(shared_data / "ofac_alt_2025-08_gitmatch.csv") == "ofac-alt"
    assert detect_format(shared_data / "uk_fcdo_sanctions_list_2025-08-11.csv") == "uk-fcdo"
    with pytest.raises(ListFormatError):  # add.csv is read with sdn.csv, never alone
        detect_format(lists / "ofac_sdn" / "add.csv")


def _refused(path, line):
    with pytest.raises(ListFormatError) as error:
        list(read_list(path))
    assert error.value.path == path and error.value.line == line
    assert f"{path}:{line}:" in str(error.value)


def test_truncated_ofac_row(lists, tmp_path):
    directory = shutil.copytree(lists / "ofac_sdn", tmp_path / "ofac")
    sdn = directory / "sdn.csv"
    lines = sdn.read_bytes().split(b"\r\n")
    sdn.write_bytes(b"\r\n".join(lines[:3] + [lines[3][:40]]))  # row 4 cut inside a quoted field
    _refused(sdn, 4)


def test_truncated_ofac_row_by_columns(lists, tmp_path):
    directory = shutil.copytree(lists / "ofac_sdn", tmp_path / "ofac")
    alt = directory / "alt.csv"
    lines = alt.read_bytes().split(b"\r\n")
    alt.write_bytes(b"\r\n".join(lines[:2] + [b'306,220,"aka"'] + lines[3:]))
    with pytest.raises(ListFormatError) as error:
        list(read_list(directory / "sdn.csv"))
    assert error.value.path == alt and error.value.line == 3


def test_truncated_csl_row(lists, tmp_path):
    csl = tmp_path / "consolidated.csv"
    lines = (lists / "csl_handmade.csv").read_text().splitlines(keepends=True)
    csl.write_text("".join(lines[:2]) + "e1,Entity List,,,\n")
    _refused(csl, 3)


def test_bad_json_line(tmp_path):
    path = tmp_path / "list.ftm.json"
    path.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{"id": "b", "sch\n')
    _refused(path, 2)


def test_bad_delta_line(tmp_path):
    path = tmp_path / "delta.json"
    path.write_text('{"op": "ADD", "entity": {"id": "a", "schema": "Company", "properties": {"name": ["A"]}}}\n{"op": "UPSERT", "entity": {}}\n')
    _refused(path, 2)


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.bin"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ListFormatError):
        detect_format(path)
    for fmt in ("ofac-sdn", "ofac-alt", "ftm", "ftm-delta", "us-csl"):
        with pytest.raises(ListFormatError) as error:
            list(read_list(path, fmt))
        assert error.value.path == path and error.value.line >= 1
