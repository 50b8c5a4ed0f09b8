"""The queries the service answers: one entry per query of `govrule.Ruleset`.

Each entry says how a JSON object becomes the query's arguments, what the query is called
in decision records (the fixture names of the contract), and the JSON Schema of its input
(derived from the vocabulary of ``govrule.model``, so a word added there is accepted here).
The single-decision endpoints and the batch endpoint both go through `Query.run`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .. import _hints, model
from .._dates import iso_date
from ..answers import RuleRef
from ..engine import Ruleset
from ..errors import QueryError
from ..facts import AgendaItem, Document, MeetingRequest

__all__ = ["QUERIES", "Query", "QuorumAnswer"]


@dataclasses.dataclass(frozen=True, slots=True)
class QuorumAnswer:
    """Whether ``present`` of ``total`` members meet a meeting's quorum (as ``govrule quorum --json`` answers)."""

    met: bool
    meeting: str
    present: int
    total: int
    quorum: str | None
    rule: RuleRef

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data (the rule goes beside it in the record)."""
        return {
            "met": self.met,
            "meeting": self.meeting,
            "present": self.present,
            "total": self.total,
            "quorum": self.quorum,
        }


@dataclasses.dataclass(frozen=True)
class Query:
    """One query: its URL name, its record name, how to call it and the JSON Schema of its input."""

    name: str
    record_name: str
    summary: str
    call: Callable[[Ruleset, Mapping[str, Any]], Any]
    input_schema: Mapping[str, Any]

    def run(self, rs: Ruleset, body: Any) -> Any:
        """The answer to ``body`` (a JSON object of the input); QueryError when it is not one."""
        if not isinstance(body, dict):
            raise QueryError(f"the input of {self.name} is a JSON object, not {_json_type(body)}")
        return self.call(rs, body)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _only(body: Mapping[str, Any], query: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> None:
    for key in body:
        if key not in allowed:
            close = _hints.close_matches(str(key), allowed)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise QueryError(f"unknown {query} field {key!r}{hint}; allowed: {', '.join(allowed) or '(none)'}")
    for key in required:
        if body.get(key) is None:
            raise QueryError(f"{key}=None: {query} needs {key}")


def _text(body: Mapping[str, Any], key: str) -> Any:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise QueryError(f"{key}={value!r}: expected text (an id or a Chinese label)")
    return value


def _date(body: Mapping[str, Any], key: str) -> dt.date | None:
    value = body.get(key)
    if value is None:
        return None
    day = iso_date(value)
    if day is not None:
        return day
    raise QueryError(f"{key}={value!r}: expected a date, YYYY-MM-DD")


def _count(body: Mapping[str, Any], key: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f"{key}={value!r}: expected a whole number of members")
    return value


def _item(value: Any) -> Any:
    if not isinstance(value, dict):
        raise QueryError(f"item={value!r}: expected a JSON object of the agenda item's facts")
    if isinstance(value.get("materials_submitted"), str):
        value = {**value, "materials_submitted": _date(value, "materials_submitted")}
    return value


# ---------------------------------------------------------------------------- calls


def _signing_args(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document's facts, and the ``absent`` roles and named ``path`` the query also takes."""
    doc = {k: v for k, v in body.items() if k not in ("absent", "path")}
    extra: dict[str, Any] = {}
    absent = body.get("absent")
    if absent is not None:
        if not isinstance(absent, list) or not all(isinstance(r, str) for r in absent):
            raise QueryError(f"absent={absent!r}: expected a list of roles (ids or labels)")
        extra["absent"] = absent
    path = body.get("path")
    if path is not None:
        if not isinstance(path, str):
            raise QueryError(f"path={path!r}: expected the name of an alternative procedure, e.g. urgent")
        extra["path"] = path
    return doc, extra


def _sign(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    doc, extra = _signing_args(body)
    return rs.who_must_sign(doc, **extra) if extra else rs.who_must_sign(doc)


def _approve(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    doc, extra = _signing_args(body)
    return rs.who_must_approve(doc, **extra) if extra else rs.who_must_approve(doc)


def _approve_meeting(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    request = {k: v for k, v in body.items() if k != "absent"}
    _, extra = _signing_args({"absent": body.get("absent")})
    return rs.who_must_approve_meeting(request, **extra) if extra else rs.who_must_approve_meeting(request)


def _stand_in(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "stand-in", ("role", "rule"), ("role",))
    return rs.stand_in(_text(body, "role"), _text(body, "rule"))


def _quotas(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "quotas", ("role",))
    return rs.quotas(_text(body, "role"))


def _agenda(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "agenda", ("meeting", "meeting_date", "item"), ("meeting",))
    return rs.check_agenda(_item(body.get("item", {})), _text(body, "meeting"), _date(body, "meeting_date"))


def _deadline(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "deadline", ("event", "start"), ("event", "start"))
    return rs.deadline(_text(body, "event"), _date(body, "start"))  # type: ignore[arg-type]


def _meeting(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "meeting", ("meeting",), ("meeting",))
    return rs.meeting(_text(body, "meeting"))


def _quorum(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "quorum", ("meeting", "present", "total"), ("meeting", "present", "total"))
    meeting = rs.meeting_id(_text(body, "meeting"))
    present, total = _count(body, "present"), _count(body, "total")
    met = rs.quorum_met(meeting, present, total)
    return QuorumAnswer(met, meeting, present, total, rs.meeting(meeting).quorum, rs.quorum_rule(meeting))


def _acting_head(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "acting-head", ())
    return rs.acting_head()


def _leave(rs: Ruleset, body: Mapping[str, Any]) -> Any:
    _only(body, "leave", ("role", "occasion", "meeting"), ("role",))
    return rs.leave_approver(_text(body, "role"), _text(body, "occasion"), _text(body, "meeting"))


# ---------------------------------------------------------------------------- input schemas

_NAME = {"type": "string", "minLength": 1, "maxLength": 200, "description": "an id or the ruleset's Chinese label"}
_DATE = {"type": "string", "format": "date"}
_WORDS = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 50}


def _words_of(kind: str) -> tuple[str, ...]:
    """The ids of an ``enum:<vocabulary>`` field kind."""
    name = kind.removeprefix("enum:")
    try:
        from ..vocabulary import VOCABULARIES

        if name in VOCABULARIES:
            return tuple(VOCABULARIES[name])
    except ImportError:  # pragma: no cover - older layouts
        pass
    fallback = {"issuer": model.ISSUERS, "document_kind": model.DOCUMENT_KINDS, "recipient": model.RECIPIENTS}
    return tuple(fallback.get(name, model.AGENDA_KINDS if name == "agenda_kind" else ()))


def _field_schema(kind: str, nullable: bool) -> dict[str, Any]:
    """The JSON Schema of one Document/AgendaItem field, from its kind in ``govrule.model``."""

    def types(*names: str) -> list[str] | str:
        return [*names, "null"] if nullable else (names[0] if len(names) == 1 else list(names))

    if kind.startswith("enum:"):
        words: list[Any] = list(_words_of(kind))
        out: dict[str, Any] = {"type": types("string")}
        if words:
            out["enum"] = [*words, None] if nullable else words
            out["description"] = "an id of the vocabulary (its Chinese terms are accepted too)"
        return out
    if kind == "bool":
        return {"type": types("boolean")}
    if kind == "date":
        return {"type": types("string"), "format": "date"}
    if kind == "set":
        return {**_WORDS, "type": types("array")}
    if kind == "int":
        return {"type": types("integer"), "minimum": 0}
    if kind in ("role", "meeting", "str"):
        return {"type": types("string"), "maxLength": 200}
    return {}


def _fields_schema(cls: type[Any], fields: Mapping[str, str], title: str) -> dict[str, Any]:
    params = inspect.signature(cls.__new__).parameters
    props = {}
    for name in cls._fields:
        param = params.get(name)
        nullable = param is None or param.default is None
        props[name] = _field_schema(fields.get(name, ""), nullable)
    if "procedures_done" in props:
        props["procedures_done"] = {"type": ["array", "null"], "items": {"enum": list(model.PROCEDURES)}}
    return {"type": "object", "title": title, "properties": props, "additionalProperties": False}


def _object(props: Mapping[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": dict(props), "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


DOCUMENT_SCHEMA = _fields_schema(Document, model.DOCUMENT_FIELDS, "Document")
_ABSENT = {"type": ["array", "null"], "items": {"type": "string", "maxLength": 200}, "maxItems": 50}
_PATH = {"type": ["string", "null"], "maxLength": 100, "description": "an alternative procedure, e.g. urgent"}
SIGNING_SCHEMA = {
    **DOCUMENT_SCHEMA,
    "title": "Document, with the roles away and an alternative procedure",
    "properties": {**DOCUMENT_SCHEMA["properties"], "absent": _ABSENT, "path": _PATH},
}
MEETING_REQUEST_SCHEMA = _fields_schema(MeetingRequest, model.MEETING_REQUEST_FIELDS, "MeetingRequest")
MEETING_REQUEST_SCHEMA["properties"]["absent"] = _ABSENT
AGENDA_ITEM_SCHEMA = _fields_schema(AgendaItem, model.AGENDA_FIELDS, "AgendaItem")

QUERIES: Mapping[str, Query] = {
    q.name: q
    for q in (
        Query("sign", "who_must_sign", "Who must sign a document (签发)", _sign, SIGNING_SCHEMA),
        Query(
            "approve",
            "who_must_approve",
            "Who approves a document sent to the government (审批)",
            _approve,
            SIGNING_SCHEMA,
        ),
        Query(
            "approve-meeting",
            "who_must_approve_meeting",
            "Who approves convening a meeting (会议审批)",
            _approve_meeting,
            MEETING_REQUEST_SCHEMA,
        ),
        Query(
            "agenda",
            "check_agenda",
            "May an item go on a meeting's agenda (议题)",
            _agenda,
            _object({"meeting": _NAME, "meeting_date": _DATE, "item": AGENDA_ITEM_SCHEMA}, ("meeting",)),
        ),
        Query(
            "deadline",
            "deadline",
            "When something is due, on the working-day calendar (时限)",
            _deadline,
            _object({"event": _NAME, "start": _DATE}, ("event", "start")),
        ),
        Query("meeting", "meeting", "A meeting type (会议)", _meeting, _object({"meeting": _NAME}, ("meeting",))),
        Query(
            "quorum",
            "quorum_met",
            "Whether a meeting has its quorum (法定人数)",
            _quorum,
            _object(
                {"meeting": _NAME, "present": {"type": "integer"}, "total": {"type": "integer"}},
                ("meeting", "present", "total"),
            ),
        ),
        Query("acting-head", "acting_head", "Who presides when the head is away (主持工作)", _acting_head, _object({})),
        Query(
            "leave",
            "leave_approver",
            "Whom a role asks for leave (请假)",
            _leave,
            _object(
                {
                    "role": _NAME,
                    "occasion": {"type": ["string", "null"], "maxLength": 100},
                    "meeting": {"type": ["string", "null"], "maxLength": 200},
                },
                ("role",),
            ),
        ),
        Query(
            "stand-in",
            "stand_in",
            "Who stands in for a role when it is away (AB角、代理)",
            _stand_in,
            _object({"role": _NAME, "rule": {"type": ["string", "null"], "maxLength": 200}}, ("role",)),
        ),
        Query(
            "quotas",
            "quotas",
            "The quotas the text sets, for one role or all (每年调研不少于…)",
            _quotas,
            _object({"role": {"type": ["string", "null"], "maxLength": 200}}),
        ),
    )
}
