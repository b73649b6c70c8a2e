"""Large FtM files are parsed by worker processes: the records and the errors must be the
ones a single process gives."""

import pytest

from features.lists import ListFormatError, ftm, read_list
from tests.conftest import EXAMPLES


@pytest.fixture
def in_workers(monkeypatch):
    """Every file parsed in workers, a few lines a batch, so that batches are merged."""
    monkeypatch.setattr(ftm, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(ftm, "BATCH_BYTES", 200)
    monkeypatch.setattr(ftm.os, "cpu_count", lambda: 2)


def test_same_records_as_one_process(in_workers, monkeypatch):
    path = EXAMPLES / "network.ftm.jsonl"
    parallel = list(read_list(path))
    monkeypatch.setattr(ftm, "PARALLEL_FROM_BYTES", 1 << 60)
    assert parallel == list(read_list(path))


def test_first_bad_line_is_reported(in_workers, tmp_path):
    lines = (EXAMPLES / "network.ftm.jsonl").read_bytes().splitlines(keepends=True)
    path = tmp_path / "bad.ftm.jsonl"
    path.write_bytes(b"".join(lines[:7] + [b'{"id": "x", "schema": "NoSuchSchema"}\n', b"\xff\n"] + lines[7:]))
    with pytest.raises(ListFormatError) as error:
        list(read_list(path))
    assert error.value.line == 8 and "not an FtM entity" in str(error.value)


@pytest.mark.parametrize("batch_bytes", [1, 57, 200, 1 << 20])
def test_blocks_cut_anywhere_give_the_same_records_and_lines(in_workers, monkeypatch, tmp_path, batch_bytes):
    """Blank lines, CRLF endings and a last line without a newline, cut into blocks of any size."""
    lines = (EXAMPLES / "network.ftm.jsonl").read_bytes().splitlines()
    text = b"\n\n".join(lines[:5]) + b"\r\n" + b"\r\n".join(lines[5:])  # no final newline
    path = tmp_path / "odd.ftm.jsonl"
    path.write_bytes(text)
    monkeypatch.setattr(ftm, "BATCH_BYTES", batch_bytes)
    parallel = list(read_list(path))
    bad = tmp_path / "bad.ftm.jsonl"
    bad.write_bytes(text + b"\n\n" + b'{"id": "x", "schema": \n')  # a message naming its position
    with pytest.raises(ListFormatError) as error:
        list(read_list(bad))
    monkeypatch.setattr(ftm, "PARALLEL_FROM_BYTES", 1 << 60)
    assert parallel == list(read_list(path))
    with pytest.raises(ListFormatError) as serial_error:
        list(read_list(bad))
    assert (error.value.line, str(error.value)) == (serial_error.value.line, str(serial_error.value))
