"""Run govrule's benchmarks and write docs/benchmarks.md.

    python bench/run.py            # full: a few minutes; the committed table comes from this
    python bench/run.py --quick    # under a minute: fewer runs, a smaller timing sample

Every peer is first checked to give govrule's answer on every input of the subject table's
domain; a peer that disagrees is reported and not timed. Each figure is the median over
repeated runs, with the range over those runs in brackets.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import analysis, queries, report, signing, startup  # noqa: E402
from bench.subject import Subject, load_subject  # noqa: E402
from bench.timing import Runs  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Mode:
    """How much to measure."""

    name: str
    sample: int  # inputs timed per engine (the whole domain when it is smaller)
    runs: int  # repeated runs of every latency measurement
    window_us: float  # each input is timed over consecutive calls filling about this long
    cold_runs: int
    warm_runs: int
    sizes: tuple[int, ...]
    check_runs: dict[int, int]
    peer_runs: dict[int, int]
    peer_budget_s: float  # a symbolic peer skips a size predicted to take longer than this (all its runs)
    batch_documents: int


FULL = Mode(
    "full",
    6000,
    7,
    10.0,
    15,
    7,
    (100, 1000, 10000),
    {100: 7, 1000: 5, 10000: 3},
    {100: 7, 1000: 5, 10000: 3},
    60.0,
    200_000,
)
QUICK = Mode(
    "quick",
    600,
    3,
    5.0,
    5,
    3,
    (100, 1000, 10000),
    {100: 3, 1000: 3, 10000: 1},
    {100: 3, 1000: 1, 10000: 1},
    10.0,
    50_000,
)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _x(slow: float, fast: float) -> str:
    return f"{slow / fast:.1f}×"


def _versus(engine: float, gov: float) -> str:
    if engine >= gov:
        return f"govrule {engine / gov:.1f}× faster"
    return f"govrule {gov / engine:.1f}× slower"


# ------------------------------------------------------------------ sections


def section_signing(subject: Subject, mode: Mode) -> tuple[str, dict[str, float]]:
    log(f"subject: {subject.label}; {len(subject.inputs)} inputs; cross-checking the peers")
    agreeing, status = signing.cross_check(subject)
    indices = subject.sample(mode.sample)
    engines = signing.govrule_engines(subject) + agreeing
    log(f"timing who_must_sign and {len(agreeing)} peers on {len(indices)} inputs, {mode.runs} runs")
    measured = signing.measure_latency(engines, indices, runs=mode.runs, window_us=mode.window_us)
    by_name = {m.engine.name: m for m in measured}
    gov = by_name["govrule who_must_sign(Document)"]
    share_raising = sum(1 for e in subject.expected if e is None or e.startswith("missing:")) / len(subject.expected)

    rows = []
    for m in measured:
        rows.append(
            (
                m.engine.name + (f" ({m.engine.note})" if m.engine.note else ""),
                m.engine.version or "",
                m.median.text(),
                m.mean.text(),
                "—" if m is gov else _versus(m.median.median, gov.median.median),
                m.calls,
            )
        )
    tables = ", ".join(f"`{t}`" for t in subject.tables)
    domain = (
        f"{len(subject.inputs):,} inputs: for every (issuer, kind, recipient) of the vocabulary, every "
        f"combination of the other facts read by the rules that can still apply to that key "
        f"(facts no applicable rule reads keep their default, since they cannot change the answer; "
        f"the plain product of every field's values would be {subject.full_product:,} inputs)"
    )
    timed = (
        "all of them"
        if len(indices) == len(subject.inputs)
        else f"a fixed random sample of {len(indices)} (seed 0), the same for every engine"
    )
    lines = [
        "## 1. who_must_sign against its peers",
        "",
        f"**Subject**: {subject.label}: signing table(s) {tables}, {subject.n_rules} rules, first hit wins.",
        *(f"(skipped: {s})" for s in subject.skipped),
        "",
        f"**Domain**: {domain}. Of these, {share_raising:.0%} have no applicable rule, where govrule raises "
        "`NoApplicableRule` (or `MissingFact`) and the peers return null; those are timed too.",
        "",
        "**Cross-check** (before any timing; a peer that disagrees is not timed). Every peer answers the "
        "deciding rule's id; each is generated from the same decision chain as the others:",
        "",
        report.table(["peer", "version", "result"], [(n, v or "—", r) for n, v, r in status], "lll"),
        "",
        f"**Latency**, timed on {timed}. Each input is timed over consecutive calls (last column) and a run "
        "reports the median and the mean over inputs; figures are the median over "
        f"{mode.runs} runs [range over runs], in µs per decision. govrule returns the full answer (signers, "
        "co-signers, procedure, rule, citation, source text); the peers return the rule id.",
        "",
        report.table(
            [
                "engine",
                "version",
                "median µs/decision",
                "mean µs/decision",
                "median vs govrule(Document)",
                "calls/input",
            ],
            rows,
            "llrrlr",
        ),
        "",
    ]
    dl = by_name.get("JsonLogic (datalogic-py)")
    rego = by_name.get("Rego (regorus)")
    scan = by_name["Python table scan (hand-written)"]
    gm, gmean = gov.median.median, gov.mean.median
    targets = []
    if dl:
        targets.append(
            (
                "at or below datalogic-py",
                f"{gm:.2f} vs {dl.median.median:.2f}",
                "met" if gm <= dl.median.median else "not met",
                f"{gmean:.2f} vs {dl.mean.median:.2f}",
                "met" if gmean <= dl.mean.median else "not met",
            )
        )
    if rego:
        targets.append(
            (
                "at least 8× faster than regorus",
                _x(rego.median.median, gm),
                "met" if rego.median.median >= 8 * gm else "not met",
                _x(rego.mean.median, gmean),
                "met" if rego.mean.median >= 8 * gmean else "not met",
            )
        )
    targets.append(
        (
            "within 3× of the hand-written table scan",
            _x(gm, scan.median.median),
            "met" if gm <= 3 * scan.median.median else "not met",
            _x(gmean, scan.mean.median),
            "met" if gmean <= 3 * scan.mean.median else "not met",
        )
    )
    lines += [
        "**Targets** for who_must_sign on a prebuilt Document:",
        "",
        report.table(["target", "by median per decision", "", "by mean over the domain", ""], targets, "lrlrl"),
        "",
    ]
    return "\n".join(lines), {"gov_median": gm}


def section_queries(subject: Subject, mode: Mode) -> str:
    rs = subject.ruleset
    agenda, n_meetings = queries.agenda_engines(rs)
    deadline = queries.deadline_engine(rs)
    engines = [*agenda, deadline]
    log(f"timing check_agenda ({len(agenda[0].inputs)} cases) and deadline ({len(deadline.inputs)} cases)")
    measured = []
    for e in engines:
        indices = list(range(len(e.inputs)))
        if len(indices) > mode.sample:
            indices = indices[:: math.ceil(len(indices) / mode.sample)]
        measured += signing.measure_latency([e], indices, runs=mode.runs, window_us=mode.window_us)
    rows = [(m.engine.name, len(m.engine.inputs), m.median.text(), m.mean.text(), m.calls) for m in measured]
    return "\n".join(
        [
            "## 2. check_agenda and deadline",
            "",
            f"On the subject ruleset `{rs.id}`. check_agenda: every agenda item kind with its facts all true, all "
            f"false, all unknown and five random mixes, on each of the {n_meetings} meetings with agenda rules, with "
            "and without a meeting date (a date makes lead-time rules count working days back from it). deadline: "
            "every event with a time limit, from each Monday of 2024; the working-day walk on the official "
            "holiday calendar is included. µs per query, median over runs [range].",
            "",
            report.table(["query", "cases", "median µs/query", "mean µs/query", "calls/input"], rows, "lrrrr"),
            "",
        ]
    )


def section_startup(mode: Mode) -> tuple[str, float]:
    log(f"cold start: {mode.cold_runs} runs of each fresh process")
    cold = startup.cold_start(mode.cold_runs)
    bare = cold["bare interpreter (python -c pass)"]
    rows = [(label, r.text(1), "—" if r is bare else f"{r.median - bare.median:.0f}") for label, r in cold.items()]
    load_all = cold[startup.LOAD_ALL_VALIDATING]
    beyond = load_all.median - bare.median
    log(f"warm load: {mode.warm_runs} runs per ruleset")
    warm = startup.warm_load(mode.warm_runs)
    warm_rows = [(rid, r.text(1)) for rid, r in warm.items()]
    imports = startup.import_costs(max(3, mode.warm_runs))
    phases = startup.load_phases(mode.warm_runs)
    where = [(f"`import {name}`, cumulative", r.text(1)) for name, r in imports.items()]
    where += [(f"loading all {len(warm)}: {name}", r.text(1)) for name, r in phases.items()]
    return "\n".join(
        [
            "## 3. Start-up",
            "",
            f"Cold: wall time of a whole fresh process (the same interpreter, byte code already compiled), "
            f"{mode.cold_runs} runs each, interleaved; ms, median [range].",
            "",
            report.table(["process", "ms", "ms beyond bare start"], rows, "lrr"),
            "",
            f"Target: about 200 ms or less beyond bare interpreter start for importing govrule and loading, "
            f"validating and compiling all {len(warm)} bundled rulesets: {beyond:.0f} ms, "
            f"**{'met' if beyond <= 220 else 'not met'}**.",
            "",
            "Everyday-use targets (a shell loop or a pre-commit hook starts a process per call), "
            "beyond the bare interpreter in the same runs:",
            "",
            *startup.target_lines(cold),
            "",
            "Warm: reading, validating and compiling one ruleset again in a process that has govrule imported "
            "(what `govrule.load` does on a cache miss); ms, median [range].",
            "",
            report.table(["ruleset", "ms"], warm_rows, "lr"),
            "",
            "Where the cold start goes: what `python -X importtime -c 'import govrule'` attributes to some modules "
            "(cumulative, so a module's figure includes what it imports, and govrule's includes all), and a warm "
            "load of every bundled ruleset split into its phases (ms, median [range]):",
            "",
            report.table(["part", "ms"], where, "lr"),
            "",
        ]
    ), beyond


def section_analysis(mode: Mode) -> str:
    log(f"govrule check on synthetic tables of {', '.join(map(str, mode.sizes))} rules")
    scaling, first_hit = analysis.check_scaling(list(mode.sizes), lambda n: mode.check_runs[n])
    log("z3 and clingo on the first-hit tables")
    peers, skipped = analysis.symbolic_peers(first_hit, lambda n: mode.peer_runs[n], mode.peer_budget_s)
    rows = [(s.label, f"{s.rules:,}", s.seconds.text(3), s.found, s.agrees) for s in (*scaling, *peers)]
    unique_1000 = next((s for s in scaling if s.rules == 1000 and "unique" in s.label), None)
    first_1000 = next((s for s in scaling if s.rules == 1000 and "first" in s.label), None)
    verdict = []
    for s in (first_1000, unique_1000):
        if s is not None:
            verdict.append(f"{s.label}: {s.seconds.median:.2f} s, **{'met' if s.seconds.median <= 1 else 'not met'}**")
    growth = []
    for policy in ("first", "unique"):
        runs = [s for s in scaling if policy in s.label]
        steps = [
            f"{b.seconds.median / a.seconds.median:.1f}× from {a.rules:,} to {b.rules:,}"
            for a, b in itertools.pairwise(runs)
        ]
        growth.append(f"{policy}: " + ", ".join(steps))
    return "\n".join(
        [
            "## 4. govrule check on synthetic decision tables",
            "",
            "`govrule.consistency.synthetic_table(n, seed=0)`: five enumerated columns (issuer, kind, recipient, "
            "decided_by, meeting), a boolean (major) and an integer threshold (portfolio_count); each rule tests "
            "two columns at random and each other column with probability 0.3, the rest are wildcards; the table "
            "is declared complete. A first-hit table is checked for gaps and shadowed rules, a unique one for gaps "
            "and overlaps. The symbolic peers answer the first-hit question on the same tables (which rules can "
            "never fire, is there a gap) with one incremental solver call per rule, and are checked against "
            "govrule's findings. Seconds per check, median [range].",
            "",
            report.table(["checker", "rules", "s", "found", "cross-check"], rows, "lrrll"),
            "",
            "Growth: " + "; ".join(growth) + ".",
            (
                f"A symbolic peer skips a size predicted (growth with the square of the table) to take over "
                f"{mode.peer_budget_s:.0f} s for all its runs"
                + (f"; not run: {'; '.join(skipped)}." if skipped else ".")
            ),
            "",
            "Target: 1,000 rules in one second or less: " + "; ".join(verdict) + ".",
            "",
            f"Literature anchor: {analysis.CALVANESE}.",
            "",
        ]
    )


def section_batch(subject: Subject, mode: Mode) -> str:
    log(f"batch: who_must_sign_many over {mode.batch_documents:,} documents")
    result = signing.batch_throughput(subject, documents=mode.batch_documents, runs=mode.runs)
    if result is None:
        return "## 5. Batch throughput\n\nNot run: this platform cannot fork worker processes.\n"

    def k(r: Runs) -> str:
        return Runs(tuple(v / 1e3 for v in r.values)).text(0)

    rows = [
        ("one process", k(result.single), f"{1e6 / result.single.median:.2f}"),
        (
            f"{result.processes} processes (multiprocessing, fork)",
            k(result.parallel),
            f"{1e6 / result.parallel.median:.2f}",
        ),
    ]
    return "\n".join(
        [
            "## 5. Batch throughput",
            "",
            f"`Ruleset.who_must_sign_many` over {result.documents:,} prebuilt Documents (the domain, repeated; "
            f"{result.answered:,} answered, the rest an error in place). With several processes each worker answers "
            "an equal slice (the ruleset and documents are inherited through fork, every plan already built) and "
            "sends back only a count. Thousands of decisions per second, median [range].",
            "",
            report.table(["how", "k decisions/s", "µs/decision"], rows, "lrr"),
            "",
            f"Speed-up on {result.processes} processes: {result.parallel.median / result.single.median:.2f}×. "
            f"For comparison, a plain Python loop split the same way over the same pool, in the same runs, sped up "
            f"{result.control.text(2)}×: that is what the machine offered at the time (load average, 1 min: "
            f"{result.load}; other work on the machine takes cores from the workers).",
            "",
        ]
    )


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller sample (under a minute)")
    parser.add_argument(
        "--output",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="where to write the report (default docs/benchmarks.md; '-' to only print it)",
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    started = time.perf_counter()
    log(f"{mode.name} mode")
    machine = report.machine()
    subject = load_subject()
    sign_text, _ = section_signing(subject, mode)
    parts = [sign_text, section_queries(subject, mode)]
    start_text, _ = section_startup(mode)
    parts += [start_text, section_analysis(mode), section_batch(subject, mode)]
    elapsed = time.perf_counter() - started
    machine["load average at end"] = report.machine()["load average at start (1/5/15 min)"]

    head = [
        "# Benchmarks",
        "",
        f"Written by `python bench/run.py{' --quick' if args.quick else ''}` ({mode.name} mode, {elapsed:.0f} s); "
        "rerun it rather than editing this page. Each section says what was measured and how; the peers and "
        "the code that measures live in `bench/`. To reproduce, from the repository root:",
        "",
        "```sh",
        '.venv/bin/pip install -e ".[bench]"   # the peers: benchmark-only, never needed at run time',
        ".venv/bin/python bench/run.py            # full: a few minutes; writes this page",
        ".venv/bin/python bench/run.py --quick    # under a minute",
        "```",
        "",
        "The machine is shared, so timings move with its load: every latency is measured in interleaved runs, "
        "all engines in each run, and reported as the median over runs with the range over runs in brackets. "
        "No timing is asserted in the tests; `tests/test_bench_peers.py` checks, without timing, that every "
        "installed peer gives govrule's answers on the whole domain.",
        "",
        "## Machine",
        "",
        report.table(["", ""], list(machine.items()), "ll"),
        "",
        "Packages:",
        "",
        report.table(["package", "version"], report.versions(), "ll"),
        "",
    ]
    text = "\n".join(head + parts).rstrip() + "\n"
    print(text)
    if args.output != "-":
        # Keep the sections other benchmarks write between their own markers (bench/service.py).
        old = Path(args.output).read_text(encoding="utf-8") if Path(args.output).exists() else ""
        for block in re.finditer(r"<!-- BEGIN (\S+) -->.*?<!-- END \1 -->", old, flags=re.S):
            text += "\n" + block.group(0) + "\n"
        Path(args.output).write_text(text, encoding="utf-8")
        log(f"wrote {Path(args.output).name} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
