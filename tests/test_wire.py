"""One JSON shape: every answer, input, rule, problem, finding, fixture result and error through govrule.jsonable,
valid against the published answer schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import govrule
from govrule import wire

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "minimal.yaml")
SCHEMA = json.loads((ROOT / "schema" / "answer.schema.json").read_text(encoding="utf-8"))


def conforms(data: Any, definition: str) -> None:
    jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]}).validate(data)


@pytest.fixture(scope="module")
def rs() -> govrule.Ruleset:
    return govrule.load(EXAMPLE)


def answers(rs: govrule.Ruleset) -> dict[str, Any]:
    return {
        "SigningDecision": rs.who_must_sign(
            govrule.Document(issuer="government", kind="request", recipient="higher_government")
        ),
        "AgendaCheck": rs.check_agenda(govrule.AgendaItem(involves_other_departments=True), meeting="executive"),
        "Deadline": rs.deadline("meeting_documents_issuance", dt.date(2024, 9, 27)),
        "MeetingInfo": rs.meeting("executive"),
        "ActingHead": rs.acting_head(),
        "LeaveAnswer": rs.leave_approver("deputy_head"),
    }


@pytest.mark.parametrize(
    "name", ["SigningDecision", "AgendaCheck", "Deadline", "MeetingInfo", "ActingHead", "LeaveAnswer"]
)
def test_every_answer_dumps_with_the_hook_and_matches_the_schema(rs: govrule.Ruleset, name: str) -> None:
    answer = answers(rs)[name]
    data = json.loads(json.dumps(answer, default=govrule.jsonable, ensure_ascii=False))
    assert data["schema"] == wire.SCHEMA_VERSION and data["type"] == name
    conforms(data, name)
    conforms(data, "answer")
    # every rule inside is the one rule object
    rules = [data["rule"]] if "rule" in data else []
    rules += [f["rule"] for f in data.get("failures", []) + data.get("requirements", [])]
    for rule in rules:
        conforms(rule, "rule")
    # the answer's own to_dict is the same JSON body: one rule object in every place, findings' too
    body = answer.to_dict()
    for key in body:
        assert data[key] == json.loads(json.dumps(body[key], default=govrule.jsonable)), key
    for finding in answer.to_dict().get("failures", []) + answer.to_dict().get("requirements", []):
        assert isinstance(finding["rule"], dict) and set(finding) <= {"rule", "message", "missing", "status"}


def test_inputs_become_objects_of_their_known_facts() -> None:
    doc = govrule.Document(issuer="government", kind="request", portfolios=("教育",))
    item = govrule.AgendaItem(kind="funding", materials_submitted=dt.date(2024, 5, 1))
    assert govrule.jsonable(doc) == {
        "schema": wire.SCHEMA_VERSION,
        "type": "Document",
        "issuer": "government",
        "kind": "request",
        "portfolios": ["教育"],
    }
    assert govrule.jsonable(item)["materials_submitted"] == "2024-05-01"
    # json writes a tuple (a Document is one) as a list before asking the hook; wire.dumps converts first
    assert json.loads(wire.dumps(doc))["issuer"] == "government"
    assert json.loads(wire.dumps({"document": doc}))["document"] == {
        "issuer": "government",
        "kind": "request",
        "portfolios": ["教育"],
    }


def test_errors_have_one_shape(rs: govrule.Ruleset) -> None:
    errors: list[govrule.GovruleError] = []
    for call in (
        lambda: rs.meeting("no_such_meeting"),
        lambda: rs.deadline("consultation_reply", dt.date(2024, 1, 1)),
        lambda: govrule.load(str(ROOT / "tests" / "data" / "malformed" / "undefined_role.yaml")),
        lambda: rs.who_must_sign({"issuer": "x"}),
        lambda: govrule.default_calendar().add_working_days(dt.date(2999, 1, 1), 3),
    ):
        with pytest.raises(govrule.GovruleError) as info:
            call()
        errors.append(info.value)
    kinds = []
    for exc in errors:
        data = json.loads(json.dumps(exc, default=govrule.jsonable))
        conforms(data, "error")
        kinds.append(data["error"]["kind"])
        assert data["error"]["message"] == str(exc)
    assert kinds == ["UnknownTerm", "NoApplicableRule", "RulesetError", "QueryError", "CalendarError"]
    unknown = wire.error_dict(errors[0])["error"]
    assert (
        unknown["category"] == "meeting" and unknown["term"] == "no_such_meeting" and "executive" in unknown["defined"]
    )
    problems = wire.error_dict(errors[2])["error"]["problems"]
    assert problems and all(p["location"]["line"] >= 1 and p["location"]["file"] for p in problems)
    assert wire.error_dict(errors[4])["error"]["year"] == 2999


def test_check_findings_and_fixture_results_use_the_location_object() -> None:
    findings = govrule.check(
        str(
            ROOT
            / "tests"
            / "data"
            / "defects"
            / sorted(p.name for p in (ROOT / "tests" / "data" / "defects").glob("*.yaml"))[0]
        )
    )
    located = [wire.finding_dict(f) for f in findings if f.location]
    assert located, "the defects fixture has findings with a location"
    for data in located:
        assert set(data["location"]) == {"file", "line", "column", "path"} and data["location"]["line"] >= 1
    assert wire.parse_location("a/b.yaml:3:7") == {"file": "a/b.yaml", "line": 3, "column": 7, "path": None}
    assert wire.parse_location("C:/x.yaml:3") == {"file": "C:/x.yaml", "line": 3, "column": None, "path": None}


def test_a_record_names_the_query_input_answer_rule_and_revision(rs: govrule.Ruleset) -> None:
    doc = govrule.Document(issuer="government", kind="request", recipient="higher_government")
    data = wire.record("who_must_sign", doc, rs.who_must_sign(doc), rs)
    conforms(json.loads(json.dumps(data)), "record")
    assert data["ruleset"] == {"id": "example_city", "document": rs.meta.number, "revision": rs.revision}
    assert data["rule"] == data["answer"]["rule"]


def test_jsonable_refuses_what_it_does_not_know() -> None:
    with pytest.raises(TypeError):
        json.dumps(object(), default=govrule.jsonable)


def test_a_signing_answers_requirements_carry_rule_objects() -> None:
    """Wherever an answer holds findings (agenda failures, a signing answer's requirements), each has a rule object."""
    for rid in govrule.bundled():
        rs = govrule.load(rid)
        for doc in (
            govrule.Document(issuer="government", kind="request", recipient="higher_government"),
            govrule.Document(issuer="government", kind="normative_document", recipient="public", major=True),
        ):
            try:
                answer = rs.who_must_sign(doc)
            except govrule.GovruleError:
                continue
            data = govrule.jsonable(answer)
            conforms(data, "SigningDecision")
            for finding in data.get("requirements", []):
                conforms(finding["rule"], "rule")
