"""The roster's recent history, from git: the 最近更新 page and each village page's date.

Reads the last commits that touched the roster folder (``git log``), the roster at each
(:mod:`revisions`, each version of a file parsed once), and diffs consecutive ones with
:func:`changes.diff`. Nothing is kept by hand and nothing depends on the clock: the same
repository state gives the same page. Outside a git repository (or without git) there is no
history, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.core.model import Roster, Village
from generator.roster.load import build_roster

from .diff import SECTIONS, Change, diff
from .revisions import BlobCache, Repository, RevisionError, git

#: How many roster commits the page lists (and how far back village dates are looked for).
LIMIT = 20
#: How many changes of one section an entry shows (the page and the feed); the rest are counted.
SHOWN = 50


@dataclass(frozen=True)
class Entry:
    """One commit that changed the roster: when, its message's first line, and what changed."""

    commit: str
    date: str  # YYYY-MM-DD, the committer's date
    subject: str
    changes: tuple[Change, ...]
    time: str = ""  # the committer's date and time, ISO 8601 with its offset (the feed's)

    @property
    def groups(self) -> list[tuple[str, list[str]]]:
        """The changes as the page lists them: (section heading, lines), in SECTIONS order."""
        out = []
        for section, heading in SECTIONS.items():
            lines = [c.text for c in self.changes if c.section == section]
            if lines:
                out.append((heading, lines))
        return out

    @property
    def shown(self) -> list[tuple[str, list[str], int]]:
        """:attr:`groups` as the page and the feed show them: at most :data:`SHOWN` lines each, and
        how many more there are."""
        return [(heading, lines[:SHOWN], max(0, len(lines) - SHOWN)) for heading, lines in self.groups]


@dataclass(frozen=True)
class History:
    entries: tuple[Entry, ...] = ()
    village_dates: dict[str, str] = field(default_factory=dict)  # code → date its page last changed
    note: str = ""  # why there is no history, when there is none


def village_page_content(roster: Roster, village: Village) -> tuple[object, ...]:
    """What a village's page shows from the roster (its advisor, team, workstation, centre):
    when this changes, the page's 更新 date moves."""
    township = roster.township.get(village.township)
    if township is None:
        return (village,)
    county = roster.county_of(township)

    def person(advisor_id: str | None) -> tuple[object, ...]:
        a = roster.advisor.get(advisor_id or "")
        if a is None:
            return ()
        org = roster.organization.get(a.organization)
        return (a, org.name if org else "")

    return (village, township.name, township.workstation, county.centre if county else None,
            person(village.advisor), tuple(person(m) for m in township.team),
            roster.programme.hotline, roster.programme_for(township.county).local_hotline,
            roster.programme_for(township.county).city)


def read_history(data_dir: Path | str, limit: int = LIMIT) -> History:
    repo = Repository.of(data_dir)
    if repo is None:
        return History(note="名册不在 git 仓库中，无法列出最近更新。")
    try:
        log = git(repo.top, "log", f"-n{limit + 1}", "--format=%H%x09%cI%x09%s", "HEAD", "--", repo.prefix or ".")
    except RevisionError:
        return History(note="名册还没有提交记录，无法列出最近更新。")
    commits = [line.split("\t", 2) for line in log.decode("utf-8", "replace").splitlines() if line]
    if not commits:
        return History(note="名册还没有提交记录，无法列出最近更新。")
    cache = BlobCache()
    rosters: list[Roster | None] = []
    for sha, _, _ in commits:
        try:
            rosters.append(build_roster(repo.documents(sha, cache)))
        except RevisionError:
            rosters.append(None)  # the folder did not exist yet
    entries = []
    for i, (sha, time, subject) in enumerate(commits[:limit]):
        new, old = rosters[i], rosters[i + 1] if i + 1 < len(rosters) else None
        if new is None:
            break
        if old is None:  # the roster's first commit
            entries.append(Entry(sha, time[:10], subject, (), time))
            break
        entries.append(Entry(sha, time[:10], subject, tuple(diff(old, new).changes), time))
    dates: dict[str, str] = {}
    head = rosters[0]
    whole = len(commits) <= limit  # the window reaches the roster's first commit
    if head is not None:
        pending = {v.code: v for v in head.villages}
        contents = {code: village_page_content(head, v) for code, v in pending.items()}
        for i in range(len(entries)):
            older = rosters[i + 1] if i + 1 < len(rosters) else None
            date = entries[i].date
            for code in list(pending):
                v = older.village.get(code) if older is not None else None
                if older is None or v is None or village_page_content(older, v) != contents[code]:
                    dates[code] = date
                    del pending[code]
            if not pending:
                break
        if whole and pending:
            dates.update(dict.fromkeys(pending, entries[-1].date))
    return History(tuple(entries), dates)
