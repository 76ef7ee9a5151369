"""Changes staff rarely mean to make in one go: records removed by the dozen, places renamed by the
dozen, names moved onto other places' codes (what sorting one column of a sheet on its own does),
villages reassigned by the score. Import calls them out before it writes, and writes them only
when told to (``--yes``); the change list above them says what exactly.
"""

from __future__ import annotations

from collections import defaultdict

from generator.core.i18n import ngettext
from generator.core.model import Roster

from .diff import Diff

#: Records removed, or places renamed, in one import before it is called out.
BULK = 10
#: Villages reassigned in one import before it is called out.
BULK_REASSIGNED = 20
#: Names moved onto another place's code before it is called out (two can be a swap on purpose).
MOVED_NAMES = 3


def moved_names(d: Diff, old: Roster) -> list[tuple[str, str]]:
    """(code, new name) of each village renamed to the name another village of its township had."""
    names: dict[tuple[str, str], set[str]] = defaultdict(set)  # (township, name) → codes
    for v in old.villages:
        names[(v.township, v.name)].add(v.code)
    out = []
    for c in d.changes:
        if c.section == "village" and c.action == "renamed" and c.key in old.village:
            township = old.village[c.key].township
            if names.get((township, c.name), set()) - {c.key}:
                out.append((c.key, c.name))
    return out


def bulk_changes(d: Diff, old: Roster) -> list[str]:
    """A line for each kind of bulk change in ``d`` (none: an ordinary edit)."""
    lines = []
    removed = sum(1 for c in d.changes if c.action in ("removed", "left"))
    if removed >= BULK:
        lines.append(ngettext("{n} record removed at once (advisors, villages, townships, organizations or units "
                              "gone from the workbook)", "{n} records removed at once (advisors, villages, townships, "
                              "organizations or units gone from the workbook)", removed).format(n=removed))
    renamed = [c for c in d.changes if c.action == "renamed"]
    if len(renamed) >= BULK:
        lines.append(ngettext("{n} place renamed at once", "{n} places renamed at once", len(renamed)).format(
            n=len(renamed)))
    moved = moved_names(d, old)
    if len(moved) >= MOVED_NAMES:
        shown = "、".join(f"{code} → {name}" for code, name in moved[:5])
        lines.append(ngettext(
            "{n} village now has the name another village of its township had ({shown}): what sorting one column "
            "on its own does", "{n} villages now have the name another village of their township had ({shown}): "
            "what sorting one column on its own does", len(moved)).format(n=len(moved), shown=shown))
    reassigned = sum(len(c.villages) for c in d.changes if c.action == "reassigned")
    if reassigned >= BULK_REASSIGNED:
        lines.append(ngettext("{n} village given another advisor at once", "{n} villages given another advisor at "
                              "once", reassigned).format(n=reassigned))
    return lines
