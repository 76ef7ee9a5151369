"""Whether the installed fonts can print a document's text: checked before Chromium prints it.

Chromium prints a character no installed font has as an empty box, and exits 0: a runner without
a Chinese font made 6,000 cards of boxes. Chromium finds its fonts through fontconfig, falling back
from font to font for each character, so a character prints when any font fontconfig knows has it.
``fc-list`` (fontconfig's own tool, which honours ``FONTCONFIG_FILE`` as Chromium does) lists every
font's character set; a document whose text has a character outside their union is refused with
:class:`FontMissing` before anything is printed.
"""

from __future__ import annotations

import bisect
import html
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence

from generator.core.errors import UserError
from generator.core.i18n import _, ngettext

#: What a page does not print: styles, scripts, comments and the tags themselves (attributes too).
_HIDDEN = re.compile(r"<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->|<[^>]*>", re.S | re.I)
#: Characters no font needs to draw.
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")


class FontMissing(UserError):
    """No installed font draws some character of the documents: the PDF would show boxes."""


def printed_characters(documents: Iterable[str]) -> set[str]:
    """The characters an HTML document shows as text (not its markup, styles or scripts)."""
    found: set[str] = set()
    for document in documents:
        found.update(html.unescape(_HIDDEN.sub(" ", document)))
    return {c for c in found if not _BLANK.fullmatch(c)}


def installed_coverage() -> list[tuple[int, int]]:
    """The code points some installed font draws, as sorted, merged ``(first, last)`` ranges."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontMissing(_("no fc-list found to check that the installed fonts can print the cards: install "
                            "fontconfig (Debian/Ubuntu: apt-get install fontconfig)"))
    run = subprocess.run([fc_list, "--format", "%{charset}\\n"], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise FontMissing(_("fc-list could not list the installed fonts: {output}").format(output=run.stderr.strip()))
    ranges = sorted(_ranges(run.stdout.split()))
    merged: list[tuple[int, int]] = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _ranges(words: Iterable[str]) -> Iterable[tuple[int, int]]:
    for word in words:
        first, _dash, last = word.partition("-")
        try:
            yield int(first, 16), int(last or first, 16)
        except ValueError:
            continue  # not a range: nothing fc-list documents, skipped rather than trusted


def uncovered(characters: Iterable[str], coverage: Sequence[tuple[int, int]]) -> list[str]:
    """The characters no range of ``coverage`` holds, sorted."""
    starts = [first for first, _last in coverage]
    missing = []
    for c in characters:
        i = bisect.bisect_right(starts, ord(c)) - 1
        if i < 0 or coverage[i][1] < ord(c):
            missing.append(c)
    return sorted(missing)


def check_fonts(documents: Iterable[str]) -> None:
    """Raise :class:`FontMissing` unless every character the documents show has an installed font."""
    missing = uncovered(printed_characters(documents), installed_coverage())
    if missing:
        shown = "".join(missing[:20]) + ("…" if len(missing) > 20 else "")
        raise FontMissing(ngettext(
            "no installed font has {n} character the cards print ({characters}): the PDF would show it as an empty "
            "box; install a Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk) and print again",
            "no installed font has {n} characters the cards print ({characters}): the PDF would show them as empty "
            "boxes; install a Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk) and print again",
            len(missing)).format(n=len(missing), characters=shown))
