"""A progress bar on standard error, drawn only when it is a terminal."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Call with (records done, records in all or None) after each chunk; `close` ends the line.

    Nothing is written when ``stream`` is not a terminal (a pipe, a file, a CI log).
    """

    def __init__(self, stream: TextIO, *, enabled: bool | None = None, width: int = 30) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.width = width
        self.start = time.perf_counter()
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = f"{done / elapsed:,.0f} 条/秒"
        if total:
            share = min(done / total, 1.0)
            fill = round(self.width * share)
            bar = "█" * fill + "·" * (self.width - fill)
            line = f"\r审计 {bar} {share:6.1%} {done:,}/{total:,} 条 {rate}"
        else:
            line = f"\r审计 {done:,} 条 {rate}"
        self.stream.write(line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
