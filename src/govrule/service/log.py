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
import logging
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
    """Where decision lines go: ``"-"`` standard output, a file path (appended), or None (off).

    Requests append their lines to a buffer (no system call, no thread switch); a writer thread
    writes the buffer every `INTERVAL` seconds, in order, with one ``write`` call, so a slow disk
    never stalls the event loop. Past `BACKLOG` bytes waiting, a request writes the buffer itself
    (back-pressure instead of unbounded memory). `flush` writes what is waiting; `close`
    flushes and stops the thread.
    """

    INTERVAL = 0.02
    BACKLOG = 64 << 20

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._buffer: list[bytes] = []
        self._size = 0
        self._buffer_lock = threading.Lock()  # guards the buffer: held for an append or a swap only
        self._write_lock = threading.Lock()  # one writer at a time, so batches land in order
        self._fd: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if target and target != "-":
            # O_APPEND: every write lands at the end, also with a log shipper or logrotate (copytruncate) at work.
            self._fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        if target:
            self._thread = threading.Thread(target=self._run, name="govrule-decision-log", daemon=True)
            self._thread.start()

    @property
    def enabled(self) -> bool:
        """Whether decisions are logged at all."""
        return bool(self.target)

    def write(self, lines: list[bytes]) -> None:
        """Hand over whole lines; they are written together, so lines of concurrent requests never interleave."""
        if not self.target or not lines:
            return
        data = b"".join(lines)
        with self._buffer_lock:
            self._buffer.append(data)
            self._size += len(data)
            behind = self._size > self.BACKLOG
        if behind:
            self.flush()  # back-pressure: this request waits for the disk

    def flush(self) -> None:
        """Write every line handed over so far."""
        with self._write_lock:
            with self._buffer_lock:
                chunks, self._buffer, self._size = self._buffer, [], 0
            if chunks:
                try:
                    self._emit(b"".join(chunks))
                except Exception:  # the log must not die silently: say so on stderr and keep going
                    logging.getLogger("govrule.service").exception("govrule serve: writing the decision log failed")

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self.flush()

    def _emit(self, data: bytes) -> None:
        if self._fd is not None:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
        elif self.target == "-":
            out = getattr(sys.stdout, "buffer", None)
            if out is not None:
                sys.stdout.flush()
                out.write(data)
                out.flush()
            else:
                sys.stdout.write(data.decode())
                sys.stdout.flush()

    def close(self) -> None:
        """Write what is waiting, stop the writer and close the file; later lines are dropped."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()
        with self._write_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self.target = None
