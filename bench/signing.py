"""who_must_sign against its peers on the subject table, and the batch API's throughput."""

from __future__ import annotations

import dataclasses
import gc
import math
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import govrule

from . import peers
from .subject import Subject
from .timing import Runs, latencies, quiet, wall

__all__ = ["Engine", "Measured", "batch_throughput", "cross_check", "measure_latency"]


@dataclasses.dataclass(frozen=True)
class Engine:
    """Something that answers the subject's inputs: govrule itself, or a peer."""

    name: str
    decide: Callable[[Any], Any]
    inputs: Sequence[Any]
    version: str | None = None
    errors: tuple[type[BaseException], ...] = ()
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Measured:
    """An engine's latency: per run, the median and the mean µs per decision over the timed inputs."""

    engine: Engine
    median: Runs
    mean: Runs
    calls: int


def cross_check(subject: Subject) -> tuple[list[Engine], list[tuple[str, str | None, str]]]:
    """The peers that give govrule's answer on every input of the domain, and a status line per peer."""
    agreeing: list[Engine] = []
    status: list[tuple[str, str | None, str]] = []
    for peer, decide, why in peers.available(subject):
        version = peer.version()
        if decide is None:
            status.append((peer.name, version, f"not run: {why}"))
            continue
        wrong = [
            i for i, (x, want) in enumerate(zip(subject.inputs, subject.expected, strict=True)) if decide(x) != want
        ]
        if wrong:
            x = subject.inputs[wrong[0]]
            status.append(
                (
                    peer.name,
                    version,
                    f"DISAGREES on {len(wrong)} of {len(subject.inputs)} inputs, "
                    f"e.g. {x}: govrule {subject.expected[wrong[0]]!r}, peer {decide(x)!r}",
                )
            )
            continue
        status.append((peer.name, version, f"same answer as govrule on all {len(subject.inputs):,} inputs"))
        agreeing.append(Engine(peer.name, decide, subject.inputs, version, note=peer.note))
    return agreeing, status


def govrule_engines(subject: Subject) -> list[Engine]:
    """govrule asked with a prebuilt Document, and with a plain dict (validated on each call)."""
    ask = subject.ruleset.who_must_sign
    errors = (govrule.GovruleError,)
    return [
        Engine("govrule who_must_sign(Document)", ask, subject.documents, govrule.__version__, errors),
        Engine("govrule who_must_sign(dict), validation included", ask, subject.mappings, govrule.__version__, errors),
    ]


def measure_latency(
    engines: Sequence[Engine], indices: Sequence[int], *, runs: int, window_us: float = 10.0
) -> list[Measured]:
    """Per-decision latency of each engine on the same inputs, runs interleaved so load drifts hit all alike.

    Each input is timed over enough consecutive calls to fill about ``window_us`` (so the
    clock's resolution does not matter), and a run reports the median and the mean over inputs.
    """
    plans = []
    for engine in engines:
        inputs = [engine.inputs[i] for i in indices]
        probe = latencies(engine.decide, inputs[:50], calls=3, errors=engine.errors)  # also warms up
        calls = max(1, min(50, math.ceil(window_us / max(statistics.mean(probe), 0.01))))
        latencies(engine.decide, inputs, calls=1, errors=engine.errors)  # every input seen once before timing
        plans.append((engine, inputs, calls))
    medians: dict[str, list[float]] = {e.name: [] for e in engines}
    means: dict[str, list[float]] = {e.name: [] for e in engines}
    for _ in range(runs):
        for engine, inputs, calls in plans:
            lat = latencies(engine.decide, inputs, calls=calls, errors=engine.errors)
            medians[engine.name].append(statistics.median(lat))
            means[engine.name].append(statistics.fmean(lat))
    return [Measured(e, Runs(tuple(medians[e.name])), Runs(tuple(means[e.name])), c) for e, _, c in plans]


# ------------------------------------------------------------------ batch throughput

_BATCH: dict[str, Any] = {}  # what forked workers inherit: the ruleset and the documents


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def _answer_slice(bounds: tuple[int, int]) -> int:
    lo, hi = bounds
    answers = _BATCH["ruleset"].who_must_sign_many(_BATCH["documents"][lo:hi])
    return sum(1 for a in answers if not isinstance(a, Exception))


@dataclasses.dataclass(frozen=True)
class Throughput:
    """Decisions per second of who_must_sign_many, in one process and in several."""

    documents: int
    single: Runs
    parallel: Runs
    processes: int
    answered: int
    load: str  # the machine's load average (1 min) before and after
    control: Runs  # the speed-up of a plain Python loop split the same way: what the machine offers then


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


def batch_throughput(subject: Subject, *, documents: int, runs: int, processes: int = 2) -> Throughput | None:
    """who_must_sign_many over the domain repeated to ``documents`` inputs: one process, then ``processes``."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    docs = list(subject.documents) * math.ceil(documents / len(subject.documents))
    docs = docs[:documents]
    rs = subject.ruleset
    _BATCH.update(ruleset=rs, documents=docs)
    load_before = _load()
    answered = _answer_slice((0, len(docs)))  # warms every plan; forked workers inherit them
    step = math.ceil(len(docs) / processes)
    slices = [(i, min(i + step, len(docs))) for i in range(0, len(docs), step)]
    single, parallel, control = [], [], []
    spin = 2_000_000
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=gc.disable) as pool:  # as in the one-process runs
        pool.map(_answer_slice, slices)  # workers up, and their copies of the documents touched, before timing
        for _ in range(runs):
            with quiet():
                single.append(len(docs) / wall(lambda: rs.who_must_sign_many(docs)))
            start = time.perf_counter()
            counts = pool.map(_answer_slice, slices)
            parallel.append(len(docs) / (time.perf_counter() - start))
            assert sum(counts) == answered, (sum(counts), answered)
            alone = wall(lambda: _spin(spin))
            control.append(alone / wall(lambda: pool.map(_spin, [spin // processes] * processes)))
    _BATCH.clear()
    return Throughput(
        len(docs),
        Runs(tuple(single), "decisions/s"),
        Runs(tuple(parallel), "decisions/s"),
        processes,
        answered,
        f"{load_before} before, {_load()} after",
        Runs(tuple(control), "×"),
    )
