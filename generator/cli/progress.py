"""The progress of a long command: a bar on a terminal, plain lines in a file or a pipe."""

from __future__ import annotations

import sys
from typing import Any

import click

from generator.i18n import _


class Progress:
    """A progress bar with the count and the time left on a terminal; plain lines when the
    output goes to a file or a pipe (each item, and every few seconds the count and time left).
    """

    #: Seconds between two count lines in plain mode.
    EVERY = 5.0

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.bar: Any = None
        self.pace: Any = None
        self.said = 0.0

    def start(self, label: str, total: int) -> None:
        from generator.progress import Pace

        self.pace = Pace(total)
        self.said = self.pace.began
        if self.tty:
            self.bar = click.progressbar(length=total, label=label, show_pos=True, show_eta=True)
            self.bar.__enter__()
        else:
            click.echo(f"{label} ({total})")

    def advance(self, item: str) -> None:
        if self.pace is not None:
            self.pace.advance()
        if self.bar is not None:
            self.bar.update(1)
            return
        click.echo(f"  {item}")
        pace = self.pace
        if pace is not None and pace.done < pace.total and pace.clock() - self.said >= self.EVERY:
            self.said = pace.clock()
            left = pace.remaining_seconds() or 0.0
            click.echo(
                _("  {done}/{total}, about {seconds} s left").format(
                    done=pace.done, total=pace.total, seconds=round(left)
                )
            )

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.pace = None
