"""Messages people read, in their language: Chinese first, English on request.

Every message a person reads is written in English in the code, wrapped in :func:`_` (or
:func:`ngettext` for counts) so that the catalogue tools can find it:

    _("expected {expected}, found {found}").format(expected=..., found=...)

The msgid must be a literal (the extractor reads the source); fill it with ``str.format`` after the
call, never before. Problem codes, positions and JSON keys are not messages: they stay as they are.

This is the interface; the catalogues and the choice of language are being built behind it.
"""

from __future__ import annotations


def _(message: str) -> str:
    """``message`` in the reader's language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in the reader's language."""
    return singular if n == 1 else plural
