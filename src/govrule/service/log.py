"""The decision log: one JSON line per decision, to standard output or appended to a file.

A line holds everything needed to reproduce the answer: the ruleset id and revision (a
content hash of the encoding that answered), the query and its input exactly as received,
and the answer (or error) with its rule and citation, in the shapes of ``govrule.wire``::

    {"schema": "govrule.answer/1", "type": "decision", "request_id": "…", "index": null,
     "time": "2026-05-20T08:00:00.000+00:00", "ruleset": "ezhou", "revision": "…",
     "query": "who_must_sign", "input": {…}, "status": 200, "answer": {…},
     "rule": {"id": "…", "citation": "五十六（一）", …}, "error": null, "latency_ms": 0.041}

``index`` is the position of the input in a batch request (null for a single decision).
The service never deletes or rotates the file: retention is the operator's (see docs/service.md).
"""

from __future__ import annotations

import json
import sys
import threading
from typing import IO

from .. import wire

__all__ = ["DecisionLog", "decision_line"]

_HEAD = '{"schema":' + json.dumps(wire.SCHEMA_VERSION) + ',"type":"decision","request_id":'


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def decision_line(
    *,
    request_id: str,
    index: int | None,
    time: str,
    ruleset: str,
    revision: str,
    query: str,
    input_json: str,
    status: int,
    answer_json: str | None,
    rule_json: str | None,
    error_json: str | None,
    latency_ms: float,
) -> str:
    """One log line (with its newline) from parts already encoded as JSON."""
    return (
        f"{_HEAD}{_s(request_id)},"
        f'"index":{"null" if index is None else index},'
        f'"time":"{time}","ruleset":{_s(ruleset)},"revision":"{revision}","query":"{query}",'
        f'"input":{input_json},"status":{status},"answer":{answer_json or "null"},'
        f'"rule":{rule_json or "null"},"error":{error_json or "null"},"latency_ms":{latency_ms:.4f}}}\n'
    )


class DecisionLog:
    """Where decision lines go: ``"-"`` standard output, a file path (appended), or None (off)."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if target and target != "-":
            self._file = open(target, "a", encoding="utf-8")  # kept open for the service's lifetime

    @property
    def enabled(self) -> bool:
        """Whether decisions are logged at all."""
        return bool(self.target)

    def write(self, lines: list[str]) -> None:
        """Write whole lines at once, so lines of concurrent requests never interleave."""
        if not self.target or not lines:
            return
        text = "".join(lines)
        with self._lock:
            out = self._file if self._file is not None else sys.stdout
            out.write(text)
            out.flush()

    def close(self) -> None:
        """Close the file (standard output stays open)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self.target = None
