"""The registry's own files read as untrusted: an ACTIVE pointer that names no version of this
registry, or a damaged HISTORY line, never escapes the registry or stops a rollback."""

from __future__ import annotations

import json
import os

import pytest

from service.registry import Registry, RegistryError, check_version


@pytest.fixture
def registry(tmp_path):
    registry = Registry(tmp_path / "models")
    for version in ("default-aaa", "default-bbb", "mine-ccc"):
        (registry.root / version).mkdir(parents=True)
    return registry


@pytest.mark.parametrize("name", ["default-0123456789ab", "0badc0de0badc0de", "my model-0123", "é-1"])
def test_version_names(name):
    assert check_version(name) == name


@pytest.mark.parametrize("name", ["", ".", "..", "../lists", "/etc", "a/b", ".stage-x", "a\x00b", "a\nb", " a",
                                  "a\udfff", "x" * 256, None, 5])
def test_what_is_not_a_version_name(name, registry):
    with pytest.raises(RegistryError, match="not a version name"):
        registry.path(name)


# What a hand, a script or an attacker may leave in ACTIVE.
POINTERS = {
    "traversal": b"../lists\n",
    "absolute": b"/etc\n",
    "parent": b"..\n",
    "empty line": b"\n",
    "empty": b"",
    "nul": b"default-aaa\x00\n",
    "two lines": b"default-aaa\ndefault-bbb\n",
    "not utf-8": b"\xff\xfe\n",
    "long": b"default-aaa" + b" " * 5000,
}


@pytest.mark.parametrize("content", POINTERS.values(), ids=POINTERS.keys())
def test_an_active_pointer_naming_no_version_is_refused(registry, content):
    (registry.root / "ACTIVE").write_bytes(content)
    with pytest.raises(RegistryError, match="ACTIVE"):
        registry.active()


def test_an_active_pointer_is_not_followed_out_of_the_registry(registry, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.write_text("default-aaa\n")  # a valid name, but not this registry's pointer
    (registry.root / "ACTIVE").symlink_to(outside)
    with pytest.raises(RegistryError, match="cannot be read"):
        registry.active()


@pytest.mark.parametrize("make", [os.mkdir, os.mkfifo], ids=["directory", "fifo"])
def test_an_active_pointer_that_is_no_regular_file_is_refused(registry, make):
    make(registry.root / "ACTIVE")
    with pytest.raises(RegistryError, match="ACTIVE"):
        registry.active()  # and never blocks on the pipe


def test_a_pointer_as_activate_writes_it(registry):
    assert registry.active() is None
    registry.activate("mine-ccc")
    assert registry.active() == "mine-ccc"
    (registry.root / "ACTIVE").write_text("  default-aaa \r\n")  # edited by hand
    assert registry.active() == "default-aaa"


def test_damaged_history_lines_are_skipped_and_a_rollback_still_finds_the_previous(registry):
    registry.activate("default-aaa")
    with open(registry.root / "HISTORY", "a") as log:
        for line in ("{broken", "[]", '"default-bbb"', json.dumps({"version": "../lists"}), json.dumps({"version": 5}),
                     "[" * 100_000, "\x00\xff"):
            log.write(line + "\n")
    registry.activate("mine-ccc")
    assert [e["version"] for e in registry.history()] == ["default-aaa", "mine-ccc"]
    assert registry.previous() == "default-aaa"


def test_versions_lists_only_version_names(registry):
    (registry.root / ".stage-123").mkdir()
    (registry.root / "bad\nname").mkdir()
    assert registry.versions() == ["default-aaa", "default-bbb", "mine-ccc"]
