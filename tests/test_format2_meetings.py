"""Format 2, meetings side: competence, frequency ranges, leave, evaluated requirements, quorum
over a subset, quotas, coverage not_encoded, counting words, rest-day deadlines, labels, and
composition (supplement citations, status notices, agenda precedence)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import textwrap
from pathlib import Path

import pytest

import govrule
from govrule import loader
from govrule.engine import MissingFact, Ruleset
from govrule.testing.fixtures import run_file

ROOT = Path(__file__).resolve().parents[1]

HEADER = """
format: {format}
id: {id}
kind: {kind}
meta:
  title: {title}
  number: {number}
  jurisdiction: 测试县
  level: county
  published: 2020-01-10
  effective: 2020-01-10
  status: {status}
  source: test.txt
{extra_meta}
roles:
  head: {{label: 县长, aliases: [縣長]}}
  executive_deputy_head: {{label: 常务副县长, aliases: [常務副縣長], is_a: [deputy_head]}}
  deputy_head: {{label: 副县长, aliases: [副縣長]}}
  secretary_general: {{label: 办公室主任}}
  meeting_chair: {{label: 会议主持人, kind: relational}}
  department_head: {{label: 县政府各部门主要负责人, aliases: [县政府各部門主要負責人]}}
meetings:
  plenary:
    id: meeting.plenary
    cite: 十
    text: 县政府全体会议由县长、副县长和各部门主要负责人组成。
    label: 县政府全体会议
    aliases: [全体会议]
    members: [head, deputy_head, department_head]
  executive:
    id: meeting.executive
    cite: 十一
    text: 县政府常务会议由县长、副县长组成，一般每月召开1至2次，须有半数以上的副县长到会方能召开。
    label: 县政府常务会议
    aliases: [常务会议]
    members: [head, deputy_head]
    frequency: {{id: meeting.executive.frequency, cite: 十一, text: 一般每月召开1至2次。,
                every: 1, unit: months, times: 1, times_max: 2, typically: true}}
    quorum: {{id: meeting.executive.quorum, cite: 十一, text: 须有半数以上的副县长到会方能召开。,
             at_least: 1/2, of: [deputy_head]}}
  head_office:
    id: meeting.head_office
    cite: 十二
    text: 县长办公会议由县长召集。
    label: 县长办公会议
    convener: [head]
"""


def make(
    body: str = "",
    *,
    id: str = "t",
    kind: str = "base",
    number: str = "测政发〔2020〕1号",
    title: str = "测试县人民政府工作规则",
    status: str = "in_force",
    extra_meta: str = "",
    format: int = 2,
) -> Ruleset:
    text = HEADER.format(
        id=id, kind=kind, number=number, title=title, status=status, extra_meta=extra_meta, format=format
    ) + textwrap.dedent(body)
    return Ruleset(loader.parse_text(text, f"{id}.yaml").spec)


def problems(body: str, **kw: object) -> list[str]:
    text = HEADER.format(
        id="t",
        kind="base",
        number="测政发〔2020〕1号",
        title="测试县人民政府工作规则",
        status="in_force",
        extra_meta="",
        format=kw.get("format", 2),
    ) + textwrap.dedent(body)
    with pytest.raises(govrule.RulesetError) as info:
        loader.parse_text(text, "t.yaml")
    return [f"{p.path}: {p.message}" for p in info.value.problems]


COMPETENCE = """
competence:
  - id: competence.major
    cite: 二十四
    text: 政府工作中的重大事项，必须经县政府全体会议或常务会议讨论决定。
    matters: {kind: [major_decision, normative_document]}
    documents: {kind: normative_document}
    meetings: [plenary, executive]
"""

AGENDA = """
agenda:
  - id: agenda.consulted
    cite: 十四
    text: 凡事先未经协商的议题，不予安排。
    meetings: [executive, head_office]
    when: {involves_other_departments: true}
    require: {consulted: true}
    message: 议题涉及其他部门，须事先协商
  - id: agenda.materials_lead
    cite: 十五
    text: 会议材料须提前一周送办公室主任。
    meetings: [executive]
    severity: requirement
    require: {materials_submitted: {on_or_before_deadline: agenda_materials_submission}}
    message: 会议材料须于会前一周送办公室主任
  - id: agenda.deputy_opinion
    cite: 十六
    text: 副县长提出的议题，须由副县长签署意见。
    meetings: [executive]
    when: {proposed_by: deputy_head}
    require: {reviewed_by_leader_in_charge: true}
    message: 副县长提出的议题须签署意见
deadlines:
  - id: deadline.materials
    cite: 十五
    text: 会议材料须提前一周送办公室主任。
    event: agenda_materials_submission
    amount: 7
    unit: calendar_days
    back: true
"""


# ------------------------------------------------------------------ format 2 marker


def test_format_1_file_using_a_format_2_construct_is_refused_at_the_key() -> None:
    found = problems(COMPETENCE, format=1)
    assert any(p.startswith("competence: 'competence' 是格式 2 的写法") for p in found), found
    assert any("meetings.executive.quorum.of" in p for p in found), found
    assert any("meetings.executive.frequency.times_max" in p for p in found), found
    assert any("roles.executive_deputy_head.is_a" in p for p in found), found


def test_format_2_file_loads_and_format_1_files_load_unchanged() -> None:
    assert make(COMPETENCE).spec.format == 2
    for rid in govrule.bundled():
        assert govrule.load(rid).spec.format in (1, 2)
    assert govrule.validate(ROOT / "examples" / "minimal.yaml") == ()


# ------------------------------------------------------------------ frequency ranges


def test_frequency_range_is_answered_and_read_only() -> None:
    m = make().meeting("常务会议")
    assert m.frequency == {
        "every": 1,
        "unit": "months",
        "times": 1,
        "times_max": 2,
        "as_needed": False,
        "typically": True,
    }
    with pytest.raises(TypeError):
        m.frequency["times"] = 3  # type: ignore[index]
    assert m.to_dict()["frequency"]["times_max"] == 2
    assert make().meeting("executive").frequency is not make().meeting("executive").frequency


def test_times_written_as_a_range_says_what_to_write() -> None:
    body = "\n"
    text = HEADER.replace("times: 1, times_max: 2", "times: 1-2")
    with pytest.raises(govrule.RulesetError) as info:
        loader.parse_text(
            text.format(id="t", kind="base", number="x", title="t", status="in_force", extra_meta="", format=2) + body,
            "t.yaml",
        )
    message = str(info.value)
    assert "times: 1" in message and "times_max: 2" in message


def test_times_max_below_times_is_refused() -> None:
    text = HEADER.replace("times: 1, times_max: 2", "times: 3, times_max: 2")
    with pytest.raises(govrule.RulesetError, match="times_max"):
        loader.parse_text(
            text.format(id="t", kind="base", number="x", title="t", status="in_force", extra_meta="", format=2),
            "t.yaml",
        )


# ------------------------------------------------------------------ competence


def test_competence_refuses_a_major_decision_at_the_head_office_meeting() -> None:
    rs = make(COMPETENCE + AGENDA)
    a = rs.check_agenda({"kind": "major_decision", "involves_other_departments": False}, meeting="县长办公会议")
    assert not a.eligible
    assert [f.rule.id for f in a.failures] == ["competence.major"]
    assert a.failures[0].citation == "二十四"
    assert "县政府全体会议或县政府常务会议" in a.failures[0].message and "县长办公会议" in a.failures[0].message
    assert "二十四" in a.explain()


def test_competence_admits_the_listed_meetings() -> None:
    rs = make(COMPETENCE + AGENDA)
    a = rs.check_agenda(
        {"kind": "major_decision", "involves_other_departments": False, "proposed_by": "head"}, meeting="executive"
    )
    assert a.eligible and not a.failures


def test_competence_on_an_unknown_kind_bars_and_names_the_fact() -> None:
    rs = make(COMPETENCE + AGENDA)
    a = rs.check_agenda({"involves_other_departments": False}, meeting="head_office")
    assert not a.eligible
    assert a.failures[0].rule.id == "competence.major" and a.failures[0].missing == ("kind",)
    other = rs.check_agenda({"kind": "report", "involves_other_departments": False}, meeting="head_office")
    assert other.eligible


SIGN_BY_MEETING = """
signing:
  - id: signing
    hit_policy: first
    rules:
      - id: sign.normative.plenary
        cite: 三十
        text: 经全体会议决定的规范性文件，由县长签发。
        when: {kind: normative_document, decided_by: plenary}
        steps: [{action: sign, roles: [head]}]
      - id: sign.normative
        cite: 三十
        text: 其他规范性文件，由常务副县长签发。
        when: {kind: normative_document}
        steps: [{action: sign, roles: [executive_deputy_head]}]
      - id: sign.report
        cite: 三十一
        text: 报告由县长签发。
        when: {kind: report}
        steps: [{action: sign, roles: [head]}]
"""


def test_who_must_sign_asks_for_decided_by_where_the_deciding_meeting_decides_the_signer() -> None:
    rs = make(COMPETENCE + SIGN_BY_MEETING)
    with pytest.raises(MissingFact) as info:
        rs.who_must_sign({"issuer": "government", "kind": "normative_document"})
    assert info.value.missing == ("decided_by",) and info.value.rule.id == "competence.major"
    assert rs.who_must_sign({"kind": "normative_document", "decided_by": "plenary"}).signers == ("head",)
    plain = rs.who_must_sign({"kind": "normative_document", "decided_by": "executive"})
    assert plain.signers == ("executive_deputy_head",) and plain.requirements == ()


def test_who_must_sign_flags_a_meeting_not_entitled_to_decide() -> None:
    rs = make(COMPETENCE + SIGN_BY_MEETING)
    d = rs.who_must_sign({"kind": "normative_document", "decided_by": "县长办公会议"})
    assert d.signers == ("executive_deputy_head",)
    assert [(f.rule.id, f.status) for f in d.requirements] == [("competence.major", "unmet")]
    assert "不能由县长办公会议决定" in d.explain()
    assert d.to_dict()["requirements"][0]["status"] == "unmet"
    assert rs.who_must_sign({"kind": "report"}).requirements == ()


def test_who_must_sign_notes_an_undecided_document_when_the_signer_does_not_depend_on_it() -> None:
    body = COMPETENCE + SIGN_BY_MEETING.replace("decided_by: plenary", "decided_by: head_office")
    rs = make(body)
    d = rs.who_must_sign({"kind": "normative_document"})
    assert d.signers == ("executive_deputy_head",)
    assert [(f.rule.id, f.status, f.missing) for f in d.requirements] == [
        ("competence.major", "unknown", ("decided_by",))
    ]


# ------------------------------------------------------------------ evaluated requirements


@pytest.mark.parametrize(
    ("submitted", "status"),
    [(dt.date(2024, 5, 10), "met"), (dt.date(2024, 5, 13), "met"), (dt.date(2024, 5, 14), "unmet")],
)
def test_lead_time_requirement_is_evaluated(submitted: dt.date, status: str) -> None:
    rs = make(AGENDA)
    a = rs.check_agenda(
        {"involves_other_departments": False, "materials_submitted": submitted, "proposed_by": "head"},
        "executive",
        dt.date(2024, 5, 20),
    )
    (req,) = a.requirements
    assert req.rule.id == "agenda.materials_lead" and req.status == status
    assert a.eligible  # a requirement never bars the item
    assert {"met": "已满足", "unmet": "未满足"}[status] in a.explain()


def test_requirement_without_the_facts_is_unknown_never_passed() -> None:
    rs = make(AGENDA)
    a = rs.check_agenda({"involves_other_departments": False, "proposed_by": "head"}, "executive", dt.date(2024, 5, 20))
    (req,) = a.requirements
    assert req.status == "unknown" and req.missing == ("materials_submitted",)
    b = rs.check_agenda({"involves_other_departments": False, "materials_submitted": "2024-05-01"}, "executive")
    assert b.requirements[0].status == "unknown" and b.requirements[0].missing == ("meeting_date",)
    assert "无法判断" in b.explain()
    assert b.to_dict()["requirements"][0]["status"] == "unknown"


def test_a_fixture_case_may_check_requirement_statuses(tmp_path: Path) -> None:
    rs_file = tmp_path / "county.yaml"
    rs_file.write_text(
        HEADER.format(id="county", kind="base", number="x", title="t", status="in_force", extra_meta="", format=2)
        + textwrap.dedent(AGENDA),
        encoding="utf-8",
    )
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        f"""ruleset: {rs_file}
cases:
  - name: 材料按时送达
    query: check_agenda
    input: {{meeting: executive, meeting_date: 2024-05-20,
            item: {{involves_other_departments: false, materials_submitted: 2024-05-10, proposed_by: head}}}}
    expect: {{eligible: true, requirements: [{{rule: agenda.materials_lead, status: met}}]}}
  - name: 状态写错
    query: check_agenda
    input: {{meeting: executive, meeting_date: 2024-05-20,
            item: {{involves_other_departments: false, materials_submitted: 2024-05-10}}}}
    expect: {{requirements: [{{rule: 十五, status: unmet}}]}}
  - name: 每月召开1至2次
    query: meeting
    input: {{meeting: 常务会议}}
    expect: {{frequency: 每月1至2次}}
  - name: 频次写成字典
    query: meeting
    input: {{meeting: executive}}
    expect: {{frequency: {{every: 1, unit: months, times: 1, times_max: 2}}}}
""",
        encoding="utf-8",
    )
    met, wrong, spelled, mapping = run_file(fixture)
    assert met.passed, met.differences
    assert not wrong.passed and "requirements" in wrong.differences[0]
    assert spelled.passed, spelled.differences
    assert mapping.passed, mapping.differences


# ------------------------------------------------------------------ role hierarchy and labels in agenda checks


def test_agenda_condition_on_a_role_applies_to_roles_that_are_a_case_of_it() -> None:
    rs = make(AGENDA)
    item = {"involves_other_departments": False, "reviewed_by_leader_in_charge": False}
    for proposer in ("deputy_head", "executive_deputy_head", "常務副縣長"):
        a = rs.check_agenda({**item, "proposed_by": proposer}, "executive")
        assert [f.rule.id for f in a.failures] == ["agenda.deputy_opinion"], proposer
    assert rs.check_agenda({**item, "proposed_by": "縣長"}, "常務會議").eligible


def test_unknown_labels_raise_unknown_term_listing_the_defined_words() -> None:
    rs = make(AGENDA)
    with pytest.raises(govrule.UnknownTerm, match="executive"):
        rs.check_agenda({}, "党组会议")
    with pytest.raises(govrule.UnknownTerm, match="deputy_head"):
        rs.check_agenda({"proposed_by": "副省长"}, "executive")
    with pytest.raises(govrule.UnknownTerm, match="agenda_materials_submission"):
        rs.deadline("没有的事件", dt.date(2024, 5, 20))


# ------------------------------------------------------------------ quorum over a subset


def test_quorum_counts_within_its_subset() -> None:
    rs = make()
    assert rs.meeting("executive").quorum_of == ("deputy_head",)
    assert rs.quorum_met("常務會議", present=2, total=4)  # 半数以上 includes half
    assert not rs.quorum_met("常务会议", present=1, total=4)
    assert rs.meeting("executive").to_dict()["quorum_of"] == ["deputy_head"]


def test_counting_words_half_or_more_includes_half_in_the_example() -> None:
    rs = govrule.load(str(ROOT / "examples" / "minimal.yaml"))
    assert rs.quorum_met("executive", present=5, total=10)
    assert not rs.quorum_met("executive", present=4, total=10)


def test_undefined_subset_role_is_a_located_problem() -> None:
    body = "\n"
    text = HEADER.replace("of: [deputy_head]", "of: [vice_mayor]")
    with pytest.raises(govrule.RulesetError, match="未定义的角色 'vice_mayor'"):
        loader.parse_text(
            text.format(id="t", kind="base", number="x", title="t", status="in_force", extra_meta="", format=2) + body,
            "t.yaml",
        )


# ------------------------------------------------------------------ quotas

QUOTAS = """
quotas:
  - id: quota.research
    cite: 四十
    text: 副县长每年深入基层调研不少于60天。
    roles: [deputy_head]
    subject: 深入基层调研
    bound: at_least
    amount: 60
    unit: days
    per: year
  - id: quota.meetings
    cite: 四十一
    text: 县长每月召开专题会议不超过4次。
    roles: [head]
    subject: 召开专题会议
    bound: at_most
    amount: 4
    unit: times
    per: month
"""


def test_quotas_are_queryable_and_immutable() -> None:
    rs = make(QUOTAS)
    all_quotas = rs.quotas()
    assert [q.rule.id for q in all_quotas] == ["quota.research", "quota.meetings"]
    research = rs.quotas("副縣長")
    assert [(q.bound, q.amount, q.unit, q.per) for q in research] == [("at_least", 60, "days", "year")]
    assert rs.quotas("常务副县长") == research  # through is_a
    assert rs.quotas("head")[0].rule.id == "quota.meetings"
    assert "不少于60天" in research[0].explain() and "四十" in research[0].explain()
    with pytest.raises(dataclasses.FrozenInstanceError):
        research[0].amount = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(research[0])) == research[0]
    with pytest.raises(govrule.UnknownTerm):
        rs.quotas("省长")


def test_a_quota_for_the_narrower_role_displaces_the_broader_one_on_the_same_subject() -> None:
    own = """
  - id: quota.research.executive
    cite: 四十
    text: 常务副县长每年深入基层调研不少于40天。
    roles: [executive_deputy_head]
    subject: 深入基层调研
    bound: at_least
    amount: 40
    unit: days
    per: year
"""
    rs = make(QUOTAS + own)
    assert [q.rule.id for q in rs.quotas("executive_deputy_head")] == ["quota.research.executive"]
    assert [q.rule.id for q in rs.quotas("deputy_head")] == ["quota.research"]


def test_quota_bounds_follow_the_counting_words() -> None:
    rs = make(QUOTAS.replace("bound: at_most", "bound: less_than"))
    assert rs.quotas("head")[0].bound == "less_than"
    assert "少于4次" in rs.quotas("head")[0].explain()


# ------------------------------------------------------------------ coverage not_encoded


def test_not_encoded_needs_a_reason() -> None:
    covered = "".join(
        f"  - {{article: {a}, status: encoded, rules: [{r}]}}\n"
        for a, r in (
            ("十", "meeting.plenary"),
            ("十一", "meeting.executive, meeting.executive.frequency, meeting.executive.quorum"),
            ("十二", "meeting.head_office"),
        )
    )
    found = problems("coverage:\n" + covered + "  - {article: 第九条, status: not_encoded}\n")
    assert any("reason" in p for p in found), found
    ok = make("coverage:\n" + covered + "  - {article: 第九条, status: not_encoded, reason: 事后备案无可用的结构}\n")
    assert ok.spec.coverage[-1].reason
    old = problems("coverage:\n" + covered + "  - {article: 第九条, status: not_encoded, reason: x}\n", format=1)
    assert any("not_encoded 是格式 2 的写法" in p for p in old), old


# ------------------------------------------------------------------ leave

LEAVE = """
leave:
  - id: leave.meeting.deputies
    cite: 二十
    text: 副县长、办公室主任不能出席常务会议的，向县长请假。
    roles: [deputy_head, secretary_general]
    occasion: meeting_absence
    meetings: [executive]
    approvers: [head]
  - id: leave.meeting.plenary
    cite: 二十一
    text: 全体会议组成人员不能出席的，向分管副县长或会议主持人请假。
    roles: [deputy_head, department_head]
    occasion: meeting_absence
    meetings: [plenary]
    approvers: [deputy_head, meeting_chair]
    approvers_mode: any
  - id: leave.travel.deputies
    cite: 二十二
    text: 副县长外出，须向县长报告。
    role: deputy_head
    occasion: travel
    approvers: [head]
  - id: leave.travel.executive
    cite: 二十二
    text: 常务副县长外出，须向县长和县委书记报告。
    role: executive_deputy_head
    occasion: travel
    approvers: [head, secretary_general]
    approvers_mode: all
"""


def test_leave_rule_for_several_roles_and_limited_to_meetings() -> None:
    rs = make(LEAVE)
    a = rs.leave_approver("县政府各部門主要負責人", occasion="meeting_absence", meeting="全体会议")
    assert a.role == "department_head" and a.roles == ("deputy_head", "meeting_chair") and a.mode == "any"
    assert a.meetings == ("plenary",) and "向其中一人请假即可" in a.explain()
    with pytest.raises(govrule.NoApplicableRule):
        rs.leave_approver("department_head", occasion="meeting_absence", meeting="executive")
    assert rs.leave_approver("secretary_general", meeting="常务会议").rule.id == "leave.meeting.deputies"
    d = rs.leave_approver("deputy_head", occasion="meeting_absence", meeting="plenary")
    assert d.rule.id == "leave.meeting.plenary"


def test_leave_rule_for_a_broader_role_answers_unless_a_narrower_one_exists() -> None:
    rs = make(LEAVE)
    inherited = rs.leave_approver("常務副縣長", occasion="meeting_absence", meeting="executive")
    assert inherited.rule.id == "leave.meeting.deputies"
    assert inherited.role == "executive_deputy_head" and inherited.for_role == "deputy_head"
    own = rs.leave_approver("executive_deputy_head", occasion="travel")
    assert own.rule.id == "leave.travel.executive" and own.mode == "all" and own.for_role is None
    assert rs.leave_approver("deputy_head", occasion="travel").rule.id == "leave.travel.deputies"
    assert own.to_dict()["mode"] == "all"


def test_leave_rule_with_both_role_and_roles_is_refused() -> None:
    found = problems(
        """
leave:
  - {id: l, cite: 一, text: 文, role: head, roles: [deputy_head], approvers: [head]}
"""
    )
    assert any("role" in p and "roles" in p for p in found), found


# ------------------------------------------------------------------ deadlines on rest days

DEADLINES = """
events:
  filing: 规范性文件备案
deadlines:
  - id: deadline.validity
    cite: 十九
    text: 规范性文件有效期为5年。
    event: normative_document_validity
    amount: 5
    unit: years
    bound: at_most
  - id: deadline.filing
    cite: 二十
    text: 规范性文件自公布之日起30日内报送备案；期限届满的最后一日是法定休假日的，以休假日结束的次日为最后一日。
    event: filing
    amount: 30
    unit: calendar_days
    rest_day: next_workday
  - id: deadline.minutes
    cite: 二十一
    text: 会议纪要5个工作日内印发。
    event: meeting_documents_issuance
    amount: 5
    unit: working_days
"""


def test_calendar_period_ending_on_a_rest_day_says_so_and_keeps_the_day() -> None:
    d = make(DEADLINES).deadline("normative_document_validity", dt.date(2020, 3, 1))
    assert d.due == dt.date(2025, 3, 1)  # a Saturday: kept, as the contract's shared case says
    assert d.ends_on_rest_day and d.rest_day == "keep" and d.unmoved is None
    assert "休息日" in d.explain() and d.to_dict()["ends_on_rest_day"] is True


def test_rest_day_next_workday_moves_the_due_date() -> None:
    d = make(DEADLINES).deadline("规范性文件备案", dt.date(2024, 9, 1))  # +30 days = 2024-10-01, 国庆
    assert d.event == "filing"
    assert d.unmoved == dt.date(2024, 10, 1) and d.due == dt.date(2024, 10, 8)
    assert d.ends_on_rest_day and "顺延" in d.explain()


def test_working_day_periods_never_end_on_a_rest_day() -> None:
    d = make(DEADLINES).deadline("会议文件印发", dt.date(2024, 9, 27))
    assert d.event == "meeting_documents_issuance" and d.due == dt.date(2024, 10, 10)
    assert not d.ends_on_rest_day and "休息日" not in d.explain()


# ------------------------------------------------------------------ composition

SUPPLEMENT_META = """
  supplements: {number: 测政发〔2020〕1号, title: 测试县人民政府工作规则}
  precedence: {id: precedence, cite: 十五, text: 与本规定不一致的，以本规定为准。}
"""


def _base() -> Ruleset:
    return make(AGENDA + SIGN_BY_MEETING)


def _supplement(status: str = "in_force", overrides: str = "[agenda.consulted]") -> Ruleset:
    body = f"""
agenda:
  - id: agenda.supplement.consulted
    cite: 三
    text: 涉及其他部门的议题，须经协商一致或附协调说明。
    meetings: [executive]
    when: {{involves_other_departments: true}}
    require: {{any: [{{consulted: true}}, {{coordination_note: true}}]}}
    message: 议题须经协商或附协调说明
    overrides: {overrides}
signing:
  - id: supplement.signing
    hit_policy: first
    rules:
      - id: sign.supplement.report
        cite: 四
        text: 报告经常务副县长审核后报县长签发。
        when: {{kind: report}}
        steps: [{{action: review, roles: [executive_deputy_head]}}]
"""
    return make(
        body,
        id="s",
        kind="supplement",
        number="测政办发〔2021〕2号",
        title="测试县人民政府工作规则补充规定",
        status=status,
        extra_meta=SUPPLEMENT_META,
    )


def test_supplement_rules_cite_the_supplement_in_answers_and_records() -> None:
    both = govrule.compose(_base(), _supplement())
    d = both.who_must_sign({"kind": "report"})
    assert d.rule.id == "sign.supplement.report" and d.rule.document == "测试县人民政府工作规则补充规定"
    assert d.also[0].document == "测试县人民政府工作规则"
    assert "《测试县人民政府工作规则补充规定》四" in d.explain()
    record = both.record("who_must_sign", {"kind": "report"}, d)
    assert record["rule_document"] == "测试县人民政府工作规则补充规定"
    base_rule = (
        both.check_agenda(
            {"involves_other_departments": False, "proposed_by": "deputy_head", "reviewed_by_leader_in_charge": False},
            "executive",
        )
        .failures[0]
        .rule
    )
    assert base_rule.id == "agenda.deputy_opinion" and base_rule.document == "测试县人民政府工作规则"


def test_supplement_agenda_rule_that_overrides_replaces_the_base_rule() -> None:
    both = govrule.compose(_base(), _supplement())
    item = {"involves_other_departments": True, "consulted": False, "coordination_note": True, "proposed_by": "head"}
    a = both.check_agenda(item, "executive")
    assert a.eligible, a.explain()
    base_only = _base().check_agenda(item, "executive")
    assert [f.rule.id for f in base_only.failures] == ["agenda.consulted"]
    # The base rule is replaced as a whole: at the head office meeting, which only it spoke to, nothing is left.
    assert _base().check_agenda(item, "head_office").failures
    with pytest.raises(govrule.NoApplicableRule):
        both.check_agenda(item, "head_office")
    refused = both.check_agenda(
        {"involves_other_departments": True, "consulted": False, "proposed_by": "head"}, "executive"
    )
    assert [f.rule.id for f in refused.failures] == ["agenda.supplement.consulted"]


def test_an_abolished_supplement_is_flagged_in_every_composed_answer() -> None:
    both = govrule.compose(_base(), _supplement(status="abolished"))
    assert both.meta.status == "abolished"
    assert dict(both.meta.part_status) == {"测政发〔2020〕1号": "in_force", "测政办发〔2021〕2号": "abolished"}
    notice = "补充规定《测试县人民政府工作规则补充规定》（测政办发〔2021〕2号）已废止"
    sign = both.who_must_sign({"kind": "report"})
    assert notice in sign.rule.warnings and notice in sign.explain()
    base_answer = both.who_must_sign({"kind": "normative_document", "decided_by": "plenary"})
    assert notice in base_answer.explain()
    check = both.check_agenda({"involves_other_departments": False}, "executive")
    assert notice in check.warnings and check.to_dict()["warnings"] == [notice]
    assert notice in both.deadline("agenda_materials_submission", dt.date(2024, 5, 20)).explain()
    assert notice in both.meeting("executive").explain()
    assert both.record("check_agenda", {}, check)["warnings"] == [notice]
    fine = govrule.compose(_base(), _supplement())
    assert fine.meta.status == "in_force" and fine.who_must_sign({"kind": "report"}).rule.warnings == ()


def test_precedence_for_the_base_refuses_supplement_overrides() -> None:
    sup = make(
        """
agenda:
  - {id: agenda.s, cite: 三, text: 文, meetings: [executive], require: {consulted: true}, message: 须协商,
     overrides: [agenda.consulted]}
""",
        id="s",
        kind="supplement",
        number="测政办发〔2021〕2号",
        extra_meta=SUPPLEMENT_META.replace(
            "text: 与本规定不一致的，以本规定为准。", "text: 以原规则为准。, prevails: base"
        ),
    )
    with pytest.raises(govrule.CompositionError, match="base prevails"):
        govrule.compose(_base(), sup)


def test_a_supplement_alone_says_who_signs_is_left_to_its_base() -> None:
    d = _supplement().who_must_sign({"kind": "report"})
    assert d.signers == ()
    assert any("测试县人民政府工作规则" in w for w in d.rule.warnings)
    assert "须与其合并" in d.explain()


def test_composed_rulesets_pickle_with_their_supplement_citations() -> None:
    both = govrule.compose(_base(), _supplement(status="abolished"))
    again = pickle.loads(pickle.dumps(both))
    d = again.who_must_sign({"kind": "report"})
    assert d.rule.document == "测试县人民政府工作规则补充规定" and d.rule.warnings


def test_approval_answers_ask_for_decided_by_from_the_approval_tables() -> None:
    approve = SIGN_BY_MEETING.replace("  - id: signing\n", "  - id: approving\n    purpose: approve\n").replace(
        "action: sign", "action: approve"
    )
    rs = make(COMPETENCE + approve)
    with pytest.raises(MissingFact) as info:
        rs.who_must_approve({"kind": "normative_document"})
    assert info.value.query == "who_must_approve" and info.value.missing == ("decided_by",)
    assert rs.who_must_approve({"kind": "normative_document", "decided_by": "全体会议"}).signers == ("head",)
    with pytest.raises(govrule.NoApplicableRule):
        rs.who_must_sign({"kind": "normative_document", "decided_by": "plenary"})


def test_a_supplement_naming_its_base_by_title_only_does_not_compose() -> None:
    sup = make(
        "",
        id="s",
        kind="supplement",
        number="测政办发〔2021〕2号",
        extra_meta="  supplements: {title: 测试县人民政府工作规则}\n",
    )
    with pytest.raises(govrule.CompositionError, match="文号"):
        govrule.compose(_base(), sup)


def test_a_supplement_alone_says_so_when_no_rule_answers() -> None:
    with pytest.raises(govrule.NoApplicableRule, match="compose it over its base 《测试县人民政府工作规则》"):
        _supplement().deadline("consultation_reply", dt.date(2024, 5, 20))
    with pytest.raises(govrule.NoApplicableRule, match="compose it over its base"):
        _supplement().who_must_sign({"kind": "request"})
    with pytest.raises(govrule.NoApplicableRule) as info:
        _base().who_must_sign({"kind": "request"})
    assert "compose" not in str(info.value)


def test_meetings_side_answers_are_immutable_and_pickle() -> None:
    rs = make(COMPETENCE + AGENDA + LEAVE)
    answers = [
        rs.check_agenda(
            {"involves_other_departments": False, "proposed_by": "head"}, "executive", dt.date(2024, 5, 20)
        ),
        rs.meeting("executive"),
        rs.leave_approver("deputy_head", occasion="travel"),
        make(DEADLINES).deadline("normative_document_validity", dt.date(2020, 3, 1)),
        make(QUOTAS).quotas()[0],
    ]
    for answer in answers:
        again = pickle.loads(pickle.dumps(answer))
        assert again == answer and again.to_dict() == answer.to_dict()
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(answer, dataclasses.fields(answer)[0].name, None)
