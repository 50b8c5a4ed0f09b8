"""The decision service over loopback against the HTTP floor: ``python bench/service.py [--quick]``.

Starts, one at a time on 127.0.0.1 (ephemeral ports), a uvicorn process serving the same
Starlette application with one route that returns a constant JSON body (the HTTP floor),
and ``govrule serve`` itself (one worker, decision log to a file, as deployed), and loads
each with wrk (a C load generator; the Debian package ``wrk`` is installed when missing
and the script runs as root). Each load runs for a fixed time; the runs interleave floor
and service, and the median over runs is reported with the range in brackets.

Writes its own section of docs/benchmarks.md (between its markers); ``--output -`` only prints.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

BEGIN = "<!-- BEGIN bench/service.py -->"
END = "<!-- END bench/service.py -->"
CONCURRENCY = 64
BATCH_SIZE = 1000
BATCH_CONNECTIONS = 4
EZHOU_PROVINCE = {"issuer": "government", "kind": "request", "recipient": "higher_government"}

# The HTTP floor: the same framework and server, one route, a constant body of a decision's size.
FLOOR_BODY = json.dumps({"schema": "govrule.answer/1", "constant": "x" * 900}).encode()


def floor_app():  # type: ignore[no-untyped-def]
    """A Starlette application with one POST route returning a constant JSON body."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def constant(request):  # type: ignore[no-untyped-def]
        return Response(FLOOR_BODY, media_type="application/json")

    return Starlette(routes=[Route("/v1/rulesets/ezhou/sign", constant, methods=["POST"])])


def log(message: str) -> None:
    print(f"[bench/service] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ servers


@contextmanager
def server(cmd: Sequence[str], stderr_path: Path) -> Iterator[str]:
    """Run a uvicorn process printing its address; yield the base URL; stop it (SIGTERM, then SIGKILL)."""
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 30
            while True:
                text = stderr_path.read_text(encoding="utf-8", errors="replace")
                m = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", text)
                if m:
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {' '.join(cmd)}\n{text}")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{m.group(1)}"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def _uvicorn_common() -> list[str]:
    return ["--host", "127.0.0.1", "--port", "0", "--log-level", "info", "--no-access-log"]


def floor_cmd() -> list[str]:
    return [sys.executable, __file__, "--serve-floor"]


def service_cmd(decision_log: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "govrule",
        "serve",
        "--decision-log",
        decision_log,
        "--reload-interval",
        "0",
        "--max-batch",
        str(BATCH_SIZE),
        *_uvicorn_common(),
    ]


# ------------------------------------------------------------------ load generator


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (Debian package)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("bench/service.py needs wrk (the HTTP load generator): apt-get install wrk")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(wrk_bin: str, url: str, body: bytes, connections: int, seconds: float, tmp: Path) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) of POSTing ``body`` to ``url``; non-2xx responses are an error."""
    body_file = tmp / "body.json"
    body_file.write_bytes(body)
    script = tmp / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        [
            wrk_bin,
            "-t1",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    if "Non-2xx" in out or re.search(r"Socket errors: connect [1-9]|read [1-9]|write [1-9]", out):
        raise RuntimeError(f"wrk saw failed requests:\n{out}")
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}"] = _ms(m.group(1))  # type: ignore[union-attr]
    return result


# ------------------------------------------------------------------ the benchmark


def batch_body() -> bytes:
    """A batch of ``BATCH_SIZE`` signing inputs across the Ezhou domain (every one answered or an error in place)."""
    import govrule
    from govrule.service.queries import QUERIES  # noqa: F401 - the service's own query table must import

    kinds = ("request", "report", "decision", "order", "normative_document", "minutes", "other")
    recipients = ("higher_government", "subordinate", "public", "people_congress", "party_committee")
    issuers = ("government", "office")
    inputs = []
    while len(inputs) < BATCH_SIZE:
        for issuer in issuers:
            for kind in kinds:
                for recipient in recipients:
                    inputs.append(
                        {"issuer": issuer, "kind": kind, "recipient": recipient, "major": len(inputs) % 3 == 0}
                    )
    del govrule
    return json.dumps({"query": "sign", "inputs": inputs[:BATCH_SIZE]}).encode()


def check_answers(url: str) -> int:
    """The service answers correctly before it is timed; returns how many batch inputs got an answer."""
    import httpx

    single = httpx.post(f"{url}/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE, timeout=30).json()
    assert single["rule"]["citation"] == "五十六（一）", single
    batch = httpx.post(f"{url}/v1/rulesets/ezhou/batch", content=batch_body(), timeout=60).json()
    assert len(batch["results"]) == BATCH_SIZE
    return sum(1 for r in batch["results"] if r["status"] == 200)


def run(seconds: float, rounds: int) -> dict[str, object]:
    wrk_bin = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="govrule-bench-") as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        single_body = json.dumps(EZHOU_PROVINCE).encode()
        # All three servers run at once (idle when not loaded) and the loads alternate between them, so
        # every comparison is made within a few seconds, under the same load from the rest of the machine.
        floor = stack.enter_context(server(floor_cmd(), tmp / "floor.err"))
        logged = stack.enter_context(server(service_cmd(str(tmp / "decisions.jsonl")), tmp / "serve.err"))
        unlogged = stack.enter_context(server(service_cmd("off"), tmp / "serve-off.err"))
        answered = check_answers(logged)
        check_answers(unlogged)
        results: dict[str, list[dict[str, float]]] = {"floor": [], "single": [], "single_nolog": [], "batch": []}
        sign = "/v1/rulesets/ezhou/sign"
        for r in range(rounds):
            log(f"round {r + 1}/{rounds}")
            results["floor"].append(wrk(wrk_bin, floor + sign, single_body, CONCURRENCY, seconds, tmp))
            results["single"].append(wrk(wrk_bin, logged + sign, single_body, CONCURRENCY, seconds, tmp))
            results["single_nolog"].append(wrk(wrk_bin, unlogged + sign, single_body, CONCURRENCY, seconds, tmp))
            batch_url = logged + "/v1/rulesets/ezhou/batch"
            results["batch"].append(wrk(wrk_bin, batch_url, batch_body(), BATCH_CONNECTIONS, seconds, tmp))
            (tmp / "decisions.jsonl").write_bytes(b"")  # keep the temporary log small
    load = _load()
    return {
        "results": results,
        "answered": answered,
        "seconds": seconds,
        "rounds": rounds,
        "load": load,
        "in_process": in_process_batch(),
    }


def in_process_batch(repeats: int = 15) -> dict[str, float]:
    """µs per decision of the batch endpoint's work without HTTP (best of ``repeats``), log to a file and off."""
    from govrule.service import Settings, create_app
    from govrule.service.queries import QUERIES

    inputs = json.loads(batch_body())["inputs"]
    out = {}
    with tempfile.TemporaryDirectory(prefix="govrule-bench-") as tmp:
        for name, target in (("log", str(Path(tmp) / "decisions.jsonl")), ("nolog", None)):
            app = create_app(Settings(decision_log=target, reload_interval=0))
            service = app.state.service
            service.store.scan()
            rs = service.store.get("ezhou")
            best = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                service._run_batch(rs, QUERIES["sign"], inputs, "bench")
                service.decisions.flush()
                best = min(best, time.perf_counter() - started)
            service.decisions.close()
            out[name] = best / len(inputs) * 1e6
    return out


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _med(values: list[float], digits: int = 0) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:,.{digits}f}"
    return f"{med:,.{digits}f} [{min(values):,.{digits}f}–{max(values):,.{digits}f}]"


def section(data: dict[str, object], elapsed: float) -> str:
    res: dict[str, list[dict[str, float]]] = data["results"]  # type: ignore[assignment]

    def col(name: str, key: str) -> list[float]:
        return [x[key] for x in res[name]]

    def ratios(name: str, key: str) -> list[float]:
        """Per round: the endpoint's value over the floor's in the same round (the loads alternate)."""
        return [a / b for a, b in zip(col(name, key), col("floor", key), strict=True)]

    rows = []
    for name, label in (
        ("floor", "HTTP floor: the same Starlette + uvicorn, constant body"),
        ("single", "`POST /v1/rulesets/ezhou/sign` (decision log to a file)"),
        ("single_nolog", "`POST /v1/rulesets/ezhou/sign` (decision log off)"),
    ):
        rows.append(
            (
                label,
                _med(col(name, "rps")),
                _med(ratios(name, "rps"), 2),
                _med(col(name, "p50"), 2),
                _med(col(name, "p99"), 2),
                _med(ratios(name, "p99"), 2),
            )
        )
    single_rps_ratio = statistics.median(ratios("single", "rps"))
    single_p99_ratio = statistics.median(ratios("single", "p99"))
    batch_dps = [x * BATCH_SIZE for x in col("batch", "rps")]
    batch_med = statistics.median(batch_dps)

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    targets = [
        (
            "single decisions ≥ 2/3 of the floor's throughput (64 clients)",
            f"{single_rps_ratio:.2f} of the floor",
            verdict(single_rps_ratio >= 2 / 3),
        ),
        (
            "single-decision p99 ≤ 1.5× the floor's p99 (64 clients)",
            f"{single_p99_ratio:.2f}×",
            verdict(single_p99_ratio <= 1.5),
        ),
        ("batch endpoint ≥ 100,000 decisions/s", f"{batch_med:,.0f} decisions/s", verdict(batch_med >= 100_000)),
    ]
    machine = report.machine()
    return "\n".join(
        [
            BEGIN,
            "## 6. The decision service over HTTP (`bench/service.py`)",
            "",
            f"Written by `python bench/service.py` ({data['rounds']} rounds of {data['seconds']:g} s per load, "
            f"{elapsed:.0f} s in all). Over loopback on this machine ({machine.get('CPU', '')}, "
            f"{machine.get('cores', os.cpu_count())} cores), load generator included: wrk (one thread) on "
            "127.0.0.1 against one uvicorn worker each (uvloop, httptools): the HTTP floor — the same Starlette "
            "application and uvicorn settings with one route returning a constant JSON body of a decision's size — "
            "and `govrule serve` with the decision log to a file and off. The three run side by side and the loads "
            "alternate between them round by round, so each comparison is made under the same load from the rest "
            f"of the machine (load average at the end, 1/5/15 min: {data['load']}). Median over rounds, [range]; the "
            "× floor columns are the median of each round's ratio to the floor measured just before. "
            f"Latency in milliseconds, at {CONCURRENCY} concurrent connections.",
            "",
            report.table(
                ["endpoint", "requests/s", "× floor", "p50 ms", "p99 ms", "p99 × floor"],
                rows,
                "lrrrrr",
            ),
            "",
            f"Batch: `POST /v1/rulesets/ezhou/batch` with {BATCH_SIZE:,} signing inputs per request (the Ezhou "
            f"domain, {data['answered']} answered and the rest an error in place, every one written to the decision "
            f"log), {BATCH_CONNECTIONS} connections: {_med(batch_dps)} decisions/s.",
            "",
            report.table(["target (issue)", "measured", ""], targets, "lll"),
            "",
            "The same batch work without HTTP, in process (best of 15 batches of "
            f"{BATCH_SIZE:,}): {data['in_process']['log']:.1f} µs per decision with the decision log to a file, "
            f"{data['in_process']['nolog']:.1f} µs with it off, that is "
            f"{1e6 / data['in_process']['log']:,.0f} decisions/s; the rest of the HTTP figure is parsing the "
            "request body, sending about 1.5 MB of answers per request and the load generator, all on the same "
            "two cores.",
            "",
            "A single decision costs what the floor costs plus reading and parsing the JSON body, the query "
            "(memoised per ruleset and input), one decision-log line and the metrics. The brackets show how "
            "much the figures moved from round to round: the machine was shared with other work throughout "
            "(see the load average), so a ratio in one round can be far from the next, and the medians are "
            "this run's honest summary rather than the service's ceiling. Running several workers "
            "(`govrule serve --workers N`) multiplies the throughput by the cores given to them; here the load "
            "generator shares the two cores.",
            END,
        ]
    )


def write_section(text: str, path: Path) -> None:
    page = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in page and END in page:
        head, rest = page.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        page = head + text + tail
    else:
        page = page.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of 4 s per load (about half a minute)")
    parser.add_argument("--seconds", type=float, help="seconds per load (default 3; --quick 4)")
    parser.add_argument("--rounds", type=int, help="rounds (default 9; --quick 1)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"), help="page to update, or '-'")
    parser.add_argument("--serve-floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_floor:
        import uvicorn

        uvicorn.run(floor_app(), host="127.0.0.1", port=0, log_level="info", access_log=False)
        return 0
    seconds = args.seconds or (4.0 if args.quick else 3.0)
    rounds = args.rounds or (1 if args.quick else 9)
    started = time.perf_counter()
    data = run(seconds, rounds)
    text = section(data, time.perf_counter() - started)
    print(text)
    if args.output != "-":
        write_section(text, Path(args.output))
        log(f"wrote the service section of {Path(args.output).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
