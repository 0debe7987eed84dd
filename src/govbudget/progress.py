"""A progress bar for long work (进度): checking many files, deriving a large ledger.

Drawn on standard error only when it is a terminal (TTY) and not asked to be quiet
(``--quiet``); otherwise every call does nothing, so logs and pipes stay clean.  The bar
rewrites one line (``\\r``) and is erased when the work ends or is interrupted by a message.
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["Progress"]

#: Width of the bar in characters.
BAR = 24


class Progress:
    """A bar of ``total`` steps on ``stream`` (default standard error).

    ``quiet`` (or a stream that is not a TTY) turns it off.  ``step(label)`` advances one
    step; ``advance(n)`` many (e.g. lines of a ledger); ``done()`` erases the bar.
    """

    def __init__(self, total: int, what: str = "", *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.total = max(total, 0)
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and self.total > 0 and bool(isatty and isatty())
        self.count = 0
        self._drawn = False

    def line(self, label: str = "") -> str:
        """The bar as drawn after ``count`` of ``total`` steps."""
        filled = BAR * self.count // self.total if self.total else BAR
        bar = "█" * filled + "·" * (BAR - filled)
        head = f"{self.what} " if self.what else ""
        return f"{head}[{bar}] {self.count}/{self.total} {label[-50:]}"

    def advance(self, n: int = 1, label: str = "") -> None:
        """Advance ``n`` steps."""
        self.count = min(self.total, self.count + n)
        if self.enabled:
            self.stream.write("\r\x1b[2K" + self.line(label))
            self.stream.flush()
            self._drawn = True

    def step(self, label: str = "") -> None:
        """One step, labelled (e.g. the file being checked)."""
        self.advance(1, label)

    def interrupt(self) -> None:
        """Erase the bar so that a message can be printed; it is redrawn on the next step."""
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False

    def done(self) -> None:
        """The work is over: erase the bar."""
        self.interrupt()
