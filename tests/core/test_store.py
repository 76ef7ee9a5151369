"""What a build keeps for the next one (store.py): sealed files, and objects set aside from the collector."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from generator.core.store import lasting_objects, read_sealed, write_sealed


def test_a_sealed_file_gives_back_what_was_written_and_nothing_when_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "data.marshal"
    data = {"tasks": {"township:371502102": {"digest": "ab" * 32, "files": [["v/1/index.html", 7, 120, 10**18, "cd" * 32]]}},
            "others": ["index.html"], "version": 4}
    write_sealed(path, data)
    assert read_sealed(path) == data
    assert list(path.parent.iterdir()) == [path]  # no temporary file left beside it
    blob = path.read_bytes()
    path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))  # one bit flipped
    assert read_sealed(path) is None
    path.write_bytes(blob[:10])  # cut short
    assert read_sealed(path) is None
    assert read_sealed(tmp_path / "missing") is None


def test_lasting_objects_are_frozen_and_the_collector_is_left_as_it_was() -> None:
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            gc.unfreeze()
            with lasting_objects():
                assert not gc.isenabled()  # no collection while the objects are made
                made = [[i] for i in range(1000)]
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() >= len(made)  # set aside from later collections
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_a_file_sealed_elsewhere_or_with_a_plain_digest_is_not_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A state file committed to a checkout, or restored from another machine's cache, reads as missing:
    a plain SHA-256 seal is anyone's to compute, another key's seal is another machine's."""
    import hashlib
    import marshal

    from generator.core import store

    path = tmp_path / "state.marshal"
    payload = marshal.dumps({"planted": True})
    path.write_bytes(hashlib.sha256(payload).digest() + payload)
    assert read_sealed(path) is None
    monkeypatch.setenv(store.KEY_VARIABLE, "another machine's secret")
    write_sealed(path, {"from": "elsewhere"})
    assert read_sealed(path) == {"from": "elsewhere"}
    monkeypatch.setenv(store.KEY_VARIABLE, "this machine's secret")
    assert read_sealed(path) is None
    monkeypatch.setenv(store.KEY_VARIABLE, "")  # an unset CI secret: the machine's own key
    write_sealed(path, {"here": 1})
    assert read_sealed(path) == {"here": 1} and store.key_file().stat().st_mode & 0o077 == 0


def test_state_is_never_read_or_written_through_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_sealed(elsewhere / "state.marshal", {"a": 1})
    (tmp_path / "link.marshal").symlink_to(elsewhere / "state.marshal")
    assert read_sealed(tmp_path / "link.marshal") is None
    (tmp_path / "cache").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OSError):
        write_sealed(tmp_path / "cache" / "other.marshal", {"b": 2})
    assert sorted(p.name for p in elsewhere.iterdir()) == ["state.marshal"]
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    write_sealed(tmp_path / "state.marshal", {"c": 3})  # a new temporary file each time, never an old name
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_machine_without_a_place_for_its_key_keeps_state_for_this_process(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.core import store

    (tmp_path / "state-home").write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state-home"))
    monkeypatch.delenv(store.KEY_VARIABLE, raising=False)
    write_sealed(tmp_path / "s.marshal", [1])
    assert read_sealed(tmp_path / "s.marshal") == [1]
