"""Parsed roster files kept between builds (generator/roster/yamlcache.py): the same trees, never stale."""

from __future__ import annotations

from pathlib import Path

from generator.roster.load import load_documents
from generator.roster.yamlcache import ParseCache
from tests.helpers.roster_edit import SMALL, copy_roster, edit


def test_a_cached_load_gives_the_very_trees_a_parse_gives(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    parsed = load_documents(SMALL, ParseCache(cache))
    assert len(list(cache.iterdir())) == 1
    again = ParseCache(cache)
    cached = load_documents(SMALL, again)
    assert cached.items == parsed.items and cached.problems == parsed.problems == []
    assert len(again._used) == len(parsed.items)  # every file came from the cache


def test_a_changed_file_is_parsed_again_and_a_dropped_one_forgotten(tmp_path: Path) -> None:
    data, cache = copy_roster(tmp_path), tmp_path / ".cache"
    load_documents(data, ParseCache(cache))
    edit(data, "371502102-堂邑镇.yaml", "hours: 周一至周五 9:00—17:00", "hours: 周一至周五 8:30—17:00")
    docs = load_documents(data, ParseCache(cache))
    township = next(d for d in docs.items if d.path.endswith("371502102-堂邑镇.yaml"))
    assert township.root is not None and "8:30—17:00" in repr(township.root)
    assert docs.items == load_documents(data).items
    held = ParseCache(cache)._old
    assert len(held) == len(docs.items)  # the old bytes' tree is gone


def test_a_damaged_cache_is_ignored_and_a_bad_file_never_cached(tmp_path: Path) -> None:
    data, cache = copy_roster(tmp_path), tmp_path / ".cache"
    load_documents(data, ParseCache(cache))
    (stored,) = cache.iterdir()
    blob = bytearray(stored.read_bytes())
    blob[-10] ^= 0xFF
    stored.write_bytes(bytes(blob))
    assert ParseCache(cache)._old == {}
    edit(data, "advisors.yaml", "advisors:", "advisors:\nadvisors:")  # a duplicate key: a problem, every time
    first = load_documents(data, ParseCache(cache))
    second = load_documents(data, ParseCache(cache))
    assert [p.code for p in first.problems] == [p.code for p in second.problems] == ["duplicate-key"]
