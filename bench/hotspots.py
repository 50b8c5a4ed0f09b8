"""Profile one of the measured paths before optimising it: where does the time go?

    python bench/hotspots.py who_must_sign     # the subject table's whole domain, prebuilt Documents
    python bench/hotspots.py who_must_sign_dict
    python bench/hotspots.py check_agenda
    python bench/hotspots.py load              # reading, validating, compiling every bundled ruleset

Prints cProfile's top functions by own time (pyinstrument, when installed, with --pyinstrument).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import govrule  # noqa: E402
from bench import queries  # noqa: E402
from bench.subject import load_subject  # noqa: E402
from govrule import loader  # noqa: E402


def _answering(fn: Callable[[Any], Any], inputs: list[Any], repeat: int) -> Callable[[], None]:
    def work() -> None:
        for _ in range(repeat):
            for x in inputs:
                try:
                    fn(x)
                except govrule.GovruleError:
                    pass

    return work


def workload(name: str) -> Callable[[], None]:
    """The function to profile, already warmed up once."""
    if name == "load":
        files = []
        for rid in govrule.bundled():
            source = govrule.load(rid).source
            assert source is not None
            files.append(source.file)

        def work() -> None:
            for file in files:
                parsed = loader.parse_file(file)
                govrule.Ruleset(parsed.spec, source=parsed)

        return work
    subject = load_subject()
    rs = subject.ruleset
    if name == "who_must_sign":
        work = _answering(rs.who_must_sign, list(subject.documents), 20)
    elif name == "who_must_sign_dict":
        work = _answering(rs.who_must_sign, list(subject.mappings), 20)
    elif name == "check_agenda":
        engine = queries.agenda_engines(rs)[0][0]
        work = _answering(engine.decide, list(engine.inputs), 20)
    else:
        raise SystemExit(f"unknown workload {name!r}")
    work()
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["who_must_sign", "who_must_sign_dict", "check_agenda", "load"])
    parser.add_argument("--pyinstrument", action="store_true", help="use pyinstrument instead of cProfile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    work = workload(args.workload)
    if args.pyinstrument:
        from pyinstrument import Profiler

        with Profiler() as profiler:
            work()
        print(profiler.output_text(unicode=True, color=False))
        return 0
    profile = cProfile.Profile()
    profile.runcall(work)
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
