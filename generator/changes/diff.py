"""What changed between two rosters, for staff (a change list in Chinese), machines (JSON) and
print shops (the reprint list); and the check that no published code disappears.

Compares the model, which holds published fields only: a private field (ID card, home
address, notes, assessment) can never show up here, not even as "changed". What a card
prints comes from :func:`cards.card_content`, the function printing uses, so the reprint
list holds exactly the villages whose printed card would differ.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from generator.core.model import RETIREMENT_KIND_NAMES, ROLE_NAMES, Retired, Roster, Township, Village
from generator.core.problems import Problem
from generator.core.schema import FIELD_TITLES
from generator.printing.cards import CardContent, card_content
from generator.roster.load import Documents

#: Sections of a change list, in the order staff read them, with their Chinese headings.
SECTIONS = {
    "advisor": "顾问",
    "village": "村居",
    "township": "乡镇（街道）",
    "organization": "机构",
    "county": "县级单位",
    "city": "城市",  # a province's roster (cities.yaml)
    "programme": "项目设置",
}
ACTIONS = {
    "added": "新增",
    "left": "离任",
    "removed": "删除",
    "changed": "信息变更",
    "reassigned": "改派",
    "renamed": "更名",
    "team": "团队调整",
    # retirements, by kind (retired.yaml); "removed" when a code went without a record
    **{kind: "撤销" if kind == "abolished" else verb.removesuffix("为") for kind, verb in RETIREMENT_KIND_NAMES.items()},
}
#: What each part of a card is called in the reprint list's comments.
CARD_FIELD_NAMES = {
    "code": "代码", "village": "村名", "township": "乡镇名", "county": "县区名", "advisor": "顾问姓名",
    "role": "顾问身份", "phone": "顾问电话", "workstation_phone": "工作站电话", "city": "城市",
    "programme": "项目名称", "hotline": "热线", "local_hotline": "本地热线", "url": "网址（二维码）",
}


@dataclass(frozen=True)
class Change:
    """One change: to which kind of record, what happened, to which record, in words."""

    section: str  # a key of SECTIONS
    action: str  # a key of ACTIONS
    key: str  # the id or code of the record
    name: str
    text: str  # the line staff read
    details: tuple[tuple[str, str, str], ...] = ()  # (field, before, after) of a changed record
    villages: tuple[str, ...] = ()  # the village codes a reassignment or retirement concerns
    successors: tuple[str, ...] = ()


@dataclass
class Diff:
    """Every change from ``before`` to ``after``, and the villages whose cards must be printed again."""

    before: str
    after: str
    changes: list[Change] = field(default_factory=list)
    reprint: list[tuple[str, str]] = field(default_factory=list)  # (village code, why)

    def counts(self) -> dict[str, dict[str, int]]:
        """How many changes of each action per section; a reassignment counts its villages."""
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            n = len(c.villages) if c.action == "reassigned" else 1
            out.setdefault(c.section, {}).setdefault(c.action, 0)
            out[c.section][c.action] += n
        return out


def _changed(before: object, after: object, names: Sequence[str], prefix: str = "") -> list[tuple[str, str, str]]:
    """(field, before, after) of the named fields that differ, as text."""
    out = []
    for name in names:
        a, b = getattr(before, name), getattr(after, name)
        if a != b:
            out.append((prefix + name, "" if a is None else str(a), "" if b is None else str(b)))
    return out


def _details_text(details: Iterable[tuple[str, str, str]]) -> str:
    return "；".join(f"{FIELD_TITLES.get(f, f)} {a or '（空）'} → {b or '（空）'}" for f, a, b in details)


def _village_label(roster: Roster, code: str) -> str:
    v = roster.village.get(code)
    if v is not None:
        t = roster.township.get(v.township)
        return f"{v.short_name}（{t.name if t else v.township}）"
    r = roster.retired_village.get(code)
    return f"{r.short_name}（已撤销代码）" if r else code


def _advisor_label(roster: Roster, advisor_id: str | None) -> str:
    if not advisor_id:
        return "（无顾问）"
    a = roster.advisor.get(advisor_id)
    return f"{a.name}（{advisor_id}）" if a else advisor_id


def _gone(what: str, code: str, name: str, label: str, r: Retired | None, new: Roster) -> Change:
    """A village or township the old roster had and the new one has not: retired as recorded, or just gone."""
    if r is None:
        return Change(what, "removed", code, name, f"{label}：不见了，也没有撤销记录（retired.yaml）")
    return Change(what, r.kind, code, name, _retirement_text(what, r, new, label), successors=r.successors)


def _retirement_text(what: str, r: Retired, roster: Roster, label: str) -> str:
    verb = RETIREMENT_KIND_NAMES.get(r.kind, r.kind)
    if r.kind == "abolished":
        return f"{label}：{r.year}年撤销"
    names = [(_village_label(roster, s) if what == "village" else _township_label(roster, s)) + f" {s}" for s in r.successors]
    return f"{label}：{r.year}年{verb} " + "、".join(names)


def _township_label(roster: Roster, code: str) -> str:
    t = roster.township.get(code)
    if t is not None:
        return t.name
    r = roster.retired_township.get(code)
    return r.name if r else code


def diff(old: Roster, new: Roster, before: str = "before", after: str = "after") -> Diff:
    """Every published change from ``old`` to ``new``, in a stable order."""
    d = Diff(before, after)
    add = d.changes.append

    # -- advisors ------------------------------------------------------------------
    for a in new.advisors:
        if a.id not in old.advisor:
            org = new.organization.get(a.organization)
            add(Change("advisor", "added", a.id, a.name,
                       f"新增 {a.name}（{a.id}）{a.role_name}，{org.name if org else a.organization}，{a.phone}"))
    for a in old.advisors:
        if a.id not in new.advisor:
            n = len(old.villages_of.get(a.id, []))
            add(Change("advisor", "left", a.id, a.name, f"离任 {a.name}（{a.id}）{a.role_name}" + (f"，原服务 {n} 个村居" if n else "")))
    for a in new.advisors:
        was = old.advisor.get(a.id)
        if was is not None and (details := _changed(was, a, ("name", "role", "organization", "phone"))):
            shown = [(f, ROLE_NAMES.get(x, x) if f == "role" else x, ROLE_NAMES.get(y, y) if f == "role" else y)
                     for f, x, y in details]
            add(Change("advisor", "changed", a.id, a.name, f"{a.name}（{a.id}）：{_details_text(shown)}", tuple(details)))
    moves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for v in new.villages:
        was_v = old.village.get(v.code)
        if was_v is not None and was_v.advisor != v.advisor:
            moves[(was_v.advisor or "", v.advisor or "")].append(v.code)
    for (frm, to), codes in sorted(moves.items()):
        villages = "、".join(_village_label(new, c) for c in codes)
        name = new.advisor[to].name if to in new.advisor else ""
        add(Change("advisor", "reassigned", f"{frm}->{to}", name,
                   f"{_advisor_label(old, frm)} → {_advisor_label(new, to)}：{villages}", villages=tuple(codes)))

    # -- villages --------------------------------------------------------------------
    for v in new.villages:
        if v.code not in old.village:
            again = "（恢复已撤销的代码）" if v.code in old.retired_village else ""
            add(Change("village", "added", v.code, v.name,
                       f"新增 {v.code} {_village_label(new, v.code)}{again}，顾问 {_advisor_label(new, v.advisor)}"))
    for v in old.villages:
        if v.code in new.village:
            continue
        add(_gone("village", v.code, v.name, f"{v.code} {_village_label(old, v.code)}", new.retired_village.get(v.code), new))
    for r in old.retired_villages:
        if r.code not in new.village and r.code not in new.retired_village:
            add(Change("village", "removed", r.code, r.name, f"{r.code} {r.short_name}：撤销记录被删除（旧卡上的网址将失效）"))
    for v in new.villages:
        was_v = old.village.get(v.code)
        if was_v is None:
            continue
        if was_v.name != v.name:
            add(Change("village", "renamed", v.code, v.name, f"{v.code} {was_v.name} → {v.name}", (("name", was_v.name, v.name),)))
        if details := _changed(was_v, v, ("studio",)):
            add(Change("village", "changed", v.code, v.name, f"{v.code} {_village_label(new, v.code)}：{_details_text(details)}", tuple(details)))

    # -- townships ----------------------------------------------------------------------
    for t in new.townships:
        if t.code not in old.township:
            add(Change("township", "added", t.code, t.name, f"新增 {t.code} {t.name}，{len(t.villages)} 个村居"))
    for t in old.townships:
        if t.code in new.township:
            continue
        add(_gone("township", t.code, t.name, f"{t.code} {t.name}", new.retired_township.get(t.code), new))
    for t in new.townships:
        was_t = old.township.get(t.code)
        if was_t is None:
            continue
        if was_t.name != t.name:
            add(Change("township", "renamed", t.code, t.name, f"{t.code} {was_t.name} → {t.name}", (("name", was_t.name, t.name),)))
        details = _changed(was_t, t, ("county",)) + _changed(was_t.workstation, t.workstation, ("address", "phone", "hours"), "workstation.")
        if details:
            add(Change("township", "changed", t.code, t.name, f"{t.code} {t.name}：{_details_text(details)}", tuple(details)))
        if was_t.team != t.team:
            joined = [m for m in t.team if m not in was_t.team]
            gone = [m for m in was_t.team if m not in t.team]
            words = [f"加入 {'、'.join(_advisor_label(new, m) for m in joined)}"] if joined else []
            words += [f"退出 {'、'.join(_advisor_label(old, m) for m in gone)}"] if gone else []
            add(Change("township", "team", t.code, t.name, f"{t.name}团队：{'；'.join(words) or '顺序调整'}",
                       (("team", ",".join(was_t.team), ",".join(t.team)),)))

    # -- organizations, counties, programme ------------------------------------------------
    for o in new.organizations:
        if o.id not in old.organization:
            add(Change("organization", "added", o.id, o.name, f"新增 {o.name}（{o.id}）"))
    for o in old.organizations:
        if o.id not in new.organization:
            add(Change("organization", "removed", o.id, o.name, f"删除 {o.name}（{o.id}）"))
    for o in new.organizations:
        was_o = old.organization.get(o.id)
        if was_o is not None and (details := _changed(was_o, o, ("name", "kind", "county", "township", "address", "phone"))):
            add(Change("organization", "changed", o.id, o.name, f"{o.name}（{o.id}）：{_details_text(details)}", tuple(details)))
    for c in new.counties:
        if c.id not in old.county:
            add(Change("county", "added", c.id, c.name, f"新增 {c.name}（{c.id}）"))
    for c in old.counties:
        if c.id not in new.county:
            add(Change("county", "removed", c.id, c.name, f"删除 {c.name}（{c.id}）"))
    for c in new.counties:
        was_c = old.county.get(c.id)
        if was_c is not None:
            details = _changed(was_c, c, ("name", "kind", "code", "city")) + _changed(was_c.centre, c.centre, ("name", "address", "phone", "hours"), "centre.")
            if details:
                add(Change("county", "changed", c.id, c.name, f"{c.name}（{c.id}）：{_details_text(details)}", tuple(details)))
    for city in new.cities:
        was_city = old.city.get(city.id)
        if was_city is None:
            add(Change("city", "added", city.id, city.name, f"新增 {city.name}（{city.id}）"))
        elif details := _changed(was_city, city, ("name", "code", "local_hotline", "base_url")):
            add(Change("city", "changed", city.id, city.name, f"{city.name}（{city.id}）：{_details_text(details)}", tuple(details)))
    for city in old.cities:
        if city.id not in new.city:
            add(Change("city", "removed", city.id, city.name, f"删除 {city.name}（{city.id}）"))
    p_details = _changed(old.programme, new.programme, [f.name for f in fields(new.programme)])
    if p_details:
        add(Change("programme", "changed", "programme", new.programme.name, _details_text(p_details), tuple(p_details)))

    d.reprint = reprint_list(old, new)
    return d


def reprint_list(old: Roster, new: Roster) -> list[tuple[str, str]]:
    """``(village code, why)`` for every village of ``new`` whose card differs from its card in
    ``old`` (or that had none), in roster order."""
    out = []
    for v in new.villages:
        card = card_content(new, v)
        if v.code not in old.village:
            out.append((v.code, f"{card.village}（{card.township}）：新村居"))
            continue
        was = card_content(old, old.village[v.code])
        if was != card:
            what = "、".join(CARD_FIELD_NAMES[f] for f in CardContent._fields if getattr(was, f) != getattr(card, f))
            out.append((v.code, f"{card.village}（{card.township}）：{what}"))
    return out


def reprint_text(d: Diff) -> str:
    """The reprint list in the format ``cards --villages`` reads: a code a line, ``#`` comments."""
    lines = [f"# 重印清单（便民服务卡）：{d.before} → {d.after}，{len(d.reprint)} 张",
             "# python -m generator cards --villages 本文件 -o 重印.pdf"]
    lines += [f"{code}  # {why}" for code, why in d.reprint]
    return "\n".join(lines) + "\n"


def format_text(d: Diff) -> str:
    """The change list as staff read it: a summary, then each section's changes."""
    counts = d.counts()
    lines = [f"名册变更：{d.before} → {d.after}"]
    if not d.changes:
        lines.append("没有变更。")
    for section, heading in SECTIONS.items():
        if section in counts:
            parts = [f"{ACTIONS.get(a, a)} {n}" for a, n in counts[section].items()]
            lines.append(f"  {heading}：{'，'.join(parts)}")
    lines.append(f"  需重印便民服务卡：{len(d.reprint)} 张")
    for section, heading in SECTIONS.items():
        items = [c for c in d.changes if c.section == section]
        if not items:
            continue
        lines += ["", f"== {heading} =="]
        for c in items:
            mark = {"added": "+", "left": "-", "removed": "-", "changed": "~", "renamed": "~", "reassigned": ">", "team": "~"}.get(c.action, "-")
            shown = c.action in ("changed", "reassigned", "renamed", "team") and c.section != "programme"
            head = f"[{ACTIONS[c.action]}] " if shown else ""
            lines.append(f"{mark} {head}{c.text}")
    return "\n".join(lines) + "\n"


def format_json(d: Diff) -> str:
    data: dict[str, Any] = {
        "before": d.before,
        "after": d.after,
        "counts": d.counts(),
        "changes": [asdict(c) for c in d.changes],
        "reprint": [code for code, _ in d.reprint],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- validate --since: no published code may disappear ------------------------------------


def _position(docs: Documents, township_code: str) -> tuple[str, int, int]:
    """Where to point a problem about a vanished code: its township's file (at ``villages:``),
    else retired.yaml, where the fix goes."""
    for doc in docs.of("township-file"):
        assert doc.root is not None
        t = doc.root.get("township")
        if t is not None and t.text("code") == township_code:
            line, col = (doc.root.keys or {}).get("villages", (doc.root.line, doc.root.column))
            return doc.path, line, col
    for doc in docs.of("retired-file"):
        return doc.path, 1, 1
    return str(docs.data_dir / "retired.yaml"), 0, 0


def vanished(old: Roster, new: Roster, docs: Documents, since: str) -> list[Problem]:
    """A problem for every village or township code ``old`` published (live or retired) that
    ``new`` has neither as a place nor as a retirement: the cards printed with it would lead nowhere."""
    problems = []
    year = "YYYY"
    old_villages: list[Village | Retired] = [*old.villages, *old.retired_villages]
    for v in old_villages:
        if v.code in new.village or v.code in new.retired_village:
            continue
        tcode = v.township if isinstance(v, Village) else v.parent
        path, line, col = _position(docs, tcode)
        record = (f"{{code: '{v.code}', name: {v.name}, township: '{tcode}', year: {year}, kind: merged, "
                  "successors: ['<the code of the village that took its place>']}")
        problems.append(Problem(path, line, col, "error", "villages",
                                f"expected village {v.code} {v.name}, which {since} published (cards carry its URL), "
                                f"in the roster or in retired.yaml, found neither; add it back, or record what replaced it "
                                f"in retired.yaml under villages: {record}", "vanished-code"))
    old_townships: list[Township | Retired] = [*old.townships, *old.retired_townships]
    for t in old_townships:
        if t.code in new.township or t.code in new.retired_township:
            continue
        county = t.county if isinstance(t, Township) else t.parent
        path, line, col = _position(docs, t.code)
        record = (f"{{code: '{t.code}', name: {t.name}, county: '{county}', year: {year}, kind: renamed, "
                  "successors: ['<the code of the township that took its place>']}")
        problems.append(Problem(path, line, col, "error", "townships",
                                f"expected township {t.code} {t.name}, which {since} published, in the roster or in "
                                f"retired.yaml, found neither; add it back, or record what replaced it in retired.yaml "
                                f"under townships: {record}", "vanished-code"))
    return problems
