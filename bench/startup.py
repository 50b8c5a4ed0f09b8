"""Start-up: fresh processes (bare interpreter, `import govrule`, a `govrule sign` answer, loading every bundled
ruleset) measured in the same interleaved runs, the start-up targets, and warm loads per ruleset.

``python -m bench.startup`` prints the cold-start table and the targets alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import govrule
from govrule import _yaml, loader

from .timing import Runs, quiet

__all__ = ["COLD", "TARGETS", "cold_start", "import_costs", "load_phases", "target_lines", "warm_load"]

IMPORTS = ("pydantic", "networkx", "yaml", "jsonschema", "chinesecalendar", "govrule.model", "govrule")

BARE = "bare interpreter (python -c pass)"
SIGN = "govrule sign ezhou --issuer government --kind request --recipient higher_government (whole CLI process)"
SIGN_FIRST = "the same, validating the file (first run after a change: no compiled form cached)"
LOAD_ALL = "import govrule + load and compile every bundled ruleset (from their compiled forms)"
LOAD_ALL_VALIDATING = "import govrule + load, validate, compile every bundled ruleset (no compiled form cached)"
_LOAD_CODE = "import govrule\nfor rid in govrule.bundled():\n    govrule.load(rid)"
_SIGN_CODE = (
    "import sys\nfrom govrule.cli import main\n"
    "sys.exit(main(['sign', 'ezhou', '--issuer', 'government', '--kind', 'request',"
    " '--recipient', 'higher_government']))"
)

COLD = {
    BARE: "pass",
    "import govrule": "import govrule",
    # What the `govrule` console script runs: the same process a shell loop or a pre-commit hook pays for.
    SIGN: _SIGN_CODE,
    # The cache switched off: what the first call after a ruleset file (or govrule) changed costs.
    SIGN_FIRST: "import os\nos.environ['GOVRULE_CACHE_DIR'] = ''\n" + _SIGN_CODE,
    LOAD_ALL: _LOAD_CODE,
    LOAD_ALL_VALIDATING: "import os\nos.environ['GOVRULE_CACHE_DIR'] = ''\n" + _LOAD_CODE,
}


#: Start-up targets: ms beyond the bare interpreter's start, measured in the same runs.
TARGETS = {"import govrule": 40.0, SIGN: 80.0}


_CACHE = tempfile.mkdtemp(prefix="govrule-bench-cache-")


def _env() -> dict[str, str]:
    # Byte code as an installed package has it: written once, then read (some shells set PYTHONDONTWRITEBYTECODE).
    # Compiled rulesets likewise, in a cache of this run's own (the warm-up run writes it).
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["GOVRULE_CACHE_DIR"] = _CACHE
    return env


def _compile() -> None:
    import compileall

    compileall.compile_dir(os.path.dirname(govrule.__file__), quiet=1)


def target_lines(cold: dict[str, Runs]) -> list[str]:
    """One line per start-up target: the median beyond bare start against the target, met or not."""
    bare = cold[BARE].median
    lines = []
    for label, limit in TARGETS.items():
        beyond = cold[label].median - bare
        verdict = "met" if beyond <= limit else "not met"
        lines.append(
            f"- `{label.split(' (')[0]}`: {beyond:.0f} ms beyond bare start (target {limit:.0f} ms): **{verdict}**."
        )
    return lines


def _once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return (time.perf_counter() - start) * 1e3


def cold_start(runs: int) -> dict[str, Runs]:
    """Wall time (ms) of each fresh process in COLD, runs interleaved; byte code is compiled beforehand.

    One warm-up run of each writes what an installed govrule has after its first use: byte code, and the
    compiled form of the bundled rulesets (govrule._compiled) in this run's cache directory.
    """
    _compile()
    for code in COLD.values():
        _once(code)
    times: dict[str, list[float]] = {label: [] for label in COLD}
    for _ in range(runs):
        for label, code in COLD.items():
            times[label].append(_once(code))
    return {label: Runs(tuple(v), "ms") for label, v in times.items()}


def warm_load(runs: int) -> dict[str, Runs]:
    """ms to read, validate and compile each bundled ruleset again in a process that has govrule imported."""
    out = {}
    for rid in govrule.bundled():
        source = govrule.load(rid).source
        assert source is not None
        file = source.file
        values = []
        for _ in range(runs):
            with quiet():
                start = time.perf_counter()
                parsed = loader.parse_file(file)
                govrule.Ruleset(parsed.spec, source=parsed)
                values.append((time.perf_counter() - start) * 1e3)
        out[rid] = Runs(tuple(values), "ms")
    return out


def import_costs(runs: int) -> dict[str, Runs]:
    """ms that ``import govrule`` spends importing some modules (cumulative, nested ones included), by -X importtime."""
    values: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import govrule"], check=True, capture_output=True, text=True
        )
        seen: dict[str, float] = {}
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip() in values:
                seen.setdefault(parts[2].strip(), int(parts[1]) / 1e3)
        for name, ms in seen.items():
            values[name].append(ms)
    return {name: Runs(tuple(v), "ms") for name, v in values.items() if v}


def load_phases(runs: int) -> dict[str, Runs]:
    """ms, summed over the bundled rulesets, in each phase of a load: YAML, models and checks, compiling."""
    sources = []
    for rid in govrule.bundled():
        source = govrule.load(rid).source
        assert source is not None
        with open(source.file, encoding="utf-8") as f:
            sources.append((source.file, f.read()))
    phases: dict[str, list[float]] = {
        "YAML (read with positions)": [],
        "models, references, conditions": [],
        "compiling the Ruleset": [],
    }
    for _ in range(runs):
        total = dict.fromkeys(phases, 0.0)
        with quiet():
            for file, text in sources:
                start = time.perf_counter()
                _yaml.load_text(text, file)
                parsed_yaml = time.perf_counter()
                parsed = loader.parse_text(text, file)  # YAML again, then the models and checks
                validated = time.perf_counter()
                govrule.Ruleset(parsed.spec, source=parsed)
                compiled = time.perf_counter()
                yaml_ms = (parsed_yaml - start) * 1e3
                total["YAML (read with positions)"] += yaml_ms
                total["models, references, conditions"] += (validated - parsed_yaml) * 1e3 - yaml_ms
                total["compiling the Ruleset"] += (compiled - validated) * 1e3
        for name, ms in total.items():
            phases[name].append(ms)
    return {name: Runs(tuple(v), "ms") for name, v in phases.items()}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="start-up of govrule against a bare interpreter, same runs")
    parser.add_argument("--runs", type=int, default=15)
    result = cold_start(parser.parse_args().runs)
    for label, runs in result.items():
        print(f"{label}: {runs.text(1)} ms")
    print("\n".join(target_lines(result)))
