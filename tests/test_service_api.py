"""The decision service's HTTP API, in process (Starlette's TestClient): answers, errors, log, metrics, auth, limits."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

if os.environ.get("CI") != "true":  # in CI a missing extra is a failure, not a skip
    pytest.importorskip("starlette", reason="the service needs the serve extra (scripts/test.sh installs it)")

with warnings.catch_warnings():  # newer Starlette prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import govrule
from govrule import wire
from govrule.cli import main as cli_main
from govrule.service import Settings, create_app
from govrule.service.queries import QUERIES

EZHOU_PROVINCE = {"issuer": "government", "kind": "request", "recipient": "higher_government"}
BUNDLED = Path(govrule.__file__).parent / "rulesets"


@pytest.fixture(scope="module")
def rulesets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled rulesets, so the service's directory is the test's own."""
    d = tmp_path_factory.mktemp("rulesets")
    for f in BUNDLED.glob("*.yaml"):
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "decisions.jsonl"


@pytest.fixture(scope="module")
def client(rulesets_dir: Path, log_file: Path):
    app = create_app(Settings(rulesets=str(rulesets_dir), decision_log=str(log_file), reload_interval=0))
    with TestClient(app) as c:
        yield c


def served(rulesets_dir: Path, name: str) -> govrule.Ruleset:
    return govrule.load(str(rulesets_dir / f"{name}.yaml"))


# ---------------------------------------------------------------------------- answers


def test_ezhou_request_to_the_province(client: TestClient) -> None:
    r = client.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE)
    assert r.status_code == 200
    body = r.json()
    assert body["schema"] == wire.SCHEMA_VERSION
    assert body["query"] == "who_must_sign"
    assert set(body["answer"]["signers"]) == {"head", "executive_deputy_head"}
    assert body["rule"]["citation"] == "五十六（一）"
    assert "市长或常务副市长签发" in body["rule"]["text"]
    assert body["answer"]["rule"] == body["rule"]
    assert body["ruleset"]["id"] == "ezhou" and len(body["ruleset"]["revision"]) == 16


QUESTIONS = [
    ("sign", "ezhou", EZHOU_PROVINCE, lambda rs, b: rs.who_must_sign(b)),
    (
        "agenda",
        "ezhou",
        {"meeting": "executive", "item": {"kind": "report", "involves_other_departments": True, "consulted": False}},
        lambda rs, b: rs.check_agenda(b["item"], b["meeting"]),
    ),
    (
        "deadline",
        "ezhou",
        {"event": "meeting_documents_issuance", "start": "2024-09-27"},
        lambda rs, b: rs.deadline(b["event"], dt.date.fromisoformat(b["start"])),
    ),
    ("meeting", "rizhao", {"meeting": "executive"}, lambda rs, b: rs.meeting(b["meeting"])),
    ("acting-head", "ezhou", {}, lambda rs, b: rs.acting_head()),
    ("leave", "ezhou", {"role": "deputy_head"}, lambda rs, b: rs.leave_approver(b["role"])),
    # Format 2: approval, the roles away, stand-ins and quotas.
    (
        "approve",
        "ezhou",
        {"issuer": "department", "kind": "request", "recipient": "government"},
        lambda rs, b: rs.who_must_approve(b),
    ),
    (
        "sign",
        "ezhou",
        {**EZHOU_PROVINCE, "absent": ["head"]},
        lambda rs, b: rs.who_must_sign(EZHOU_PROVINCE, absent=b["absent"]),
    ),
    ("stand-in", "ezhou", {"role": "head"}, lambda rs, b: rs.stand_in(b["role"])),
    ("quotas", "ezhou", {}, lambda rs, b: rs.quotas()),
]


@pytest.mark.parametrize(
    ("query", "ruleset", "given", "ask"), QUESTIONS, ids=[f"{q[0]}-{i}" for i, q in enumerate(QUESTIONS)]
)
def test_every_query_answers_as_the_library_records_it(client, rulesets_dir, query, ruleset, given, ask) -> None:
    """The body is exactly ``govrule.wire.record`` of the library's answer: the CLI's --json shape."""
    rs = served(rulesets_dir, ruleset)
    r = client.post(f"/v1/rulesets/{ruleset}/{query}", json=given)
    assert r.status_code == 200, r.text
    expected = wire.record(QUERIES[query].record_name, given, ask(rs, given), rs)
    assert r.json() == json.loads(json.dumps(expected, ensure_ascii=False))


def test_quorum_has_the_cli_shape(client: TestClient) -> None:
    r = client.post("/v1/rulesets/rizhao/quorum", json={"meeting": "executive", "present": 6, "total": 10})
    assert r.status_code == 200, r.text
    out = io.StringIO()
    code = cli_main(["quorum", "rizhao", "executive", "--present", "6", "--total", "10", "--json"], out, io.StringIO())
    assert code == 0
    cli = json.loads(out.getvalue())
    body = r.json()
    assert body["answer"] == cli["answer"]
    assert body["rule"] == cli["rule"]
    assert body["answer"]["met"] is True
    r = client.post("/v1/rulesets/rizhao/quorum", json={"meeting": "executive", "present": 5, "total": 10})
    assert r.json()["answer"]["met"] is False  # 日照: more than half


def test_labels_are_accepted_for_terms(client: TestClient) -> None:
    by_id = client.post("/v1/rulesets/ezhou/meeting", json={"meeting": "executive"}).json()
    label = by_id["answer"]["label"]
    by_label = client.post("/v1/rulesets/ezhou/meeting", json={"meeting": label})
    assert by_label.status_code == 200
    assert by_label.json()["answer"] == by_id["answer"]


# ---------------------------------------------------------------------------- errors


def test_bad_input_names_the_field_and_the_word_meant(client: TestClient) -> None:
    r = client.post("/v1/rulesets/ezhou/sign", json={**EZHOU_PROVINCE, "issuer": "govrnment"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["kind"] == "QueryError"
    assert err["field"] == "issuer" and err["did_you_mean"] == "government"
    r = client.post("/v1/rulesets/ezhou/sign", json={"isuer": "government"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "isuer" and r.json()["error"]["did_you_mean"] == "issuer"
    for start in ("27/9/2024", "20240927", "2024-W39-5"):  # only YYYY-MM-DD, as everywhere else
        r = client.post("/v1/rulesets/ezhou/deadline", json={"event": "meeting_documents_issuance", "start": start})
        assert r.status_code == 400 and r.json()["error"]["field"] == "start", start


def test_unknown_ruleset_and_term_are_404(client: TestClient) -> None:
    r = client.post("/v1/rulesets/ezhuo/sign", json=EZHOU_PROVINCE)
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["kind"] == "UnknownTerm" and err["category"] == "ruleset" and err["did_you_mean"] == "ezhou"
    r = client.post("/v1/rulesets/ezhou/meeting", json={"meeting": "executiv"})
    assert r.status_code == 404 and r.json()["error"]["did_you_mean"] == "executive"


def test_no_applicable_rule_is_422_not_a_server_fault(client: TestClient) -> None:
    r = client.post("/v1/rulesets/ezhou/quorum", json={"meeting": "executive", "present": 6, "total": 10})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["kind"] == "NoApplicableRule" and err["query"] == "quorum_met"


def test_no_path_is_ever_read_from_a_request(client: TestClient, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(BUNDLED / "ezhou.yaml", outside)
    for name in (str(outside).replace("/", "%2F"), "..%2F..%2Fetc%2Fpasswd", "ezhou.yaml"):
        r = client.post(f"/v1/rulesets/{name}/sign", json=EZHOU_PROVINCE)
        assert r.status_code == 404, name
        assert r.json()["error"]["kind"] in ("UnknownTerm", "NotFound")


@pytest.mark.parametrize(
    "raw", [b"{bad json", b"", b"[1, 2]", b'"text"', b"null", b"9" * 5000, b'{"issuer": {"a": [1]}}', b"[" * 10000]
)
def test_malformed_bodies_are_400_never_500(client: TestClient, raw: bytes) -> None:
    r = client.post("/v1/rulesets/ezhou/sign", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["schema"] == wire.SCHEMA_VERSION
    assert "Traceback" not in r.text


def test_unknown_endpoint_and_method_are_json(client: TestClient) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["kind"] == "NotFound"
    r = client.get("/v1/rulesets/ezhou/sign")
    assert r.status_code == 405 and r.json()["error"]["kind"] == "MethodNotAllowed"


def test_limits(rulesets_dir: Path) -> None:
    app = create_app(
        Settings(rulesets=str(rulesets_dir), decision_log=None, reload_interval=0, max_body=200, max_batch=3)
    )
    with TestClient(app) as c:
        r = c.post("/v1/rulesets/ezhou/sign", json={**EZHOU_PROVINCE, "subject_matter": ["x" * 300]})
        assert r.status_code == 413 and r.json()["error"]["kind"] == "PayloadTooLarge"
        r = c.post("/v1/rulesets/ezhou/batch", json={"query": "acting-head", "inputs": [{}] * 4})
        assert r.status_code == 413
        r = c.post("/v1/rulesets/ezhou/batch", json={"query": "acting-head", "inputs": [{}] * 3})
        assert r.status_code == 200 and len(r.json()["results"]) == 3


# ---------------------------------------------------------------------------- batch


def test_batch_answers_each_input_in_place(client: TestClient, rulesets_dir: Path) -> None:
    rs = served(rulesets_dir, "ezhou")
    inputs = [
        EZHOU_PROVINCE,
        {"issuer": "nobody"},
        {"issuer": "office", "kind": "other", "recipient": "subordinate"},
        {"issuer": "government", "kind": "decision", "recipient": "public"},
    ]
    r = client.post("/v1/rulesets/ezhou/batch", json={"query": "sign", "inputs": inputs})
    assert r.status_code == 200
    body = r.json()
    assert body["schema"] == wire.SCHEMA_VERSION and body["query"] == "who_must_sign"
    assert len(body["results"]) == len(inputs)
    for given, result in zip(inputs, body["results"], strict=True):
        single = client.post("/v1/rulesets/ezhou/sign", json=given)
        assert result["status"] == single.status_code
        if single.status_code == 200:
            assert result["answer"] == single.json()["answer"]
            assert result["rule"] == single.json()["rule"]
            assert result["answer"] == wire.answer_dict(rs.who_must_sign(given))
        else:
            assert result["error"] == single.json()["error"]
    assert body["results"][1]["status"] == 400


@pytest.mark.parametrize(
    "body",
    [{"query": "sign"}, {"query": "nope", "inputs": []}, {"inputs": []}, {"query": "sign", "inputs": {}}, [], {"x": 1}],
)
def test_bad_batches_are_400(client: TestClient, body: object) -> None:
    r = client.post("/v1/rulesets/ezhou/batch", json=body)
    assert r.status_code == 400, r.text


# ---------------------------------------------------------------------------- decision log


def test_the_decision_log_reproduces_every_answer(client: TestClient, log_file: Path, rulesets_dir: Path) -> None:
    client.app.state.service.decisions.flush()
    before = log_file.read_text(encoding="utf-8").count("\n") if log_file.exists() else 0
    client.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE, headers={"x-request-id": "req-42"})
    client.post("/v1/rulesets/ezhou/deadline", json={"event": "meeting_documents_issuance", "start": "2024-09-27"})
    client.post("/v1/rulesets/ezhou/quorum", json={"meeting": "executive", "present": 1, "total": 2})
    client.post(
        "/v1/rulesets/rizhao/batch", json={"query": "leave", "inputs": [{"role": "deputy_head"}, {"role": "x"}]}
    )
    client.app.state.service.decisions.flush()  # the log is written by a thread of its own
    lines = [json.loads(x) for x in log_file.read_text(encoding="utf-8").splitlines()[before:]]
    assert len(lines) == 5
    assert lines[0]["request_id"] == "req-42" and lines[0]["index"] is None
    assert [x["index"] for x in lines[3:]] == [0, 1]
    assert lines[3]["request_id"] == lines[4]["request_id"]
    for line in lines:
        assert line["schema"] == wire.SCHEMA_VERSION and line["type"] == "decision"
        dt.datetime.fromisoformat(line["time"])
        assert line["latency_ms"] >= 0
        rs = served(rulesets_dir, line["ruleset"])
        assert line["revision"] == rs.revision
        name = next(n for n, q in QUERIES.items() if q.record_name == line["query"])
        replay = client.post(f"/v1/rulesets/{line['ruleset']}/{name}", json=line["input"])
        assert replay.status_code == line["status"]
        if line["status"] == 200:
            assert replay.json()["answer"] == line["answer"]
            assert line["rule"]["citation"] == line["answer"]["rule"]["citation"]
        else:
            assert replay.json()["error"] == line["error"]
            assert line["answer"] is None
    assert lines[2]["status"] == 422 and lines[2]["error"]["kind"] == "NoApplicableRule"


def test_decision_log_off_writes_nothing(
    rulesets_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(Settings(rulesets=str(rulesets_dir), decision_log=None, reload_interval=0))
    with TestClient(app) as c:
        assert c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE).status_code == 200
    assert "decision" not in capsys.readouterr().out


def test_decision_log_to_stdout(rulesets_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(Settings(rulesets=str(rulesets_dir), decision_log="-", reload_interval=0))
    with TestClient(app) as c:
        c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE)
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(lines) == 1 and lines[0]["rule"]["citation"] == "五十六（一）"


# ---------------------------------------------------------------------------- metrics, health, auth


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_decisions_by_query_and_outcome(client: TestClient) -> None:
    def now() -> str:
        r = client.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        return r.text

    before = now()
    client.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE)
    client.post("/v1/rulesets/ezhou/sign", json={"issuer": "x"})
    client.post("/v1/rulesets/ezhou/quorum", json={"meeting": "executive", "present": 1, "total": 2})
    client.post("/v1/rulesets/ezhou/batch", json={"query": "sign", "inputs": [EZHOU_PROVINCE] * 5})
    after = now()
    for query, outcome, n in (
        ("who_must_sign", "answer", 6),
        ("who_must_sign", "bad_input", 1),
        ("quorum_met", "no_rule", 1),
    ):
        key = {"query": query, "outcome": outcome}
        assert _metric(after, "govrule_decisions_total", **key) - _metric(before, "govrule_decisions_total", **key) == n
    assert _metric(after, "govrule_decision_seconds_count", query="who_must_sign") >= 2
    assert _metric(after, "govrule_batch_seconds_count", query="who_must_sign") >= 1
    assert _metric(after, "govrule_rulesets_loaded") == len(govrule.bundled())


def test_health_and_ready(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["failures"] == []
    assert set(body["rulesets"]) == set(govrule.bundled())
    assert client.get("/ready").json()["ready"] is True


def test_not_ready_without_rulesets(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(rulesets=str(tmp_path), decision_log=None, reload_interval=0))) as c:
        assert c.get("/ready").status_code == 503
        assert c.get("/health").status_code == 200


def test_bearer_token_guards_everything_but_health(rulesets_dir: Path) -> None:
    app = create_app(Settings(rulesets=str(rulesets_dir), token="s3cret", decision_log=None, reload_interval=0))
    with TestClient(app) as c:
        for method, path in (
            ("POST", "/v1/rulesets/ezhou/sign"),
            ("GET", "/v1/rulesets"),
            ("GET", "/metrics"),
            ("POST", "/v1/validate"),
        ):
            r = c.request(method, path, json=EZHOU_PROVINCE)
            assert r.status_code == 401, path
            assert r.json()["error"]["kind"] == "Unauthorized"
            assert r.headers["www-authenticate"].startswith("Bearer")
            wrong = c.request(method, path, json=EZHOU_PROVINCE, headers={"authorization": "Bearer nope"})
            assert wrong.status_code == 401
        ok = c.post("/v1/rulesets/ezhou/sign", json=EZHOU_PROVINCE, headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert c.get("/health").status_code == 200 and c.get("/ready").status_code == 200
        assert c.get("/openapi.json").status_code == 401
        assert c.get("/openapi.json", headers={"authorization": "Bearer s3cret"}).json()["security"] == [{"bearer": []}]


# ---------------------------------------------------------------------------- rulesets and uploads


def test_ruleset_list_detail_and_tables(client: TestClient, rulesets_dir: Path) -> None:
    listing = client.get("/v1/rulesets").json()["rulesets"]
    assert [x["id"] for x in listing] == sorted(govrule.bundled())
    ezhou = next(x for x in listing if x["id"] == "ezhou")
    rs = served(rulesets_dir, "ezhou")
    assert ezhou["revision"] == rs.revision and ezhou["title"] == rs.meta.title and ezhou["number"] == rs.meta.number
    detail = client.get("/v1/rulesets/ezhou").json()
    assert set(detail["queries"]) == set(QUERIES)
    vocab = detail["vocabulary"]
    issuer = next(f for f in vocab["document"] if f["name"] == "issuer")
    assert (
        issuer["kind"] == "choice" and {"id": "government", "label": issuer["options"][0]["label"]} in issuer["options"]
    )
    assert all(o["label"] for o in issuer["options"])
    assert {"id": "head", "label": rs.roles["head"]} in vocab["roles"]
    tables = client.get("/v1/rulesets/ezhou/tables").json()
    assert tables["tables"]["signing"][0]["rules"]
    assert tables["coverage"]["articles"] == len(rs.spec.coverage) > 0


BROKEN = """id: city
kind: base
meta:
  title: 某市人民政府工作规则
  jurisdiction: 某市
  level: city
roles:
  head: {label: 市长}
signing:
  - id: signing
    hit: first
    rules:
      - id: sign.x
        cite: 第一条
        text: 市长签发。
        when: {issuer: goverment}
        sign: [head]
"""


def test_validate_an_uploaded_ruleset(client: TestClient, rulesets_dir: Path) -> None:
    """The answer is ``govrule validate --json``'s; problems carry a line and a file label, never a path."""
    good = (rulesets_dir / "rizhao.yaml").read_text(encoding="utf-8")
    r = client.post("/v1/validate", json={"yaml": good, "file": "rizhao.yaml"})
    assert r.status_code == 200
    assert r.json()["results"] == [{"file": "rizhao.yaml", "valid": True, "problems": []}]
    assert (r.json()["valid"], r.json()["invalid"]) == (1, 0)
    wrong = good.replace("kind: base", "kind: basis", 1)
    line = good[: good.index("kind: base")].count("\n") + 1
    bad = client.post("/v1/validate", json={"yaml": wrong, "file": "/etc/city.yaml"}).json()
    assert (bad["valid"], bad["invalid"]) == (0, 1)
    result = bad["results"][0]
    assert result["file"] == "city.yaml" and result["valid"] is False
    assert any(p["location"]["line"] == line for p in result["problems"])
    for p in result["problems"]:
        assert p["location"]["file"] == "city.yaml"  # a label, never a path
    broken_yaml = client.post("/v1/validate", json={"yaml": "id: x\nroles: [a\n"}).json()["results"][0]
    assert broken_yaml["valid"] is False and broken_yaml["problems"][0]["location"]["line"] >= 2


@pytest.mark.parametrize("name", ["ezhou", "rizhao"])
def test_check_an_uploaded_ruleset(client: TestClient, rulesets_dir: Path, name: str) -> None:
    """The endpoint gives what ``govrule.check`` gives for the same text (findings, or the problems it refuses)."""
    good = (rulesets_dir / f"{name}.yaml").read_text(encoding="utf-8")
    r = client.post("/v1/check", json={"yaml": good, "file": f"{name}.yaml"}).json()
    target = r["targets"][0]
    assert target["target"] == f"{name}.yaml" and target["base"] is None
    try:
        expected = [wire.finding_dict(f) for f in govrule.check(served(rulesets_dir, name))]
    except govrule.RulesetError as exc:
        assert target["error"]["kind"] == "RulesetError"
        assert [p["message"] for p in target["error"]["problems"]] == [p.message for p in exc.problems]
    else:
        assert "error" not in target
        assert [{**f, "location": None} for f in target["findings"]] == [{**f, "location": None} for f in expected]


def test_check_a_supplement_needs_a_base_in_service(client: TestClient) -> None:
    sup = (BUNDLED / "panjin_supplement.yaml").read_text(encoding="utf-8")
    r = client.post("/v1/check", json={"yaml": sup, "base": "nope"})
    assert r.status_code == 404 and r.json()["error"]["category"] == "ruleset"


def test_run_fixture_cases_against_uploaded_text(client: TestClient, rulesets_dir: Path) -> None:
    """The answer is ``govrule test --json``'s: passed, failed, cases with locations, errors."""
    fixture = (
        "ruleset: ezhou\ncases:\n"
        "  - name: 报省政府的请示\n    query: who_must_sign\n"
        "    input: {issuer: government, kind: request, recipient: higher_government}\n"
        "    expect: {signers: [head, executive_deputy_head], rule: 五十六（一）}\n"
        "  - name: 故意写错\n    query: who_must_sign\n"
        "    input: {issuer: government, kind: request, recipient: higher_government}\n"
        "    expect: {signers: [secretary_general]}\n"
    )
    r = client.post("/v1/test", json={"fixture": fixture}).json()
    assert (r["passed"], r["failed"], r["errors"]) == (1, 1, [])
    assert r["cases"][1]["location"]["line"] == 7 and r["cases"][1]["passed"] is False
    text = (rulesets_dir / "ezhou.yaml").read_text(encoding="utf-8")
    assert client.post("/v1/test", json={"fixture": fixture, "yaml": text}).json()["passed"] == 1
    bad = client.post("/v1/test", json={"fixture": "ruleset: ezhou\ncases: 3\n"}).json()
    assert bad["cases"] == [] and bad["errors"][0]["error"]["problems"][0]["location"]["line"] == 2


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    for name in QUERIES:
        op = doc["paths"][f"/v1/rulesets/{{ruleset}}/{name}"]["post"]
        assert {"200", "400", "404", "422"} <= set(op["responses"])
    assert "/v1/rulesets/{ruleset}/batch" in doc["paths"]


def test_playground_page_is_served_offline(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'lang="zh' in page.text
    for ref in ("http://", "https://", "//cdn"):
        assert ref not in page.text.replace("http://www.w3.org", "")


# ---------------------------------------------------------------------------- the published answer schema

ANSWER_SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "schema" / "answer.schema.json").read_text("utf-8")
)


def conforms(data: object, definition: str) -> None:
    """``data`` is valid against ``#/$defs/<definition>`` of schema/answer.schema.json (the CLI's and wire's)."""
    import jsonschema

    jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": ANSWER_SCHEMA["$defs"]}).validate(data)


@pytest.mark.parametrize(
    ("query", "ruleset", "given"),
    [(q, r, g) for q, r, g, _ in QUESTIONS if q not in ("stand-in", "quotas")],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_decisions_conform_to_the_published_answer_schema(client: TestClient, query: str, ruleset: str, given) -> None:
    r = client.post(f"/v1/rulesets/{ruleset}/{query}", json=given)
    assert r.status_code == 200
    conforms(r.json(), "record")


def test_errors_and_uploads_conform_to_the_published_answer_schema(client: TestClient, rulesets_dir: Path) -> None:
    for path, body in (
        ("/v1/rulesets/ezhou/sign", {"issuer": "x"}),
        ("/v1/rulesets/nope/sign", EZHOU_PROVINCE),
        ("/v1/rulesets/ezhou/quorum", {"meeting": "executive", "present": 1, "total": 2}),
    ):
        conforms(client.post(path, json=body).json(), "error")
    conforms(client.post("/v1/validate", json={"yaml": "id: x\nroles: [a\n"}).json(), "validate")
    text = (rulesets_dir / "rizhao.yaml").read_text(encoding="utf-8")
    conforms(client.post("/v1/validate", json={"yaml": text}).json(), "validate")
    conforms(client.post("/v1/check", json={"yaml": text}).json(), "check")
    conforms(client.post("/v1/check", json={"yaml": "id: x\nroles: [a\n"}).json(), "check")
    fixture = "ruleset: rizhao\ncases:\n  - {query: acting_head, input: {}, expect: {roles: [executive_deputy_head]}}\n"
    conforms(client.post("/v1/test", json={"fixture": fixture}).json(), "test")
    conforms(client.post("/v1/test", json={"fixture": "ruleset: x\ncases: 3\n"}).json(), "test")
