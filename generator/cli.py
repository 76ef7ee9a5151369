"""The command line: the only module that parses arguments or prints.

    python -m generator validate [--data DIR] [--strict] [--format text|json] [--since REV_OR_FOLDER]
    python -m generator stats [--data DIR] [--city ID] [--format text|json]
    python -m generator cards (--township CODE | --county ID | --city ID | --all | --villages FILE) [--back] -o OUT.pdf [--data DIR]
    python -m generator cities [--data DIR] [--format text|json]
    python -m generator diff OLD NEW [--format text|json] [--reprint FILE] [--data DIR]
    python -m generator export -o ROSTER.xlsx [--data DIR]
    python -m generator import ROSTER.xlsx [--data DIR] [--dry-run] [--yes]

Every command takes the roster folder as ``--data DIR`` (default ``data``); the older spellings
(a positional DATA_DIR, ``import -o DIR``) still work and print a note. Options every command
has: ``--lang zh|en`` (else the locale, see :mod:`generator.core.i18n`), ``--debug`` and ``--version``.

An error the user can act on is a :class:`~generator.core.errors.UserError`, caught once in
:func:`main` and printed as one line. Exit codes: 0 clean, 1 problems or a user error, 2 wrong
usage, 3 a bug of ours (``--debug`` shows its traceback).
"""

from __future__ import annotations

import argparse
import gettext
import json
import logging
import sys
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from generator.build.pipeline import Checked, read_roster
from generator.changes import diff as changes
from generator.changes.diff import diff, reprint_text, vanished
from generator.changes.revisions import read_version
from generator.core.errors import UserError
from generator.core.i18n import DOMAIN, LANGUAGES, LOCALES, _, language, ngettext, pgettext, speaking
from generator.core.problems import errors, format_json, format_text, sort_problems
from generator.printing.cards import SelectionError, check_city, print_documents, read_village_list, select_villages
from generator.printing.pdf import write_pdf
from generator.roster.load import Documents, build_roster, display_path, load_documents
from generator.site.stats import Area, report, report_json

DEFAULT_DATA = "data"
PROG = "python -m generator"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    space = " " * max(0, n - width(text))
    return space + text if right else text + space


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for r in [header, *rows]:
        out.append("  ".join(pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return "\n".join(out)


def note(text: str) -> None:
    """A line for the person at the terminal, beside the output (on stderr)."""
    print(text, file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    checked = read_roster(args.data)
    problems = checked.problems
    if args.since:
        before = read_version(args.since, args.data)
        note(_("compared with {label}").format(label=before.label))
        problems = sort_problems([*problems, *vanished(before.roster, checked.roster, load_documents(args.data), before.label)])
    if args.format == "json":
        print(format_json(problems))
    elif problems:
        print(format_text(problems))
    else:
        r = report(checked.roster).total
        print(_("{folder}: no problems ({townships} townships, {villages} villages, {advisors} advisors)").format(
            folder=args.data, townships=r.townships, villages=r.villages, advisors=len(checked.roster.advisors)))
    failed = errors(problems) or (args.strict and problems)
    return 1 if failed else 0


def _cells(r: Area, name: str | None = None, townships: bool = True) -> list[str]:
    team = r.teams.text if r.teams else "-"
    return [name or r.name, *([str(r.townships)] if townships else []), str(r.villages), str(r.covered), str(r.gaps), r.percent_text, str(r.advisors),
            *(str(c.n) for c in r.roles[:3]), team, r.mean_load_text, str(r.load_max), str(len(r.over_limit))]


def _summary(t: Area, limit: int) -> list[str]:
    """The programme's figures in the words of the statistics page."""
    items = _("{label} {n}")
    listing = pgettext("list", ", ")
    none = _("none")
    roles = listing.join(items.format(label=c.label, n=c.n) for c in t.roles)
    sources = listing.join(_("{label} {organizations} ({people} advisors)").format(label=label, organizations=orgs, people=people)
                           for label, orgs, people in t.sources) or none
    teams = (_("{low}–{high} a township, median {median:g}").format(low=t.teams.min, high=t.teams.max, median=t.teams.median)
             if t.teams else none)
    spread = listing.join(items.format(label=c.label, n=c.n) for c in t.load if c.n)
    over = listing.join(_("{name} ({id}, {n})").format(name=a.name, id=a.id, n=a.n) for a in t.over_limit) or none
    gaps = listing.join(_("{where}{name} ({id})").format(where=v.where, name=v.name, id=v.id) for v in t.gap_villages) or none
    return [_("Advisors: {roles}").format(roles=roles), _("Where they work: {sources}").format(sources=sources),
            _("Team sizes: {teams}").format(teams=teams),
            _("Villages per advisor: {mean} on average, at most {most}; {spread}").format(
                mean=t.mean_load_text, most=t.load_max, spread=spread),
            _("Advisors above the limit ({limit}): {names}").format(limit=limit, names=over),
            _("Villages without an advisor: {names}").format(names=gaps)]


def cmd_stats(args: argparse.Namespace) -> int:
    checked = read_roster(args.data)
    roster = checked.roster
    if args.city is not None:
        check_city(roster, args.city)
        roster = roster.only_city(args.city)  # the figures of that city's own site (ROSTER_CITY)
    rep = report(roster)
    if args.format == "json":
        # the very text of the site's /data/stats.json
        print(report_json(rep, roster.programme.base_url), end="")
    else:
        head = [pgettext("column", "unit"), pgettext("column", "townships"), pgettext("column", "villages"),
                pgettext("column", "covered"), pgettext("column", "gaps"), pgettext("column", "coverage"),
                pgettext("column", "advisors"), *(c.label for c in rep.total.roles[:3]), pgettext("column", "team size"),
                pgettext("column", "villages per advisor"), pgettext("column", "most"), pgettext("column", "above the limit")]
        t = rep.total
        print(_("{name}: {units} county-level units, {townships} townships, {villages} villages, {advisors} advisors; "
                "coverage {covered}/{villages} = {percent}").format(
            name=t.name, units=len(rep.counties), townships=t.townships, villages=t.villages, advisors=t.advisors,
            covered=t.covered, percent=t.percent_text))
        print("\n".join(_summary(t, rep.limit)))
        print()
        total = pgettext("column", "total")
        print(table(head, [_cells(r) for r in rep.counties] + [_cells(t, total)]))
        for r in rep.counties:
            print(f"\n{r.name}")
            print(table([pgettext("column", "township"), *head[2:]], [_cells(x, townships=False) for x in r.children]
                        + [_cells(r, total, townships=False)]))
    n_err = len(errors(checked.problems))
    if n_err:
        note(ngettext("note: the roster has {n} error; run '{prog} validate --data {folder}' to see it",
                      "note: the roster has {n} errors; run '{prog} validate --data {folder}' to see them", n_err).format(
            n=n_err, prog=PROG, folder=args.data))
        return 1
    return 0


def clean_roster(data_dir: str | Path, nothing_done: str) -> Checked | None:
    """The roster, or None after printing its problems and that ``nothing_done`` until they are fixed."""
    checked = read_roster(data_dir)
    if checked.ok:
        return checked
    print(format_text(checked.problems))
    note(_("{nothing_done}: fix the roster first").format(nothing_done=nothing_done))
    return None


def cmd_cards(args: argparse.Namespace) -> int:
    checked = clean_roster(args.data, _("no cards printed"))
    if checked is None:
        return 1
    codes = read_village_list(args.villages) if args.villages else None
    villages = select_villages(checked.roster, township=args.township, county=args.county, city=args.city,
                               all_villages=args.all, codes=codes)
    if not villages:
        raise SelectionError(_("the selection has no villages: nothing to print"))
    documents = print_documents(checked.roster, villages, Path(args.overrides), by_township=not args.villages,
                                backs=args.back)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] {label}", file=sys.stderr, flush=True)

    write_pdf(documents, args.output, progress)
    print(ngettext("{path}: {n} card", "{path}: {n} cards", len(villages)).format(path=args.output, n=len(villages)))
    return 0


def cmd_cities(args: argparse.Namespace) -> int:
    checked = clean_roster(args.data, _("no cities listed"))
    if checked is None:
        return 1
    cities = checked.roster.cities
    if args.format == "json":
        # the ids alone, in roster order: what a CI matrix takes (fromJSON), one job per city
        print(json.dumps([c.id for c in cities]))
    elif not cities:
        print(_("{folder}: one city's roster (no cities.yaml)").format(folder=args.data))
    else:
        print(table([pgettext("column", "city"), pgettext("column", "name"), pgettext("column", "local hotline"),
                     pgettext("column", "web address")],
                    [[c.id, c.name, c.local_hotline, c.base_url or checked.roster.programme.base_url] for c in cities]))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    old = read_version(args.old, args.data)
    new = read_version(args.new, args.data)
    for v in (old, new):
        if n := len(v.docs.problems):  # unreadable files; validate names everything else
            note(ngettext("note: {label} has {n} file that cannot be read; the change list shows what could be",
                          "note: {label} has {n} files that cannot be read; the change list shows what could be", n).format(
                label=v.label, n=n))
    d = diff(old.roster, new.roster, old.label, new.label)
    print(changes.format_json(d) if args.format == "json" else changes.format_text(d), end="")
    if args.reprint:
        try:
            args.reprint.write_text(reprint_text(d), encoding="utf-8")
        except OSError as exc:
            raise UserError(_("cannot write {path}: {reason}").format(path=args.reprint, reason=exc.strerror)) from None
        note(ngettext("{path}: {n} village code to reprint", "{path}: {n} village codes to reprint", len(d.reprint)).format(
            path=args.reprint, n=len(d.reprint)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from generator.workbook.sheets import export_workbook  # openpyxl loads only for the Excel commands

    if clean_roster(args.data, _("nothing exported")) is None:
        return 1
    try:
        export_workbook(Path(args.data), args.output)
    except OSError as exc:
        raise UserError(_("cannot write {path}: {reason}").format(path=args.output, reason=exc.strerror)) from None
    print(_("{path}: exported {folder}").format(path=args.output, folder=args.data))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.workbook.read import plan_import, write_plan

    out = Path(args.data)
    plan = plan_import(args.workbook, out)  # a workbook that cannot be read at all: a WorkbookError, from main
    if plan.problems:
        print(format_text(plan.problems))
    if not plan.ok or plan.docs is None:
        note(_("nothing written to {folder}: fix the workbook first").format(folder=out))
        return 1
    bulk = _import_changes(out, args.workbook, plan.docs)
    if args.dry_run:
        print(_("dry run: nothing written to {folder}").format(folder=out))
        return 0
    if bulk and not args.yes:
        note(_("nothing written to {folder}: the changes above are many at once; if they are what you meant, run the "
               "same command with --yes").format(folder=out))
        return 1
    done = write_plan(plan)  # an OutputError is a UserError: one line, from main
    print(_("{folder}: {written} written, {removed} removed, {unchanged} unchanged").format(
        folder=out, written=ngettext("{n} file", "{n} files", len(done.written)).format(n=len(done.written)),
        removed=len(done.removed), unchanged=done.unchanged))
    for path in done.written:
        print(_("  wrote {path}").format(path=path))
    for path in done.removed:
        print(_("  removed {path}").format(path=path))
    return 0


def _import_changes(out: Path, workbook: Path, docs: Documents) -> list[str]:
    """Print what an import changes in ``out`` (the change list of ``diff``; a count for a new
    roster) and call out bulk changes; return those."""
    from generator.changes.bulk import bulk_changes

    new = build_roster(docs)
    old_docs = load_documents(out) if out.is_dir() else Documents(out)
    if not old_docs.items:
        print(_("{out}: a new roster from {workbook}: {counties} units, {townships} townships, {villages} villages, "
                "{advisors} advisors").format(out=out, workbook=workbook, counties=len(new.counties),
                                              townships=len(new.townships), villages=len(new.villages),
                                              advisors=len(new.advisors)))
        return []
    if n := len(old_docs.problems):
        note(_("note: {n} file(s) of {out} cannot be read; the change list shows what could be").format(n=n, out=out))
    old = build_roster(old_docs)
    d = diff(old, new, display_path(out), display_path(workbook))
    print(changes.format_text(d), end="")
    bulk = bulk_changes(d, old)
    if bulk:
        rule = "!" * 72
        print("\n".join(["", rule, _("!! Many changes at once: check the list above before writing them."),
                         *(f"!!   {line}" for line in bulk), rule]))
    return bulk


# --- the parser -------------------------------------------------------------------------------


def _examples(*lines: str) -> str:
    return _("examples:") + "\n" + "\n".join(f"  {PROG} {line}" for line in lines)


def _common(suppress: bool) -> argparse.ArgumentParser:
    """The options every command has; on a sub-command they default to nothing, so that the main
    parser's value (given before the command) is not overwritten."""
    common = argparse.ArgumentParser(add_help=False)
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    common.add_argument("--lang", choices=LANGUAGES, help=_("language of messages: zh (default) or en; else the locale's"),
                        **default)
    common.add_argument("--debug", action="store_true", help=_("on an internal error, show its traceback"), **default)
    return common


def _data(p: argparse.ArgumentParser, positional: bool = True) -> None:
    """``--data DIR``, and the old positional spelling (kept, with a note, for scripts written before)."""
    p.add_argument("--data", "-d", metavar="DIR", help=_("the roster folder (default: data)"))
    if positional:
        p.add_argument("old_data", nargs="?", metavar="DATA_DIR", help=argparse.SUPPRESS)


def _format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help=_("output format (default: text)"))


def parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog=PROG, parents=[_common(suppress=False)], formatter_class=formatter,
                                description=_("The roster of village legal advisors: check it, report coverage, print "
                                              "service cards, compare versions, edit it in Excel."),
                                epilog=_examples("validate", "stats --format json", "cards --township 371502001 -o cards.pdf"))
    p.add_argument("--version", action="version", version=f"%(prog)s {package_version()}",
                   help=_("show the version and exit"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", title=_("commands"))
    common = [_common(suppress=True)]

    def command(name: str, help: str, examples: Sequence[str], func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help, parents=common, formatter_class=formatter,
                           epilog=_examples(*examples))
        c.set_defaults(func=func)
        return c

    v = command("validate", _("check the roster and list every problem, with where and how to fix it"),
                ["validate", "validate --data data --strict", "validate --since rev:origin/main", "validate --format json"],
                cmd_validate)
    _data(v)
    v.add_argument("--strict", action="store_true", help=_("fail on warnings too"))
    _format(v)
    v.add_argument("--since", metavar="REV_OR_FOLDER",
                   help=_("also fail when a code that roster published is gone without a retirement record "
                          "(rev:REVISION or dir:FOLDER; a bare name that is both is refused)"))

    s = command("stats", _("the programme's figures (全覆盖, advisors, load, teams, gaps) per unit and township"),
                ["stats", "stats --city 3715", "stats --format json > stats.json"], cmd_stats)
    _data(s)
    s.add_argument("--city", metavar="ID", help=_("one city's figures (a province's roster), as its own site gives them"))
    _format(s)

    c = command("cards", _("print 便民服务卡 to a PDF: A4 sheets of ten, with cut marks"),
                ["cards --township 371502001 -o cards.pdf", "cards --county 371502 --back -o cards.pdf",
                 "cards --villages reprint.txt -o reprint.pdf"], cmd_cards)
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--township", metavar="CODE", help=_("one township's villages (9-digit code)"))
    which.add_argument("--county", metavar="ID", help=_("one county-level unit's villages"))
    which.add_argument("--city", metavar="ID", help=_("one city's villages (a province's roster)"))
    which.add_argument("--all", action="store_true", help=_("every village of the programme"))
    which.add_argument("--villages", metavar="FILE", type=Path,
                       help=_("a file of village codes, one per line (a reprint list)"))
    c.add_argument("-o", "--output", metavar="OUT.pdf", type=Path, required=True, help=_("the PDF to write"))
    c.add_argument("--back", action="store_true",
                   help=_("follow each sheet by a sheet of backs (eight services), for duplex printing"))
    _data(c, positional=False)
    c.add_argument("--overrides", default="overrides", metavar="DIR",
                   help=_("theme folder with data/print.html (default: overrides)"))

    k = command("cities", _("a province's cities (cities.yaml); --format json prints their ids for a CI matrix"),
                ["cities", "cities --format json"], cmd_cities)
    _data(k)
    _format(k)

    d = command("diff", _("what changed between two rosters (folders or git revisions), and which cards to reprint"),
                ["diff rev:origin/main dir:data", "diff rev:HEAD~1 rev:HEAD --reprint reprint.txt",
                 "diff dir:old-roster dir:data --format json"],
                cmd_diff)
    d.add_argument("old", metavar="OLD", help=_("a git revision (rev:origin/main, rev:HEAD~1) or a roster folder (dir:data)"))
    d.add_argument("new", metavar="NEW", help=_("a git revision (rev:HEAD) or a roster folder (dir:data)"))
    _format(d)
    d.add_argument("--reprint", metavar="FILE", type=Path,
                   help=_("write the village codes whose cards changed, for cards --villages"))
    _data(d, positional=False)

    e = command("export", _("write the roster to an Excel workbook, one sheet per kind of record"),
                ["export -o 名册.xlsx", "export --data data -o 名册.xlsx"], cmd_export)
    _data(e)
    e.add_argument("-o", "--output", metavar="ROSTER.xlsx", type=Path, required=True, help=_("the workbook to write"))

    i = command("import", _("read an Excel workbook back into the roster folder, if it has no errors"),
                ["import 名册.xlsx", "import 名册.xlsx --data data"], cmd_import)
    i.add_argument("workbook", metavar="ROSTER.xlsx", type=Path, help=_("a workbook made by export (or its template)"))
    _data(i, positional=False)
    i.add_argument("-o", "--output", dest="old_data", metavar="DIR", help=argparse.SUPPRESS)
    i.add_argument("--dry-run", action="store_true", help=_("check the workbook and print what would change; write nothing"))
    i.add_argument("--yes", action="store_true",
                   help=_("write even when many records are removed, renamed or reassigned at once"))
    return p


def package_version() -> str:
    try:
        return version("liaocheng-advisors")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def chosen_language(argv: Sequence[str]) -> str | None:
    """``--lang``'s value, read before parsing, so that help and usage errors are in that language too."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if value in LANGUAGES:
            return value
    return None


def _settle_data(args: argparse.Namespace) -> None:
    """``args.data`` from ``--data`` or an older spelling (with a note), else the default."""
    old = getattr(args, "old_data", None)
    if old is not None:
        if args.data is not None:
            raise UserError(_("the roster folder is given twice ({old} and --data {new}); give it once, as --data DIR").format(
                old=old, new=args.data))
        spelled = "-o" if args.command == "import" else "DATA_DIR"
        note(_("note: '{spelled} {folder}' is the older spelling; write '--data {folder}'").format(spelled=spelled, folder=old))
        args.data = old
    if args.data is None:
        args.data = DEFAULT_DATA


@contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse's own words (usage, errors) from our catalogue, which holds them too."""
    before = gettext.textdomain()
    gettext.bindtextdomain(DOMAIN, str(LOCALES))
    gettext.textdomain(DOMAIN)
    try:
        yield
    finally:
        gettext.textdomain(before)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with speaking(chosen_language(argv) or language()), _argparse_speaks():
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        args = parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        try:
            _settle_data(args)
            return func(args)
        except UserError as exc:
            note(exc.line())
            return exc.exit_code
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
        except Exception as exc:  # a bug of ours: one line, or the traceback with --debug
            if getattr(args, "debug", False):
                traceback.print_exc()
            else:
                note(_("internal error: {kind}: {error}. This is a bug in the generator, not in your roster: run the "
                       "command again with --debug and report what it prints, with the command you ran.").format(
                    kind=type(exc).__name__, error=exc))
            return 3
