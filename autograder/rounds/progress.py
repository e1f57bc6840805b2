"""Progress of a round's long steps (class generation, autograde, feedback, similarity), with an estimate.

``reporter(label)`` gives a progress(done, total) callback: on a terminal, tqdm's one updating
line with its rate and time left; elsewhere (a CI log, a file), a plain line at each tenth of
the way or every 30 s, whichever comes first, and at the end:
``autograde bp: 120/400 (30%), 2 min left``.
"""

import sys
import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no types

PARTS, SECONDS = 10, 30  # a plain line at least this often: each tenth of the way, or each 30 s


Progress = Callable[[int, int], None]  # progress(done, total)


def reporter(label: str, stream: TextIO | None = None) -> Progress:
    """progress(done, total) for the label: tqdm on a terminal stream (default: stdout, where the
    round prints), plain lines otherwise."""
    stream = stream or sys.stdout
    return TerminalProgress(label, stream) if stream.isatty() else PlainProgress(label, stream)


class TerminalProgress:
    """tqdm's updating line; closed at the end."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label, self.stream = label, stream
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.label, file=self.stream, unit="", leave=True)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.bar.close()


class PlainProgress:
    """Lines for a log: at each tenth of the way or every SECONDS, and at the end; the clock is time.monotonic's kind."""

    def __init__(
        self, label: str, stream: TextIO, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.label, self.stream, self.clock = label, stream, clock
        self.started = clock()
        self.last = (self.started, -1)  # (when, tenth) of the last line
        self.shown: tuple[int, int] | None = None  # (done, total) of the last line

    def __call__(self, done: int, total: int) -> None:
        now, tenth = self.clock(), done * PARTS // max(total, 1)
        when, last_tenth = self.last
        if tenth == last_tenth and now - when < SECONDS and done < total:
            return
        if done >= total and (done, total) == self.shown:  # the end, once
            return
        self.last, self.shown = (now, tenth), (done, total)
        line = f"{self.label}: {done}/{total} ({done / max(total, 1):.0%})"
        if 0 < done < total:
            line += f", {left(now - self.started, done, total)} left"
        print(f"    {line}", file=self.stream, flush=True)


def left(elapsed: float, done: int, total: int) -> str:
    """The time left at the rate so far, in words: '40 s', '2 min', '1.5 h'."""
    seconds = elapsed / done * (total - done)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
