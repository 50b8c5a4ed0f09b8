"""Benchmark `govrule audit`: records per second on a Parquet archive, against a read-and-group floor.

    python bench/audit.py            # 200k to 2M records and a Dask LocalCluster run: a few minutes
    python bench/audit.py --quick    # 50k and 200k records, Dask on 200k: under a minute or two

The archive is `govrule.audit.synth`'s (Ezhou rules, a planted finding every 997 records, list
columns as ``;``-separated text), written once at the largest size; smaller sizes are its first
rows. For each size:

- *floor*: read the same columns with pyarrow (a batch at a time, text columns as dictionaries)
  and group each batch by the deciding columns (``Table.group_by``): what any grouped audit pays;
- *audit*: `govrule.audit.audit_file` on the file (read, check that ids are unique, group, judge each
  group once, join back, count the findings), the ruleset already loaded;
- the best of several runs, wall clock; CPU seconds (all threads of the process) alongside,
  because other work on the machine inflates wall time.

Dask: `govrule.audit.dask.audit` on ``dd.read_parquet`` of the same file, on a
``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``, findings collected to the client;
workers are warmed up (imports, ruleset compiled) on a small file first.

Results are printed as Markdown; with ``--write`` they replace the audit section of
docs/benchmarks.md (between its ``audit`` markers).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import govrule  # noqa: E402
from govrule.audit import run, synth  # noqa: E402

BEGIN, END = "<!-- BEGIN bench/audit.py -->", "<!-- END bench/audit.py -->"  # kept by bench/run.py
RULESET = "ezhou"


def floor(path: str) -> float:
    """Read the archive's columns batch by batch with pyarrow and group each batch by the deciding columns."""
    names = pq.read_schema(path).names
    handle = pq.ParquetFile(path, read_dictionary=[n for n in names if n != "id"])
    keys = [n for n in names if n not in ("id", "issued", "meeting_date")]
    groups = 0
    for batch in handle.iter_batches(batch_size=262_144, columns=names):
        groups += pa.Table.from_batches([batch]).group_by(keys).aggregate([("id", "count")]).num_rows
    return groups


def best(fn, runs: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """The best wall time of ``runs`` calls, the CPU time of that call, and its result."""
    out = None
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        out = fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall < best_wall:
            best_wall, best_cpu = wall, cpu
    return best_wall, best_cpu, out


def dask_run(path: str, warm: str, expected: int) -> tuple[float, float]:
    """Best wall times of the Dask paths: `audit` on ``dd.read_parquet`` and `audit_parquet`."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from govrule.audit.dask import audit, audit_parquet

    def frame(p: str):  # type: ignore[no-untyped-def]
        return audit(RULESET, dd.read_parquet(p, split_row_groups=True, dtype_backend="pyarrow"))

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.compute(frame(warm)).result()
        client.compute(audit_parquet(RULESET, warm)).result()
        best_times = []
        for make in (lambda: frame(path), lambda: audit_parquet(RULESET, path)):
            times = []
            for _ in range(2):
                start = time.perf_counter()
                found = len(client.compute(make()).result())
                times.append(time.perf_counter() - start)
                if found != expected:
                    raise SystemExit(f"Dask found {found} findings, the local run {expected}")
            best_times.append(min(times))
    return best_times[0], best_times[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    p.add_argument("--no-dask", action="store_true", help="skip the LocalCluster run")
    p.add_argument("--write", action="store_true", help="replace the audit section of docs/benchmarks.md")
    args = p.parse_args(argv)
    sizes = (50_000, 200_000) if args.quick else (200_000, 500_000, 1_000_000, 2_000_000)
    runs = 2 if args.quick else 3
    load_before = os.getloadavg()[0]
    rs = govrule.load(RULESET)
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        archive = synth.generate(rs, sizes[-1], every=997, seed=0, lists="text")
        made = time.perf_counter() - start
        paths = {}
        for n in sizes:
            paths[n] = os.path.join(tmp, f"archive_{n}.parquet")
            part = synth.Archive(archive.table.slice(0, n), (), archive.kinds)
            synth.write(part, paths[n])
        print(f"generated {sizes[-1]:,} records in {made:.1f} s", file=sys.stderr)
        rows = []
        for n in sizes:
            f_wall, f_cpu, _ = best(lambda n=n: floor(paths[n]), runs)
            a_wall, a_cpu, summary = best(lambda n=n: run.audit_file(rs, paths[n]), runs)
            planted = sum(1 for r, _ in archive.planted if r <= n)
            assert summary.findings == planted, (summary.findings, planted)  # type: ignore[attr-defined]
            rows.append((n, f_wall, f_cpu, a_wall, a_cpu, summary.findings))  # type: ignore[attr-defined]
            print(f"{n:,}: floor {f_wall:.2f} s, audit {a_wall:.2f} s", file=sys.stderr)
        dask_result = None
        if not args.no_dask:
            n = sizes[-1]
            frame_wall, direct_wall = dask_run(paths[n], paths[sizes[0]], rows[-1][5])
            dask_result = (n, frame_wall, direct_wall, rows[-1][5])
    load_after = os.getloadavg()[0]

    lines.append(BEGIN)
    lines.append("## 7. Auditing an archive (`govrule audit`)")
    lines.append("")
    lines.append(
        f"`python bench/audit.py{' --quick' if args.quick else ''}`: a synthetic Parquet archive of Ezhou records "
        "(`govrule.audit.synth`, a planted finding every 997 records, lists as text), audited in one process "
        "by `govrule.audit.audit_file` (ids checked for repeats across the whole file) against the floor of "
        "reading the same columns with pyarrow and grouping each batch by the deciding columns. "
        f"Best of {runs} runs; CPU seconds count every thread of the process. "
        f"Every run found exactly the planted findings. Load average (1 min): {load_before:.2f} before, "
        f"{load_after:.2f} after, on {os.cpu_count()} cores."
    )
    lines.append("")
    lines.append(
        "| records | floor s (CPU s) | audit s (CPU s) | audit records/s | audit CPU records/s | audit ÷ floor |"
    )
    lines.append("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, f_wall, f_cpu, a_wall, a_cpu, _ in rows:
        lines.append(
            f"| {n:,} | {f_wall:.2f} ({f_cpu:.2f}) | {a_wall:.2f} ({a_cpu:.2f}) | {n / a_wall:,.0f} | "
            f"{n / a_cpu:,.0f} | {a_wall / f_wall:.2f}× |"
        )
    n, f_wall, f_cpu, a_wall, a_cpu, _ = rows[-1]
    first = rows[0]
    lines.append("")
    lines.append(
        f"Growth from {first[0]:,} to {n:,} records ({n / first[0]:.0f}× the records): audit time "
        f"{a_wall / first[3]:.1f}×, floor {f_wall / first[1]:.1f}×."
    )
    rate = n / a_wall
    lines.append("")
    targets = [
        f"at least 1,000,000 records/s in one process: {rate:,.0f} records/s wall, "
        f"{n / a_cpu:,.0f} per CPU second, **{'met' if rate >= 1e6 else 'not met'}**",
        f"within 3× of the read-and-group floor: {a_wall / f_wall:.2f}×, "
        f"**{'met' if a_wall <= 3 * f_wall else 'not met'}**",
    ]
    if dask_result is not None:
        dn, frame_wall, direct_wall, found = dask_result
        lines.append(
            f"Dask, `LocalCluster(n_workers=2, threads_per_worker=1, processes=True)` on the {dn:,}-record file, "
            f"findings collected to the client (the same {found:,} findings as the local run), best of 2 after a "
            f"warm-up: `audit(ruleset, dd.read_parquet(..., split_row_groups=True, dtype_backend='pyarrow'))` "
            f"{frame_wall:.2f} s ({dn / frame_wall:,.0f} records/s, {frame_wall / a_wall:.2f}× single-process); "
            f"`audit_parquet` (pyarrow reads each row group, no pandas frame of the records) {direct_wall:.2f} s "
            f"({dn / direct_wall:,.0f} records/s, {direct_wall / a_wall:.2f}×)."
        )
        lines.append("")
        dask_wall = min(frame_wall, direct_wall)
        targets.append(
            f"Dask within 1.5× of single-process: {dask_wall / a_wall:.2f}× (the faster path), "
            f"**{'met' if dask_wall <= 1.5 * a_wall else 'not met'}**"
        )
    lines.append("Targets: " + "; ".join(targets) + ".")
    cores = os.cpu_count() or 1
    if max(load_before, load_after) > cores:
        lines.append("")
        lines.append(
            f"The machine was shared while this ran (load average above its {cores} cores): wall time was "
            f"{a_wall / a_cpu:.1f}× the CPU time of the single-process audit, and Dask's worker processes, "
            "scheduler and client competed with that other work. The CPU figures say what the code costs; "
            "the wall figures, and so the targets, are what this machine gave at the time."
        )
    lines.append(END)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        doc = path.read_text(encoding="utf-8")
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            tail = rest.split(END, 1)[1].lstrip("\n")
            doc = head + text + tail
        else:
            doc = doc.rstrip("\n") + "\n\n" + text
        path.write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
