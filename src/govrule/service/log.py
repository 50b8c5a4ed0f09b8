"""The decision log: one JSON line per decision, to standard output or appended to a file.

A line holds everything needed to reproduce the answer: the ruleset id and revision (a
content hash of the encoding that answered), the query and its input exactly as received,
and the answer (or error) with its rule and citation, in the shapes of ``govrule.wire``::

    {"schema": "govrule.answer/1", "type": "decision", "request_id": "…",
     "time": "2026-05-20T08:00:00.000+00:00", "ruleset": "ezhou", "revision": "…",
     "query": "who_must_sign", "index": null, "input": {…}, "status": 200, "answer": {…},
     "rule": {"id": "…", "citation": "五十六（一）", …}, "error": null, "latency_ms": 0.041}

``index`` is the position of the input in a batch request (null for a single decision).
The service never deletes or rotates the file: retention is the operator's (see docs/service.md).
"""

from __future__ import annotations

import json
import os
import sys
import threading

from .. import wire

__all__ = ["DecisionLog", "decision_line", "decision_prefix", "decision_tail"]

_HEAD = '{"schema":' + json.dumps(wire.SCHEMA_VERSION) + ',"type":"decision","request_id":'


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def decision_prefix(*, request_id: str, time: str, ruleset: str, revision: str, query: str) -> bytes:
    """The part of a log line every decision of one request shares (computed once per request)."""
    text = f'{_HEAD}{_s(request_id)},"time":"{time}","ruleset":{_s(ruleset)},"revision":"{revision}","query":"{query}",'
    return text.encode()


def decision_tail(status: int, answer_json: str | None, rule_json: str | None, error_json: str | None) -> bytes:
    """The part of a log line that depends only on the decision (computed once per distinct decision)."""
    text = (
        f',"status":{status},"answer":{answer_json or "null"},'
        f'"rule":{rule_json or "null"},"error":{error_json or "null"},"latency_ms":'
    )
    return text.encode()


def decision_line(prefix: bytes, index: int | None, input_json: bytes, tail: bytes, latency_ms: float) -> bytes:
    """One log line (with its newline) from the request's prefix, the input, the decision's tail and the latency."""
    where = b'"index":null,"input":' if index is None else b'"index":%d,"input":' % index
    return b"%s%s%s%s%.4f}\n" % (prefix, where, input_json, tail, latency_ms)


class DecisionLog:
    """Where decision lines go: ``"-"`` standard output, a file path (appended), or None (off)."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._fd: int | None = None
        if target and target != "-":
            # O_APPEND: every write lands at the end, also with a log shipper or logrotate (copytruncate) at work.
            self._fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    @property
    def enabled(self) -> bool:
        """Whether decisions are logged at all."""
        return bool(self.target)

    def write(self, lines: list[bytes]) -> None:
        """Write whole lines at once (one system call), so lines of concurrent requests never interleave."""
        if not self.target or not lines:
            return
        data = b"".join(lines)
        with self._lock:
            if self._fd is not None:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view) :]
            else:
                out = getattr(sys.stdout, "buffer", None)
                if out is not None:
                    sys.stdout.flush()
                    out.write(data)
                    out.flush()
                else:
                    sys.stdout.write(data.decode())
                    sys.stdout.flush()

    def close(self) -> None:
        """Close the file (standard output stays open); later writes are dropped."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self.target = None
