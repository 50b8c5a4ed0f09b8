"""HTTP statuses and JSON bodies for answers and errors, in the shapes of ``govrule.wire``.

Status codes: 400 bad input (the error names the field and, where one is close, the word
meant), 404 an unknown ruleset or term, 422 a query the text does not answer
(`NoApplicableRule`, a missing fact, a calendar that does not reach the date, a document not
in force): an answer, not a server fault. 413 an oversized body or batch, 401 a missing or
wrong token. Nothing a request sends produces a 500 or a traceback.

Encoding an answer is cached per answer object: the engine hands out the same immutable
answer for the same inputs, so a repeated decision costs a dictionary look-up here.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from .. import _hints, wire
from ..errors import CalendarError, GovruleError, NoApplicableRule, QueryError, UnknownTerm
from ..registry import NotInForce

__all__ = ["AnswerCache", "HTTPProblem", "dumps", "error_body", "status_of"]


class HTTPProblem(Exception):
    """A request refused before any query runs (bad JSON, too large, unauthorised, no such route)."""

    def __init__(self, status: int, kind: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.fields = fields


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON with Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def status_of(exc: BaseException) -> int:
    """The HTTP status for an error raised while answering a query."""
    if isinstance(exc, HTTPProblem):
        return exc.status
    if isinstance(exc, UnknownTerm):
        return 404
    if isinstance(exc, NoApplicableRule | CalendarError | NotInForce):
        return 422
    if isinstance(exc, GovruleError):
        return 400
    return 500


_FIELD = re.compile(r"^(?:unknown [\w-]+ field '(?P<unknown>[^']+)'|(?P<field>\w+)=)")
_MEANT = re.compile(r"did you mean '(?P<word>[^']+)'")


def error_body(exc: BaseException) -> dict[str, Any]:
    """``wire.error_dict`` of the error, plus the field at fault and a did-you-mean for bad input."""
    if isinstance(exc, HTTPProblem):
        return {"schema": wire.SCHEMA_VERSION, "error": {"kind": exc.kind, "message": str(exc), **exc.fields}}
    body = wire.error_dict(exc)
    err: dict[str, Any] = body["error"]
    if isinstance(exc, UnknownTerm):
        err["field"] = exc.category
        close = _hints.close_matches(str(exc.term), list(exc.defined))
        err["did_you_mean"] = close[0] if close else None
    elif isinstance(exc, QueryError):
        text = str(exc)
        m = _FIELD.match(text)
        err["field"] = (m.group("unknown") or m.group("field")) if m else None
        meant = _MEANT.search(text)
        err["did_you_mean"] = meant.group("word") if meant else None
    return body


class AnswerCache:
    """JSON text of answers (``wire.answer_dict``) and of their rules (``wire.rule_dict``), per answer object."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: dict[int, tuple[Any, str, str]] = {}
        self._lock = threading.Lock()

    def encode(self, answer: Any) -> tuple[str, str]:
        """The answer's JSON and its rule's JSON."""
        hit = self._items.get(id(answer))
        if hit is not None and hit[0] is answer:
            return hit[1], hit[2]
        rec = wire.record("", {}, answer)  # the record's answer and rule, exactly as the CLI writes them
        if type(answer).__name__ == "QuorumAnswer":  # a plain value with its rule beside it, as `govrule quorum`
            rec["answer"] = {"schema": wire.SCHEMA_VERSION, "type": "QuorumAnswer", **answer.to_dict()}
        encoded = (
            json.dumps(rec["answer"], ensure_ascii=False, separators=(",", ":")),
            json.dumps(rec["rule"], ensure_ascii=False, separators=(",", ":")),
        )
        with self._lock:
            if len(self._items) >= self._size:
                self._items.clear()
            self._items[id(answer)] = (answer, *encoded)  # the reference keeps the id from being reused
        return encoded
