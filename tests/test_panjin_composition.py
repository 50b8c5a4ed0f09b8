"""The Panjin supplement composed over a base: citations, status and procedure order (补充规定 十二, 二, 九, 十五).

The supplement's own base (盘政发〔2014〕5号) is not among the source texts, so these tests compose it over a
small made-up base that carries the base's number. The base's rules are invented for the test; what is checked
is how the supplement's rules combine with whatever the base says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import govrule

SUPPLEMENT_TITLE = "盘锦市人民政府工作规则补充规定"
BASE_TITLE = "盘锦市人民政府工作规则（测试用基础文件）"

BASE = f"""
id: panjin_test_base
kind: base
meta:
  title: {BASE_TITLE}
  number: 盘政发〔2014〕5号
  jurisdiction: 盘锦市
  level: city
  status: in_force
  source: made-up.txt
roles:
  head: {{label: 市长}}
  deputy_head: {{label: 副市长}}
  deputy_head_in_charge: {{label: 分管副市长, kind: relational}}
  secretary_general: {{label: 秘书长}}
  office_director: {{label: 市政府办公室}}
meetings:
  executive:
    id: meeting.executive
    cite: 二十
    text: 市政府常务会议由市长、副市长、秘书长组成。
    label: 市政府常务会议
    members: [head, deputy_head, secretary_general]
  head_office:
    id: meeting.head_office
    cite: 二十一
    text: 市长办公会议由市长召集和主持。
    label: 市长办公会议
    convener: [head]
signing:
  - id: signing
    hit_policy: first
    rules:
      - id: base.sign.government
        cite: 三十（一）
        text: 以市政府名义的公文，由市长签发。
        when: {{issuer: government}}
        steps:
          - {{action: sign, roles: [head]}}
  - id: approve
    purpose: approve
    hit_policy: first
    rules:
      - id: base.approve.request
        cite: 三十一
        text: 部门报送市政府的请示，由市政府办公室审核后呈分管副市长审批。
        when: {{issuer: department, recipient: government}}
        steps:
          - {{action: review, roles: [office_director]}}
          - {{action: approve, roles: [deputy_head_in_charge]}}
agenda:
  - id: base.agenda.consulted
    cite: 二十二
    text: 议题涉及其他部门的，须事先协商。
    meetings: [executive, head_office]
    when: {{involves_other_departments: true}}
    require: {{consulted: true}}
    message: 议题涉及其他部门的，须事先协商
"""


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> govrule.Ruleset:
    path: Path = tmp_path_factory.mktemp("panjin") / "base.yaml"
    path.write_text("format: 2\n" + BASE, encoding="utf-8")
    return govrule.compose(govrule.load(str(path)), govrule.load("panjin_supplement"))


TO_PARTY_COMMITTEE = {"issuer": "government", "kind": "request", "recipient": "party_committee"}
REFERRED = {
    "issuer": "department",
    "kind": "request",
    "recipient": "government",
    "subject_matter": ["referred_by_head"],
}


def test_a_supplement_rule_cites_the_supplement_and_a_base_rule_the_base(both: govrule.Ruleset) -> None:
    """十五: the composed answer names the document each rule comes from (not the base's title for the supplement's)."""
    d = both.who_must_sign(TO_PARTY_COMMITTEE)
    assert d.rule.id == "sign.party_committee"
    assert d.rule.document == SUPPLEMENT_TITLE
    assert SUPPLEMENT_TITLE in d.explain()
    base_only = both.who_must_sign({"issuer": "government", "kind": "request", "recipient": "higher_government"})
    assert base_only.rule.id == "base.sign.government"
    assert base_only.rule.document == BASE_TITLE


def test_the_composition_reports_the_abolished_supplement(both: govrule.Ruleset) -> None:
    """The supplement is marked 此文件废止: the composition is not in force, and every answer says so."""
    assert both.meta.status == "abolished"
    for d in (
        both.who_must_sign(TO_PARTY_COMMITTEE),
        both.who_must_sign({"issuer": "government", "kind": "request", "recipient": "higher_government"}),
    ):
        assert any("废止" in w for w in d.rule.warnings), d.rule.warnings
        assert "废止" in d.explain()


def test_item_two_review_comes_before_the_base_signer(both: govrule.Ruleset) -> None:
    """二: review by the 常务会议 or 市长办公会议, then the base's signer; the special case is the urgent path."""
    d = both.who_must_sign(TO_PARTY_COMMITTEE)
    assert d.signers == ("head",)
    assert [s.action for s in d.steps] == ["review", "sign"]
    urgent = both.who_must_sign(TO_PARTY_COMMITTEE, path="urgent")
    assert [(s.action, s.roles) for s in urgent.steps] == [("approve", ("head",)), ("sign", ("head",))]


def test_item_twelve_is_an_instruction_step_on_files_not_a_new_signer(both: govrule.Ruleset) -> None:
    """十二: a file the 市长 passes down keeps the base's approver; the deputy's 签批 and report come first."""
    d = both.who_must_approve(REFERRED)
    assert d.signers == ("deputy_head_in_charge",)  # the base's approver
    assert [s.action for s in d.steps][:2] == ["review", "report"]
    assert d.steps[-1].action == "approve"
    # An outgoing document tagged the same way is signed as the base says: 十二 names no signer.
    out = both.who_must_sign(
        {**TO_PARTY_COMMITTEE, "recipient": "higher_government", "subject_matter": ["referred_by_head"]}
    )
    assert out.signers == ("head",) and out.rule.id == "base.sign.government"


def test_item_nine_applies_in_the_composition_and_never_passes_an_unknown_opinion(both: govrule.Ruleset) -> None:
    """九: the supplement's agenda rule applies next to the base's; an unknown signed opinion is not met."""
    item = {
        "kind": "major_decision",
        "involves_other_departments": False,
        "procedures_done": ["public_participation", "expert_review", "risk_assessment", "legality_review"],
    }
    a = both.check_agenda(item, "executive")
    assert not a.eligible
    assert "agenda.deputy_head_opinion" in {f.rule.id for f in a.failures}
    ok = both.check_agenda(
        {**item, "proposed_by": "deputy_head_in_charge", "reviewed_by_leader_in_charge": True}, "executive"
    )
    assert ok.eligible, ok.failures
