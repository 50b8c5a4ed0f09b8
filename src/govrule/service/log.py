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
import queue
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

    Requests hand their lines to a writer thread, so a slow disk never stalls the event loop;
    the thread writes them in order, each batch of lines with one ``write`` call. When more than
    `BACKLOG` batches wait, a request writes its own lines and waits its turn (back-pressure
    instead of unbounded memory). `flush` waits until everything handed over is written;
    `close` flushes and stops the thread.
    """

    BACKLOG = 10_000

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._lock = threading.Lock()  # one writer at a time: the thread, or a request under back-pressure
        self._fd: int | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue()
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
        if self._queue.qsize() > self.BACKLOG:
            self._queue.join()  # back-pressure: let the writer catch up first
        self._queue.put(data)

    def flush(self) -> None:
        """Wait until every line handed over so far is written."""
        if self._thread is not None:
            self._queue.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                chunks = [item]
                while len(chunks) < 256:  # write what is waiting together
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after writing these
                        self._queue.task_done()
                        break
                    chunks.append(more)
                    self._queue.task_done()
                self._emit(b"".join(chunks))
            except Exception:  # the log must not die silently: say so on stderr and keep going
                logging.getLogger("govrule.service").exception("govrule serve: writing the decision log failed")
            finally:
                self._queue.task_done()

    def _emit(self, data: bytes) -> None:
        with self._lock:
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
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self.target = None
