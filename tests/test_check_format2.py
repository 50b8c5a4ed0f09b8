"""govrule check on format 2 constructs and on constructs that validate but answer silently wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import govrule
from govrule import model
from govrule.cli import main
from govrule.consistency import CheckFinding, check

DATA = Path(__file__).resolve().parent / "data" / "check"
TEN = DATA / "ten_defects.yaml"

#: Each planted defect of ten_defects.yaml: (kind, severity, the rules the finding names first).
DEFECTS = [
    ("dates", "error", ()),
    ("no_deadline", "error", ("agenda.materials_lead",)),
    ("contradiction", "warning", ("sign.no_skipping", "sign.government")),
    ("escalation", "warning", ("sign.office",)),
    ("escalation", "error", ("sign.joint",)),
    ("cycle", "error", ("sign.coordination", "sign.other_unit")),
    ("absence", "warning", ("sign.party_group",)),
    ("absence", "warning", ("sign.department_public",)),
    ("bad_reference", "warning", ("sign.zone", "sign.no_skipping")),
    ("unreachable", "warning", ("sign.more.government_request",)),
    ("unreachable", "warning", ("approve.outgoing",)),
    ("overlap", "warning", ("meeting.county_wide", "meeting.short")),
    ("competence", "error", ("competence.major", "competence.major_office")),
]


def spec_of(path: Path, edit: Any = None) -> model.RulesetFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return model.RulesetFile.model_validate(data)


def test_the_planted_defect_file_validates() -> None:
    assert not govrule.validate(str(TEN))


def test_check_finds_every_planted_defect() -> None:
    findings = check(str(TEN))
    found = [(f.kind, f.severity, f.rules) for f in findings]
    for kind, severity, rules in DEFECTS:
        assert any(k == kind and s == severity and set(rules) <= set(r) for k, s, r in found), (
            f"missing {kind} {rules}:\n" + "\n".join(map(str, findings))
        )
    # Nothing beyond the planted defects, except the prohibition also being shadowed in its own table.
    extra = [f for f in findings if not any(f.kind == k and set(r) <= set(f.rules) for k, _, r in DEFECTS)]
    assert [(f.kind, f.rules[0]) for f in extra] == [("shadowed", "sign.no_skipping")]


def findings_of(kind: str, first_rule: str | None = None) -> list[CheckFinding]:
    return [f for f in check(str(TEN)) if f.kind == kind and (first_rule is None or f.rules[0] == first_rule)]


def test_every_finding_cites_its_rules_and_is_located_in_the_file() -> None:
    for f in check(str(TEN)):
        assert len(f.citations) == len(f.rules)
        assert f.location is not None and f.location.startswith(f"{TEN}:")


def test_the_contradiction_witness_is_answered_with_a_signer_though_forbidden() -> None:
    (finding,) = findings_of("contradiction")
    rs = govrule.load(TEN)
    doc = govrule.Document(**finding.witness)
    assert doc.skips_level is True
    decision = rs.who_must_sign(doc)
    assert not decision.forbidden and decision.rule.id == "sign.government"
    assert finding.citations == ("四十九", "四十二")


def test_the_unreachable_rule_is_never_the_answer() -> None:
    (finding,) = findings_of("unreachable", "sign.more.government_request")
    assert dict(finding.witness or {}) == {"rule": "sign.more.government_request", "covered_by_tables": ("sign",)}
    rs = govrule.load(TEN)
    doc = govrule.Document(issuer="government", kind="request", recipient="higher_government")
    assert rs.who_must_sign(doc).rule.id == "sign.government"


def test_the_competence_witness_matches_both_rules() -> None:
    (finding,) = findings_of("competence")
    assert finding.witness["kind"] == "major_decision"
    assert "没有任何会议可以决定" in finding.message
    assert "十（competence.major）" in finding.message and "县长办公会议（head_office）" in finding.message


def test_the_escalation_cycle_is_the_cycle() -> None:
    (finding,) = [f for f in findings_of("cycle") if (f.witness or {}).get("graph") == "escalation"]
    nodes = list(finding.witness["cycle"])
    assert nodes[0] == nodes[-1] and set(nodes) == {"head", "deputy_head"}


def test_the_meeting_table_overlap_has_a_meeting_request_witness() -> None:
    (finding,) = findings_of("overlap")
    request = govrule.MeetingRequest(**finding.witness)
    assert request.scope == "jurisdiction_wide" and request.half_days is not None and request.half_days <= 1


def test_two_files_that_supersede_each_other_are_a_cycle_when_checked_together() -> None:
    a, b = str(DATA / "supersedes_a.yaml"), str(DATA / "supersedes_b.yaml")
    assert check(a) == ()  # alone, nothing says what 22号 supersedes
    (finding,) = check(a, others=[a, b])
    assert finding.kind == "cycle" and finding.witness["graph"] == "supersession"
    assert list(finding.witness["cycle"]) == ["缺陷〔2024〕21号", "缺陷〔2024〕22号", "缺陷〔2024〕21号"]
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", a, b], out, err) == 1
    assert out.getvalue().count("废止关系循环") == 2


def test_two_files_that_supersede_each_other_are_a_cycle_in_json_too() -> None:
    a, b = str(DATA / "supersedes_a.yaml"), str(DATA / "supersedes_b.yaml")
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", a, b, "--json"], out, err) == 1
    data = json.loads(out.getvalue())
    assert [[f["kind"] for f in t["findings"]] for t in data["targets"]] == [["cycle"], ["cycle"]]


def test_a_supplement_naming_its_base_by_title_only_is_an_error() -> None:
    (finding,) = check(str(DATA / "supplement_by_title.yaml"))
    assert (finding.kind, finding.severity) == ("supplement_base", "error")
    assert "文号" in finding.message and finding.witness["title"] == "缺陷样例甲"


def test_an_is_a_cycle_built_in_memory_is_found() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["roles"]["deputy_head"]["is_a"] = ["executive_deputy_head"]

    try:
        spec = spec_of(TEN, edit)
    except ValueError:
        pytest.skip("the model itself refuses is_a cycles")
    cycles = [f for f in check(spec) if f.kind == "cycle" and (f.witness or {}).get("graph") == "is_a"]
    assert len(cycles) == 1
    assert set(cycles[0].witness["cycle"]) == {"deputy_head", "executive_deputy_head"}


def test_undefined_roles_and_meetings_of_format2_constructs_built_in_memory_are_found() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["competence"][1]["meetings"] = ["executive"]
        data["signing"][0]["rules"][4]["absent"][0]["steps"][0]["roles"] = ["mayor"]

    findings = [f for f in check(spec_of(TEN, edit)) if f.kind == "undefined_reference"]
    names = sorted((f.witness["category"], f.witness["name"]) for f in findings)
    assert names == [("meeting", "executive"), ("role", "mayor")]


def test_a_lead_time_with_its_deadline_is_clean() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["deadlines"] = [
            {
                "id": "deadline.materials",
                "cite": "十二",
                "text": "会议材料须提前一周送县长审阅。",
                "event": "agenda_materials_submission",
                "amount": 7,
                "unit": "calendar_days",
                "back": True,
            }
        ]

    assert not [f for f in check(spec_of(TEN, edit)) if f.kind == "no_deadline"]
