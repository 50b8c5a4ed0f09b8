"""``govrule check``: findings as text lines with a summary per target, or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any, TextIO

from ..errors import GovruleError, RulesetError, UnknownTerm
from . import check
from .findings import SEVERITIES, CheckFinding

__all__ = ["cli_check"]


def _summary(name: str, findings: Sequence[CheckFinding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    recorded = sum(1 for f in findings if f.recorded)
    if not findings:
        return f"{name}: clean"
    rec = f" ({recorded} recorded)" if recorded else ""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{name}: {n(counts['error'], 'error')}, {n(counts['warning'], 'warning')}, {counts['info']} info{rec}"


def cli_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule check ID|FILE... [--base B] [--json]``: exit 1 on an unrecorded error finding."""
    status = 0
    records: list[dict[str, Any]] = []
    base = getattr(args, "base", None)
    as_json = bool(getattr(args, "json", False))
    for target in args.targets:
        try:
            findings = check(target, base=base, others=args.targets)
        except RulesetError as exc:
            for p in exc.problems:
                err.write(f"{p}\n")
            records.append({"target": target, "error": "RulesetError", "problems": [p.to_dict() for p in exc.problems]})
            status = max(status, 1)
            continue
        except UnknownTerm as exc:
            message = f"govrule check: {target}: no such bundled ruleset or file"
            if exc.category != "ruleset":
                message = f"govrule check: {target}: {exc}"
            err.write(message + "\n")
            records.append({"target": target, "error": type(exc).__name__, "message": str(exc)})
            status = max(status, 2)
            continue
        except GovruleError as exc:
            err.write(f"govrule check: {target}: {type(exc).__name__}: {exc}\n")
            records.append({"target": target, "error": type(exc).__name__, "message": str(exc)})
            status = max(status, 2)
            continue
        if any(f.severity == "error" and not f.recorded for f in findings):
            status = max(status, 1)
        name = f"{target} over {base}" if base else str(target)
        records.append({"target": target, "base": base, "findings": [f.to_dict() for f in findings]})
        if not as_json:
            for f in findings:
                out.write(f"{f}\n")
            out.write(_summary(name, findings) + "\n")
    if as_json:
        out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return status
