"""Format 2, signing and approval side: each construct on a small ruleset written here, asserting real answers."""

from __future__ import annotations

import dataclasses
import pickle
import types
from pathlib import Path

import pytest

import govrule
from govrule import Document, loader, model, vocabulary
from govrule.engine import MissingFact, Ruleset
from govrule.errors import NoApplicableRule, QueryError, RulesetError, UnknownTerm
from govrule.facts import MeetingRequest
from govrule.testing.fixtures import run_file

COUNTY = """
format: 2
id: example_county
kind: base
meta:
  title: 示例县人民政府工作规则
  jurisdiction: 示例县
  level: county
  source: example.txt
roles:
  head: {label: 县长, aliases: [縣長]}
  deputy_head: {label: 副县长, aliases: [副縣長]}
  executive_deputy_head: {label: 常务副县长, is_a: [deputy_head]}
  deputy_head_in_charge: {label: 分管副县长, kind: relational}
  office_director: {label: 县政府办公室主任}
  secretary_general: {label: 秘书长}
meetings:
  topical:
    id: meeting.topical
    cite: 十五
    text: 县政府专题会议由县长、副县长召集和主持。
    label: 县政府专题会议
    aliases: [专题会议]
signing:
  - id: sign
    hit_policy: first
    rules:
      - id: sign.minutes
        cite: 三十七
        text: 专题会议纪要由会议主持人签发。
        when: {kind: minutes, meeting: topical}
        steps:
          - {action: sign, roles: [deputy_head], mode: any}
      - id: sign.no_skipping
        cite: 三十二
        text: 不得越级行文。
        also_cite:
          - {cite: 四十九, text: 各部门不得越级向上级机关行文。}
        when: {skips_level: true}
        forbidden: true
      - id: sign.government
        cite: 三十五
        text: 以县政府名义发文，由县长签发；县长外出时，由常务副县长签发；时间紧急等特殊情况下，可由常务副县长直接签发。
        when: {issuer: government}
        steps:
          - {action: review, roles: [office_director]}
          - {action: sign, roles: [head]}
        alternatives:
          - name: urgent
            label: 时间紧急等特殊情况
            steps:
              - {action: sign, roles: [executive_deputy_head]}
        absent:
          - roles: [head]
            cite: 三十五
            text: 县长外出时，由常务副县长签发。
            steps:
              - {action: review, roles: [office_director]}
              - {action: sign, roles: [executive_deputy_head]}
      - id: sign.office
        cite: 三十六
        text: 以县政府办公室名义发文，由县政府办公室主任签发；必要时，报分管副县长签发。
        when: {issuer: office}
        steps:
          - {action: sign, roles: [office_director]}
          - {action: sign, roles: [deputy_head_in_charge], discretionary: true}
  - id: approve
    purpose: approve
    hit_policy: first
    rules:
      - id: approve.no_leader_direct
        cite: 三十二
        text: 部门不得直接向县政府领导同志报送公文。
        when: {issuer: department, recipient: government_leader}
        forbidden: true
      - id: approve.no_transmittal
        cite: 三十三
        text: 属于部门职权范围内的事务，不得要求县政府批转。
        when: {kind: transmittal, within_department_authority: true}
        forbidden: true
      - id: approve.department
        cite: 三十一
        text: 各部门报送县政府审批的公文，由分管副县长审批。
        when: {issuer: department, recipient: government}
        steps:
          - {action: review, roles: [office_director]}
          - {action: approve, roles: [deputy_head_in_charge]}
      - id: approve.zone
        cite: 三十四
        text: 开发区管委会报送的请示，按部门请示程序办理。
        when: {issuer: development_zone, kind: request}
        see: approve.department
      - id: approve.lower_government
        cite: 三十一
        text: 各乡镇人民政府报送县政府审批的公文，由县长审批。
        when: {issuer: lower_government, recipient: government}
        steps:
          - {action: approve, roles: [head]}
  - id: meetings
    purpose: meeting
    hit_policy: first
    rules:
      - id: meeting.not_in_government_name
        cite: 三十八
        text: 部门召开的会议，不以县政府名义召开。
        when: {convened_by: department, in_name_of: government}
        forbidden: true
      - id: meeting.county_wide
        cite: 三十八
        text: 召开全县性会议须经县长审批，会议时间不超过半天。
        when: {scope: jurisdiction_wide, half_days: {lte: 1}}
        steps:
          - {action: approve, roles: [head]}
substitutions:
  - id: sub.director
    cite: 三十九
    text: 办公室主任不在时，由秘书长代为签发办公室文件。
    kind: proxy
    role: office_director
    substitutes: [secretary_general]
    applies_to: [sign.office]
  - id: sub.deputies
    cite: 四十
    text: 副县长之间实行AB角工作制度。
    kind: ab_role
    role: deputy_head
    substitutes: [executive_deputy_head]
"""


@pytest.fixture(scope="module")
def rs() -> Ruleset:
    return Ruleset(loader.parse_text(COUNTY, "county.yaml").spec)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# ---------------------------------------------------------------------------- vocabulary


def test_model_constants_derive_from_the_vocabulary() -> None:
    assert model.ISSUERS == tuple(vocabulary.ISSUERS)
    assert "lower_government" in model.ISSUERS and "development_zone" in model.ISSUERS
    assert "higher_government_department" in model.RECIPIENTS and "government_leader" in model.RECIPIENTS
    assert {"notice", "circular", "letter", "official_reply", "transmittal"} <= set(model.DOCUMENT_KINDS)
    assert model.LEVELS == (
        "province",
        "municipality",
        "city",
        "prefecture",
        "district",
        "county",
        "banner",
        "township",
    )
    assert {"inspector", "deputy_inspector", "head_assistant", "party_group_member"} <= set(model.ROLES)
    for name, words in vocabulary.VOCABULARIES.items():
        for word, entry in words.items():
            assert entry.terms and entry.meaning, (name, word)


def test_vocabulary_distinguishes_neighbours() -> None:
    kinds = vocabulary.DOCUMENT_KINDS
    fields = vocabulary.DOCUMENT_FIELDS
    assert "事务性公文" in kinds["routine"].terms and "例行审批" in fields["routine_approval"].terms
    assert "通报" in kinds["circular"].terms and "简报" in kinds["work_bulletin"].terms
    assert "important" in fields["major"].meaning and "weight" in fields["broad_scope"].meaning


def test_lookup_reads_terms_in_either_script_and_refuses_shared_terms() -> None:
    assert vocabulary.lookup("document_kind", "請示") == "request"
    assert vocabulary.lookup("recipient", "省政府") == "higher_government"
    assert vocabulary.lookup("direction", "上行文") == "upward"
    assert vocabulary.lookup("document_kind", "公函X") is None
    assert vocabulary.lookup("issuer", "department") == "department"


# ---------------------------------------------------------------------------- labels in documents


def test_document_takes_chinese_terms_and_keeps_ids() -> None:
    doc = Document(kind="請示", issuer="部门", recipient="省政府", direction="上行文")
    assert (doc.kind, doc.issuer, doc.recipient, doc.direction) == (
        "request",
        "department",
        "higher_government",
        "upward",
    )
    assert govrule.facts.as_document({"kind": "请示"}).kind == "request"
    with pytest.raises(QueryError, match=r"allowed: .*request"):
        Document(kind="公函X")


def test_new_document_facts_default_to_unknown_and_keep_false() -> None:
    doc = Document(issuer="department")
    assert doc.skips_level is None and doc.within_department_authority is None and doc.direction is None
    kept = Document(skips_level=False).to_dict()
    assert kept == {"skips_level": False}
    assert Document(**kept) == Document(skips_level=False)
    assert pickle.loads(pickle.dumps(Document(skips_level=True))).skips_level is True


def test_meeting_labels_in_a_document(rs: Ruleset) -> None:
    d = rs.who_must_sign(Document(kind="minutes", meeting="專題會議"))
    assert d.rule.id == "sign.minutes" and d.signers == ("deputy_head",)
    with pytest.raises(UnknownTerm, match="topical"):
        rs.who_must_sign(Document(kind="minutes", meeting="不存在的会议"))


# ---------------------------------------------------------------------------- role hierarchy


def test_role_hierarchy(rs: Ruleset) -> None:
    assert rs.is_a("executive_deputy_head", "deputy_head")
    assert rs.is_a("常务副县长", "副縣長")
    assert not rs.is_a("deputy_head", "executive_deputy_head")
    assert rs.ancestors("executive_deputy_head") == ("deputy_head",)
    assert rs.ancestors("head") == ()


def test_role_hierarchy_cycle_is_a_validate_error() -> None:
    text = _with(
        COUNTY,
        "deputy_head: {label: 副县长, aliases: [副縣長]}",
        "deputy_head: {label: 副县长, is_a: [executive_deputy_head]}",
    )
    with pytest.raises(RulesetError, match="成环"):
        loader.parse_text(text, "county.yaml")


# ---------------------------------------------------------------------------- prohibitions


def test_forbidden_is_an_answer_with_the_prohibiting_rule(rs: Ruleset) -> None:
    d = rs.who_must_sign(Document(issuer="government", kind="request", skips_level=True))
    assert d.forbidden is True and d.signers == () and d.steps == ()
    assert d.rule.id == "sign.no_skipping"
    assert d.explain().startswith("不允许：不得越级行文。依据《示例县人民政府工作规则》三十二、四十九")
    assert d.to_dict()["forbidden"] is True


def test_unknown_fact_of_a_prohibition_is_asked_for(rs: Ruleset) -> None:
    with pytest.raises(MissingFact) as err:
        rs.who_must_sign(Document(issuer="government", kind="request"))
    assert err.value.missing == ("skips_level",)


def test_forbidden_rule_may_not_have_steps() -> None:
    text = _with(
        COUNTY, "        forbidden: true\n", "        forbidden: true\n        steps: [{action: sign, roles: [head]}]\n"
    )
    with pytest.raises(RulesetError, match="须写且只写一种结果"):
        loader.parse_text(text, "county.yaml")


def test_format_1_file_using_a_format_2_construct_is_refused() -> None:
    text = _with(COUNTY, "format: 2\n", "")
    with pytest.raises(RulesetError) as err:
        loader.parse_text(text, "county.yaml")
    messages = [p.message for p in err.value.problems]
    assert any("'forbidden' 是格式 2 的写法" in m for m in messages)
    assert any("'is_a' 是格式 2 的写法" in m for m in messages)
    assert any("purpose: approve 是格式 2 的写法" in m for m in messages)


# ---------------------------------------------------------------------------- multi-article citations


def test_also_cite_gives_every_citation(rs: Ruleset) -> None:
    d = rs.who_must_sign(Document(issuer="government", kind="request", skips_level=True))
    assert d.rule.citation == "三十二"
    assert d.rule.citations == ("三十二", "四十九")
    assert d.rule.to_dict()["citations"] == ["三十二", "四十九"]


# ---------------------------------------------------------------------------- escalation


def test_discretionary_step_is_escalation_not_a_signer(rs: Ruleset) -> None:
    d = rs.who_must_sign(Document(issuer="office", kind="notice", skips_level=False))
    assert d.signers == ("office_director",)
    assert d.escalation == ("deputy_head_in_charge",)
    assert [s.discretionary for s in d.steps] == [False, True]
    assert "必要时可报分管副县长签发" in d.explain()
    assert d.to_dict()["escalation"] == ["deputy_head_in_charge"]


# ---------------------------------------------------------------------------- alternatives


def test_alternatives_are_listed_and_answered_by_path(rs: Ruleset) -> None:
    doc = Document(issuer="government", kind="notice", skips_level=False)
    d = rs.who_must_sign(doc)
    assert d.signers == ("head",) and d.path is None
    ((name, label, steps, rule),) = d.alternatives
    assert (name, label, rule.id) == ("urgent", "时间紧急等特殊情况", "sign.government")
    assert [s.roles for s in steps] == [("executive_deputy_head",)]
    urgent = rs.who_must_sign(doc, path="urgent")
    assert urgent.signers == ("executive_deputy_head",) and urgent.path == "urgent"
    assert "（时间紧急等特殊情况）" in urgent.explain()
    with pytest.raises(NoApplicableRule, match="no path 'slow'"):
        rs.who_must_sign(doc, path="slow")


# ---------------------------------------------------------------------------- absence


def test_absence_path_of_the_rule(rs: Ruleset) -> None:
    doc = Document(issuer="government", kind="notice", skips_level=False)
    d = rs.who_must_sign(doc, absent={"head"})
    assert d.signers == ("executive_deputy_head",)
    assert d.absent == ("head",) and d.absence is not None and d.absence.text == "县长外出时，由常务副县长签发。"
    assert rs.who_must_sign(doc, absent={"縣長"}).signers == ("executive_deputy_head",)
    # Someone who takes no part in the procedure being away changes nothing.
    assert rs.who_must_sign(doc, absent={"secretary_general"}) == rs.who_must_sign(doc)


def test_absence_through_a_scoped_substitution(rs: Ruleset) -> None:
    doc = Document(issuer="office", kind="notice", skips_level=False)
    d = rs.who_must_sign(doc, absent=["office_director"])
    assert d.signers == ("secretary_general",)
    assert d.absence is not None and d.absence.id == "sub.director"


def test_absence_with_no_one_named_is_no_answer(rs: Ruleset) -> None:
    # On the urgent path only the executive deputy signs; the AB rule names no one else who is present.
    doc = Document(issuer="government", kind="notice", skips_level=False)
    with pytest.raises(NoApplicableRule, match="needs executive_deputy_head to sign, who is away"):
        rs.who_must_sign(doc, path="urgent", absent={"executive_deputy_head"})
    with pytest.raises(NoApplicableRule, match="does not say who acts instead"):
        rs.who_must_approve(
            Document(issuer="lower_government", recipient="government", kind="request"), absent={"head"}
        )


def test_absence_keeps_the_remaining_signers(rs: Ruleset) -> None:
    # Minutes are signed by any deputy head; the AB rule for deputy heads names the executive deputy.
    d = rs.who_must_sign(Document(kind="minutes", meeting="topical"), absent={"deputy_head"})
    assert d.signers == ("executive_deputy_head",) and d.absence is not None and d.absence.id == "sub.deputies"


def test_stand_in(rs: Ruleset) -> None:
    a = rs.stand_in("office_director", rule="sign.office")
    assert a.roles == ("secretary_general",) and a.rule.id == "sub.director" and a.scope == ("sign.office",)
    # The AB rule for deputy heads applies to the executive deputy (is_a).
    b = rs.stand_in("常务副县长")
    assert b.rule.id == "sub.deputies"
    with pytest.raises(NoApplicableRule):
        rs.stand_in("head")
    with pytest.raises(UnknownTerm):
        rs.stand_in("head", rule="sign.nothing")
    assert "由秘书长代行" in a.explain()


def test_applies_to_must_name_a_signing_rule_or_cite() -> None:
    text = _with(COUNTY, "applies_to: [sign.office]", "applies_to: [sign.nowhere]")
    with pytest.raises(RulesetError, match=r"applies_to .sign\.nowhere."):
        loader.parse_text(text, "county.yaml")


# ---------------------------------------------------------------------------- approval


def test_who_must_approve_reads_only_approve_tables(rs: Ruleset) -> None:
    doc = Document(issuer="部门", recipient="县政府", kind="请示")
    d = rs.who_must_approve(doc)
    assert d.signers == ("deputy_head_in_charge",) and d.rule.id == "approve.department"
    assert d.purpose == "approve" and d.table == "approve"
    with pytest.raises(NoApplicableRule, match="signing rule"):
        rs.who_must_sign(Document(issuer="department", recipient="government", kind="request", skips_level=False))


def test_approval_prohibitions(rs: Ruleset) -> None:
    d = rs.who_must_approve(Document(issuer="department", recipient="government_leader", kind="report"))
    assert d.forbidden and d.rule.id == "approve.no_leader_direct"
    assert d.explain() == "不允许：部门不得直接向县政府领导同志报送公文。依据《示例县人民政府工作规则》三十二"
    d2 = rs.who_must_approve(
        Document(issuer="department", recipient="government", kind="批转", within_department_authority=True)
    )
    assert d2.forbidden and d2.rule.id == "approve.no_transmittal"
    with pytest.raises(MissingFact) as err:
        rs.who_must_approve(Document(issuer="department", recipient="government", kind="transmittal"))
    assert err.value.missing == ("within_department_authority",)


def test_see_adopts_the_referenced_procedure(rs: Ruleset) -> None:
    d = rs.who_must_approve(Document(issuer="开发区管委会", kind="request"))
    assert d.rule.id == "approve.zone" and d.see is not None and d.see.id == "approve.department"
    assert d.signers == ("deputy_head_in_charge",)
    assert "按《示例县人民政府工作规则》三十一程序办理" in d.explain()


def test_see_must_name_a_signing_rule() -> None:
    text = _with(COUNTY, "see: approve.department", "see: approve.departmnt")
    with pytest.raises(RulesetError, match=r"是否要写 .approve\.department."):
        loader.parse_text(text, "county.yaml")


# ---------------------------------------------------------------------------- meeting approval


def test_who_must_approve_meeting(rs: Ruleset) -> None:
    with pytest.raises(MissingFact) as err:
        rs.who_must_approve_meeting(MeetingRequest(convened_by="department", scope="全县性会议", half_days=1))
    assert err.value.missing == ("in_name_of",)
    d = rs.who_must_approve_meeting(
        {"convened_by": "department", "in_name_of": "office", "scope": "jurisdiction_wide", "half_days": 1}
    )
    assert d.signers == ("head",) and d.rule.id == "meeting.county_wide" and d.purpose == "meeting"
    no = rs.who_must_approve_meeting({"convened_by": "部门", "in_name_of": "县政府"})
    assert no.forbidden and no.rule.id == "meeting.not_in_government_name"
    with pytest.raises(NoApplicableRule):
        rs.who_must_approve_meeting(
            {"convened_by": "department", "in_name_of": "office", "scope": "jurisdiction_wide", "half_days": 2}
        )


def test_meeting_table_conditions_are_checked_against_request_fields() -> None:
    text = _with(COUNTY, "when: {scope: jurisdiction_wide, half_days: {lte: 1}}", "when: {kind: request}")
    with pytest.raises(RulesetError, match="未知的字段 'kind'"):
        loader.parse_text(text, "county.yaml")


# ---------------------------------------------------------------------------- answers are immutable


def test_answers_are_deeply_immutable(rs: Ruleset) -> None:
    d = rs.who_must_sign(Document(issuer="government", kind="notice", skips_level=False))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.signers = ()  # type: ignore[misc]
    assert isinstance(d.alternatives, tuple) and isinstance(d.alternatives[0].steps, tuple)
    assert not isinstance(d.labels, dict)
    with pytest.raises(TypeError):
        d.labels["head"] = "x"  # type: ignore[index]
    assert isinstance(rs.roles, types.MappingProxyType) or not isinstance(rs.roles, dict)


# ---------------------------------------------------------------------------- bundled rulesets


@pytest.mark.parametrize("name", ["chongqing", "ezhou", "rizhao", "wuhai_hainan"])
def test_bundled_rulesets_load_and_answer_without_format_2_arguments(name: str) -> None:
    rs = govrule.load(name)
    doc = Document(issuer="government", kind="request", recipient="higher_government")
    try:
        plain = rs.who_must_sign(doc)
    except NoApplicableRule:
        return
    assert plain.path is None and plain.absent == ()
    assert plain.signers or plain.forbidden


# ---------------------------------------------------------------------------- fixtures


def test_fixture_cases_use_absent_path_stand_in_and_the_new_expectations(tmp_path: Path) -> None:
    (tmp_path / "county.yaml").write_text(COUNTY, encoding="utf-8")
    fixture = tmp_path / "county.cases.yaml"
    fixture.write_text(
        """
ruleset: county.yaml
cases:
  - name: 越级行文不允许
    query: who_must_sign
    input: {issuer: government, kind: request, skips_level: true}
    expect: {forbidden: true, signers: [], rule: 三十二}
  - name: 办公室发文必要时报分管副县长
    query: who_must_sign
    input: {issuer: office, kind: notice, skips_level: false}
    expect: {signers: [office_director], escalation: [deputy_head_in_charge]}
  - name: 县长外出
    query: who_must_sign
    input: {issuer: government, kind: notice, skips_level: false, absent: [head]}
    expect: {signers: [executive_deputy_head], alternatives: [urgent]}
  - name: 紧急
    query: who_must_sign
    input: {issuer: government, kind: notice, skips_level: false, path: urgent}
    expect: {signers: [executive_deputy_head], steps: [sign]}
  - name: 开发区请示
    query: who_must_approve
    input: {issuer: 开发区管委会, kind: 请示}
    expect: {signers: [deputy_head_in_charge], rule: approve.zone}
  - name: 全县性会议
    query: who_must_approve_meeting
    input: {convened_by: department, in_name_of: office, scope: jurisdiction_wide, half_days: 1}
    expect: {signers: [head], rule: meeting.county_wide}
  - name: 办公室主任不在
    query: stand_in
    input: {role: office_director, rule: sign.office}
    expect: {roles: [secretary_general], kind: proxy, rule: sub.director}
  - name: a wrong expectation fails
    query: who_must_sign
    input: {issuer: government, kind: notice, skips_level: false}
    expect: {alternatives: [slow]}
""",
        encoding="utf-8",
    )
    results = run_file(fixture)
    assert [r.passed for r in results] == [True] * 7 + [False]
    assert "alternatives：应为 ['slow']，实际为 ['urgent']" in results[-1].differences[0]


def test_substitution_scoped_by_article_and_the_more_specific_role_first() -> None:
    text = _with(COUNTY, "applies_to: [sign.office]", "applies_to: [第三十六条]")
    text = text.replace(
        "substitutions:\n",
        """substitutions:
  - id: sub.director_general
    cite: 四十一
    text: 办公室主任不在时，由副秘书长代行其职责。
    kind: proxy
    role: office_director
    substitutes: [deputy_secretary_general]
""",
        1,
    )
    text = text.replace(
        "  secretary_general: {label: 秘书长}\n",
        "  secretary_general: {label: 秘书长}\n  deputy_secretary_general: {label: 副秘书长}\n",
        1,
    )
    rs = Ruleset(loader.parse_text(text, "county.yaml").spec)
    office = Document(issuer="office", kind="notice", skips_level=False)
    # The substitution scoped to 第三十六条 (the office rule's article) wins over the general one.
    assert rs.who_must_sign(office, absent={"office_director"}).signers == ("secretary_general",)
    # For another rule only the general one applies.
    gov = Document(issuer="government", kind="notice", skips_level=False)
    assert rs.who_must_sign(gov, absent={"office_director"}).steps[0].roles == ("deputy_secretary_general",)
    answer = rs.stand_in("office_director")
    assert answer.rule.id == "sub.director_general" and [o.rule.id for o in answer.others] == ["sub.director"]
    assert rs.stand_in("office_director", rule="sign.office").rule.id == "sub.director"


def test_see_loops_are_validate_errors() -> None:
    text = _with(COUNTY, "see: approve.department", "see: approve.zone")
    with pytest.raises(RulesetError, match=r"see: 形成循环（approve\.zone -> approve\.zone）"):
        loader.parse_text(text, "county.yaml")
    looped = _with(
        COUNTY,
        "        steps:\n          - {action: approve, roles: [head]}\n  - id: meetings",
        "        see: approve.zone\n  - id: meetings",
    )
    looped = _with(looped, "see: approve.department", "see: approve.lower_government")
    with pytest.raises(RulesetError, match=r"approve\.zone -> approve\.lower_government -> approve\.zone"):
        loader.parse_text(looped, "county.yaml")
