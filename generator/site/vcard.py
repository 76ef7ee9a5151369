"""Contact cards (vCard 3.0, RFC 2426): the advisor's number into the phone book in one tap.

Every village and advisor page links its card (``urls.village_vcard_url``,
``urls.advisor_vcard_url``). A card is UTF-8 with CRLF line endings; every roster value is
escaped for vCard (``\\``, ``,``, ``;`` and line breaks) and lines are folded at 75 octets
without splitting a character, as Android's and iOS's importers expect. A leaf: it knows the
model, not the pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.core.model import Advisor, Organization, Programme, Township, Village

_ESCAPES = {ord("\\"): "\\\\", ord(","): "\\,", ord(";"): "\\;", ord("\n"): "\\n", ord("\r"): ""}
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LINE_OCTETS = 75


def escape(value: str) -> str:
    """A text value as vCard writes it: ``\\`` ``,`` ``;`` escaped, line breaks as ``\\n``."""
    return value.replace("\r\n", "\n").translate(_ESCAPES)


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 2426 2.6): CRLF and a space before each
    continuation, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    start, limit = 0, _LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # the byte after the part continues a character: cut before it
            end -= 1
        parts.append(data[start:end])
        start, limit = end, _LINE_OCTETS - 1  # a continuation's leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def phone_type(phone: str) -> str:
    """CELL for a mobile number, WORK for a landline or service number."""
    return "CELL" if _MOBILE.fullmatch(re.sub(r"\D", "", phone)) else "WORK"


def card(*, name: str, phones: Iterable[str], url: str, note: str, org: str | None = None,
         title: str | None = None) -> bytes:
    """A vCard 3.0 as bytes. ``name`` goes whole into N's family name and into FN: Chinese names are
    written family name first, and compound surnames (欧阳) cannot be split by rule."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{escape(name)};;;;", f"FN:{escape(name)}"]
    if org:
        lines.append(f"ORG:{escape(org)}")
    if title:
        lines.append(f"TITLE:{escape(title)}")
    lines += [f"TEL;TYPE={phone_type(p)}:{escape(p)}" for p in dict.fromkeys(phones) if p]
    lines += [f"URL:{escape(url)}", f"NOTE:{escape(note)}", "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _served(villages: Iterable[tuple[Village, Township]]) -> str:
    return "、".join(f"{v.short_name}（{t.name}）" for v, t in villages)


def labelled(name: str, villages: list[Village]) -> str:
    """The name a phone book shows, saying whose advisor it is: 叶蓉丽（王庄村法律顾问）, 叶蓉丽（王庄村等3个村居法律顾问）."""
    if not villages:
        return f"{name}（乡镇法律服务团队）"
    more = f"等{len(villages)}个村居" if len(villages) > 1 else ""
    return f"{name}（{villages[0].short_name}{more}法律顾问）"


def _title(served: list[tuple[Village, Township]], role: str) -> str:
    """TITLE: the villages served, with their townships, and the role: 王庄村（沙镇镇）村居法律顾问 · 律师."""
    return f"{_served(served)}村居法律顾问 · {role}" if served else f"乡镇法律服务团队 · {role}"


def advisor_card(programme: Programme, advisor: Advisor, organization: Organization | None,
                 served: list[tuple[Village, Township]], url: str) -> bytes:
    """The advisor's card: a name that says whose advisor (N and FN alike, for phone books that
    show either), work phone, organization, the villages served and the role, page and hotline."""
    note = f"村居法律顾问：{_served(served)}。" if served else "乡镇法律服务团队成员。"
    return card(name=labelled(advisor.name, [v for v, _ in served]), phones=[advisor.phone], url=url,
                org=organization.name if organization else None, title=_title(served, advisor.role_name),
                note=note + _hotline(programme))


def village_card(programme: Programme, village: Village, township: Township, advisor: Advisor | None,
                 organization: Organization | None, url: str) -> bytes:
    """A village's card: its advisor's, named as this village's advisor; without an advisor, the
    township's workstation."""
    if advisor is None:
        return card(name=f"{township.name}法律服务工作站（{village.short_name}）", phones=[township.workstation.phone], url=url,
                    title=f"{village.short_name}（{township.name}）暂无村居法律顾问",
                    note=f"{village.short_name}（{township.name}）暂无村居法律顾问，请联系工作站。" + _hotline(programme))
    return card(name=labelled(advisor.name, [village]), phones=[advisor.phone], url=url,
                org=organization.name if organization else None, title=_title([(village, township)], advisor.role_name),
                note=f"{_served([(village, township)])}村居法律顾问。" + _hotline(programme))


def _hotline(programme: Programme) -> str:
    local = f"（{programme.local_hotline}）" if programme.local_hotline else ""
    return f"{programme.hotline}{local}公共法律服务热线，免费法律咨询。"
