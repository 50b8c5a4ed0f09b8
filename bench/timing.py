"""Timing helpers: per-input latencies, repeated runs, medians and ranges."""

from __future__ import annotations

import dataclasses
import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["Runs", "latencies", "quiet", "wall"]


@dataclasses.dataclass(frozen=True)
class Runs:
    """One quantity measured in several runs (e.g. the median µs per decision of each run)."""

    values: tuple[float, ...]
    unit: str = "µs"

    @property
    def median(self) -> float:
        """The median over runs."""
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        """The lowest run."""
        return min(self.values)

    @property
    def high(self) -> float:
        """The highest run."""
        return max(self.values)

    def text(self, digits: int = 2) -> str:
        """``median [low–high]``."""
        if len(self.values) == 1:
            return f"{self.median:.{digits}f}"
        return f"{self.median:.{digits}f} [{self.low:.{digits}f}–{self.high:.{digits}f}]"


@contextmanager
def quiet() -> Iterator[None]:
    """No garbage collection inside a measurement: a collection there is noise, not the code's cost."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def latencies(
    fn: Callable[[Any], Any],
    inputs: Sequence[Any],
    *,
    calls: int,
    errors: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> list[float]:
    """µs per call of ``fn`` for each input, each timed over ``calls`` consecutive calls.

    An error of a type in ``errors`` is an answer (govrule raises NoApplicableRule where the
    text is silent), so it is caught inside the timed loop; peers return None instead.
    """
    clock = time.perf_counter_ns
    reps = range(calls)
    out = []
    with quiet():
        for x in inputs:
            start = clock()
            for _ in reps:
                try:
                    fn(x)
                except errors:
                    pass
            out.append((clock() - start) / calls / 1e3)
    return out


def wall(fn: Callable[[], Any]) -> float:
    """Seconds taken by one call of ``fn``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
