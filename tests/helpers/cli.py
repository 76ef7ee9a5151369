"""What the ``cli`` fixture (tests/conftest.py) gives back for a command it ran."""

from typing import NamedTuple


class Ran(NamedTuple):
    """What a command did: its exit code and what it printed (as :class:`subprocess.CompletedProcess`)."""

    returncode: int
    stdout: str
    stderr: str
