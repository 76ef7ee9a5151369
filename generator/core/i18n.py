"""Messages people read, in their language: Chinese first, English on request.

Every message a person reads is written in English in the code, wrapped in :func:`_` (or
:func:`ngettext` for counts) so that the catalogue tools can find it:

    _("expected {expected}, found {found}").format(expected=..., found=...)

The msgid must be a literal (the extractor reads the source); fill it with ``str.format`` after the
call, never before. A message made once, at import (a table of headings), is marked with :func:`N_`
and translated where it is shown: ``_(HEADINGS[key])``; :func:`pgettext` and :func:`NP_` do the same
for a word that English uses in two senses (``pgettext("card", "village")``: 村名, not 村居). Problem codes, positions and JSON keys are
not messages: they stay as they are.

The catalogue is gettext's: ``generator/locale/zh/LC_MESSAGES/generator.po``, kept with Babel
(``python3 -m scripts.messages`` extracts, updates and compiles it; see the catalogue's README).
English is the msgids themselves. The language is read from the environment as gettext reads it
(the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set): an English locale gives
English; anything else, ``C`` included, gives Chinese. The front ends' ``--lang`` sets ``LANGUAGE``
(:func:`set_language`), so threads, forked workers and child processes all agree.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

DOMAIN = "generator"
LOCALES = Path(__file__).resolve().parent.parent / "locale"
#: The languages there are messages in; the first is the default.
LANGUAGES = ("zh", "en")
#: The language of the published site, whatever the build's: its readers are villagers.
SITE = "zh"
#: The variables gettext reads for the language of messages, in its order.
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_of(environ: Mapping[str, str]) -> str:
    """The language of messages for an environment: ``en`` for an English locale, else ``zh``.

    As gettext does, the first variable that is set decides, and its value may list languages in
    order (``LANGUAGE=fr:en``): the first of them that we have wins; ``C`` or ``POSIX`` ends the list.
    """
    for name in ENVIRONMENT:
        value = environ.get(name)
        if not value:
            continue
        for entry in value.split(":"):
            lang = entry.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            if lang in LANGUAGES:
                return lang
            if lang in ("c", "posix"):
                break
        return LANGUAGES[0]
    return LANGUAGES[0]


def language() -> str:
    """The language of this process's messages (see :func:`language_of`)."""
    return language_of(os.environ)


def set_language(lang: str) -> None:
    """Make ``lang`` (one of :data:`LANGUAGES`) the language of every message from now on, in this
    process and those it starts."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    os.environ["LANGUAGE"] = lang


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages in ``lang`` for the time of the ``with`` block (a front end's run); then as before."""
    before = os.environ.get("LANGUAGE")
    set_language(lang)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids as they are)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALES, languages=[lang])


def _(message: str) -> str:
    """``message`` in the reader's language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in the reader's language."""
    return translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the reader's language, as meant in ``context`` (one English word, two Chinese ones)."""
    return translations(language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is translated where shown)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for the catalogue; translate it where shown with :func:`pgettext`."""
    return message
