"""The ``govrule`` command: validate, check, test, query, show and compare rulesets.

Exit codes: 0 success, 1 a finding (invalid file, failed case, ineligible item, error
finding), 2 a usage error. Every command takes ``--json``. No input, however broken,
produces a traceback: errors are one clear message each, ``file:line:column`` first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from . import __version__, model
from .errors import GovruleError, NoApplicableRule, RulesetError

EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2

#: The true/false facts of an agenda item, each a --flag of `govrule agenda`.
_AGENDA_FLAGS = tuple(name for name, kind in model.AGENDA_FIELDS.items() if kind == "bool")


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(f"{self.prog}: {message}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _bool(text: str) -> bool:
    low = text.lower()
    if low in ("true", "yes", "1", "是"):
        return True
    if low in ("false", "no", "0", "否"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def _emit(out: TextIO, as_json: bool, data: Any, text: str) -> None:
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        out.write(text.rstrip("\n") + "\n")


def _labels(rs: Any, roles: Sequence[str]) -> str:
    return "、".join(f"{rs.roles.get(r, r)}({r})" for r in roles) or "—"


# ---------------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .loader import validate

    results = []
    bad = 0
    for i, file in enumerate(args.files, 1):
        if not args.json and len(args.files) > 3:
            err.write(f"[{i}/{len(args.files)}] {file}\n")
        problems = validate(file)
        results.append({"file": file, "valid": not problems, "problems": [p.to_dict() for p in problems]})
        if problems:
            bad += 1
    lines = []
    for r in results:
        if r["valid"]:
            lines.append(f"{r['file']}: valid")
        else:
            from .errors import Problem

            for p in r["problems"]:
                lines.append(str(Problem(**p)))
    lines.append(f"{len(results) - bad} valid, {bad} invalid")
    _emit(out, args.json, results, "\n".join(lines))
    return EXIT_FINDING if bad else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .schema import fixture_schema, ruleset_schema

    schema = fixture_schema() if args.fixture else ruleset_schema()
    out.write(json.dumps(schema, ensure_ascii=False, indent=2 if not args.json else None) + "\n")
    return EXIT_OK


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .testing.fixtures import run_file

    passed = failed = 0
    records = []
    for file in args.files:
        try:
            results = run_file(file)
        except RulesetError as exc:
            for p in exc.problems:
                out.write(f"{p}\n") if not args.json else None
            records.append({"file": file, "error": [p.to_dict() for p in exc.problems]})
            failed += 1
            continue
        except GovruleError as exc:
            if not args.json:
                out.write(f"{file}:1:1: {exc}\n")
            records.append({"file": file, "error": str(exc)})
            failed += 1
            continue
        for r in results:
            records.append(
                {
                    "file": file,
                    "name": r.case.name,
                    "line": r.case.line,
                    "passed": r.passed,
                    "differences": list(r.differences),
                    "citation": r.citation,
                }
            )
            if r.passed:
                passed += 1
            else:
                failed += 1
                if not args.json:
                    out.write(r.describe() + "\n")
    if args.json:
        _emit(out, True, {"passed": passed, "failed": failed, "cases": records}, "")
    else:
        out.write(f"{passed} passed, {failed} failed\n")
    return EXIT_FINDING if failed else EXIT_OK


def _load(name: str, as_of: dt.date | None = None, calendars: Sequence[str] | None = None) -> Any:
    from .calendar import default_calendar
    from .registry import load

    calendar = default_calendar().with_files(*calendars) if calendars else None
    return load(name, as_of=as_of, calendar=calendar)


def cmd_sign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args.ruleset, args.as_of, args.calendar)
    doc: dict[str, Any] = {}
    for field in ("issuer", "kind", "recipient", "decided_by", "meeting"):
        value = getattr(args, field)
        if value is not None:
            doc[field] = value
    for flag in ("major", "important", "broad_scope", "routine_approval", "entrusted"):
        if getattr(args, flag):
            doc[flag] = True
    if args.portfolio:
        doc["portfolios"] = args.portfolio
    if args.subject:
        doc["subject_matter"] = args.subject
    d = rs.who_must_sign(doc)
    text = "\n".join(
        [
            f"签发 signers: {_labels(rs, d.signers)}",
            f"会签 cosigners: {_labels(rs, d.cosigners)}",
            "程序 steps: "
            + " → ".join(f"{s.action}({('或' if s.mode == 'any' else '、').join(s.roles)})" for s in d.steps),
            f"依据 rule: {d.rule.id} {d.rule.citation}",
            d.explain(),
        ]
    )
    _emit(out, args.json, rs.record("who_must_sign", doc, d), text)
    return EXIT_OK


def cmd_agenda(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args.ruleset, args.as_of, args.calendar)
    item: dict[str, Any] = {}
    for field in ("title", "kind", "proposed_by"):
        value = getattr(args, field)
        if value is not None:
            item[field] = value
    for field in _AGENDA_FLAGS:
        value = getattr(args, field)
        if value is not None:
            item[field] = value
    if args.procedure is not None:
        item["procedures_done"] = [p for p in args.procedure if p]
    if args.materials_submitted is not None:
        item["materials_submitted"] = args.materials_submitted
    a = rs.check_agenda(item, args.meeting, args.meeting_date)
    lines = [f"{'可以' if a.eligible else '不能'}提交 {a.meeting}: eligible={str(a.eligible).lower()}"]
    for f in a.failures:
        lines.append(f"  ✗ {f.rule.citation} {f.rule.id}: {f.message}")
    for f in a.requirements:
        lines.append(f"  ! {f.rule.citation} {f.rule.id}: {f.message}")
    if a.to_do:
        lines.append("  to make it eligible: " + ", ".join(a.to_do))
    record = rs.record("check_agenda", {"meeting": args.meeting, "meeting_date": args.meeting_date, "item": item}, a)
    _emit(out, args.json, record, "\n".join(lines))
    return EXIT_OK if a.eligible else EXIT_FINDING


def cmd_deadline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args.ruleset, args.as_of, args.calendar)
    d = rs.deadline(args.event, args.start)
    text = f"due {d.due.isoformat()} ({d.amount} {d.unit}{' before' if d.back else ''})\n{d.explain()}"
    _emit(out, args.json, rs.record("deadline", {"event": args.event, "start": args.start.isoformat()}, d), text)
    return EXIT_OK


def cmd_scaffold(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import os

    from .segment import scaffold, segment_file

    seg = segment_file(args.source)
    rid = args.id or os.path.splitext(os.path.basename(args.source))[0]
    text = scaffold(seg, ruleset_id=rid, source=os.path.basename(args.source))
    if args.json:
        _emit(
            out,
            True,
            {"articles": len(seg.articles), "duplicates": list(seg.duplicates), "notes": list(seg.notes), "yaml": text},
            "",
        )
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        err.write(f"wrote {args.output}: {len(seg.articles)} articles\n")
    else:
        out.write(text)
    for note in (*seg.duplicates, *seg.notes):
        err.write(f"note: {note}\n")
    return EXIT_OK


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace, TextIO, TextIO], int]:
    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        import importlib

        fn = getattr(importlib.import_module(f"govrule.{module}"), name)
        result: int = fn(args, out, err)
        return result

    return run


# ---------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``govrule`` command."""
    p = _Parser(prog="govrule", description="Query and check Chinese government work rules encoded as YAML rulesets.")
    p.add_argument("--version", action="version", version=f"govrule {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str, func: Callable[..., int]) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.add_argument("--json", action="store_true", help="machine-readable output")
        sp.set_defaults(func=func)
        return sp

    sp = add("validate", "validate ruleset files (exit 1 if any is invalid)", cmd_validate)
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp = add("schema", "print the JSON Schema of the ruleset format", cmd_schema)
    sp.add_argument("--fixture", action="store_true", help="the schema of fixture files instead")
    sp = add("test", "run fixture files of expected answers", cmd_test)
    sp.add_argument("files", nargs="+", metavar="FIXTURE")
    sp = add(
        "check", "consistency checks of rulesets (exit 1 on an error finding)", _lazy("consistency.cli", "cli_check")
    )
    sp.add_argument("targets", nargs="+", metavar="ID|FILE")
    sp.add_argument("--base", help="check a supplement composed over this base")

    def with_ruleset(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("ruleset", metavar="ID", help="bundled id or ruleset file")
        sp.add_argument("--as-of", type=_date, help="refuse a ruleset not in force on this date")
        sp.add_argument(
            "--calendar",
            action="append",
            metavar="FILE",
            help="a working-day calendar file for a year the holiday package does not cover (repeat)",
        )

    sp = add("sign", "who must sign a document", cmd_sign)
    with_ruleset(sp)
    sp.add_argument("--issuer")
    sp.add_argument("--kind")
    sp.add_argument("--recipient")
    sp.add_argument("--decided-by", dest="decided_by")
    sp.add_argument("--meeting")
    sp.add_argument("--portfolio", action="append", help="a portfolio the content touches (repeat)")
    sp.add_argument("--subject", action="append", help="a subject-matter tag (repeat)")
    for flag in ("major", "important", "broad-scope", "routine-approval", "entrusted"):
        sp.add_argument(f"--{flag}", action="store_true", dest=flag.replace("-", "_"))

    sp = add("agenda", "may an item go on a meeting's agenda", cmd_agenda)
    with_ruleset(sp)
    sp.add_argument("--meeting", required=True)
    sp.add_argument("--meeting-date", type=_date, dest="meeting_date")
    sp.add_argument("--title")
    sp.add_argument("--kind")
    sp.add_argument("--proposed-by", dest="proposed_by")
    for field in _AGENDA_FLAGS:
        sp.add_argument(f"--{field.replace('_', '-')}", dest=field, type=_bool, metavar="true|false")
    sp.add_argument("--procedure", action="append", help="a procedure done (repeat; --procedure '' for none)")
    sp.add_argument("--materials-submitted", type=_date, dest="materials_submitted")

    sp = add("deadline", "when something is due", cmd_deadline)
    with_ruleset(sp)
    sp.add_argument("event")
    sp.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")

    sp = add("show", "a ruleset as readable tables", _lazy("show", "cli_show"))
    sp.add_argument("ruleset", metavar="ID")
    sp = add("diff", "how two rulesets answer the same questions differently", _lazy("show", "cli_diff"))
    sp.add_argument("left", metavar="ID")
    sp.add_argument("right", metavar="ID")
    sp = add("scaffold", "split a source text into articles and write a ruleset skeleton", cmd_scaffold)
    sp.add_argument("source", metavar="SOURCE.txt")
    sp.add_argument("--id", help="ruleset id (default: the file name)")
    sp.add_argument("-o", "--output", help="write the skeleton here instead of standard output")
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _Usage as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(err)
        return EXIT_USAGE
    try:
        return int(args.func(args, out, err))
    except RulesetError as exc:
        for p in exc.problems:
            err.write(f"{p}\n")
        return EXIT_FINDING
    except NoApplicableRule as exc:
        if getattr(args, "json", False):
            _emit(out, True, {"error": type(exc).__name__, "message": str(exc)}, "")
        err.write(f"govrule: {type(exc).__name__}: {exc}\n")
        return EXIT_FINDING
    except GovruleError as exc:
        if getattr(args, "json", False):
            _emit(out, True, {"error": type(exc).__name__, "message": str(exc)}, "")
        err.write(f"govrule: {type(exc).__name__}: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:
        err.write(f"govrule: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("govrule: interrupted\n")
        return 130
