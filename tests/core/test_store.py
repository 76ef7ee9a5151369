"""What a build keeps for the next one (store.py): sealed files, and objects set aside from the collector."""

from __future__ import annotations

import gc
from pathlib import Path

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
