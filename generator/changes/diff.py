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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from generator.core.i18n import N_, NP_, _, ngettext, pgettext
from generator.core.model import ROLE_NAMES, Retired, Roster, Township, Village
from generator.core.problems import Problem
from generator.printing.cards import CardContent, card_content
from generator.roster.load import Documents

#: Sections of a change list, in the order staff read them, with their headings (``_(SECTIONS[key])``).
SECTIONS = {
    "advisor": N_("advisor"),
    "village": N_("village"),
    "township": N_("township"),
    "organization": N_("organization"),
    "county": N_("county"),
    "city": N_("city"),  # a province's roster (cities.yaml)
    "programme": N_("programme"),
}
#: What happened to a record (``pgettext("change", ACTIONS[key])``).
ACTIONS = {
    "added": NP_("change", "added"),
    "left": NP_("change", "left"),
    "removed": NP_("change", "removed"),
    "changed": NP_("change", "changed"),
    "reassigned": NP_("change", "reassigned"),
    "renamed": NP_("change", "renamed"),
    "team": NP_("change", "team"),
    # retirements, by kind (retired.yaml); "removed" when a code went without a record
    "merged": NP_("change", "merged"),
    "split": NP_("change", "split"),
    "transferred": NP_("change", "transferred"),
    "abolished": NP_("change", "abolished"),
}
#: Published fields as staff know them (``pgettext("field", FIELD_NAMES[key])``); in Chinese the words of
#: schema.FIELD_TITLES, which the open data shows (tests/changes/test_changes.py checks they agree).
FIELD_NAMES = {
    "name": NP_("field", "name"), "role": NP_("field", "role"), "organization": NP_("field", "organization"),
    "phone": NP_("field", "phone"), "studio": NP_("field", "studio"), "advisor": NP_("field", "advisor"),
    "county": NP_("field", "county"), "kind": NP_("field", "kind"), "code": NP_("field", "code"),
    "township": NP_("field", "township"), "address": NP_("field", "address"),
    "workstation.address": NP_("field", "workstation address"), "workstation.phone": NP_("field", "workstation phone"),
    "workstation.hours": NP_("field", "workstation hours"), "centre.name": NP_("field", "centre name"),
    "centre.address": NP_("field", "centre address"), "centre.phone": NP_("field", "centre phone"),
    "centre.hours": NP_("field", "centre hours"), "city": NP_("field", "city"), "province": NP_("field", "province"),
    "hotline": NP_("field", "hotline"), "local_hotline": NP_("field", "local hotline"),
    "base_url": NP_("field", "web address"), "sample": NP_("field", "sample data"),
    "max_villages_per_advisor": NP_("field", "most villages per advisor"),
    "coverage_gap": NP_("field", "level of a village without advisor"),
}
#: What each part of a card is called in the reprint list's comments (``pgettext("card", …)``).
CARD_FIELD_NAMES = {
    "code": NP_("card", "code"), "village": NP_("card", "village"), "township": NP_("card", "township"),
    "county": NP_("card", "county"), "advisor": NP_("card", "advisor"), "role": NP_("card", "role"),
    "phone": NP_("card", "phone"), "workstation_phone": NP_("card", "workstation phone"), "city": NP_("card", "city"),
    "programme": NP_("card", "programme"), "hotline": NP_("card", "hotline"),
    "local_hotline": NP_("card", "local hotline"), "url": NP_("card", "web address (QR code)"),
}


def listing(items: Iterable[str]) -> str:
    """Names in a row: 'a, b', 'a、b'."""
    return pgettext("list", ", ").join(items)


def action_word(action: str) -> str:
    return pgettext("change", ACTIONS[action]) if action in ACTIONS else action


def field_word(name: str) -> str:
    return pgettext("field", FIELD_NAMES[name]) if name in FIELD_NAMES else name


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
    empty = _("(empty)")
    return pgettext("clauses", "; ").join(
        _("{field} {before} → {after}").format(field=field_word(f), before=a or empty, after=b or empty)
        for f, a, b in details)


def _named(name: str, key: str) -> str:
    """'王伟 (A0001)', '王伟（A0001）'."""
    return _("{name} ({id})").format(name=name, id=key)


def _village_label(roster: Roster, code: str) -> str:
    v = roster.village.get(code)
    if v is not None:
        t = roster.township.get(v.township)
        return _("{village} ({township})").format(village=v.short_name, township=t.name if t else v.township)
    r = roster.retired_village.get(code)
    return _("{village} (retired code)").format(village=r.short_name) if r else code


def _advisor_label(roster: Roster, advisor_id: str | None) -> str:
    if not advisor_id:
        return _("(no advisor)")
    a = roster.advisor.get(advisor_id)
    return _named(a.name, advisor_id) if a else advisor_id


def _gone(what: str, code: str, name: str, label: str, r: Retired | None, new: Roster) -> Change:
    """A village or township the old roster had and the new one has not: retired as recorded, or just gone."""
    if r is None:
        return Change(what, "removed", code, name, _("{label}: gone, with no retirement record (retired.yaml)").format(label=label))
    return Change(what, r.kind, code, name, _retirement_text(what, r, new, label), successors=r.successors)


#: A retirement as the change list says it, by kind.
RETIREMENT_TEXTS = {
    "merged": N_("{label}: merged into {successors} in {year}"),
    "split": N_("{label}: split into {successors} in {year}"),
    "renamed": N_("{label}: renamed {successors} in {year}"),
    "transferred": N_("{label}: transferred to {successors} in {year}"),
}


def _retirement_text(what: str, r: Retired, roster: Roster, label: str) -> str:
    if r.kind == "abolished":
        return _("{label}: abolished in {year}").format(label=label, year=r.year)
    names = [(_village_label(roster, s) if what == "village" else _township_label(roster, s)) + f" {s}" for s in r.successors]
    text = _(RETIREMENT_TEXTS[r.kind]) if r.kind in RETIREMENT_TEXTS else _("{label}: {kind} {successors} in {year}")
    return text.format(label=label, successors=listing(names), year=r.year, kind=r.kind)


def _township_label(roster: Roster, code: str) -> str:
    t = roster.township.get(code)
    if t is not None:
        return t.name
    r = roster.retired_township.get(code)
    return r.name if r else code


def diff(old: Roster, new: Roster, before: str = "before", after: str = "after") -> Diff:
    """Every published change from ``old`` to ``new``, in a stable order: section by section, as staff read them."""
    steps = (_advisors_added, _advisors_left, _advisors_changed, _reassignments,
             _villages_added, _villages_gone, _retirement_records_deleted, _villages_changed,
             _townships_added, _townships_gone, _townships_changed,
             _organization_changes, _county_changes, _city_changes, _programme_changes)
    d = Diff(before, after, [change for step in steps for change in step(old, new)])
    d.reprint = reprint_list(old, new)
    return d


# -- advisors ------------------------------------------------------------------------------------


def _advisors_added(old: Roster, new: Roster) -> Iterator[Change]:
    """The advisors ``new`` has and ``old`` had not, with their role, organization and phone."""
    for a in new.advisors:
        if a.id not in old.advisor:
            org = new.organization.get(a.organization)
            text = _("added {name} ({id}) {role}, {organization}, {phone}").format(
                name=a.name, id=a.id, role=a.role_name, organization=org.name if org else a.organization, phone=a.phone)
            yield Change("advisor", "added", a.id, a.name, text)


def _advisors_left(old: Roster, new: Roster) -> Iterator[Change]:
    """The advisors ``old`` had and ``new`` has not, with how many villages each served."""
    for a in old.advisors:
        if a.id not in new.advisor:
            n = len(old.villages_of.get(a.id, []))
            text = (ngettext("left: {name} ({id}) {role}, served {n} village", "left: {name} ({id}) {role}, served {n} villages", n)
                    if n else _("left: {name} ({id}) {role}"))
            yield Change("advisor", "left", a.id, a.name, text.format(name=a.name, id=a.id, role=a.role_name, n=n))


def _advisors_changed(old: Roster, new: Roster) -> Iterator[Change]:
    """The advisors both rosters have whose published fields differ, roles in words."""
    for a in new.advisors:
        was = old.advisor.get(a.id)
        if was is not None and (details := _changed(was, a, ("name", "role", "organization", "phone"))):
            shown = [(f, ROLE_NAMES.get(x, x) if f == "role" else x, ROLE_NAMES.get(y, y) if f == "role" else y)
                     for f, x, y in details]
            yield Change("advisor", "changed", a.id, a.name, _changes_of(_named(a.name, a.id), shown), tuple(details))


def _reassignments(old: Roster, new: Roster) -> Iterator[Change]:
    """The villages both rosters have that changed advisor, one change per (old advisor, new advisor)."""
    moves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for v in new.villages:
        was_v = old.village.get(v.code)
        if was_v is not None and was_v.advisor != v.advisor:
            moves[(was_v.advisor or "", v.advisor or "")].append(v.code)
    for (frm, to), codes in sorted(moves.items()):
        villages = listing(_village_label(new, c) for c in codes)
        name = new.advisor[to].name if to in new.advisor else ""
        text = _("{before} → {after}: {villages}").format(before=_advisor_label(old, frm), after=_advisor_label(new, to),
                                                          villages=villages)
        yield Change("advisor", "reassigned", f"{frm}->{to}", name, text, villages=tuple(codes))


# -- villages ------------------------------------------------------------------------------------


def _villages_added(old: Roster, new: Roster) -> Iterator[Change]:
    """The villages ``new`` has and ``old`` had not, noting a retired code back in use."""
    for v in new.villages:
        if v.code not in old.village:
            again = _(" (a retired code back in use)") if v.code in old.retired_village else ""
            text = _("added {code} {village}{again}, advisor {advisor}").format(
                code=v.code, village=_village_label(new, v.code), again=again, advisor=_advisor_label(new, v.advisor))
            yield Change("village", "added", v.code, v.name, text)


def _villages_gone(old: Roster, new: Roster) -> Iterator[Change]:
    """The villages ``old`` had and ``new`` has not: retired as recorded, or just gone."""
    for v in old.villages:
        if v.code not in new.village:
            yield _gone("village", v.code, v.name, f"{v.code} {_village_label(old, v.code)}", new.retired_village.get(v.code), new)


def _retirement_records_deleted(old: Roster, new: Roster) -> Iterator[Change]:
    """The retired villages of ``old`` that ``new`` has neither as a village nor as a retirement."""
    for r in old.retired_villages:
        if r.code not in new.village and r.code not in new.retired_village:
            text = _("{code} {name}: retirement record deleted (the URL on old cards will stop working)")
            yield Change("village", "removed", r.code, r.name, text.format(code=r.code, name=r.short_name))


def _villages_changed(old: Roster, new: Roster) -> Iterator[Change]:
    """The villages both rosters have that were renamed or whose studio changed."""
    for v in new.villages:
        was_v = old.village.get(v.code)
        if was_v is None:
            continue
        if was_v.name != v.name:
            yield Change("village", "renamed", v.code, v.name, f"{v.code} {was_v.name} → {v.name}", (("name", was_v.name, v.name),))
        if details := _changed(was_v, v, ("studio",)):
            yield Change("village", "changed", v.code, v.name, _changes_of(f"{v.code} {_village_label(new, v.code)}", details),
                         tuple(details))


# -- townships -----------------------------------------------------------------------------------


def _townships_added(old: Roster, new: Roster) -> Iterator[Change]:
    """The townships ``new`` has and ``old`` had not, with their number of villages."""
    for t in new.townships:
        if t.code not in old.township:
            n = len(t.villages)
            text = ngettext("added {code} {name}, {n} village", "added {code} {name}, {n} villages", n)
            yield Change("township", "added", t.code, t.name, text.format(code=t.code, name=t.name, n=n))


def _townships_gone(old: Roster, new: Roster) -> Iterator[Change]:
    """The townships ``old`` had and ``new`` has not: retired as recorded, or just gone."""
    for t in old.townships:
        if t.code not in new.township:
            yield _gone("township", t.code, t.name, f"{t.code} {t.name}", new.retired_township.get(t.code), new)


def _townships_changed(old: Roster, new: Roster) -> Iterator[Change]:
    """The townships both rosters have that were renamed, or whose county, workstation or team changed."""
    for t in new.townships:
        was_t = old.township.get(t.code)
        if was_t is None:
            continue
        if was_t.name != t.name:
            yield Change("township", "renamed", t.code, t.name, f"{t.code} {was_t.name} → {t.name}", (("name", was_t.name, t.name),))
        details = _changed(was_t, t, ("county",)) + _changed(was_t.workstation, t.workstation, ("address", "phone", "hours"), "workstation.")
        if details:
            yield Change("township", "changed", t.code, t.name, _changes_of(f"{t.code} {t.name}", details), tuple(details))
        if was_t.team != t.team:
            yield _team_change(old, new, was_t, t)


def _team_change(old: Roster, new: Roster, was_t: Township, t: Township) -> Change:
    """A township's team change: who joined, who left, or only the order."""
    joined = [m for m in t.team if m not in was_t.team]
    gone = [m for m in was_t.team if m not in t.team]
    words = [_("joined: {advisors}").format(advisors=listing(_advisor_label(new, m) for m in joined))] if joined else []
    words += [_("left: {advisors}").format(advisors=listing(_advisor_label(old, m) for m in gone))] if gone else []
    text = _("{township} team: {changes}").format(township=t.name,
                                                  changes=pgettext("clauses", "; ").join(words) or _("order changed"))
    return Change("township", "team", t.code, t.name, text, (("team", ",".join(was_t.team), ",".join(t.team)),))


# -- organizations, counties, cities, programme --------------------------------------------------


def _record_added(section: str, key: str, name: str) -> Change:
    """'added 某所 (LF001)': an organization, county or city ``new`` has and ``old`` had not."""
    return Change(section, "added", key, name, _("added {name} ({id})").format(name=name, id=key))


def _record_removed(section: str, key: str, name: str) -> Change:
    """'removed 某所 (LF001)': an organization, county or city ``old`` had and ``new`` has not."""
    return Change(section, "removed", key, name, _("removed {name} ({id})").format(name=name, id=key))


def _record_changed(section: str, key: str, name: str, details: list[tuple[str, str, str]]) -> Change:
    """An organization, county or city whose published fields differ."""
    return Change(section, "changed", key, name, _changes_of(_named(name, key), details), tuple(details))


def _organization_changes(old: Roster, new: Roster) -> Iterator[Change]:
    """The organizations added, then removed, then changed."""
    yield from (_record_added("organization", o.id, o.name) for o in new.organizations if o.id not in old.organization)
    yield from (_record_removed("organization", o.id, o.name) for o in old.organizations if o.id not in new.organization)
    for o in new.organizations:
        was_o = old.organization.get(o.id)
        if was_o is not None and (details := _changed(was_o, o, ("name", "kind", "county", "township", "address", "phone"))):
            yield _record_changed("organization", o.id, o.name, details)


def _county_changes(old: Roster, new: Roster) -> Iterator[Change]:
    """The counties added, then removed, then changed (their centre's fields with them)."""
    yield from (_record_added("county", c.id, c.name) for c in new.counties if c.id not in old.county)
    yield from (_record_removed("county", c.id, c.name) for c in old.counties if c.id not in new.county)
    for c in new.counties:
        was_c = old.county.get(c.id)
        if was_c is not None:
            details = _changed(was_c, c, ("name", "kind", "code", "city")) + _changed(was_c.centre, c.centre, ("name", "address", "phone", "hours"), "centre.")
            if details:
                yield _record_changed("county", c.id, c.name, details)


def _city_changes(old: Roster, new: Roster) -> Iterator[Change]:
    """The cities of a province's roster added or changed, in ``new``'s order, then removed."""
    for city in new.cities:
        was_city = old.city.get(city.id)
        if was_city is None:
            yield _record_added("city", city.id, city.name)
        elif details := _changed(was_city, city, ("name", "code", "local_hotline", "base_url")):
            yield _record_changed("city", city.id, city.name, details)
    yield from (_record_removed("city", city.id, city.name) for city in old.cities if city.id not in new.city)


def _programme_changes(old: Roster, new: Roster) -> Iterator[Change]:
    """The programme's fields that differ, as one change."""
    p_details = _changed(old.programme, new.programme, [f.name for f in fields(new.programme)])
    if p_details:
        yield Change("programme", "changed", "programme", new.programme.name, _details_text(p_details), tuple(p_details))


def _changes_of(label: str, details: Iterable[tuple[str, str, str]]) -> str:
    """'王伟 (A0001): phone 1 → 2', as a change list shows a record's changed fields."""
    return _("{label}: {details}").format(label=label, details=_details_text(details))


def reprint_list(old: Roster, new: Roster) -> list[tuple[str, str]]:
    """``(village code, why)`` for every village of ``new`` whose card differs from its card in
    ``old`` (or that had none), in roster order."""
    out = []
    for v in new.villages:
        card = card_content(new, v)
        label = _("{village} ({township})").format(village=card.village, township=card.township)
        if v.code not in old.village:
            out.append((v.code, _("{label}: new village").format(label=label)))
            continue
        was = card_content(old, old.village[v.code])
        if was != card:
            what = listing(pgettext("card", CARD_FIELD_NAMES[f]) for f in CardContent._fields if getattr(was, f) != getattr(card, f))
            out.append((v.code, _("{label}: {details}").format(label=label, details=what)))
    return out


def reprint_text(d: Diff) -> str:
    """The reprint list in the format ``cards --villages`` reads: a code a line, ``#`` comments."""
    n = len(d.reprint)
    lines = [ngettext("# Reprint list (service cards): {before} → {after}, {n} card",
                      "# Reprint list (service cards): {before} → {after}, {n} cards", n).format(before=d.before, after=d.after, n=n),
             _("# python -m generator cards --villages THIS-FILE -o reprint.pdf")]
    lines += [f"{code}  # {why}" for code, why in d.reprint]
    return "\n".join(lines) + "\n"


def format_text(d: Diff) -> str:
    """The change list as staff read it: a summary, then each section's changes."""
    counts = d.counts()
    lines = [_("Roster changes: {before} → {after}").format(before=d.before, after=d.after)]
    if not d.changes:
        lines.append(_("No changes."))
    for section, heading in SECTIONS.items():
        if section in counts:
            parts = pgettext("clauses", ", ").join(f"{action_word(a)} {n}" for a, n in counts[section].items())
            lines.append(_("  {section}: {counts}").format(section=_(heading), counts=parts))
    n = len(d.reprint)
    lines.append(ngettext("  service cards to reprint: {n}", "  service cards to reprint: {n}", n).format(n=n))
    for section, heading in SECTIONS.items():
        items = [c for c in d.changes if c.section == section]
        if not items:
            continue
        lines += ["", f"== {_(heading)} =="]
        for c in items:
            mark = {"added": "+", "left": "-", "removed": "-", "changed": "~", "renamed": "~", "reassigned": ">", "team": "~"}.get(c.action, "-")
            shown = c.action in ("changed", "reassigned", "renamed", "team") and c.section != "programme"
            head = f"[{action_word(c.action)}] " if shown else ""
            lines.append(f"{mark} {head}{c.text}")
    return "\n".join(lines) + "\n"


def format_json(d: Diff) -> str:
    data: dict[str, Any] = {
        "before": d.before,
        "after": d.after,
        "counts": d.counts(),
        "changes": [asdict(c) for c in d.changes],
        "reprint": [code for code, _why in d.reprint],
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
        successor = _("<the code of the village that took its place>")
        record = (f"{{code: '{v.code}', name: {v.name}, township: '{tcode}', year: {year}, kind: merged, "
                  f"successors: ['{successor}']}}")
        message = _("expected village {code} {name}, which {since} published (cards carry its URL), in the roster or in "
                    "retired.yaml, found neither; add it back, or record what replaced it in retired.yaml under villages: "
                    "{record}")
        problems.append(Problem(path, line, col, "error", "villages",
                                message.format(code=v.code, name=v.name, since=since, record=record), "vanished-code"))
    old_townships: list[Township | Retired] = [*old.townships, *old.retired_townships]
    for t in old_townships:
        if t.code in new.township or t.code in new.retired_township:
            continue
        county = t.county if isinstance(t, Township) else t.parent
        path, line, col = _position(docs, t.code)
        successor = _("<the code of the township that took its place>")
        record = (f"{{code: '{t.code}', name: {t.name}, county: '{county}', year: {year}, kind: renamed, "
                  f"successors: ['{successor}']}}")
        message = _("expected township {code} {name}, which {since} published, in the roster or in retired.yaml, found "
                    "neither; add it back, or record what replaced it in retired.yaml under townships: {record}")
        problems.append(Problem(path, line, col, "error", "townships",
                                message.format(code=t.code, name=t.name, since=since, record=record), "vanished-code"))
    return problems
