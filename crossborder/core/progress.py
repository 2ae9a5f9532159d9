"""Progress on stderr: steps with their duration, downloads with bytes so far, and how far a
long list of work items has got (Countdown).

On a terminal a download redraws one line; elsewhere (CI, Airflow logs) each finished download is
one line, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_draw = 0.0

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.say(f"==> {name}")
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self.say(f"    {name}: failed after {time.monotonic() - started:.1f}s")
            raise
        self.say(f"    {name}: done in {time.monotonic() - started:.1f}s")

    def download(self, url: str, size: int, total: int | None) -> None:
        """Called for every chunk received; redraws at most 10 times a second on a terminal."""
        if self.quiet or not self.interactive:
            return
        now = time.monotonic()
        if now - self._last_draw < 0.1:
            return
        self._last_draw = now
        of = f" of {human_bytes(total)}" if total else ""
        name = url.rsplit("/", 1)[-1][:60]
        print(f"\r    {name}: {human_bytes(size)}{of}\033[K", end="", file=self.stream, flush=True)

    def fetched(self, url: str, status: int, size: int) -> None:
        if self.interactive and not self.quiet:
            print("\r\033[K", end="", file=self.stream)
        what = "unchanged (304)" if status == 304 else human_bytes(size)
        self.say(f"    {url}: {what}")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Countdown:
    """How far a long list of work items has got (a first crawl of ~1,700 TIP pages at the
    polite rate takes about half an hour): `done()` after each item says, at most every
    `every_s` seconds and once at the end, how many are done of how many and about how long is
    left at the pace so far. Lists shorter than `at_least` items stay silent."""

    def __init__(
        self,
        progress: Progress,
        total: int,
        noun: str,
        *,
        every_s: float = 15.0,
        at_least: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.progress = progress
        self.total = total
        self.noun = noun
        self.every_s = every_s
        self.silent = total < at_least
        self.clock = clock
        self.count = 0
        self.started = clock()
        self._last_said = self.started

    def done(self) -> None:
        self.count += 1
        if self.silent:
            return
        now = self.clock()
        if now - self._last_said < self.every_s and self.count < self.total:
            return
        self._last_said = now
        share = f"{self.count:,} of {self.total:,} {self.noun}s done ({self.count / self.total:.0%})"
        if self.count >= self.total:
            self.progress.say(f"    {share} in {_duration(now - self.started)}")
            return
        left = (now - self.started) / self.count * (self.total - self.count)
        self.progress.say(f"    {share}, about {_duration(left)} left")
