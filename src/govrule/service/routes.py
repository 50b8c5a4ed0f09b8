"""The service's endpoints: decisions, batch, rulesets, validate/check/test of an uploaded ruleset, health.

Every body is JSON in the shapes of ``govrule.wire``: a decision is the CLI's ``--json``
record (``schema``, ``query``, ``ruleset``, ``input``, ``answer``, ``rule``), an error is
``{"schema", "error": {"kind", "message", ...}}``. Decisions run on the event loop (they
take microseconds); batches and uploaded rulesets run in worker threads so a long one does
not hold up other requests. No endpoint evaluates code or reads a path a request names:
rulesets are looked up by id among those in service, uploads are parsed from the body.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import logging
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .. import wire
from ..engine import Ruleset
from ..errors import GovruleError, UnknownTerm
from .config import Settings
from .log import DecisionLog, decision_line, decision_prefix, decision_tail
from .metrics import CONTENT_TYPE_LATEST, Metrics
from .queries import QUERIES, Query
from .responses import AnswerCache, HTTPProblem, dumps, error_body, status_of
from .store import RulesetStore
from .uploads import check_text, test_text, validate_text
from .vocab import form_vocabulary, tables

__all__ = ["Service"]

log = logging.getLogger("govrule.service")

_JSON = "application/json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_SCHEMA = json.dumps(wire.SCHEMA_VERSION)
_SCHEMA_B = _SCHEMA.encode()
_ID_PREFIX = uuid.uuid4().hex[:16] + "-"  # request ids: a random prefix per process, then a counter
_ID_COUNTER = itertools.count(1)
_MEMO_SIZE = 200_000
_input_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclasses.dataclass(frozen=True, slots=True)
class _Decision:
    """One decision, encoded once: its status and outcome, and the bytes every response and log line reuses."""

    status: int
    outcome: str
    answer: bytes  # the answer's JSON (b"null" for an error)
    rule: bytes  # the rule's JSON (b"null" for an error)
    error: bytes  # the error object's JSON (b"null" for an answer)
    item: bytes  # the decision as a batch result
    tail: bytes  # the decision's part of a log line


def _decision(status: int, outcome: str, answer: str | None, rule: str | None, error: str | None) -> _Decision:
    a, r, e = (x.encode() if x is not None else b"null" for x in (answer, rule, error))
    item = (
        b'{"status":200,"answer":%s,"rule":%s}' % (a, r) if status == 200 else b'{"status":%d,"error":%s}' % (status, e)
    )
    return _Decision(status, outcome, a, r, e, item, decision_tail(status, answer, rule, error))


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(data), status_code=status, media_type=_JSON, headers=headers)


def _outcome(status: int, exc: BaseException | None) -> str:
    if status == 200:
        return "answer"
    if status == 422:
        return "no_rule"
    if isinstance(exc, UnknownTerm):
        return "unknown_term"
    return "bad_input" if status < 500 else "error"


class Service:
    """The state behind the endpoints: settings, rulesets in service, the decision log and metrics."""

    def __init__(self, settings: Settings, store: RulesetStore, decisions: DecisionLog, metrics: Metrics) -> None:
        self.settings = settings
        self.store = store
        self.decisions = decisions
        self.metrics = metrics
        self.cache = AnswerCache()
        self._ruleset_json: dict[tuple[str, str], str] = {}
        self._memo: dict[tuple[int, str, str], _Decision] = {}
        self._memo_rulesets: dict[int, Ruleset] = {}

    # ------------------------------------------------------------------ helpers

    def ruleset(self, ruleset_id: str) -> Ruleset:
        rs = self.store.get(ruleset_id)
        if rs is None:
            raise UnknownTerm("ruleset", ruleset_id, tuple(sorted(self.store.entries)))
        return rs

    def _ruleset_ref(self, rs: Ruleset) -> str:
        key = (rs.id, rs.revision)
        hit = self._ruleset_json.get(key)
        if hit is None:
            meta = rs.meta
            hit = self._ruleset_json[key] = json.dumps(
                {"id": rs.id, "document": meta.number or meta.title, "revision": rs.revision},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        return hit

    async def read_json(self, request: Request) -> Any:
        """The body as JSON (400 when it is not, 413 above the size limit)."""
        return (await self.read_json_text(request))[0]

    async def read_json_text(self, request: Request) -> tuple[Any, str | None]:
        """The body as JSON, and its text when that is one line (it can then stand for the input in a log line)."""
        limit = self.settings.max_body
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise HTTPProblem(400, "BadRequest", f"Content-Length {declared!r} is not a number")
            if int(declared) > limit:
                raise HTTPProblem(413, "PayloadTooLarge", f"the body has {declared} bytes; the limit is {limit}")
            raw = await request.body()
        else:
            chunks = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPProblem(413, "PayloadTooLarge", f"the body exceeds the limit of {limit} bytes")
                chunks.append(chunk)
            raw = b"".join(chunks)
        if not raw.strip():
            raise HTTPProblem(400, "BadRequest", "the body is empty; send a JSON object")
        try:
            text = raw.decode()
            data = json.loads(text, parse_constant=_no_constant, parse_float=_json_number)
        except (ValueError, RecursionError) as exc:
            raise HTTPProblem(400, "BadRequest", f"the body is not JSON: {exc}") from None
        one_line = not any(c in text for c in ("\n", "\r", "\u2028", "\u2029"))
        return data, text.strip() if one_line else None

    @staticmethod
    def request_id(request: Request) -> str:
        """The caller's ``X-Request-Id`` when it is a plain token, else a new id unique to this process's run."""
        given = request.headers.get("x-request-id")
        if given and _REQUEST_ID.match(given):
            return given
        return f"{_ID_PREFIX}{next(_ID_COUNTER):x}"

    def error(self, exc: BaseException, request_id: str | None = None) -> Response:
        status = status_of(exc)
        headers = {"x-request-id": request_id} if request_id else None
        return _json(error_body(exc), status, headers)

    # ------------------------------------------------------------------ decisions

    async def dispatch(self, request: Request) -> Response:
        """``POST /v1/rulesets/{ruleset}/{query}``: one route for every query and the batch (one match per request)."""
        name = request.path_params["query"]
        query = QUERIES.get(name)
        if query is not None:
            return await self.decide(request, query)
        if name == "batch":
            return await self.batch(request)
        return self.error(
            HTTPProblem(404, "NotFound", f"no such query {name!r}; queries: {', '.join(QUERIES)}, batch", field="query")
        )

    def answer(self, rs: Ruleset, query: Query, body: Any, input_json: str) -> _Decision:
        """The decision for one input, encoded, memoised.

        A ruleset is immutable and its answers depend only on the input, so the same input text to
        the same ruleset object gets the same answer from the memo (bounded; emptied when full).
        """
        key = (id(rs), query.name, input_json)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        try:
            answer_json, rule_json = self.cache.encode(query.run(rs, body))
            decision = _decision(200, "answer", answer_json, rule_json, None)
        except GovruleError as exc:
            status = status_of(exc)
            error_json = json.dumps(error_body(exc)["error"], ensure_ascii=False, separators=(",", ":"))
            decision = _decision(status, _outcome(status, exc), None, None, error_json)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
            self._memo_rulesets.clear()
        self._memo_rulesets[id(rs)] = rs  # keeps the id from being reused while the memo holds it
        self._memo[key] = decision
        return decision

    async def decide(self, request: Request, query: Query) -> Response:
        started = time.perf_counter()
        rid = self.request_id(request)
        try:
            rs = self.ruleset(request.path_params["ruleset"])
            body, text = await self.read_json_text(request)
        except (GovruleError, HTTPProblem) as exc:
            self.metrics.count(query.record_name, _outcome(status_of(exc), exc))
            return self.error(exc, rid)
        input_json = text if text is not None else _input_encoder.encode(body)
        d = self.answer(rs, query, body, input_json)
        input_bytes = input_json.encode()
        if d.status == 200:
            payload = b'{"schema":%s,"query":"%s","ruleset":%s,"input":%s,"answer":%s,"rule":%s}' % (
                _SCHEMA_B,
                query.record_name.encode(),
                self._ruleset_ref(rs).encode(),
                input_bytes,
                d.answer,
                d.rule,
            )
        else:
            payload = b'{"schema":%s,"error":%s}' % (_SCHEMA_B, d.error)
        if self.decisions.enabled:
            prefix = decision_prefix(
                request_id=rid, time=_now(), ruleset=rs.id, revision=rs.revision, query=query.record_name
            )
            self.decisions.write(
                [decision_line(prefix, None, input_bytes, d.tail, (time.perf_counter() - started) * 1000)]
            )
        self.metrics.count(query.record_name, d.outcome)
        self.metrics.observe(query.record_name, time.perf_counter() - started)
        return Response(payload, status_code=d.status, media_type=_JSON, headers={"x-request-id": rid})

    async def batch(self, request: Request) -> Response:
        started = time.perf_counter()
        rid = self.request_id(request)
        try:
            rs = self.ruleset(request.path_params["ruleset"])
            body = await self.read_json(request)
            query, inputs = self._batch_request(body)
        except (GovruleError, HTTPProblem) as exc:
            return self.error(exc, rid)
        payload = await run_in_threadpool(self._run_batch, rs, query, inputs, rid)
        self.metrics.batch_latency.labels(query.record_name).observe(time.perf_counter() - started)
        return Response(payload, media_type=_JSON, headers={"x-request-id": rid})

    def _batch_request(self, body: Any) -> tuple[Query, list[Any]]:
        if not isinstance(body, dict):
            raise HTTPProblem(400, "QueryError", "a batch is a JSON object {query, inputs}", field=None)
        for key in body:
            if key not in ("query", "inputs"):
                raise HTTPProblem(400, "QueryError", f"unknown batch field {key!r}; allowed: query, inputs", field=key)
        name = body.get("query")
        if not isinstance(name, str) or name not in QUERIES:
            raise HTTPProblem(
                400, "QueryError", f"query={name!r} is not allowed; allowed: {', '.join(QUERIES)}", field="query"
            )
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            raise HTTPProblem(400, "QueryError", "inputs: expected an array of query inputs", field="inputs")
        for i, item in enumerate(inputs):
            if not isinstance(item, dict):
                raise HTTPProblem(
                    400, "QueryError", f"inputs[{i}]: expected a JSON object of the query's input", field="inputs"
                )
        if len(inputs) > self.settings.max_batch:
            raise HTTPProblem(
                413,
                "PayloadTooLarge",
                f"the batch has {len(inputs)} inputs; the limit is {self.settings.max_batch}",
                field="inputs",
            )
        return QUERIES[name], inputs

    def _run_batch(self, rs: Ruleset, query: Query, inputs: list[Any], rid: str) -> bytes:
        items: list[bytes] = []
        lines: list[bytes] = []
        logging_on = self.decisions.enabled
        prefix = decision_prefix(
            request_id=rid, time=_now(), ruleset=rs.id, revision=rs.revision, query=query.record_name
        )
        counts: dict[str, int] = {}
        answer = self.answer
        dumps_input = _input_encoder.encode
        clock = time.perf_counter
        for i, inp in enumerate(inputs):
            t0 = clock()
            input_json = dumps_input(inp)
            d = answer(rs, query, inp, input_json)
            items.append(d.item)
            counts[d.outcome] = counts.get(d.outcome, 0) + 1
            if logging_on:
                lines.append(decision_line(prefix, i, input_json.encode(), d.tail, (clock() - t0) * 1000))
        self.decisions.write(lines)
        for outcome, n in counts.items():
            self.metrics.count(query.record_name, outcome, n)
        head = b'{"schema":%s,"query":"%s","ruleset":%s,"results":[' % (
            _SCHEMA_B,
            query.record_name.encode(),
            self._ruleset_ref(rs).encode(),
        )
        return head + b",".join(items) + b"]}"

    # ------------------------------------------------------------------ rulesets

    async def list_rulesets(self, request: Request) -> Response:
        out = []
        for rid, entry in sorted(self.store.entries.items()):
            meta = entry.ruleset.meta.to_dict()
            out.append({**meta, "id": rid, "revision": entry.ruleset.revision, "loaded": entry.loaded})
        return _json(wire.envelope({"rulesets": out}))

    async def get_ruleset(self, request: Request) -> Response:
        try:
            rs = self.ruleset(request.path_params["ruleset"])
        except GovruleError as exc:
            return self.error(exc)
        entry = self.store.entries[rs.id]
        return _json(
            wire.envelope(
                {
                    "id": rs.id,
                    "revision": rs.revision,
                    "loaded": entry.loaded,
                    "meta": rs.meta.to_dict(),
                    "queries": list(QUERIES),
                    "vocabulary": form_vocabulary(rs),
                }
            )
        )

    async def get_tables(self, request: Request) -> Response:
        try:
            rs = self.ruleset(request.path_params["ruleset"])
        except GovruleError as exc:
            return self.error(exc)
        return _json(wire.envelope({"id": rs.id, "revision": rs.revision, **tables(rs)}))

    async def get_source(self, request: Request) -> Response:
        try:
            rs = self.ruleset(request.path_params["ruleset"])
            entry = self.store.entries[rs.id]
            text = await run_in_threadpool(_read_text, entry.file)
        except GovruleError as exc:
            return self.error(exc)
        except (OSError, KeyError):
            return self.error(HTTPProblem(404, "NotFound", "the ruleset's file is no longer there"))
        return Response(text.encode(), media_type="application/yaml; charset=utf-8")

    # ------------------------------------------------------------------ uploads

    async def _upload(self, request: Request, keys: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
        body = await self.read_json(request)
        if not isinstance(body, dict):
            raise HTTPProblem(400, "QueryError", f"expected a JSON object with {', '.join(keys)}", field=None)
        for key in body:
            if key not in keys:
                raise HTTPProblem(400, "QueryError", f"unknown field {key!r}; allowed: {', '.join(keys)}", field=key)
        for key in keys:
            value = body.get(key)
            if key in required and not isinstance(value, str):
                raise HTTPProblem(400, "QueryError", f"{key}: expected the text of a YAML file", field=key)
            if value is not None and not isinstance(value, str):
                raise HTTPProblem(400, "QueryError", f"{key}: expected text", field=key)
        return body

    async def validate(self, request: Request) -> Response:
        try:
            body = await self._upload(request, ("yaml", "file"), ("yaml",))
        except HTTPProblem as exc:
            return self.error(exc)
        result = await run_in_threadpool(validate_text, body["yaml"], body.get("file"))
        return _json(wire.envelope(result))

    async def check(self, request: Request) -> Response:
        try:
            body = await self._upload(request, ("yaml", "file", "base"), ("yaml",))
            base = self.ruleset(body["base"]) if body.get("base") else None
        except (HTTPProblem, GovruleError) as exc:
            return self.error(exc)
        result = await run_in_threadpool(check_text, body["yaml"], body.get("file"), base)
        return _json(wire.envelope(result))

    async def test(self, request: Request) -> Response:
        try:
            body = await self._upload(request, ("yaml", "fixture", "file"), ("fixture",))
        except HTTPProblem as exc:
            return self.error(exc)
        try:
            result = await run_in_threadpool(test_text, body.get("yaml"), body["fixture"], self.ruleset)
        except GovruleError as exc:
            return self.error(exc)
        return _json(wire.envelope(result))

    # ------------------------------------------------------------------ operations

    async def health(self, request: Request) -> Response:
        failures = [
            {
                "file": file,
                "problems": [wire.problem_dict(p) for p in problems],
                "summary": [str(p).split("\n")[0] for p in problems],
            }
            for file, problems in sorted(self.store.failures.items())
        ]
        rulesets = {
            rid: {"revision": e.ruleset.revision, "file": e.file, "loaded": e.loaded}
            for rid, e in sorted(self.store.entries.items())
        }
        return _json(
            wire.envelope(
                {
                    "status": "degraded" if failures else "ok",
                    "rulesets": rulesets,
                    "failures": failures,
                    "last_scan": self.store.last_scan,
                }
            )
        )

    async def ready(self, request: Request) -> Response:
        ready = bool(self.store.entries)
        return _json(wire.envelope({"ready": ready, "rulesets": len(self.store.entries)}), 200 if ready else 503)

    async def metrics_endpoint(self, request: Request) -> Response:
        self.metrics.rulesets.set(len(self.store.entries))
        self.metrics.failures.set(len(self.store.failures))
        return Response(self.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _json_number(text: str) -> int | float:
    """A JSON number with a fraction or exponent: an int when it has no fractional part (5.0 is 5).

    JSON has one number type and JSON Schema counts 5.0 as an integer, so the OpenAPI's integer
    fields take it; a count with a real fraction (5.5) stays a float and is refused where a whole
    number is expected.
    """
    value = float(text)
    if value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
