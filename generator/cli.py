"""The command line: the only module that parses arguments or prints.

    python -m generator validate [DATA_DIR] [--strict] [--format text|json]
    python -m generator stats [DATA_DIR] [--city ID] [--format text|json]
    python -m generator cards (--township CODE | --county ID | --city ID | --all | --villages FILE) [--back] -o OUT.pdf
    python -m generator cities [DATA_DIR] [--format text|json]
    python -m generator diff OLD NEW [--format text|json] [--reprint FILE] [--data DATA_DIR]
    python -m generator export [DATA_DIR] -o ROSTER.xlsx
    python -m generator import ROSTER.xlsx -o DATA_DIR

Exit codes: 0 clean, 1 problems that fail the run, 2 wrong usage, 3 a bug of ours.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.build.pipeline import Checked, read_roster
from generator.changes import diff as changes
from generator.changes.diff import diff, reprint_text, vanished
from generator.changes.revisions import RevisionError, read_version
from generator.core.i18n import _
from generator.core.problems import errors, format_json, format_text, sort_problems
from generator.printing.cards import SelectionError, check_city, print_documents, read_village_list, select_villages
from generator.printing.pdf import PdfError, write_pdf
from generator.roster.load import load_documents
from generator.site.stats import Area, report, report_json

DEFAULT_DATA = "data"


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


def cmd_validate(args: argparse.Namespace) -> int:
    checked = read_roster(args.data_dir)
    problems = checked.problems
    if args.since:
        try:
            before = read_version(args.since, args.data_dir)
        except RevisionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(_("compared with {label}").format(label=before.label), file=sys.stderr)
        problems = sort_problems([*problems, *vanished(before.roster, checked.roster, load_documents(args.data_dir), before.label)])
    if args.format == "json":
        print(format_json(problems))
    elif problems:
        print(format_text(problems))
    else:
        r = report(checked.roster).total
        print(f"{args.data_dir}: no problems ({r.townships} townships, {r.villages} villages, "
              f"{len(checked.roster.advisors)} advisors)")
    failed = errors(problems) or (args.strict and problems)
    return 1 if failed else 0


def _cells(r: Area, name: str | None = None, townships: bool = True) -> list[str]:
    team = r.teams.text if r.teams else "-"
    return [name or r.name, *([str(r.townships)] if townships else []), str(r.villages), str(r.covered), str(r.gaps), r.percent_text, str(r.advisors),
            *(str(c.n) for c in r.roles[:3]), team, r.mean_load_text, str(r.load_max), str(len(r.over_limit))]


def _summary(t: Area, limit: int) -> list[str]:
    """The programme's figures in the words of the statistics page."""
    roles = "、".join(f"{c.label} {c.n} 名" for c in t.roles)
    sources = "、".join(f"{label} {orgs} 家（{people} 名）" for label, orgs, people in t.sources) or "无"
    teams = f"每个乡镇（街道）{t.teams.min}–{t.teams.max} 人，中位 {t.teams.median:g} 人" if t.teams else "无"
    spread = "、".join(f"{c.label} {c.n} 名" for c in t.load if c.n)
    over = "、".join(f"{a.name}（{a.id}，{a.n} 个）" for a in t.over_limit) or "无"
    gaps = "、".join(f"{v.where}{v.name}（{v.id}）" for v in t.gap_villages) or "无"
    return [f"法律顾问：{roles}", f"所在单位：{sources}", f"团队人数：{teams}",
            f"每名顾问联系村居：平均 {t.mean_load_text} 个，最多 {t.load_max} 个；{spread}",
            f"超过上限（{limit} 个）的顾问：{over}", f"空白村居：{gaps}"]


def cmd_stats(args: argparse.Namespace) -> int:
    checked = read_roster(args.data_dir)
    roster = checked.roster
    if args.city is not None:
        try:
            check_city(roster, args.city)
        except SelectionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        roster = roster.only_city(args.city)  # the figures of that city's own site (ROSTER_CITY)
    rep = report(roster)
    if args.format == "json":
        # the very text of the site's /data/stats.json
        print(report_json(rep, roster.programme.base_url), end="")
    else:
        head = ["单位", "乡镇", "村居", "已覆盖", "空白", "覆盖率", "顾问", "律师", "法律服务工作者", "司法所工作人员",
                "团队人数", "平均联系村居", "最多", "超过上限"]
        t = rep.total
        print(f"{t.name}：{len(rep.counties)} 个县级单位，{t.townships} 个乡镇（街道），"
              f"{t.villages} 个村居，{t.advisors} 名顾问；全覆盖 {t.covered}/{t.villages} = {t.percent_text}")
        print("\n".join(_summary(t, rep.limit)))
        print()
        print(table(head, [_cells(r) for r in rep.counties] + [_cells(t, "合计")]))
        for r in rep.counties:
            print(f"\n{r.name}")
            print(table(["乡镇", *head[2:]], [_cells(x, townships=False) for x in r.children]
                        + [_cells(r, "合计", townships=False)]))
    n_err = len(errors(checked.problems))
    if n_err:
        print(f"note: the roster has {n_err} error(s); run 'python -m generator validate {args.data_dir}' to see them",
              file=sys.stderr)
        return 1
    return 0


def clean_roster(data_dir: str | Path, nothing_done: str) -> Checked | None:
    """The roster, or None after printing its problems and that ``nothing_done`` until they are fixed."""
    checked = read_roster(data_dir)
    if checked.ok:
        return checked
    print(format_text(checked.problems))
    print(f"{nothing_done}: fix the roster first", file=sys.stderr)
    return None


def cmd_cards(args: argparse.Namespace) -> int:
    checked = clean_roster(args.data, "no cards printed")
    if checked is None:
        return 1
    try:
        codes = read_village_list(args.villages) if args.villages else None
        villages = select_villages(checked.roster, township=args.township, county=args.county, city=args.city,
                                   all_villages=args.all, codes=codes)
    except (SelectionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not villages:
        print("error: the selection has no villages", file=sys.stderr)
        return 1
    documents = print_documents(checked.roster, villages, Path(args.overrides), by_township=not args.villages,
                                backs=args.back)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] {label}", file=sys.stderr, flush=True)

    try:
        write_pdf(documents, args.output, progress)
    except PdfError as exc:  # a missing or failing tool, a wrong output folder: the user's to fix
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: {len(villages)} cards")
    return 0


def cmd_cities(args: argparse.Namespace) -> int:
    checked = clean_roster(args.data_dir, "no cities listed")
    if checked is None:
        return 1
    cities = checked.roster.cities
    if args.format == "json":
        # the ids alone, in roster order: what a CI matrix takes (fromJSON), one job per city
        print(json.dumps([c.id for c in cities]))
    elif not cities:
        print(f"{args.data_dir}: one city's roster (no cities.yaml)")
    else:
        print(table(["城市", "名称", "本地热线", "网址"],
                    [[c.id, c.name, c.local_hotline, c.base_url or checked.roster.programme.base_url] for c in cities]))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        old = read_version(args.old, args.data)
        new = read_version(args.new, args.data)
    except RevisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for version in (old, new):
        if n := len(version.docs.problems):  # unreadable files; validate names everything else
            print(f"note: {version.label} has {n} file(s) that cannot be read; the change list shows what could be",
                  file=sys.stderr)
    d = diff(old.roster, new.roster, old.label, new.label)
    print(changes.format_json(d) if args.format == "json" else changes.format_text(d), end="")
    if args.reprint:
        try:
            args.reprint.write_text(reprint_text(d), encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.reprint}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"{args.reprint}: {len(d.reprint)} village codes to reprint", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from generator.workbook.sheets import export_workbook  # openpyxl loads only for the Excel commands

    if clean_roster(args.data_dir, "nothing exported") is None:
        return 1
    try:
        export_workbook(Path(args.data_dir), args.output)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{args.output}: exported {args.data_dir}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.workbook.read import WorkbookError, import_workbook

    try:
        result = import_workbook(args.workbook, args.output)
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if result.problems:
        print(format_text(result.problems))
    if not result.ok:
        print(f"nothing written to {args.output}: fix the workbook first", file=sys.stderr)
        return 1
    print(f"{args.output}: {len(result.written)} file(s) written, {len(result.removed)} removed, "
          f"{result.unchanged} unchanged")
    for path in result.written:
        print(f"  wrote {path}")
    for path in result.removed:
        print(f"  removed {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description="Liaocheng legal-advisor directory: check the roster, report coverage.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="check the roster and list every problem")
    v.add_argument("data_dir", nargs="?", default=DEFAULT_DATA, metavar="DATA_DIR", help="roster folder (default: data)")
    v.add_argument("--strict", action="store_true", help="fail on warnings too")
    v.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    v.add_argument("--since", metavar="REV_OR_FOLDER", help="also fail when a code that roster published is gone without a retirement record "
                   "(rev:REVISION or dir:FOLDER; a bare name that is both is refused)")
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("stats", help="the programme's figures (全覆盖, advisors, load, teams, gaps) per unit and township")
    s.add_argument("data_dir", nargs="?", default=DEFAULT_DATA, metavar="DATA_DIR", help="roster folder (default: data)")
    s.add_argument("--city", metavar="ID", help="one city's figures (a province's roster), as its own site gives them")
    s.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    s.set_defaults(func=cmd_stats)
    c = sub.add_parser("cards", help="print 便民服务卡 to a PDF: A4 sheets of ten, with cut marks")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--township", metavar="CODE", help="one township's villages (9-digit code)")
    which.add_argument("--county", metavar="ID", help="one county-level unit's villages")
    which.add_argument("--city", metavar="ID", help="one city's villages (a province's roster)")
    which.add_argument("--all", action="store_true", help="every village of the programme")
    which.add_argument("--villages", metavar="FILE", type=Path, help="a file of village codes, one per line (a reprint list)")
    c.add_argument("-o", "--output", metavar="OUT.pdf", type=Path, required=True, help="the PDF to write")
    c.add_argument("--back", action="store_true", help="follow each sheet by a sheet of backs (eight services), for duplex printing")
    c.add_argument("--data", default=DEFAULT_DATA, metavar="DATA_DIR", help="roster folder (default: data)")
    c.add_argument("--overrides", default="overrides", metavar="DIR", help="theme folder with data/print.html (default: overrides)")
    c.set_defaults(func=cmd_cards)
    k = sub.add_parser("cities", help="a province's cities (cities.yaml); --format json prints their ids for a CI matrix")
    k.add_argument("data_dir", nargs="?", default=DEFAULT_DATA, metavar="DATA_DIR", help="roster folder (default: data)")
    k.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    k.set_defaults(func=cmd_cities)
    d = sub.add_parser("diff", help="what changed between two rosters (folders or git revisions), and which cards to reprint")
    d.add_argument("old", metavar="OLD", help="a git revision (rev:origin/main, rev:HEAD~1) or a roster folder (dir:data)")
    d.add_argument("new", metavar="NEW", help="a git revision (rev:HEAD) or a roster folder (dir:data)")
    d.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    d.add_argument("--reprint", metavar="FILE", type=Path, help="write the village codes whose cards changed, for cards --villages")
    d.add_argument("--data", default=DEFAULT_DATA, metavar="DATA_DIR", help="the roster folder whose repository revisions are read (default: data)")
    d.set_defaults(func=cmd_diff)
    e = sub.add_parser("export", help="write the roster to an Excel workbook, one sheet per kind of record")
    e.add_argument("data_dir", nargs="?", default=DEFAULT_DATA, metavar="DATA_DIR", help="roster folder (default: data)")
    e.add_argument("-o", "--output", metavar="ROSTER.xlsx", type=Path, required=True, help="the workbook to write")
    e.set_defaults(func=cmd_export)
    i = sub.add_parser("import", help="read an Excel workbook back into roster files, if it has no errors")
    i.add_argument("workbook", metavar="ROSTER.xlsx", type=Path, help="a workbook made by export (or its template)")
    i.add_argument("-o", "--output", metavar="DATA_DIR", type=Path, required=True, help="the roster folder to write")
    i.set_defaults(func=cmd_import)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, not a traceback
        logging.getLogger(__name__).debug("internal error", exc_info=True)
        print(f"internal error: {type(exc).__name__}: {exc}. This is a bug in the generator, not in your "
              "roster; please report it with the command you ran.", file=sys.stderr)
        return 3
