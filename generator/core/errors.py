"""The one error a user can act on: every such error derives from :class:`UserError`.

A library function raises a subclass (a missing Chromium, an unknown revision, a selection that
matches nothing, a workbook that cannot be opened…) with a message in the reader's language that
says what is wrong and how to fix it; the front ends catch :class:`UserError` in one place and
print its :meth:`~UserError.line`, exiting with :attr:`UserError.exit_code`. Anything else that escapes is a bug
of ours. Problems with the roster's content are not errors but :class:`~generator.core.problems.Problem`
values, all of them collected and printed together.
"""

from __future__ import annotations

from generator.core.i18n import _


class UserError(Exception):
    """An error the user can act on: its message says what and how; the command exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        """The one line a front end prints for it: ``error: <message>``, in the reader's language. An error
        that knows its place (a workbook's sheet and cell) says it its own way."""
        return _("error: {message}").format(message=self.message)
