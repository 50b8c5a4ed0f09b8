"""The machine, the package versions, and markdown tables."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
from collections.abc import Sequence

__all__ = ["PACKAGES", "machine", "table", "versions"]

PACKAGES = (
    "govrule",
    "pydantic",
    "PyYAML",
    "chinesecalendar",
    "networkx",
    "datalogic-py",
    "gordon-to-regorus",
    "common-expression-language",
    "rule-engine",
    "z3-solver",
    "clingo",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """What the numbers were measured on: CPU model and cores, Python, OS; no paths, no user names."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "CPU": _cpu_model(),
        "cores": f"{cores} ({usable} usable by this process)",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": f"{platform.system()} {platform.release().split('-')[0]} ({platform.machine()})",
        "load average at start (1/5/15 min)": load,
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }


def versions() -> list[tuple[str, str]]:
    """Installed versions of govrule, its main dependencies and the peers."""
    out = []
    for name in PACKAGES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        if name == "PyYAML":
            import yaml

            version += " (LibYAML available)" if yaml.__with_libyaml__ else " (pure Python)"
        out.append((name, version))
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A GitHub markdown table; ``align`` gives l/r per column (default: first left, rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
