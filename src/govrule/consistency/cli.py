"""``govrule check`` as text: one line per finding and a summary per target."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import GovruleError, RulesetError, UnknownTerm
from . import check, wording

__all__ = ["cli_check"]


def cli_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule check ID|FILE... [--base B]`` as text: exit 1 on an unrecorded error finding, 2 on a bad target.

    (The JSON and JUnit forms are the command line's, in ``govrule.cli``, from the same findings.)
    """
    status = 0
    base = getattr(args, "base", None)
    for target in args.targets:
        try:
            findings = check(target, base=base, others=args.targets)
        except RulesetError as exc:
            for p in exc.problems:
                err.write(f"{p}\n")
            status = max(status, 1)
            continue
        except UnknownTerm as exc:
            message = f"govrule check: {target}: no such bundled ruleset or file"
            if exc.category != "ruleset":
                message = f"govrule check: {target}: {exc}"
            err.write(message + "\n")
            status = max(status, 2)
            continue
        except GovruleError as exc:
            err.write(f"govrule check: {target}: {type(exc).__name__}: {exc}\n")
            status = max(status, 2)
            continue
        if any(f.severity == "error" and not f.recorded for f in findings):
            status = max(status, 1)
        for f in findings:
            out.write(wording.line(f) + "\n")
        out.write(wording.summary(f"{target}（基础：{base}）" if base else str(target), findings) + "\n")
    return status
