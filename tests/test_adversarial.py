"""Run the adversarial corpus (tests/adversarial/corpus.py): every case ends cleanly within its caps.

Each case runs in a fresh interpreter limited to SECONDS of wall time and MEMORY bytes of address
space (``resource.RLIMIT_AS``), so a hang or a blow-up is a failure of that case, not of the suite.
The cases run two at a time, once per session; each test then checks one case's result.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "adversarial"))
from corpus import CASES, Case

SECONDS = 15
MEMORY = 1536 * 1024 * 1024

HARNESS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
mode, *rest = sys.argv[1:]
if mode == "cli":
    from govrule.cli import main
    sys.exit(main(rest))
import govrule
try:
    exec(compile(rest[0], "<case>", "exec"), {{"govrule": govrule, "__name__": "__case__"}})
except govrule.GovruleError as exc:
    print(f"{{type(exc).__name__}}: {{exc}}", file=sys.stderr)
    sys.exit(1)
"""


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed at the time cap
    output: str
    seconds: float


def _run(case: Case, folder: Path) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        text = content() if callable(content) else content
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    argv = ["cli", *case.cli] if case.cli else ["py", case.py]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    env.pop("GOVRULE_CALENDAR_DIR", None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", HARNESS.format(memory=MEMORY), *argv],
            cwd=folder,
            capture_output=True,
            timeout=SECONDS,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        partial = (exc.stdout or b"") + (exc.stderr or b"")
        return Outcome(None, partial.decode("utf-8", "replace")[-2000:], time.monotonic() - started)
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    return Outcome(done.returncode, output, time.monotonic() - started)


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    root = tmp_path_factory.mktemp("adversarial")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {c.id: pool.submit(_run, c, root / f"case{i}") for i, c in enumerate(CASES)}
        yield {key: future.result() for key, future in futures.items()}


def test_the_corpus_is_large_and_covers_every_cause() -> None:
    assert len(CASES) >= 100
    assert {c.cause for c in CASES} == {"unbounded", "traceback", "silent"}
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_ends_cleanly(case: Case, outcomes: dict[str, Outcome]) -> None:
    got = outcomes[case.id]
    shown = got.output[-1500:]
    assert got.code is not None, f"did not end within {SECONDS} s:\n{shown}"
    assert "Traceback (most recent call last)" not in got.output, shown
    assert "MemoryError" not in got.output and "RecursionError" not in got.output, shown
    assert got.code in case.exit, f"exit {got.code}, expected {case.exit}:\n{shown}"
    for words in case.says:
        assert words.lower() in got.output.lower(), f"expected {words!r} in:\n{shown}"
