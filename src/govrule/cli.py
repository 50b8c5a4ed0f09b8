"""The ``govrule`` command: validate, check, test, query, show and compare rulesets.

Exit codes, the same for every command: 0 success; 1 a finding (an invalid file, a failed
case, an error finding of ``check``, a question no rule answers, an ineligible item, a
quorum not met, a forbidden document, differences in ``diff``); 2 a usage or input error
(a bad flag, an unknown id or word, a missing file). Every command takes ``--format
text|json`` (``--json`` for short); ``test`` and ``check`` also ``--format junit``. Under
``--json`` an error is a JSON object on standard output too (see :mod:`govrule.wire`). No
input, however broken, produces a traceback; a closed pipe (``govrule diff … | head``)
ends the command quietly.

Query commands take their facts as flags, as a JSON or YAML object (``--input FILE`` or
``--input -`` for standard input), or both (flags win). Every value may be written as the
id or as a Chinese label or term in Simplified or Traditional script (市长/市長,
常务会议, 请示, 省政府).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__, _hints
from ._dates import iso_date
from .errors import GovruleError, NoApplicableRule, QueryError, RulesetError
from .messages import FACT_NAMES
from .vocabulary import AGENDA_FIELD_KINDS, DOCUMENT_FIELD_KINDS

if TYPE_CHECKING:
    from .engine import Ruleset

EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def _flag_kinds(fields: Mapping[str, str]) -> Mapping[str, str]:
    """How the CLI reads each fact of a query from its flag, from the field kinds of the vocabulary.

    ``word:V`` one word of vocabulary V, ``words:V`` a repeated flag (``words:`` any words),
    ``text``, ``bool``, ``date``, ``role`` and ``meeting`` (ids or labels of the ruleset). A count
    the engine derives (``portfolio_count`` from ``--portfolio``) has no flag of its own.
    """
    out: dict[str, str] = {}
    for field, kind in fields.items():
        if field == "portfolio_count":
            continue
        if kind.startswith("enum:"):
            out[field] = "word:" + kind.removeprefix("enum:")
        elif kind == "set":  # procedures_done holds words of the procedure vocabulary; other sets are free words
            out[field] = "words:procedure" if field == "procedures_done" else "words:"
        else:
            out[field] = "text" if kind == "str" else kind
    return out


DOCUMENT_FACTS = _flag_kinds(DOCUMENT_FIELD_KINDS)
AGENDA_FACTS = _flag_kinds(AGENDA_FIELD_KINDS)
#: The flag of each fact whose flag is not simply --field-name.
_FLAG_OF = {"portfolios": "--portfolio", "subject_matter": "--subject", "procedures_done": "--procedure"}

#: Chinese names of the facts a caller may have to supply (one list, shared with the error messages).
_FACT_ZH = FACT_NAMES
_UNIT_ZH = {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "years": "年"}
_ACTION_ZH = {"review": "审核", "cosign": "会签", "approve": "审批", "sign": "签发", "report": "报", "file": "备案"}


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(f"{self.prog}: {message}")


# ---------------------------------------------------------------------------- values


def _date(text: Any) -> dt.date:
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    day = iso_date(text)
    if day is not None:
        return day
    raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD")


def _bool(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    low = str(text).strip().lower()
    # Exactly the documented forms: yes/1/y are refused rather than guessed (a flag's value decides a rule).
    if low in ("true", "是"):
        return True
    if low in ("false", "否"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false (true/false, 是/否)")


def _count(text: Any) -> int:
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and text.strip().isdigit():
        value = int(text.strip())
    else:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return value


def _word(vocabulary: str, value: str) -> str:
    """The id a Chinese term names in a closed vocabulary (unchanged when it is none: the query reports it)."""
    if not vocabulary or not isinstance(value, str):
        return value
    try:
        from .vocabulary import lookup
    except ImportError:  # pragma: no cover - the vocabulary module ships with the package
        return value
    try:
        found = lookup(vocabulary, value)
    except KeyError:
        return value
    return found or value


def _fact(rs: Ruleset, kind: str, name: str, value: Any, typed: bool = False) -> Any:
    """One fact's value from a flag (text) or an input file (``typed``: JSON/YAML values), labels resolved to ids."""
    if value is None:
        return None
    if typed and kind in ("bool", "int") and (type(value) is not (bool if kind == "bool" else int)):
        expected = "true or false" if kind == "bool" else "a whole number"
        raise QueryError(
            f"--input: {name}={value!r} must be {expected}",
            field=name,
            value=value,
            reason="not_bool" if kind == "bool" else "not_whole_number",
        )
    try:
        if kind == "bool":
            if not isinstance(value, bool | str):
                raise argparse.ArgumentTypeError(f"{value!r} is not true or false")
            return _bool(value)
        if kind == "date":
            return _date(value)
        if kind == "int":
            return _count(value)
    except argparse.ArgumentTypeError as exc:
        reason = {"bool": "not_bool", "date": "not_date"}.get(kind, "not_whole_number")
        raise QueryError(f"{name}: {exc}", field=name, value=value, reason=reason) from None
    try:
        if kind == "role":
            return rs.role(value)
        if kind == "meeting":
            return rs.meeting_id(value)
    except QueryError as exc:
        raise exc.at(name) from None
    if kind.startswith("word:"):
        return _word(kind[5:], value)
    if kind.startswith("words:"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise QueryError(
                f"{name}: expected a list of words, not {type(value).__name__}",
                field=name,
                value=value,
                reason="not_words",
            )
        return [_word(kind[6:], v) for v in value if v != ""]
    return value


def _read_input(spec: str, err: TextIO) -> dict[str, Any]:
    """The object of an --input file (JSON or YAML; ``-`` reads standard input), through the hardened loader."""
    from . import _yaml

    if spec == "-":
        raw = sys.stdin.buffer.read(_yaml.MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        text, problems = _yaml.decode(raw, "<stdin>")
        name = "<stdin>"
    else:
        if not os.path.isfile(spec):
            raise QueryError(
                f"--input {spec}: no such file", field="input", reason="no_such_file", kind="input", path=spec
            )
        text, problems = _yaml.read_source(spec)
        name = spec
    if text is None:
        raise _bad_input(name, problems)
    loaded, problems = _yaml.load_text(text, name)
    if loaded is None:
        raise _bad_input(name, problems)
    if not isinstance(loaded.data, dict):
        raise QueryError(
            f"{name}: --input takes a JSON or YAML object of the query's fields",
            field="input",
            reason="not_mapping",
            path=name,
        )
    return dict(loaded.data)


def _bad_input(name: str, problems: Sequence[Any]) -> QueryError:
    first = problems[0] if problems else None
    location = f"{first.file}:{first.line}:{first.column}" if first is not None else name
    return QueryError(
        "; ".join(str(p) for p in problems), field="input", reason="bad_input_file", path=name, location=location
    )


def _gather(
    args: argparse.Namespace, rs: Ruleset, facts: Mapping[str, str], extra: Mapping[str, str] = {}
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The query's facts (for the Document or AgendaItem) and its other fields, from --input and the flags."""
    given = _read_input(args.input, sys.stderr) if getattr(args, "input", None) else {}
    nested = given.pop("item", None) or given.pop("document", None)
    if isinstance(nested, dict):
        given = {**nested, **given}
    allowed = set(facts) | set(extra)
    unknown = sorted(set(given) - allowed)
    if unknown:
        close = _hints.close_matches(unknown[0], sorted(allowed))
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise QueryError(
            f"--input: unknown field {unknown[0]!r}{hint}; allowed: {', '.join(sorted(allowed))}",
            value=unknown[0],
            allowed=sorted(allowed),
            did_you_mean=close[0] if close else None,
            reason="unknown_field",
            where="input",
        )
    typed = set(given)
    for field in allowed:
        flag_value = getattr(args, field, None)
        if flag_value is not None and flag_value != []:
            given[field] = flag_value
            typed.discard(field)
    found: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for field, value in given.items():
        if field in facts:
            resolved = _fact(rs, facts[field], field, value, field in typed)
            if resolved is not None:
                found[field] = resolved
        else:
            other[field] = _fact(rs, extra[field], field, value, field in typed)
    return found, other


# ---------------------------------------------------------------------------- output


def _format(args: argparse.Namespace) -> str:
    return str(getattr(args, "format", None) or "text")


def _emit(out: TextIO, args: argparse.Namespace, data: Any, text: str) -> None:
    """Print the text, or under --format json the data (a callable is called only then)."""
    if _format(args) == "json":
        from .wire import dumps, envelope

        if callable(data):
            data = data()
        payload = envelope(data) if isinstance(data, Mapping) and "schema" not in data else data
        out.write(dumps(payload, indent=2) + "\n")
    else:
        out.write(text.rstrip("\n") + "\n")


def _who(rs: Ruleset, roles: Sequence[str], joiner: str = "、") -> str:
    labels = rs.roles
    return joiner.join(f"{labels.get(r, r)}({r})" for r in roles) or "—"


def _cite(rule: Any) -> str:
    doc = f"《{rule.document}》" if getattr(rule, "document", "") else ""
    return f"{doc}{rule.citation}（{rule.id}）"


def fact_name(field: str) -> str:
    """A fact's Chinese name with the flag that supplies it: ``是否已与有关部门协商（--consulted）``."""
    from .messages import field_name

    flag = _FLAG_OF.get(field, "--" + field.replace("_", "-"))
    return f"{field_name(field)}（{flag}）"


def _is_fact(name: str) -> bool:
    return name in AGENDA_FACTS or name in DOCUMENT_FACTS or name == "meeting_date"


def _to_do(items: Sequence[str]) -> str:
    """The facts still to supply, in Chinese with their flags (rules to satisfy are listed as failures already)."""
    facts = [fact_name(x) for x in items if _is_fact(x)]
    return "需提供：" + "、".join(facts) if facts else ""


def _zh_message(message: str) -> str:
    """A finding's message without the fact ids it asks for (需提供：…): the last line lists them in Chinese."""
    import re

    def keep(m: re.Match[str]) -> str:
        return "（无法判断是否适用）" if m.group(1) else ""

    return re.sub(r"（(无法判断是否适用，)?需提供：[a-z_]+(?:、[a-z_]+)*）", keep, message)


#: The positional arguments of each command, by the field they give (shown by their metavar in errors).
_POSITIONAL = {
    "deadline": {"event": "EVENT"},
    "meeting": {"meeting": "MEETING"},
    "quorum": {"meeting": "MEETING"},
    "leave": {"role": "ROLE"},
}


def _flag_of(command: str | None, field: str) -> str:
    """How the clerk wrote a field on this command's line: ``--issuer``, ``--from``, ``EVENT``, ``ID``."""
    if field == "ruleset":
        return "ID"
    if field == "input":
        return "--input"
    positional = _POSITIONAL.get(command or "", {}).get(field)
    if positional:
        return positional
    if field in ("start", "from"):
        return "--from"
    if field == "role":
        return "ROLE"
    return _FLAG_OF.get(field, "--" + field.replace("_", "-"))


def _error_text(exc: BaseException, command: str | None = None) -> str:
    """One clear message for an error, in Chinese for a clerk (govrule.messages), naming the flag typed."""
    from .messages import render, usage

    if isinstance(exc, _Usage):
        return usage(str(exc))
    return render(exc, lambda field: _flag_of(command, field))


def _exit_code(exc: BaseException) -> int:
    """1 for a finding (a bad file, a question no rule answers), 2 for a bad command or input."""
    from .calendar import CalendarFileError

    if isinstance(exc, RulesetError | NoApplicableRule | CalendarFileError):
        return EXIT_FINDING
    name = type(exc).__name__
    if name in ("NotInForce", "CompositionError"):
        return EXIT_FINDING
    return EXIT_USAGE


# ---------------------------------------------------------------------------- rulesets


def _ruleset_path(name: str) -> str:
    """A bundled id's file, or the name itself."""
    if os.path.exists(name):
        return name
    from .registry import bundled

    if name in bundled():
        from .registry import _bundled_dir

        return os.path.join(_bundled_dir(), f"{name}.yaml")
    return name


def _load(args: argparse.Namespace) -> Ruleset:
    from .registry import load

    calendar = None
    files = getattr(args, "calendar", None)
    if files:
        from .calendar import default_calendar

        calendar = default_calendar().with_files(*files)
    if args.ruleset is None:
        raise QueryError(
            "name a ruleset: a bundled id or a ruleset file", field="ruleset", reason="missing", example="ezhou"
        )
    return load(args.ruleset, as_of=getattr(args, "as_of", None), calendar=calendar)


def _record(rs: Ruleset, query: str, given: Any, answer: Any) -> dict[str, Any]:
    from .wire import record

    return record(query, given, answer, rs)


# ---------------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .loader import validate
    from .wire import problem_dict

    results = []
    bad = 0
    for i, name in enumerate(args.files, 1):
        file = _ruleset_path(name)
        if not os.path.exists(file):
            raise QueryError(
                f"{name}: no such file or bundled ruleset",
                field="ruleset",
                reason="no_such_file",
                kind="ruleset",
                path=name,
                or_id=True,
            )
        if _format(args) == "text" and len(args.files) > 3:
            err.write(f"[{i}/{len(args.files)}] {file}\n")
        problems = validate(file)
        results.append((name, problems))
        if problems:
            bad += 1
    lines = []
    for name, problems in results:
        lines.extend([f"{name}：有效"] if not problems else [str(p) for p in problems])
    lines.append(f"{len(results) - bad} 个文件有效，{bad} 个有误")
    data = {
        "results": [
            {"file": name, "valid": not problems, "problems": [problem_dict(p) for p in problems]}
            for name, problems in results
        ],
        "valid": len(results) - bad,
        "invalid": bad,
    }
    _emit(out, args, data, "\n".join(lines))
    return EXIT_FINDING if bad else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    from .schema import fixture_schema, ruleset_schema

    schema = fixture_schema() if args.fixture else ruleset_schema()
    out.write(json.dumps(schema, ensure_ascii=False, indent=None if _format(args) == "json" else 2) + "\n")
    return EXIT_OK


def _looks_like_ruleset(file: str) -> bool:
    """Whether a file given to ``govrule test`` is a ruleset rather than a fixture file."""
    from . import _yaml

    text, _ = _yaml.read_source(file)
    if text is None:
        return False
    loaded, _ = _yaml.load_text(text, file)
    data = loaded.data if loaded is not None else None
    return isinstance(data, dict) and "cases" not in data and bool({"roles", "meta", "signing", "format"} & set(data))


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .testing.fixtures import run_file
    from .wire import case_dict, error_dict

    for file in args.files:
        if not os.path.exists(file):
            raise QueryError(f"{file}: no such fixture file", reason="no_such_file", kind="fixture", path=file)
        if _looks_like_ruleset(file):
            raise QueryError(
                f"{file} is a ruleset file, not a fixture file; check it with `govrule validate {file}` "
                f"or `govrule check {file}`, and test it with a fixture file of cases",
                reason="fixture_is_ruleset",
                path=file,
            )
    fmt = _format(args)
    passed = failed = 0
    cases: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for file in args.files:
        try:
            results = run_file(file)
        except GovruleError as exc:
            if fmt == "text":
                out.write(
                    "\n".join(str(p) for p in exc.problems) + "\n"
                    if isinstance(exc, RulesetError)
                    else f"{file}:1:1：{_fixture_error(exc)}\n"
                )
            errors.append({"file": file, **error_dict(exc)})
            failed += 1
            continue
        for r in results:
            cases.append({"file": file, **case_dict(r)})
            if r.passed:
                passed += 1
            else:
                failed += 1
                if fmt == "text":
                    out.write(r.describe() + "\n")
    if fmt == "junit":
        out.write(
            _junit(
                "govrule test",
                [(c["file"], c["name"], c["passed"], "; ".join(c["differences"])) for c in cases]
                + [(e["file"], e["file"], False, e["error"]["message"]) for e in errors],
            )
        )
    elif fmt == "json":
        for e in errors:
            e.pop("schema", None)
        _emit(out, args, {"passed": passed, "failed": failed, "cases": cases, "errors": errors}, "")
    else:
        out.write(f"{passed} 个用例通过，{failed} 个未通过\n")
    return EXIT_FINDING if failed else EXIT_OK


def _fixture_error(exc: BaseException) -> str:
    """An error in a fixture file, in Chinese, naming its keys as the file writes them (``ruleset``)."""
    from .messages import render

    return render(exc)


def _junit(suite: str, cases: Sequence[tuple[str, str, bool, str]]) -> str:
    """JUnit XML: one testcase per (class, name, passed, message)."""
    from xml.sax.saxutils import quoteattr

    failures = sum(1 for c in cases if not c[2])
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites><testsuite name={quoteattr(suite)} tests="{len(cases)}" failures="{failures}">',
    ]
    for classname, name, ok, message in cases:
        head = f"<testcase classname={quoteattr(classname)} name={quoteattr(name)}"
        if ok:
            lines.append(head + "/>")
        else:
            lines.append(head + f"><failure message={quoteattr(message)}/></testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines) + "\n"


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    fmt = _format(args)
    if fmt == "text":
        from .consistency.cli import cli_check

        return int(cli_check(args, out, err))
    from . import check
    from .wire import error_dict, finding_dict

    status = EXIT_OK
    targets: list[dict[str, Any]] = []
    junit: list[tuple[str, str, bool, str]] = []
    for target in args.targets:
        try:
            findings = check(target, base=args.base, others=args.targets)
        except GovruleError as exc:
            status = max(status, _exit_code(exc))
            targets.append({"target": target, "base": args.base, **error_dict(exc)})
            junit.append((target, target, False, str(exc)))
            continue
        bad = [f for f in findings if f.severity == "error" and not f.recorded]
        if bad:
            status = max(status, EXIT_FINDING)
        targets.append({"target": target, "base": args.base, "findings": [finding_dict(f) for f in findings]})
        junit.append((target, "consistency", not bad, "; ".join(f.message for f in bad)))
        for f in findings:
            if f.severity == "error" and not f.recorded:
                junit.append((target, f"{f.kind}: {', '.join(f.rules)}", False, f.message))
    if fmt == "junit":
        out.write(_junit("govrule check", junit))
    else:
        for t in targets:
            t.pop("schema", None)
        _emit(out, args, {"targets": targets}, "")
    return status


def cmd_sign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    query = "who_must_approve" if args.command == "approve" else "who_must_sign"
    doc, other = _gather(args, rs, DOCUMENT_FACTS, {"absent": "words:"})
    absent = [_fact(rs, "role", "absent", r) for r in other.get("absent") or ()]
    ask = getattr(rs, query)
    d = ask(doc, absent=set(absent)) if absent else ask(doc)
    forbidden = bool(getattr(d, "forbidden", False))
    lines = []
    if forbidden:
        lines.append(f"不得办理：{d.rule.text}")
    else:
        verb = "审批" if query == "who_must_approve" else "签发"
        lines.append(f"{verb}：{_who(rs, d.signers, '或')}")
        lines.append(f"会签：{_who(rs, d.cosigners)}")
        steps = []
        for s in d.steps:
            joiner = "或" if s.mode == "any" else "、"
            steps.append(f"{joiner.join(rs.roles.get(r, r) for r in s.roles)}{_ACTION_ZH.get(s.action, s.action)}")
        lines.append("程序：" + " → ".join(steps))
    if absent:
        lines.append(f"缺席：{_who(rs, absent)}")
    lines.append(f"依据：{_cite(d.rule)}")
    lines.append(d.explain())
    _emit(out, args, lambda: _record(rs, query, doc if not absent else {**doc, "absent": absent}, d), "\n".join(lines))
    return EXIT_FINDING if forbidden else EXIT_OK


def cmd_agenda(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    item, other = _gather(args, rs, AGENDA_FACTS, {"meeting": "meeting", "meeting_date": "date"})
    meeting = other.get("meeting")
    if meeting is None:
        raise QueryError(
            "name the meeting: --meeting 常务会议 (or `meeting` in --input)",
            field="meeting",
            reason="missing",
            example="--meeting 常务会议",
            allowed=rs.meetings,
            labels={k: rs.meeting(k).label for k in rs.meetings},
        )
    a = rs.check_agenda(item, meeting, other.get("meeting_date"))
    label = rs.meeting(a.meeting).label
    head = f"可以提交{label}（{a.meeting}）" if a.eligible else f"不能提交{label}（{a.meeting}）"
    lines = [head]
    for f in a.failures:
        lines.append(f"  ✗ {_zh_message(f.message)}（{f.rule.citation}）")
    for f in a.requirements:
        lines.append(f"  ! 须遵守：{_zh_message(f.message)}（{f.rule.citation}）")
    if _to_do(a.to_do):
        lines.append("  " + _to_do(a.to_do))
    given = {"meeting": a.meeting, "meeting_date": other.get("meeting_date"), "item": item}
    _emit(out, args, lambda: _record(rs, "check_agenda", given, a), "\n".join(lines))
    return EXIT_OK if a.eligible else EXIT_FINDING


def cmd_deadline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    _, other = _gather(args, rs, {}, {"event": "word:event", "start": "date", "from": "date"})
    event = other.get("event")
    start = other.get("start") or other.get("from")
    if event is None:
        raise QueryError(
            f"name the event; defined events: {', '.join(sorted(rs.events))}",
            field="event",
            reason="missing",
            allowed=sorted(rs.events),
        )
    if start is None:
        raise QueryError(
            "give the day the period runs from: --from YYYY-MM-DD",
            field="start",
            reason="missing",
            example="--from 2024-09-27",
        )
    d = rs.deadline(event, start)
    period = f"{d.amount}{_UNIT_ZH.get(d.unit, d.unit)}"
    direction = "前" if d.back else "内" if d.bound == "within" else ""
    lines = [f"截止日期：{d.due.isoformat()}（自{d.start.isoformat()}起{period}{direction}）"]
    if d.max_due:
        lines.append(f"最迟：{d.max_due.isoformat()}")
    lines.append(f"依据：{_cite(d.rule)}")
    lines.append(d.explain())
    for warning in getattr(d, "warnings", ()):
        lines.append(f"注意：{warning}")
        err.write(f"govrule：注意：{warning}\n")
    _emit(out, args, lambda: _record(rs, "deadline", {"event": event, "start": start}, d), "\n".join(lines))
    return EXIT_OK


def cmd_meeting(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    _, other = _gather(args, rs, {}, {"meeting": "meeting"})
    if other.get("meeting") is None:
        raise QueryError(
            f"name the meeting; defined meetings: {', '.join(rs.meetings)}",
            field="meeting",
            reason="missing",
            allowed=rs.meetings,
            labels={k: rs.meeting(k).label for k in rs.meetings},
        )
    m = rs.meeting(other["meeting"])

    def who(roles: Sequence[str] | None) -> str:
        return "（原文未规定）" if roles is None else _who(rs, roles)

    lines = [f"{m.label}（{m.id}）"]
    lines.append(f"组成人员：{who(m.members)}")
    lines.append(f"召集：{who(m.convener)}")
    lines.append(f"主持：{who(m.chair)}")
    if m.entrusted_chair:
        lines.append(f"受委托主持：{_who(rs, m.entrusted_chair)}")
    if m.observers:
        lines.append(f"列席：{_who(rs, m.observers)}")
    if m.observers_as_needed:
        lines.append(f"根据需要列席：{_who(rs, m.observers_as_needed)}")
    if m.frequency:
        lines.append(f"会期：{_frequency(m.frequency)}")
    if m.quorum:
        scope = f"（按{_who(rs, m.quorum_of)}计算）" if m.quorum_of else ""
        lines.append(f"法定人数：{m.quorum}{scope}")
    if m.minutes_signers is not None:
        lines.append(f"纪要签发：{who(m.minutes_signers)}")
    for r in m.rules or (m.rule,):
        lines.append(f"依据：{_cite(r)}：{r.text}")
    _emit(out, args, lambda: _record(rs, "meeting", {"meeting": m.id}, m), "\n".join(lines))
    return EXIT_OK


def _frequency(freq: Mapping[str, Any]) -> str:
    units = {"weeks": "周", "months": "个月", "quarters": "个季度", "years": "年"}
    every, unit = freq.get("every"), freq.get("unit")
    if not unit:
        return "根据需要召开" if freq.get("as_needed") else "（原文未规定）"
    span = units.get(str(unit), str(unit))
    period = f"每{span}" if every in (None, 1) else f"每{every}{span}"
    if period == "每个月":
        period = "每月"
    times = f"{freq.get('times', 1)}"
    if freq.get("times_max"):
        times += f"至{freq['times_max']}"
    text = f"{period}召开{times}次"
    return ("一般" + text) if freq.get("typically") else text


def cmd_quorum(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    _, other = _gather(args, rs, {}, {"meeting": "meeting", "present": "int", "total": "int"})
    for need in ("meeting", "present", "total"):
        if other.get(need) is None:
            raise QueryError(
                f"quorum needs {need}: govrule quorum ID MEETING --present N --total N",
                field=need,
                reason="missing",
                example="govrule quorum ezhou 常务会议 --present 6 --total 10",
            )
    met = rs.quorum_met(other["meeting"], other["present"], other["total"])
    rule = rs.quorum_rule(other["meeting"])
    m = rs.meeting(other["meeting"])
    verdict = "达到法定人数" if met else "未达到法定人数"
    share = str(m.quorum or "")
    for word, zh in (("more_than", "超过"), ("at_least", "不少于")):
        share = share.replace(word + " ", zh)
    share = share.replace("1/2", "半数").replace("2/3", "三分之二")
    text = (
        f"{m.label}（{m.id}）：{_who(rs, m.quorum_of) if m.quorum_of else ''}"
        f"应到{other['total']}人，实到{other['present']}人，{verdict}"
        f"（须{share}）\n依据：{_cite(rule)}：{rule.text}"
    )
    answer = {"met": met, "meeting": m.id, "present": other["present"], "total": other["total"], "quorum": m.quorum}
    from .wire import record, rule_dict

    data = record("quorum_met", {k: other[k] for k in ("meeting", "present", "total")}, answer, rs)
    data["answer"] = {"schema": data["schema"], "type": "QuorumAnswer", **answer}
    data["rule"] = rule_dict(rule)
    _emit(out, args, data, text)
    return EXIT_OK if met else EXIT_FINDING


def cmd_acting_head(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    a = rs.acting_head()
    head = rs.roles.get("head", "市长")
    lines = [f"{head}不在时主持工作：{_who(rs, a.roles, ' → ')}"]
    if a.entrusted:
        lines.append(f"（受{head}委托）")
    lines.append(f"依据：{_cite(a.rule)}：{a.rule.text}")
    _emit(out, args, lambda: _record(rs, "acting_head", {}, a), "\n".join(lines))
    return EXIT_OK


def cmd_leave(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rs = _load(args)
    _, other = _gather(args, rs, {}, {"role": "role", "occasion": "text", "meeting": "meeting"})
    if other.get("role") is None:
        raise QueryError(
            f"name the role; defined roles: {', '.join(rs.roles)}",
            field="role",
            reason="missing",
            allowed=tuple(rs.roles),
            labels=dict(rs.roles),
        )
    a = rs.leave_approver(other["role"], other.get("occasion"), other.get("meeting"))
    from .messages import OCCASION_NAMES as occasions

    lines = []
    for x in (a, *a.others):
        what = occasions.get(x.occasion, x.occasion)
        line = f"{_who(rs, (x.role,))}{what}：向{_who(rs, x.roles, '、' if x.mode == 'all' else '或')}报告或请假"
        if x.notify:
            line += f"，并告知{_who(rs, x.notify)}"
        if x.via:
            line += f"（经{x.via}）"
        if x.advance:
            line += f"，提前{x.advance[0]}{_UNIT_ZH.get(x.advance[1], x.advance[1])}"
        lines.append(line)
        lines.append(f"  依据：{_cite(x.rule)}：{x.rule.text}")
    given = {"role": other["role"], "occasion": other.get("occasion")}
    if other.get("meeting") is not None:
        given["meeting"] = other["meeting"]
    _emit(out, args, lambda: _record(rs, "leave_approver", given, a), "\n".join(lines))
    return EXIT_OK


def cmd_scaffold(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .segment import ruleset_id_from, scaffold, segment_file

    if not os.path.isfile(args.source):
        raise QueryError(f"{args.source}: no such file", reason="no_such_file", kind="source", path=args.source)
    if args.output and os.path.exists(args.output) and not args.force:
        raise QueryError(
            f"{args.output} exists; pass --force to overwrite it", reason="output_exists", path=args.output
        )
    seg = segment_file(args.source)
    rid = args.id or ruleset_id_from(args.source)
    text = scaffold(seg, ruleset_id=rid, source=os.path.basename(args.source))
    if _format(args) == "json":
        data = {"articles": len(seg.articles), "duplicates": list(seg.duplicates), "notes": list(seg.notes)}
        _emit(out, args, {**data, "yaml": text}, "")
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        err.write(f"已写入 {args.output}：{len(seg.articles)} 条\n")
    else:
        out.write(text)
    for note in (*seg.duplicates, *seg.notes):
        err.write(f"提示：{note}\n")
    if not seg.articles:
        err.write(f"{args.source}：未找到条文（没有“第一条”或“一、”这样的条标题）\n")
        return EXIT_FINDING
    return EXIT_OK


def cmd_calendar_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .calendar_notice import parse_notice_file, render_calendar

    if not os.path.isfile(args.notice):
        raise QueryError(f"{args.notice}: no such file", reason="no_such_file", kind="notice", path=args.notice)
    notice = parse_notice_file(args.notice)
    year = notice.calendar
    text = render_calendar(year, source=args.notice)
    for note in notice.notes:
        err.write(f"提示：{note}\n")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        err.write(
            f"已写入 {args.output}：{year.year} 年，放假 {len(year.holidays)} 天，调休上班 {len(year.workdays)} 天\n"
        )
    if _format(args) == "json":
        _emit(out, args, _days(year), "")
    elif not args.output:
        out.write(text)
    return EXIT_OK


def _days(year: Any) -> dict[str, Any]:
    return {
        "year": year.year,
        "off": [d.isoformat() for d in sorted(year.holidays)],
        "work": [d.isoformat() for d in sorted(year.workdays)],
    }


def cmd_calendar_days(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .calendar import load_calendar_file

    if not os.path.isfile(args.file):
        raise QueryError(f"{args.file}: no such calendar file", reason="no_such_file", kind="calendar", path=args.file)
    year = load_calendar_file(args.file)
    data = _days(year)
    text = "\n".join(
        [
            f"{year.year}年",
            f"放假（{len(data['off'])}天）：{'、'.join(data['off'])}",
            f"调休上班（{len(data['work'])}天）：{'、'.join(data['work']) or '—'}",
        ]
    )
    _emit(out, args, data, text)
    return EXIT_OK


def cmd_completion(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .completion import script

    out.write(script(build_parser(), args.shell))
    return EXIT_OK


def _lazy(module: str, name: str) -> Command:
    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        import importlib

        fn = getattr(importlib.import_module(f"govrule.{module}"), name)
        result: int = fn(args, out, err)
        return result

    return run


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule diff``: exit 1 when the rulesets answer differently (the diff itself is ``govrule.diff``'s)."""
    from .diff import cli_diff

    buffer = io.StringIO()
    code = int(cli_diff(args, buffer, err))
    text = buffer.getvalue()
    differs = code == EXIT_FINDING
    if _format(args) == "json":
        import json

        data = json.loads(text)
        differs = differs or bool(data.get("differences") if isinstance(data, dict) else data)
        _emit(out, args, data if isinstance(data, dict) else {"differences": data}, "")
    else:
        differs = differs or (not text.rstrip().endswith(" 0 differences") and "differences between" in text)
        out.write(text)
    return EXIT_FINDING if differs and code in (EXIT_OK, EXIT_FINDING) else code


def _wrap_json(func: Command) -> Command:
    """A command whose own JSON lacks the schema field: add it (objects) or wrap it (lists)."""

    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        if _format(args) != "json":
            return func(args, out, err)
        import json

        buffer = io.StringIO()
        code = func(args, buffer, err)
        data = json.loads(buffer.getvalue())
        _emit(out, args, data if isinstance(data, dict) else {"results": data}, "")
        return code

    return run


# ---------------------------------------------------------------------------- parser


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``govrule`` command.

    ``command`` (the first argument of the command line) lets :func:`main` build the options of
    that command only (every command stays a choice, so a mistyped one is still named with the
    others); None builds the whole parser, for help, completion and the docs.
    """
    p = _Parser(prog="govrule", description="Query and check Chinese government work rules encoded as YAML rulesets.")
    p.add_argument("--version", action="version", version=f"govrule {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(
        name: str, help_text: str, func: Command, formats: Sequence[str] = ("text", "json"), parent: Any = None
    ) -> Any:
        if command is not None and (command != "calendar" if parent is not None else name != command):
            (parent or sub).add_parser(name, help=help_text, add_help=False)
            return _NotBuilt()
        sp = (parent or sub).add_parser(name, help=help_text, description=help_text)
        sp.add_argument("--format", choices=tuple(formats), default="text", help="text for people, json for programs")
        sp.add_argument("--json", action="store_const", dest="format", const="json", help="same as --format json")
        sp.set_defaults(func=func)
        return sp

    sp = add("validate", "validate ruleset files (exit 1 if any is invalid)", cmd_validate)
    sp.add_argument("files", nargs="+", metavar="ID|FILE")
    sp = add("schema", "print the JSON Schema of the ruleset format", cmd_schema)
    sp.add_argument("--fixture", action="store_true", help="the schema of fixture files instead")
    sp = add("test", "run fixture files of expected answers", cmd_test, ("text", "json", "junit"))
    sp.add_argument("files", nargs="+", metavar="FIXTURE")
    sp = add(
        "check", "consistency checks of rulesets (exit 1 on an error finding)", cmd_check, ("text", "json", "junit")
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
        sp.add_argument(
            "--input", metavar="FILE|-", help="the query's fields as a JSON or YAML object (- reads standard input)"
        )

    def fact_flags(sp: argparse.ArgumentParser, facts: Mapping[str, str]) -> None:
        for field, kind in facts.items():
            flag = _FLAG_OF.get(field, "--" + field.replace("_", "-"))
            if kind == "bool":
                sp.add_argument(
                    flag, dest=field, nargs="?", const="true", metavar="true|false", help=f"{fact_name(field)}"
                )
            elif kind.startswith("words:"):
                sp.add_argument(flag, dest=field, action="append", help=f"{fact_name(field)} (repeat)")
            else:
                sp.add_argument(flag, dest=field, help=fact_name(field))

    for name, help_text in (
        ("sign", "who must sign a document (签发)"),
        ("approve", "who must approve a document sent to the government (审批)"),
    ):
        sp = add(name, help_text, cmd_sign)
        with_ruleset(sp)
        fact_flags(sp, DOCUMENT_FACTS)
        sp.add_argument("--absent", action="append", metavar="ROLE", help="a role that is away (repeat)")

    sp = add("agenda", "may an item go on a meeting's agenda (议题)", cmd_agenda)
    with_ruleset(sp)
    sp.add_argument("--meeting", help="the meeting (id or label, e.g. 常务会议)")
    sp.add_argument("--meeting-date", dest="meeting_date", metavar="DATE")
    fact_flags(sp, AGENDA_FACTS)

    sp = add("deadline", "when something is due (时限)", cmd_deadline)
    with_ruleset(sp)
    sp.add_argument("event", nargs="?", metavar="EVENT")
    sp.add_argument("--from", dest="start", metavar="DATE", help="the day the period runs from (YYYY-MM-DD)")

    sp = add("meeting", "a meeting type: members, convener, chair, observers, frequency (会议)", cmd_meeting)
    with_ruleset(sp)
    sp.add_argument("meeting", nargs="?", metavar="MEETING")

    sp = add("quorum", "whether enough members are present (法定人数)", cmd_quorum)
    with_ruleset(sp)
    sp.add_argument("meeting", nargs="?", metavar="MEETING")
    sp.add_argument("--present", metavar="N")
    sp.add_argument("--total", metavar="N")

    sp = add("acting-head", "who presides when the head is away (主持工作)", cmd_acting_head)
    with_ruleset(sp)

    sp = add("leave", "whom a role asks for leave (请假)", cmd_leave)
    with_ruleset(sp)
    sp.add_argument("role", nargs="?", metavar="ROLE")
    sp.add_argument("--occasion", help="leave, absence, travel … (default: every occasion the text names)")
    sp.add_argument("--meeting", help="for absence from a meeting: its id or label (只适用于其他会议的规则不回答)")

    sp = add("show", "a ruleset as readable tables", _wrap_json(_lazy("show", "cli_show")))
    sp.add_argument("ruleset", metavar="ID")
    sp = add("diff", "how two rulesets answer the same questions differently (exit 1 if they differ)", _diff)
    sp.add_argument("left", metavar="ID")
    sp.add_argument("right", metavar="ID")
    sp.add_argument("--points", action="store_true", help="one example input per differing region, not the regions")
    sp = add("scaffold", "split a source text into articles and write a ruleset skeleton", cmd_scaffold)
    sp.add_argument("source", metavar="SOURCE.txt")
    sp.add_argument("--id", help="ruleset id (default: the file name)")
    sp.add_argument("-o", "--output", help="write the skeleton here instead of standard output")
    sp.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")

    # The options of audit and serve come from their packages, imported only when that command runs
    # (or the whole parser is wanted, for help, completion and the docs): start-up stays small.
    sp = add("audit", "check an archive of issued documents against a ruleset", _lazy("audit.cli", "cli_audit"))
    if command in (None, "audit"):
        from .audit.cli import add_arguments as audit_arguments  # argparse only; pyarrow is imported when it runs

        audit_arguments(sp)

    cal = sub.add_parser(
        "calendar",
        help="working-day calendar files (节假日安排)",
        description="working-day calendar files: import the State Council's holiday notice, list a file's days",
    )
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", parser_class=_Parser)
    sp = add(
        "import",
        "turn the State Council's holiday notice (国务院办公厅关于…节假日安排的通知) into a calendar file",
        cmd_calendar_import,
        parent=cal_sub,
    )
    sp.add_argument("notice", metavar="NOTICE.txt")
    sp.add_argument("-o", "--output", metavar="FILE", help="write the calendar file here")
    sp = add("days", "the days off and the adjusted workdays of a calendar file", cmd_calendar_days, parent=cal_sub)
    sp.add_argument("file", metavar="FILE")

    sp = add("completion", "print a shell completion script (bash or zsh)", cmd_completion)
    sp.add_argument("shell", choices=("bash", "zsh"))
    sp = add(
        "serve",
        "run the decision service and playground over HTTP (govrule[serve])",
        _lazy("service.cli", "cli_serve"),
    )
    if command in (None, "serve"):
        from .service.options import add_arguments as serve_options  # the web stack loads only when serve runs

        serve_options(sp)
    return p


class _NotBuilt:
    """The parser of a command other than the one being run: its options are not built (start-up time)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        return None


def _wants_json(argv: Sequence[str]) -> bool:
    for i, a in enumerate(argv):
        if a == "--json" or a == "--format=json" or (a == "--format" and i + 1 < len(argv) and argv[i + 1] == "json"):
            return True
    return False


def _fail(
    exc: BaseException, as_json: bool, out: TextIO, err: TextIO, kind: str | None = None, command: str | None = None
) -> None:
    if as_json:
        from .wire import dumps, error_dict

        out.write(dumps(error_dict(exc, kind), indent=2) + "\n")
    err.write(_error_text(exc, command) + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (the ``govrule`` script exits with it)."""
    script = out is None
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(argv)
    try:
        try:
            first = next((a for a in argv if not a.startswith("-")), None)
            parser = build_parser(first if first not in ("help",) else None)
            try:
                args = parser.parse_args(argv)
            except _Usage as exc:
                _fail(exc, as_json, out, err, "UsageError")
                return EXIT_USAGE
            except SystemExit as exc:  # --help and --version
                return int(exc.code or 0)
            if not getattr(args, "func", None):
                from .completion import _subcommands  # the parser's own subcommand table

                (_subcommands(parser).get(args.command or "") or parser).print_help(err)
                return EXIT_USAGE
            args.json = _format(args) == "json"
            as_json = args.json
            code = int(args.func(args, out, err))
            out.flush()
            return code
        except GovruleError as exc:
            _fail(exc, as_json, out, err, command=first)
            return _exit_code(exc)
        except (OSError, UnicodeError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            _fail(exc, as_json, out, err, "FileError", command=first)
            return EXIT_USAGE
        except RecursionError as exc:
            _fail(exc, as_json, out, err, "InputError", command=first)
            return EXIT_USAGE
        except KeyboardInterrupt:
            err.write("govrule：已中断\n")
            return 130
        except Exception as exc:  # a defect in govrule: still one line, not a traceback (GOVRULE_DEBUG=1 shows it)
            if os.environ.get("GOVRULE_DEBUG"):
                raise
            _fail(exc, as_json, out, err, "InternalError", command=first)
            err.write("这是 govrule 自身的缺陷，请设置环境变量 GOVRULE_DEBUG=1 重新运行，查看出错位置并报告\n")
            return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`govrule diff … | head`): stop quietly, and keep Python from
        # complaining when it flushes standard output at exit.
        if script:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        return EXIT_OK
