"""Start-up: a fresh process that imports govrule and loads every bundled ruleset; warm loads per ruleset."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import govrule
from govrule import _yaml, loader

from .timing import Runs, quiet

__all__ = ["COLD", "cold_start", "import_costs", "load_phases", "warm_load"]

IMPORTS = ("pydantic", "networkx", "yaml", "jsonschema", "chinesecalendar", "govrule.model", "govrule")

COLD = {
    "bare interpreter (python -c pass)": "pass",
    "import govrule": "import govrule",
    "import govrule + load, validate, compile every bundled ruleset": (
        "import govrule\nfor rid in govrule.bundled():\n    govrule.load(rid)"
    ),
}


def _once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return (time.perf_counter() - start) * 1e3


def cold_start(runs: int) -> dict[str, Runs]:
    """Wall time (ms) of each fresh process in COLD, runs interleaved; byte code is compiled beforehand."""
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
