"""The model and the Problem type (generator/core/model.py, generator/core/problems.py): the small rules
everything else leans on."""

from __future__ import annotations

import pytest

from generator.core.model import Centre, City, County, Programme, Roster, short_village_name
from generator.core.problems import Problem, sort_problems


def test_a_short_name_drops_an_official_suffix_but_never_the_whole_name() -> None:
    assert [short_village_name(n) for n in ("古城社区居委会", "王庄村委会", "前董村", "东关居委会")] == \
        ["古城社区", "王庄村", "前董村", "东关"]
    for name in ("村委会", "居委会", "村民委员会"):  # nothing but a suffix (a data-entry slip): kept whole
        assert short_village_name(name) == name


def test_a_unit_without_a_city_belongs_to_none_whatever_the_cities_ids() -> None:
    programme = Programme("p", "省", "省", "12348", "0531-12348", "https://x.example/")
    centre = Centre("中心", "路1号", "0531-1", "周一")
    roster = Roster(programme, (County("u", "区", "county", "370101", centre), County("v", "县", "county", "370102", centre, "XXXX")),
                    (), (), (), cities=(City("XXXX", "某市", "3701", "0531-2"),))
    assert roster.city_of("u") is None and roster.programme_for("u") == programme
    assert roster.city_of("v") == roster.city["XXXX"]
    assert roster.city_of("no-such-unit") is None


def test_problems_are_sorted_by_file_position_then_code() -> None:
    """Not by level or field: at one place, the codes decide (the order the staff handbook's examples show)."""
    at = ("data/a.yaml", 3, 5)
    warning = Problem(*at, "warning", "a", "m", "bad-code")
    error = Problem(*at, "error", "z", "m", "wrong-type")
    earlier = Problem("data/a.yaml", 2, 9, "warning", "", "m", "yaml-syntax")
    assert sort_problems([error, warning, earlier, error]) == [earlier, warning, error]


def test_an_unknown_problem_code_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"^unknown problem code 'bad-cdoe'$"):
        Problem("f", 1, 1, "error", "", "m", "bad-cdoe")
