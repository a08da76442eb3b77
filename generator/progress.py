"""How a long step reports its progress, whoever shows it: a bar on a terminal, plain lines in a
log, or the web app's own progress.

A step calls ``start(label, total)``, ``advance(item)`` once per item, and ``finish()``;
whoever shows it derives the count and the time left with :class:`Pace`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """How a long batch reports: a bar on a terminal, plain lines elsewhere, a job's state in
    the web app (each face decides)."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, item: str) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    """For callers that show nothing (tests, library use)."""

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str) -> None:
        pass

    def finish(self) -> None:
        pass


class Pace:
    """The count of a step and an estimate of the time it still needs, from its pace so far."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.clock = clock
        self.began = self.clock()

    def advance(self) -> None:
        self.done += 1

    def remaining_seconds(self) -> float | None:
        """Seconds left at the pace so far; None before the first item is done."""
        if self.done == 0:
            return None
        elapsed = self.clock() - self.began
        return elapsed / self.done * max(0, self.total - self.done)
