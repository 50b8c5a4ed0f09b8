"""The example rulesets encoded from other governments' excerpts: valid, consistent, and answering as the text says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import govrule
from govrule.testing import run_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXCERPTS = ["zhou_excerpt", "county_excerpt"]


@pytest.mark.parametrize("name", EXCERPTS)
def test_the_excerpt_ruleset_validates_and_checks_clean(name: str) -> None:
    path = str(EXAMPLES / f"{name}.yaml")
    assert not govrule.validate(path)
    assert govrule.check(path) == ()


@pytest.mark.parametrize("name", EXCERPTS)
def test_every_case_of_the_excerpt_fixture_passes(name: str) -> None:
    results = run_file(EXAMPLES / f"{name}.cases.yaml")
    assert len(results) >= 15
    failed = [f"{r.case.name}: {'; '.join(r.differences)}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", EXCERPTS)
def test_every_article_of_the_excerpt_is_covered_and_every_rule_carries_its_clause(name: str) -> None:
    """Each article held is encoded or marked not_encoded with a reason; each rule's text is in the source."""
    source = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    flat = "".join(source.split())
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    rs = govrule.load(EXAMPLES / f"{name}.yaml")
    articles = {entry.article.split("（")[0] for entry in rs.spec.coverage}
    held = {
        "zhou_excerpt": [
            f"第{n}条" for n in ("二十六", "二十七", "二十八", "二十九", "三十", "三十一", "三十二", "三十三", "三十四")
        ],
        "county_excerpt": ["四十三", "四十四", "四十五", "四十六"],
    }[name]
    assert articles == set(held)
    for entry in rs.spec.coverage:
        assert entry.status in ("encoded", "principle", "not_encoded")
        if entry.status == "not_encoded":
            assert entry.reason and len(entry.reason) > 20
    assert data["format"] == 2
    spec = rs.spec
    provisions = [r for t in spec.signing for r in t.rules]
    provisions += [*spec.leave, *spec.quotas, *spec.competence, *spec.meetings.values()]
    for rule in provisions:
        for piece in rule.text.replace("……", "…").split("…"):
            clause = "".join(piece.split()).strip("。;；,，")
            assert clause in flat, f"{rule.id}: {piece!r} is not the source's text"


def test_zhou_26_request_to_the_province_and_its_absence_path() -> None:
    rs = govrule.load(EXAMPLES / "zhou_excerpt.yaml")
    doc = govrule.Document(issuer="government", kind="request", recipient="higher_government")
    assert rs.who_must_sign(doc).signers == ("head",)
    away = rs.who_must_sign(doc, absent={"州长"})
    assert away.signers == ("executive_deputy_head", "deputy_head_in_charge")
    assert away.rule.citation == "第二十六条"


def test_zhou_30_escalation_is_discretionary_not_a_signer() -> None:
    rs = govrule.load(EXAMPLES / "zhou_excerpt.yaml")
    d = rs.who_must_sign(govrule.Document(issuer="office", kind="notice", recipient="subordinate"))
    assert d.signers == ("deputy_head_in_charge",)
    assert d.escalation == ("head", "executive_deputy_head")
    assert "必要时" in d.explain()


def test_zhou_32_prohibition_and_the_leader_assigned_exception() -> None:
    rs = govrule.load(EXAMPLES / "zhou_excerpt.yaml")
    sent = {"issuer": "department", "kind": "report", "recipient": "government_leader"}
    assert rs.who_must_sign(govrule.Document(**sent, assigned_by_leader=False)).forbidden
    with pytest.raises(govrule.NoApplicableRule):  # 直接交办的事项: the excerpt says nothing more
        rs.who_must_sign(govrule.Document(**sent, assigned_by_leader=True))


def test_county_44_leave_approvers_are_any_of() -> None:
    rs = govrule.load(EXAMPLES / "county_excerpt.yaml")
    answer = rs.leave_approver("其他参会人员", occasion="meeting_absence", meeting="专题会议")
    assert answer.roles == ("deputy_head_in_charge", "meeting_chair") and answer.mode == "any"
