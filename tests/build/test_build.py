"""The build's own helpers (generator/build/fork.py, render.py, context.py): work done in a forked child meanwhile."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from generator.build.fork import in_child
from generator.build.pipeline import read_roster
from generator.roster.load import load_documents
from generator.roster.validate import validate_roster
from tests.helpers import ROOT
from tests.helpers.roster_edit import copy_roster, edit


def test_validation_in_a_child_gives_the_problems_validation_in_process_gives(tmp_path: Path) -> None:
    data = copy_roster(tmp_path)
    edit(data, "advisors.yaml", "phone: '13905350002'", "phone: '1390535'")
    checked = read_roster(data)
    assert checked.problems == validate_roster(load_documents(data)) and not checked.ok


def test_a_childs_exception_is_raised_by_the_waiting_function() -> None:
    def boom(x: int) -> int:
        raise ValueError(f"bad {x}")

    wait = in_child(boom, 7)
    with pytest.raises(ValueError, match="bad 7"):
        wait()


def test_a_child_that_gives_no_result_leaves_the_work_to_the_parent() -> None:
    me = os.getpid()

    def die_unless_parent(x: int) -> int:
        if os.getpid() != me:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return x * 2

    assert in_child(die_unless_parent, 21)() == 42


def test_statistics_parts_reach_the_page_exactly_as_their_macros_made_them() -> None:
    """Markdown carries the parts' HTML through untouched (a province's tables took seconds to
    parse again), wherever they stand, in a Markdown block too."""
    import markdown
    from markupsafe import Markup

    from generator.build.context import Verbatim

    class Macros:
        def table(self, name: str) -> Markup:
            return Markup('<table class="t" aria-label="{0}"><tr><td>*{0}*</td></tr></table>\n').format(name)

    verbatim = Verbatim()
    parts = verbatim.wrap(Macros())
    page = f"# 统计\n\n{parts.table('堂邑镇')}\n\n<div markdown>\n\n{parts.table('<b>')}\n\n</div>\n"
    html = verbatim.restore(markdown.markdown(page, extensions=["md_in_html"]))
    assert '<table class="t" aria-label="堂邑镇"><tr><td>*堂邑镇*</td></tr></table>' in html
    assert '<table class="t" aria-label="&lt;b&gt;"><tr><td>*&lt;b&gt;*</td></tr></table>' in html
    assert "verbatim" not in html


@pytest.mark.parametrize("workers", [1, 2])
def test_meanwhile_runs_once_in_this_process_while_the_workers_render(tmp_path: Path, workers: int) -> None:
    """The search index is made while the pages render (pipeline.write_data_pages): in the build's own
    process, once the workers are forked (a forked child for it counted the roster's memory once
    more), and once only; with one worker, before rendering in this process."""
    from generator.build.render import RenderInputs, render_tasks
    from generator.site.pages import Assets, page_tasks
    from tests.helpers.roster_edit import SMALL

    roster = read_roster(SMALL).roster
    tasks = page_tasks(roster)[:4]
    seen: list[tuple[int, set[str]]] = []

    def children() -> set[str]:  # other tests' processes too (the browser's driver, a server)
        return set(Path(f"/proc/self/task/{os.getpid()}/children").read_text().split())

    before = children()

    def meanwhile() -> None:
        seen.append((os.getpid(), children() - before))

    templates = ROOT / "overrides" / "data"
    written = render_tasks(RenderInputs(roster, templates, Assets(), "站"), tasks, tmp_path, workers=workers,
                           meanwhile=meanwhile)
    assert len(written) == len(tasks) and all(written)
    assert len(seen) == 1 and seen[0][0] == os.getpid()
    assert len(seen[0][1]) == (workers if workers > 1 else 0)  # the workers are there already
