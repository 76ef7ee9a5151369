"""Reading the roster: its files parsed with every value's position, and the model built from them.

``load_documents`` parses every roster file into a tree of :class:`Node` values that
remember their 1-based line and column, reporting files that cannot be read (not
UTF-8, bad YAML, duplicate keys) as problems instead of raising. It reads only from
inside the roster folder: a file or folder that is a link leading out of it is a
problem that names the link and reads nothing of what it leads to (a pull request
could otherwise commit a link to a runner's key and have it quoted in the job log). ``build_roster``
turns parsed documents into the model, taking published fields only;
``read_programme`` reads the programme's settings, for the model and for the
validator's policy alike, so both read them one way.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.core.i18n import _
from generator.core.model import (
    Advisor,
    Centre,
    City,
    County,
    Organization,
    Programme,
    Retired,
    Roster,
    Township,
    Village,
    Workstation,
)
from generator.core.problems import Problem
from generator.core.schema import (
    OPTIONAL_FILES,
    REGIONS_DIR,
    ROSTER_FILES,
    TOWNSHIP_FILE,
    Choice,
    Count,
    Flag,
    Record,
    Records,
    Refs,
    fields,
)

from .yamlcache import ParseCache, decode

try:  # libyaml is ten times faster at this scale; pure Python is the fallback
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with its position.

    ``value`` is a ``str``/``int``/``float``/``bool``/``None`` scalar, a ``list`` of
    nodes, or a ``dict`` of key → node (keys as text); for mappings ``keys`` holds the
    position of each key, so problems about a key point at the key.
    """

    value: Any
    line: int
    column: int
    keys: dict[str, tuple[int, int]] | None = None

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def text(self, key: str) -> str | None:
        """The scalar under ``key`` as text (numbers too: staff write codes unquoted)."""
        node = self.get(key)
        return scalar_text(node) if node is not None else None


def scalar_text(node: Node) -> str | None:
    """A scalar as trimmed text (numbers too); None for yes/no, nothing, lists and mappings."""
    v = node.value
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        return None
    return str(v).strip()


@dataclass(frozen=True)
class Document:
    """One parsed roster file: its display path, kind of record, and root node."""

    path: str
    record: str
    root: Node | None


@dataclass
class Documents:
    """Every roster file of a folder, parsed, with the problems of the files that could not be read."""

    data_dir: Path
    items: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of(self, record: str) -> Iterator[Document]:
        """The readable documents of one record type."""
        return (d for d in self.items if d.record == record and d.root is not None)


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


#: Bounds on input, so that no file can make loading slow or large (each reported as a problem).
MAX_FILE_BYTES = 10 * 1024 * 1024  # the sample's largest file, advisors.yaml, is 0.4 MB
MAX_DEPTH = 20  # the roster nests 4 levels deep; libyaml itself crashes near 100,000
#: A plain scalar longer than this is kept as its text, never made a number: a roster's numbers are codes of
#: at most 12 digits, and Python refuses to convert (or print) integers of thousands of digits.
MAX_NUMBER_TEXT = 100


def _at(mark: Any) -> tuple[int, int]:
    """A parser mark as a 1-based (line, column); libyaml always gives one."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _check_shape(text: str, path: str, loader: type = _Loader) -> Problem | None:
    """The first nesting or alias problem in ``text``, found from the parser's events alone.

    Runs before composing: libyaml's composer recurses (a file of 100,000 '[' crashes the
    process) and aliases multiply (a 1 KB "billion laughs" file expands to gigabytes). The
    roster needs neither, so both are refused in time proportional to the file's size, at
    the event that starts the 21st level or the first anchor or alias, whichever parser reads.
    """
    try:
        return _first_shape_problem(loader(text), path)
    except yaml.MarkedYAMLError as exc:
        if "nesting" not in (exc.problem or ""):
            return None  # the composer reports syntax errors with their context
        # Newer libyaml builds (PyYAML 6.0.4) refuse deep nesting while scanning ahead, at a
        # depth of their own: the pure-Python parser, which has no such limit, finds where
        # our limit is passed, so the position does not depend on the libyaml installed.
        try:
            found = _first_shape_problem(yaml.SafeLoader(text), path)
        except yaml.YAMLError:
            found = None
        return found or _too_deep(path, exc.problem_mark)
    except yaml.YAMLError:
        return None


def _too_deep(path: str, mark: Any) -> Problem:
    return Problem(path, *_at(mark), "error", "",
                   f"expected at most {MAX_DEPTH} levels of nesting, found more; "
                   "a roster file nests only a few levels: check the brackets and indentation", "too-deep")


def _first_shape_problem(loader: Any, path: str) -> Problem | None:
    """The event walk of :func:`_check_shape`; parser errors propagate to it."""
    depth = 0
    try:
        while (event := loader.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _too_deep(path, event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return Problem(path, *_at(event.start_mark), "error", "",
                               "expected plain values, found a YAML anchor or alias (& or *); "
                               "write each value out in full", "yaml-alias")
    finally:
        loader.dispose()
    return None


def _convert(node: yaml.Node, constructor: Any, problems: list[tuple[str, tuple[int, int], tuple[int, int]]],
             path: str = "") -> Node:
    """A composed YAML node as a :class:`Node`; a repeated key keeps its first value and goes to ``problems``."""
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.ScalarNode):
        long = len(node.value) > MAX_NUMBER_TEXT  # too long to be a number (the validator says too-large)
        return Node(node.value if long else constructor.construct_object(node), line, col)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(n, constructor, problems, f"{path}[{i}]") for i, n in enumerate(node.value)], line, col)
    assert isinstance(node, yaml.MappingNode)
    values: dict[str, Node] = {}
    keys: dict[str, tuple[int, int]] = {}
    for key_node, value_node in node.value:
        key_value = constructor.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        key = str(key_value) if key_value is not None else "?"
        where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        at = f"{path}.{key}" if path else key
        if key in keys:
            problems.append((at, keys[key], where))
            continue
        keys[key] = where
        values[key] = _convert(value_node, constructor, problems, at)
    return Node(values, line, col, keys)


def parse_yaml(raw: bytes, path: str) -> tuple[Node | None, list[Problem]]:
    """Parse one file's bytes safely; never raises for bad input."""
    try:
        text = raw.decode("utf-8-sig")  # Notepad and Excel write a BOM: accept it
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        try:
            raw.decode("gbk")
            hint = " It looks like GBK, which Excel and Notepad use for Chinese;"
        except UnicodeDecodeError:
            pass
        msg = (
            f"expected UTF-8 text, found byte 0x{raw[exc.start]:02X} that is not UTF-8.{hint}"
            " save the file as 'UTF-8' (in Notepad: Save As → Encoding → UTF-8)"
        )
        return None, [Problem(path, line, column, "error", "", msg, "not-utf8")]
    if shape := _check_shape(text, path):
        return None, [shape]
    loader = _Loader(text)
    try:
        composed = loader.get_single_node()
        dupes: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        root = _convert(composed, loader, dupes) if composed is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "a syntax error"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            cm = exc.context_mark
            what += f" ({exc.context.replace('while ', '')} started at line {cm.line + 1}, column {cm.column + 1})"
        msg = f"expected valid YAML, found: {what}; check indentation, quotes and brackets near here"
        return None, [Problem(path, line, col, "error", "", msg, "yaml-syntax")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, "error", "", f"expected valid YAML: {exc}", "yaml-syntax")]
    finally:
        loader.dispose()
    problems = [
        Problem(
            path, again[0], again[1], "error", key,
            f"expected each key once in a mapping, found '{key.rsplit('.', 1)[-1]}' again (first at line {first[0]}, "
            f"column {first[1]}); YAML would silently keep only the last: delete or merge one of them",
            "duplicate-key",
        )
        for key, first, again in dupes
    ]
    return root, problems


def inside(path: Path | str, root: str) -> bool:
    """Whether ``path``, its links followed, is in the folder ``root`` (a real path: os.path.realpath)."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root + os.sep)


def outside(path: Path | str, message: str) -> Problem:
    """The problem of a link that leads out of the roster folder: it names the link, never its target."""
    return Problem(display_path(Path(path)), 0, 0, "error", "", message, "outside-roster")


def region_files(data_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Township files, in a stable order (``regions/<unit>/<code>-<name>.yaml``), and folders
    that cannot be read. Linked folders inside the roster are followed once (a link loop is a
    problem); a folder or file linked from outside it is a problem, and not read."""
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    root = os.path.realpath(data_dir)

    def unreadable(path: str, why: str) -> None:
        problems.append(Problem(display_path(Path(path)), 0, 0, "error", "",
                                f"expected a folder of township files, found {why}; fix or remove it",
                                "unreadable-file"))

    for folder, dirs, files in os.walk(data_dir / REGIONS_DIR, followlinks=True,
                                       onerror=lambda e: unreadable(e.filename, f"one that cannot be read ({e.strerror})")):
        real = os.path.realpath(folder)
        if not inside(real, root):
            problems.append(outside(folder, _("expected a folder of township files inside the roster folder, found "
                                              "a link that leads out of it, which is not read; put the folder itself here")))
            dirs.clear()
            continue
        if real in seen:
            unreadable(folder, "a link that leads back to a folder already read (a loop)")
            dirs.clear()
            continue
        seen.add(real)
        dirs.sort()
        found += [Path(folder) / f for f in files if f.endswith((".yaml", ".yml"))]
    return sorted(found), problems


def read_file(path: Path, shown: str, record: str) -> tuple[bytes, None] | tuple[None, Problem]:
    """A roster file's bytes, or the problem that stops us reading them (never an exception)."""
    what = f"the roster's {record.replace('-file', '')} list"
    try:
        st = path.stat()
        if path.is_dir():
            return None, Problem(shown, 0, 0, "error", "", f"expected the file {path.name} ({what}), found a folder; "
                                 "move the folder away and put the file there", "unreadable-file")
        if not stat.S_ISREG(st.st_mode):  # a device or a pipe would never end, or never answer
            return None, Problem(shown, 0, 0, "error", "", _("expected the file {name} ({what}), found something "
                                 "else (a device or a pipe); put the file there").format(name=path.name, what=what),
                                 "unreadable-file")
        if st.st_size > MAX_FILE_BYTES:
            return None, Problem(shown, 0, 0, "error", "", f"expected a file of at most {MAX_FILE_BYTES // 2**20} MB, "
                                 f"found {st.st_size / 2**20:.1f} MB; split it or remove what does not belong", "too-large")
        with path.open("rb") as f:  # read no more than the limit, even if the file grows meanwhile
            return f.read(MAX_FILE_BYTES + 1), None
    except FileNotFoundError:
        return None, Problem(shown, 0, 0, "error", "", f"expected the file {path.name} ({what}), found none",
                             "missing-file")
    except OSError as exc:
        return None, Problem(shown, 0, 0, "error", "", f"expected a readable file ({what}), found one that "
                             f"cannot be read: {exc.strerror}; check its permissions or links", "unreadable-file")


def load_documents(data_dir: Path | str, cache: ParseCache | None = None) -> Documents:
    """Parse every roster file under ``data_dir``; problems instead of exceptions.

    With ``cache``, files parsed by an earlier build (the same bytes) are not parsed again."""
    data_dir = Path(data_dir)
    docs = Documents(data_dir)
    if data_dir.is_symlink():  # the roster folder itself: a checkout's link would make anything the roster
        docs.problems.append(outside(data_dir, _("expected the roster folder, found a link to a folder elsewhere, "
                                                 "which is not read; give the folder it leads to")))
        return docs
    if not data_dir.is_dir():
        docs.problems.append(Problem(
            display_path(data_dir), 0, 0, "error", "",
            "expected a roster folder, found nothing there; pass the folder that holds programme.yaml",
            "missing-file",
        ))
        return docs
    wanted = [(data_dir / name, record) for name, record in ROSTER_FILES.items()]
    wanted += [(data_dir / name, record) for name, record in OPTIONAL_FILES.items() if os.path.lexists(data_dir / name)]
    regions, docs.problems = region_files(data_dir)
    wanted += [(p, TOWNSHIP_FILE) for p in regions]
    home = os.path.realpath(data_dir)
    for path, record in wanted:
        shown = display_path(path)
        if os.path.islink(path) and not inside(path, home):
            docs.problems.append(outside(path, _("expected a roster file inside the roster folder, found a link that "
                                                 "leads out of it, which is not read; put the file itself here")))
            docs.items.append(Document(shown, record, None))
            continue
        raw, problem = read_file(path, shown, record)
        if problem is not None:
            docs.problems.append(problem)
            docs.items.append(Document(shown, record, None))
            continue
        assert raw is not None
        key, found = cache.get(raw) if cache is not None else ("", None)
        if found is not None:
            docs.items.append(Document(shown, record, decode(found, Node)))
            continue
        root, problems = parse_yaml(raw, shown)
        if cache is not None and root is not None and not problems:
            cache.put(key, root)
        docs.problems.extend(problems)
        docs.items.append(Document(shown, record, root))
    if cache is not None:
        cache.save()
    return docs


# --- the model, from documents (published fields only) ---------------------------

def _records(doc: Document, key: str) -> Iterator[Node]:
    """The mappings in the list under ``key``; anything else there is the validator's to report."""
    assert doc.root is not None
    seq = doc.root.get(key)
    if seq is not None and isinstance(seq.value, list):
        yield from (n for n in seq.value if isinstance(n.value, dict))


def _published(node: Node | None, record: str) -> dict[str, Any]:
    """Text of the published scalar fields of ``node``; private fields are dropped here."""
    out: dict[str, Any] = {}
    if node is None or not isinstance(node.value, dict):
        return out
    for name, spec in fields(record).items():
        child = node.get(name)
        if spec.private or child is None:
            continue
        match spec.kind:
            case Record() | Records() | Refs():
                continue  # nested values: the caller reads them where it needs them
            case Flag() | Count():
                out[name] = child.value
            case _:
                out[name] = scalar_text(child)
    return out


def read_programme(docs: Documents) -> Programme:
    """The programme's settings, as the site shows them and the validator applies them.

    A setting (``sample``, ``max_villages_per_advisor``, ``coverage_gap``, ``data_licence``) its kind does
    not accept is left out, so :class:`Programme`'s default stands; the validator reports
    the value itself.
    """
    prog = next(docs.of("programme"), None)
    p = _published(prog.root if prog else None, "programme")
    settings: dict[str, Any] = {
        name: p[name]
        for name, spec in fields("programme").items()
        if isinstance(spec.kind, (Flag, Count, Choice)) and name in p and spec.kind.accepts(p[name])
    }
    return Programme(
        name=p.get("name") or "",
        city=p.get("city") or "",
        province=p.get("province") or "",
        hotline=p.get("hotline") or "",  # required: the validator names a missing one
        local_hotline=p.get("local_hotline") or "",
        base_url=(p.get("base_url") or "").rstrip("/") + "/",
        **settings,
    )


def build_roster(docs: Documents) -> Roster:
    """The model, built leniently: malformed records are skipped (the validator names them)."""
    programme = read_programme(docs)
    counties = []
    for doc in docs.of("counties-file"):
        for n in _records(doc, "counties"):
            c = _published(n, "county")
            ce = _published(n.get("centre"), "centre")
            centre = Centre(**{k: ce.get(k) or "" for k in ("name", "address", "phone", "hours")})
            if c.get("id"):
                counties.append(County(id=c["id"], name=c.get("name") or "", kind=c.get("kind") or "county",
                                       code=c.get("code"), centre=centre, city=c.get("city") or None))
    cities = [
        City(id=c["id"], name=c.get("name") or "", code=c.get("code") or "", local_hotline=c.get("local_hotline") or "",
             base_url=c.get("base_url") or None)
        for doc in docs.of("cities-file")
        for c in (_published(n, "city") for n in _records(doc, "cities"))
        if c.get("id")
    ]
    organizations = [
        Organization(**{"township": None, "address": None, "phone": None, **o})
        for doc in docs.of("organizations-file")
        for o in (_published(n, "organization") for n in _records(doc, "organizations"))
        if all(o.get(k) for k in ("id", "name", "kind", "county"))
    ]
    advisors = [
        Advisor(**a)
        for doc in docs.of("advisors-file")
        for a in (_published(n, "advisor") for n in _records(doc, "advisors"))
        if all(a.get(k) for k in ("id", "name", "role", "organization", "phone"))
    ]
    townships = []
    for doc in docs.of(TOWNSHIP_FILE):
        assert doc.root is not None
        tnode = doc.root.get("township")
        t = _published(tnode, "township")
        if not t.get("code") or tnode is None:
            continue
        team_node = tnode.get("team")
        team = tuple(
            s for s in (scalar_text(m) for m in (team_node.value if team_node and isinstance(team_node.value, list) else []))
            if s
        )
        ws = _published(tnode.get("workstation"), "workstation")
        villages = tuple(
            Village(code=v["code"], name=v.get("name") or "", township=t["code"],
                    advisor=v.get("advisor") or None, studio=v.get("studio") or None)
            for v in (_published(n, "village") for n in _records(doc, "villages"))
            if v.get("code")
        )
        townships.append(Township(
            code=t["code"], name=t.get("name") or "", county=t.get("county") or "",
            workstation=Workstation(**{k: ws.get(k) or "" for k in ("address", "phone", "hours")}),
            team=team, villages=villages,
        ))
    retired: dict[str, list[Retired]] = {"villages": [], "townships": []}
    for doc in docs.of("retired-file"):
        for key, record, parent in (("villages", "retired-village", "township"), ("townships", "retired-township", "county")):
            for n in _records(doc, key):
                r = _published(n, record)
                year = r.get("year")
                if not (r.get("code") and isinstance(year, int) and r.get("kind")):
                    continue
                succ = n.get("successors")
                successors = tuple(s for s in (scalar_text(m) for m in (succ.value if succ and isinstance(succ.value, list) else [])) if s)
                retired[key].append(Retired(code=r["code"], name=r.get("name") or "", parent=r.get(parent) or "",
                                            year=year, kind=r["kind"], successors=successors))
    return Roster(
        programme=programme,
        counties=tuple(counties),
        organizations=tuple(sorted(organizations, key=lambda o: o.id)),
        advisors=tuple(sorted(advisors, key=lambda a: a.id)),
        townships=tuple(sorted(townships, key=lambda t: t.code)),
        retired_villages=tuple(sorted(retired["villages"], key=lambda r: r.code)),
        retired_townships=tuple(sorted(retired["townships"], key=lambda r: r.code)),
        cities=tuple(cities),
    )
