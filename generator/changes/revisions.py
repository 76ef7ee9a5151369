"""Rosters at other times: a folder, or the roster folder at a git revision (``HEAD~1``, ``origin/main``).

A name is read as what it says it is: ``dir:FOLDER`` or ``rev:REVISION``. A bare name must be exactly
one of the two: a name that is both a folder and a revision is an error, never a silent choice (a pull
request could carry a folder named ``origin/main`` to stand for the branch it is compared with).
Every version says which it is in its label (``revision origin/main (3f2a…)``, ``folder old-data``).

Blobs are read straight from git (``git ls-tree`` and one ``git cat-file --batch``), parsed
with the loader's own parser and never written to disk; a :class:`BlobCache` lets a walk
over many revisions parse each version of a file once. Only this module and ``history.py``
run git.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.core.i18n import _
from generator.core.model import Roster
from generator.core.problems import Problem
from generator.core.schema import OPTIONAL_FILES, REGIONS_DIR, ROSTER_FILES, TOWNSHIP_FILE
from generator.roster.load import Document, Documents, Node, build_roster, load_documents, parse_yaml


class RevisionError(ValueError):
    """A roster that cannot be had: neither a folder nor a revision, no git, no roster at that revision."""


@dataclass
class BlobCache:
    """Parsed files by blob id: a file that did not change between revisions is parsed once."""

    parsed: dict[str, tuple[Node | None, list[Problem]]] = field(default_factory=dict)


def git(top: Path, *args: str, data: bytes | None = None) -> bytes:
    """Run git in ``top``; its error, in one line, as a :class:`RevisionError`."""
    try:
        r = subprocess.run(["git", "-C", str(top), *args], input=data, capture_output=True, check=False)
    except OSError as exc:
        raise RevisionError(f"git cannot be run ({exc.strerror}); install git or pass a folder") from exc
    if r.returncode != 0:
        message = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return r.stdout


@dataclass(frozen=True)
class Repository:
    """The git work tree that holds a roster folder, and the folder's path inside it."""

    top: Path
    prefix: str  # the roster folder relative to ``top``, POSIX style ('data')

    @staticmethod
    def of(data_dir: Path | str) -> Repository | None:
        """The repository around ``data_dir``, or None when it is in none (or git is missing)."""
        folder = Path(data_dir).resolve()
        probe = folder if folder.is_dir() else folder.parent
        try:
            top = Path(git(probe, "rev-parse", "--show-toplevel").decode().strip())
        except RevisionError:
            return None
        try:
            prefix = folder.relative_to(top.resolve()).as_posix()
        except ValueError:
            return None
        return Repository(top, "" if prefix == "." else prefix)

    def find(self, revision: str) -> str | None:
        """The full id of ``revision``'s commit; None when it names none."""
        if revision.startswith("-") or not revision:  # never an option to git
            return None
        try:
            return git(self.top, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}").decode().strip()
        except RevisionError:
            return None

    def documents(self, commit: str, cache: BlobCache | None = None) -> Documents:
        """The roster files at ``commit``, parsed (paths shown as ``commit:path``)."""
        cache = cache or BlobCache()
        spec = f"{commit}:{self.prefix}" if self.prefix else f"{commit}:"
        listing = git(self.top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", self.prefix or ".")
        files: dict[str, str] = {}
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, path = entry.decode("utf-8").split("\t", 1)
            _mode, kind, blob = meta.split()
            rel = PurePosixPath(path).relative_to(self.prefix) if self.prefix else PurePosixPath(path)
            if kind == "blob":
                files[rel.as_posix()] = blob
        if not files:
            raise RevisionError(f"no roster at {spec} (the folder '{self.prefix or '.'}' is not in that revision)")
        wanted: list[tuple[str, str]] = [(name, record) for name, record in ROSTER_FILES.items()]
        wanted += [(name, record) for name, record in OPTIONAL_FILES.items() if name in files]
        wanted += [(name, TOWNSHIP_FILE) for name in sorted(files)
                   if name.startswith(REGIONS_DIR + "/") and name.endswith((".yaml", ".yml"))]
        missing = sorted({files[n] for n, _ in wanted if n in files} - set(cache.parsed))
        for blob, raw in zip(missing, cat_blobs(self.top, missing)):
            cache.parsed[blob] = parse_yaml(raw, blob)
        docs = Documents(Path(spec))
        for name, record in wanted:
            shown = f"{commit[:12]}:{self.prefix + '/' if self.prefix else ''}{name}"
            if name not in files:
                docs.problems.append(Problem(shown, 0, 0, "error", "", f"expected the file {name}, found none",
                                             "missing-file"))
                docs.items.append(Document(shown, record, None))
                continue
            root, problems = cache.parsed[files[name]]
            docs.problems += [Problem(shown, p.line, p.column, p.level, p.field, p.message, p.code) for p in problems]
            docs.items.append(Document(shown, record, root))
        return docs


def cat_blobs(top: Path, blobs: list[str]) -> list[bytes]:
    """The contents of ``blobs``, in order, from one ``git cat-file --batch``."""
    if not blobs:
        return []
    out = git(top, "cat-file", "--batch", data=("\n".join(blobs) + "\n").encode())
    contents = []
    at = 0
    for blob in blobs:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) != 3 or header[0].decode() != blob:
            raise RevisionError(f"git cat-file: unexpected answer for {blob}")
        size = int(header[2])
        contents.append(out[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1  # the content ends with a newline of its own
    return contents


@dataclass(frozen=True)
class Version:
    """A roster as read for a comparison: what to call it, its parsed files and model."""

    label: str
    docs: Documents
    roster: Roster


FOLDER, REVISION = "dir:", "rev:"


def read_version(spec: str, data_dir: Path | str = "data") -> Version:
    """``spec`` as a roster: ``dir:FOLDER``, ``rev:REVISION`` (of the repository holding ``data_dir``,
    read from its roster folder at that revision), or a bare name that is one of them and not the other."""
    if spec.startswith(FOLDER):
        name = spec.removeprefix(FOLDER)
        if not Path(name).is_dir():
            raise RevisionError(_("no folder '{name}' ({spec})").format(name=name, spec=spec))
        return _folder(name)
    repo = Repository.of(data_dir)
    if spec.startswith(REVISION):
        name = spec.removeprefix(REVISION)
        if repo is None:
            raise RevisionError(_("{data} is not in a git repository to read the revision '{name}' from").format(
                data=data_dir, name=name))
        if (commit := repo.find(name)) is None:
            raise RevisionError(_("'{name}' is not a revision of the repository at {top}").format(name=name, top=repo.top))
        return _revision(repo, name, commit)
    commit = repo.find(spec) if repo is not None else None
    if Path(spec).is_dir():
        if commit is not None and repo is not None:
            raise RevisionError(_("'{name}' is both a folder and a revision of the repository at {top}; write "
                                  "dir:{name} for the folder or rev:{name} for the revision").format(name=spec, top=repo.top))
        return _folder(spec)
    if repo is None:
        raise RevisionError(_("'{name}' is not a folder, and {data} is not in a git repository to read a revision "
                              "from").format(name=spec, data=data_dir))
    if commit is None:
        if spec.startswith("-"):
            raise RevisionError(_("'{name}' is not a revision").format(name=spec))
        raise RevisionError(_("'{name}' is neither a roster folder nor a revision of the repository at {top}").format(
            name=spec, top=repo.top))
    return _revision(repo, spec, commit)


def _folder(name: str) -> Version:
    docs = load_documents(name)
    return Version(_("folder {name}").format(name=name), docs, build_roster(docs))


def _revision(repo: Repository, name: str, commit: str) -> Version:
    docs = repo.documents(commit)
    return Version(_("revision {name} ({commit})").format(name=name, commit=commit[:12]), docs, build_roster(docs))
