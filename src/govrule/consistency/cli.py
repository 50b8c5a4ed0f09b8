"""``govrule check`` as text: one line per finding and a summary per target."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import GovruleError, RulesetError
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
        except GovruleError as exc:  # an unknown id, a missing file, a base it cannot compose over: in Chinese
            from ..cli import _exit_code  # one exit-code policy for every command and format
            from ..messages import render

            err.write(f"govrule check {target}：{render(exc, lambda field: 'ID|FILE')}\n")
            status = max(status, _exit_code(exc))
            continue
        if any(f.severity == "error" and not f.recorded for f in findings):
            status = max(status, 1)
        for f in findings:
            out.write(wording.line(f) + "\n")
        out.write(wording.summary(f"{target}（基础：{base}）" if base else str(target), findings) + "\n")
    return status
