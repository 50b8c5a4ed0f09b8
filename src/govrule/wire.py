"""The one JSON shape of govrule's answers, inputs and errors (CLI ``--json``, the service, ``jsonable``).

Every top-level object carries ``"schema": SCHEMA_VERSION``. Inside it:

- a rule is always ``{"id", "citation", "text", "note", "document"}`` (:func:`rule_dict`);
- a place in a file is always ``{"file", "line", "column", "path"}`` (:func:`location_dict`);
- an answer is its ``to_dict()`` body with ``"schema"`` and ``"type"`` (the class name) added
  (:func:`answer_dict`); a query's record wraps it with the query, the input and the ruleset
  (:func:`record`);
- an error is ``{"schema", "error": {"kind": <exception class name>, "message", ...}}``
  (:func:`error_dict`), with the fields of that error (problems, the unknown term, missing facts).

``json.dumps(answer, default=govrule.jsonable)`` works for every answer and error. A
``Document`` or ``AgendaItem`` is a tuple, which ``json`` writes as a list before asking the
hook, so convert inputs first: ``json.dumps(govrule.jsonable(document))`` — or use
:func:`dumps`, which does both. The JSON Schema of these shapes is published in
``schema/answer.schema.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "answer_dict",
    "case_dict",
    "dumps",
    "envelope",
    "error_dict",
    "finding_dict",
    "input_dict",
    "jsonable",
    "location_dict",
    "parse_location",
    "problem_dict",
    "record",
    "rule_dict",
]

#: The version of the JSON shapes below; bumped when a field changes meaning or goes away.
SCHEMA_VERSION = "govrule.answer/1"

_ANSWER_TYPES = frozenset(
    {
        "SigningDecision",
        "AgendaCheck",
        "Deadline",
        "MeetingInfo",
        "ActingHead",
        "LeaveAnswer",
        "StepAnswer",
        "StandIn",
        "QuotaAnswer",
    }
)


def envelope(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as a top-level JSON object: ``{"schema": SCHEMA_VERSION, **data}``."""
    out: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for key, value in data.items():
        if key != "schema":
            out[key] = _plain(value)
    return out


def rule_dict(rule: Any) -> dict[str, Any] | None:
    """A rule (``RuleRef``) as ``{"id", "citation", "text", "note", "document"}``; None stays None.

    This is the rule's own ``to_dict()``: a rule that carries warnings or cites further articles
    adds ``warnings``, ``citations`` (every article, the primary first) and ``also_cite``.
    """
    if rule is None:
        return None
    return _plain(rule.to_dict())  # type: ignore[no-any-return]


def location_dict(
    file: str | None, line: int | None = None, column: int | None = None, path: str | None = None
) -> dict[str, Any]:
    """A place in a file as ``{"file", "line", "column", "path"}`` (1-based; None where unknown)."""
    return {
        "file": file,
        "line": line if line else None,
        "column": column if column else None,
        "path": path or None,
    }


_LOCATION = re.compile(r"^(?P<file>.*?):(?P<line>\d+)(?::(?P<column>\d+))?$")


def parse_location(text: str | None, path: str | None = None) -> dict[str, Any] | None:
    """A ``file:line:column`` string as a location object; None stays None."""
    if not text:
        return None
    m = _LOCATION.match(text)
    if m is None:
        return location_dict(text, path=path)
    column = m.group("column")
    return location_dict(m.group("file"), int(m.group("line")), int(column) if column else None, path)


def problem_dict(problem: Any) -> dict[str, Any]:
    """A ruleset-file problem (``Problem``) as ``{"location", "message", "hint"}``."""
    return {
        "location": location_dict(problem.file, problem.line, problem.column, problem.path),
        "message": problem.message,
        "hint": getattr(problem, "hint", None),
    }


def finding_dict(finding: Any) -> dict[str, Any]:
    """A consistency finding of ``govrule.check`` with its location as a location object."""
    body = dict(finding.to_dict())
    loc = body.get("location")
    body["location"] = parse_location(loc) if isinstance(loc, str) else loc
    return _plain(body)  # type: ignore[no-any-return]


def case_dict(result: Any) -> dict[str, Any]:
    """A fixture case's result (``CaseResult``): name, location, passed, differences, citation."""
    case = result.case
    index = None
    return {
        "name": case.name,
        "query": case.query,
        "location": location_dict(result.file, case.line, 1, index),
        "passed": bool(result.passed),
        "differences": list(result.differences),
        "citation": result.citation,
    }


def answer_dict(answer: Any) -> dict[str, Any]:
    """An answer (SigningDecision, AgendaCheck, Deadline, MeetingInfo, ActingHead, LeaveAnswer) as JSON data.

    The body is the answer's ``to_dict()``; every rule in it is a rule object and the result
    carries ``"schema"`` and ``"type"`` (the answer's class name).
    """
    name = type(answer).__name__
    body = dict(answer.to_dict())  # every rule in it is already the rule's to_dict()
    rule = getattr(answer, "rule", None)
    if getattr(rule, "warnings", ()) and "warnings" not in body:  # e.g. an abolished part of a composition
        body["warnings"] = list(rule.warnings)  # type: ignore[union-attr]
    if name == "LeaveAnswer":
        body["others"] = [answer_dict(o) for o in answer.others]
        for other in body["others"]:
            other.pop("schema", None)
            other.pop("type", None)
    return {"schema": SCHEMA_VERSION, "type": name, **_plain(body)}


def input_dict(value: Any) -> dict[str, Any]:
    """A query input (``Document``, ``AgendaItem`` or a mapping of fields) as a JSON object of its known facts."""
    if hasattr(value, "to_dict") and hasattr(value, "_fields"):
        return _plain(value.to_dict())  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    raise TypeError(f"not a query input: {type(value).__name__}")


def error_dict(exc: BaseException, kind: str | None = None) -> dict[str, Any]:
    """An error as ``{"schema", "error": {"kind", "message", ...}}``.

    ``kind`` is the exception's class name (``UnknownTerm``, ``RulesetError``, …) unless given
    (the CLI uses ``UsageError`` for a bad command line and ``FileNotFound`` for a missing file).
    The fields of the error follow: ``problems`` (each with a location) for a bad file, the
    category, term and defined words for an unknown term, the missing facts and the rule for a
    missing fact, the query and input for a query no rule answers, the year for a calendar.
    """
    err: dict[str, Any] = {"kind": kind or type(exc).__name__, "message": str(exc)}
    problems = getattr(exc, "problems", None)
    if problems is not None and not any(isinstance(p, str) for p in problems):  # a composition's are text only
        err["problems"] = [problem_dict(p) for p in problems]
    if hasattr(exc, "category") and hasattr(exc, "defined"):
        err["category"] = exc.category
        err["term"] = _plain(getattr(exc, "term", None))
        err["defined"] = list(exc.defined)
    if hasattr(exc, "missing") and isinstance(exc.missing, tuple):
        err["missing"] = list(exc.missing)
    if hasattr(exc, "query") and hasattr(exc, "given"):
        err["query"] = exc.query
        given = exc.given
        err["input"] = input_dict(given) if hasattr(given, "_fields") or isinstance(given, Mapping) else _plain(given)
    rule = getattr(exc, "rule", None)
    if rule is not None and hasattr(rule, "citation"):
        err["rule"] = rule_dict(rule)
    if hasattr(exc, "year") and isinstance(exc.year, int):
        err["year"] = exc.year
    location = getattr(exc, "location", None)
    if isinstance(location, str):
        err["location"] = parse_location(location)
    elif isinstance(location, Mapping):
        err["location"] = dict(location)
    if isinstance(exc, OSError) and exc.filename is not None:
        err["location"] = location_dict(str(exc.filename))
    return {"schema": SCHEMA_VERSION, "error": err}


def record(query: str, given: Any, answer: Any, ruleset: Any = None) -> dict[str, Any]:
    """A query's JSON record: ``{"schema", "query", "ruleset", "input", "answer", "rule"}``.

    ``ruleset`` (a ``Ruleset``) adds its id, document (文号 or title) and revision (a content
    hash), so a calling system can keep the record as an audit trail of why it acted.
    """
    body = answer_dict(answer) if type(answer).__name__ in _ANSWER_TYPES else _plain(answer)
    rule = getattr(answer, "rule", None)
    out: dict[str, Any] = {"schema": SCHEMA_VERSION, "query": query}
    if ruleset is not None:
        out["ruleset"] = {
            "id": ruleset.id,
            "document": ruleset.document,
            "revision": ruleset.revision,
        }
    out["input"] = input_dict(given) if hasattr(given, "_fields") or isinstance(given, Mapping) else _plain(given)
    out["answer"] = body
    out["rule"] = rule_dict(rule) if rule is not None and not isinstance(rule, str) else None
    return out


def _plain(value: Any) -> Any:
    """Recursively turn tuples, mappings, dates and govrule objects into JSON data."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields") and hasattr(value, "to_dict"):
        return input_dict(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return jsonable(value)


def jsonable(obj: Any) -> Any:
    """JSON-ready data for any govrule object; use as ``json.dumps(answer, default=govrule.jsonable)``.

    Answers, inputs, rules, problems, consistency findings, fixture results and errors become
    the objects described in this module; dates become ISO strings; mappings, tuples and sets
    become objects and lists. Anything else raises ``TypeError`` as ``json`` expects.
    """
    if isinstance(obj, BaseException):
        return error_dict(obj)
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    name = type(obj).__name__
    if name in _ANSWER_TYPES:
        return answer_dict(obj)
    if name == "RuleRef":
        return rule_dict(obj)
    if name == "Problem" and hasattr(obj, "column"):
        return problem_dict(obj)
    if name == "CaseResult" and hasattr(obj, "case"):
        return case_dict(obj)
    if name == "CheckFinding":
        return finding_dict(obj)
    if name == "Finding" and hasattr(obj, "rule"):
        return _plain(obj.to_dict())
    if isinstance(obj, tuple) and hasattr(obj, "_fields") and hasattr(obj, "to_dict"):
        return {"schema": SCHEMA_VERSION, "type": name, **input_dict(obj)}
    if isinstance(obj, Mapping | list | tuple | set | frozenset):
        return _plain(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and hasattr(obj, "to_dict"):
        return _plain(obj.to_dict())
    raise TypeError(f"Object of type {name} is not JSON serializable")


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """``obj`` (an answer, input, error or plain data holding them) as JSON text, non-ASCII kept readable."""
    top = jsonable(obj) if isinstance(obj, tuple) and hasattr(obj, "_fields") else _plain(obj)
    return json.dumps(top, ensure_ascii=False, indent=indent, default=jsonable)
