"""The roster's changes as an Atom feed (RFC 4287), ``changes/feed.xml``: the 最近更新 page for machines.

Made from the same history as the page (:mod:`history`), entry for entry, with the same lines and the
same cut (:data:`history.SHOWN` a section, the rest counted), so a platform can follow the roster
without diffing it. Nothing here reads the clock: the feed's ``updated`` is its newest commit's time,
or the roster's date when there is no history; its subtitle names the roster's version.
"""

from __future__ import annotations

import re
import uuid
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from generator.core.model import LICENCES, Programme
from generator.core.urls import CHANGES, CHANGES_FEED, OPEN_DATA

from .history import Entry, History

#: Entries' ids are ``urn:uuid:`` of their commit under this namespace: a commit's entry keeps its id.
NAMESPACE = uuid.UUID("0b7f3f5e-2f4c-5d1e-9a43-6c3e5b1d2a70")
ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def escape(text: str) -> str:
    """Text for XML: escaped, and without the control characters XML cannot hold (a commit message may)."""
    return _escape(_NOT_XML.sub("", text))


def _html(entry: Entry) -> str:
    """An entry's changes as the page lists them, as HTML (escaped once here, once more as XML text)."""
    if not entry.changes:
        return "<p>名册首次发布。</p>"
    parts = []
    for heading, lines, more in entry.shown:
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        if more:
            items += f"<li>……另有 {more} 项</li>"
        parts.append(f"<h3>{escape(heading)}</h3><ul>{items}</ul>")
    return "".join(parts)


def _time(entry: Entry) -> str:
    return entry.time or f"{entry.date}T00:00:00Z"


def feed(history: History | None, programme: Programme, version: str, date: str) -> bytes:
    """``changes/feed.xml`` for the site at ``programme.base_url``; ``version`` and ``date`` are the
    roster's (build.roster_version)."""
    base = programme.base_url
    entries = history.entries if history else ()
    updated = _time(entries[0]) if entries else f"{date or '1970-01-01'}T00:00:00Z"
    name, _, licence_url = LICENCES[programme.data_licence]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang="zh-CN">',
        f"<id>{escape(base + CHANGES_FEED)}</id>",
        f"<title>{escape(programme.city)}村居法律顾问名册：最近更新</title>",
        f"<subtitle>「{escape(programme.name)}」名册的变更，新的在前。名册版本 {escape(version)}（{escape(date)}）；"
        f"全部数据：{escape(base + OPEN_DATA)}</subtitle>",
        f"<updated>{escape(updated)}</updated>",
        f"<author><name>{escape(programme.city)}司法局</name><uri>{escape(base)}</uri></author>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(base + CHANGES_FEED)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(base + CHANGES)}/>',
        f'<rights>{escape(name)}（{escape(programme.data_licence)}）：{escape(licence_url)}</rights>',
    ]
    for e in entries:
        lines += [
            "<entry>",
            f"<id>urn:uuid:{uuid.uuid5(NAMESPACE, e.commit)}</id>",
            f"<title>{escape(e.date)} · {escape(e.subject)}</title>",
            f"<updated>{escape(_time(e))}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(f"{base}{CHANGES}#h-{e.commit[:12]}")}/>',
            f'<content type="html">{escape(_html(e))}</content>',
            "</entry>",
        ]
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")
