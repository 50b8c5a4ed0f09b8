"""``govrule audit RULESET ARCHIVE``: the command's options and its run.

`add_arguments` only touches argparse, so building the command-line parser never imports
pyarrow; `cli_audit` imports the audit machinery when the command runs.

Exit codes: 0 no findings, 1 findings, 2 a usage or input error (no such file, unknown
format, a ruleset that cannot be loaded).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TextIO

__all__ = ["add_arguments", "cli_audit"]


def add_arguments(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The audit command's arguments."""
    sp.add_argument("ruleset", metavar="RULESET", help="bundled id or ruleset file")
    sp.add_argument("archive", metavar="ARCHIVE", help="records: .csv, .jsonl or .parquet")
    sp.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="ID|FILE",
        help="another version of the rules (e.g. the document RULESET superseded); each record is judged "
        "under the version in force on its issue date (repeat)",
    )
    sp.add_argument("-o", "--output", metavar="FINDINGS", help="write findings: .parquet, .csv or .jsonl")
    sp.add_argument("--report", metavar="REPORT.html", help="write an HTML report (offline, with charts)")
    sp.add_argument(
        "--ignore-dates",
        action="store_true",
        help="judge every record under RULESET whatever its date (for a text that gives no date in force)",
    )
    sp.add_argument("--chunk-rows", type=int, default=262_144, metavar="N", help="records per chunk")
    sp.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    return sp


def cli_audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the audit command."""
    try:
        from . import report, run
        from .io import ArchiveError, archive_format
        from .progress import Progress
    except ImportError as exc:  # the optional extra is not installed
        err.write(f"govrule audit: needs the audit extra (pip install 'govrule[audit]'): {exc}\n")
        return 2
    from ..errors import GovruleError

    for path in (args.output,):
        if path:
            try:
                archive_format(path)
            except ArchiveError as exc:
                err.write(f"govrule audit: {exc}\n")
                return 2
    if args.chunk_rows < 1:
        err.write("govrule audit: --chunk-rows must be 1 or more\n")
        return 2
    try:
        versions = run.versions([args.ruleset, *args.also], ignore_dates=args.ignore_dates)
    except GovruleError as exc:
        err.write(f"govrule audit: {type(exc).__name__}: {exc}\n")
        return 2
    bar = Progress(err, enabled=False if args.no_progress else None)
    try:
        summary = run.audit_file(versions, args.archive, out=args.output, chunk_rows=args.chunk_rows, progress=bar)
    except ArchiveError as exc:
        bar.close()
        err.write(f"govrule audit: {exc}\n")
        return 2
    bar.close()
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(report.html_report(summary))
    if args.json:
        from ..wire import envelope

        data = summary.to_dict()
        data["output"] = os.path.abspath(args.output) if args.output else None
        data["report"] = os.path.abspath(args.report) if args.report else None
        out.write(json.dumps(envelope({"type": "AuditSummary", **data}), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(report.summary_text(summary))
        if args.output:
            out.write(f"发现已写入 {args.output}\n")
        if args.report:
            out.write(f"报告已写入 {args.report}\n")
    return 1 if summary.findings else 0
