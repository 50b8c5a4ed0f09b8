"""Query semantics on small synthetic rulesets: hit policies, unknown facts, relational roles,
agenda findings, deadlines, meetings, leave, as_of, supersession and composition."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

import govrule
from govrule import loader
from govrule.engine import Ruleset

ROOT = Path(__file__).resolve().parents[1]

HEADER = """
id: {id}
kind: {kind}
meta:
  title: 测试市人民政府工作规则
  number: {number}
  jurisdiction: 测试市
  level: city
  published: 2020-01-10
  effective: 2020-01-10
  status: in_force
  source: test.txt
{extra_meta}
roles:
  head: {{label: 市长, aliases: [市長]}}
  executive_deputy_head: {{label: 常务副市长}}
  deputy_head: {{label: 副市长}}
  deputy_head_in_charge: {{label: 分管副市长, kind: relational}}
  secretary_general: {{label: 秘书长, aliases: [秘書長]}}
  office_director: {{label: 办公室主任}}
meetings:
  executive:
    id: meeting.executive
    cite: 十
    text: 常务会议由市长、副市长、秘书长组成，由市长召集和主持。
    label: 常务会议
    members: [head, deputy_head, secretary_general]
    convener: [head]
    chair: [head]
    quorum: {{id: meeting.executive.quorum, cite: 十, text: 组成人员超过半数方能召开。, more_than: 1/2}}
"""


def make(
    body: str, *, id: str = "t", kind: str = "base", number: str = "测政发〔2020〕1号", extra_meta: str = ""
) -> Ruleset:
    text = HEADER.format(id=id, kind=kind, number=number, extra_meta=extra_meta) + textwrap.dedent(body)
    return Ruleset(loader.parse_text(text, f"{id}.yaml").spec)


def rule(rid: str, when: str, signers: str, priority: int | None = None, extra: str = "") -> str:
    pr = f"\n        priority: {priority}" if priority is not None else ""
    return f"""
      - id: {rid}
        cite: 二十
        text: 条文{rid}
        when: {when}{pr}
        steps:{extra}
          - {{action: sign, roles: [{signers}]}}"""


def table(policy: str, *rules: str) -> str:
    return f"""
signing:
  - id: signing
    hit_policy: {policy}
    rules:{"".join(rules)}
"""


DOC = govrule.Document(issuer="government", kind="request", recipient="higher_government")


class TestHitPolicies:
    def test_first_takes_the_first_matching_rule_in_order(self) -> None:
        rs = make(
            table("first", rule("a", "{issuer: government}", "head"), rule("b", "{kind: request}", "secretary_general"))
        )
        assert rs.who_must_sign(DOC).rule.id == "a"

    def test_unique_answers_when_exactly_one_rule_matches(self) -> None:
        rs = make(
            table("unique", rule("a", "{kind: request}", "head"), rule("b", "{kind: report}", "secretary_general"))
        )
        assert rs.who_must_sign(DOC).signers == ("head",)

    def test_unique_with_two_different_matches_is_an_error_naming_both(self) -> None:
        rs = make(
            table(
                "unique", rule("a", "{issuer: government}", "head"), rule("b", "{kind: request}", "secretary_general")
            )
        )
        with pytest.raises(govrule.GovruleError, match=r"a .*b"):
            rs.who_must_sign(DOC)

    def test_priority_takes_the_highest_priority_match(self) -> None:
        rs = make(
            table(
                "priority",
                rule("a", "{issuer: government}", "head", 1),
                rule("b", "{kind: request}", "secretary_general", 5),
            )
        )
        assert rs.who_must_sign(DOC).rule.id == "b"

    def test_no_matching_rule_is_no_applicable_rule(self) -> None:
        rs = make(table("first", rule("a", "{issuer: office}", "head")))
        with pytest.raises(govrule.NoApplicableRule):
            rs.who_must_sign(DOC)

    def test_tables_are_tried_in_order(self) -> None:
        body = (
            table("first", rule("a", "{issuer: office}", "head"))
            + """
  - id: second
    hit_policy: first
    rules:
      - id: b
        cite: 二十一
        text: 其他
        when: {}
        steps: [{action: sign, roles: [secretary_general]}]
"""
        )
        rs = make(body)
        assert rs.who_must_sign(DOC).table == "second"


class TestUnknownFacts:
    def test_a_rule_reading_an_unknown_field_is_not_assumed(self) -> None:
        rs = make(table("first", rule("a", "{recipient: state_council}", "head"), rule("b", "{}", "secretary_general")))
        with pytest.raises(govrule.NoApplicableRule, match="recipient"):
            rs.who_must_sign(govrule.Document(issuer="government", kind="request"))

    def test_missing_fact_names_the_field(self) -> None:
        rs = make(table("first", rule("a", "{recipient: state_council}", "head")))
        with pytest.raises(govrule.MissingFact) as info:
            rs.who_must_sign({"issuer": "government"})
        assert info.value.missing == ("recipient",)


class TestRelationalRoles:
    def test_relational_roles_come_back_as_such_with_portfolios(self) -> None:
        rs = make(
            table(
                "first",
                rule(
                    "two",
                    "{portfolio_count: {gte: 2}}",
                    "head, executive_deputy_head",
                    extra="\n          - {action: cosign, roles: [deputy_head_in_charge]}",
                ),
                rule("one", "{}", "deputy_head_in_charge"),
            )
        )
        one = rs.who_must_sign(
            {"issuer": "government", "kind": "other", "recipient": "subordinate", "portfolios": ["transport"]}
        )
        assert one.signers == ("deputy_head_in_charge",) and one.portfolios == ("transport",)
        two = rs.who_must_sign(
            {
                "issuer": "government",
                "kind": "other",
                "recipient": "subordinate",
                "portfolios": ["transport", "education"],
            }
        )
        assert two.cosigners == ("deputy_head_in_charge",)
        assert set(two.signers) == {"head", "executive_deputy_head"}
        assert [s.action for s in two.steps] == ["cosign", "sign"]
        assert "依据" in two.explain() and "二十" in two.explain()


class TestQueryInputs:
    def test_unknown_document_field_is_a_clear_error(self) -> None:
        rs = make(table("first", rule("a", "{}", "head")))
        with pytest.raises(govrule.QueryError, match=r"unknown document field 'isuer'.*did you mean 'issuer'"):
            rs.who_must_sign({"isuer": "government"})

    def test_value_outside_the_vocabulary_is_a_clear_error(self) -> None:
        with pytest.raises(govrule.QueryError, match="kind='memo'"):
            govrule.Document(kind="memo")

    def test_wrong_type_is_a_clear_error(self) -> None:
        rs = make(table("first", rule("a", "{}", "head")))
        with pytest.raises(govrule.QueryError):
            rs.who_must_sign(["government"])  # type: ignore[arg-type]
        with pytest.raises(govrule.QueryError):
            govrule.Document(major="yes")  # type: ignore[arg-type]

    def test_unknown_meeting_is_unknown_term_listing_the_defined(self) -> None:
        rs = make(table("first", rule("a", "{}", "head")))
        with pytest.raises(govrule.UnknownTerm, match="executive"):
            rs.meeting("plenary")

    def test_labels_resolve_in_either_script(self) -> None:
        rs = make(table("first", rule("a", "{}", "head")))
        assert rs.role("市長") == rs.role("市长") == "head"
        assert rs.meeting_id("常務會議") == "executive"


AGENDA = """
agenda:
  - id: agenda.consulted
    cite: 十一
    text: 凡事先未经协商的议题，不予安排。
    meetings: [executive]
    when: {involves_other_departments: true}
    require: {consulted: true}
    message: 须事先协商
  - id: agenda.materials
    cite: 十二
    text: 议题材料应于会前3个工作日送办公室。
    meetings: [executive]
    require: {materials_submitted: {on_or_before_deadline: agenda_materials_submission}}
    message: 材料须于会前3个工作日报送
  - id: agenda.funding
    cite: 十三
    text: 涉及资金的议题，须先征求财政部门意见。
    meetings: [executive]
    when: {kind: funding}
    severity: requirement
    message: 须先征求财政部门意见
deadlines:
  - id: deadline.materials
    cite: 十二
    text: 议题材料应于会前3个工作日送办公室。
    event: agenda_materials_submission
    amount: 3
    unit: working_days
    back: true
"""


class TestAgenda:
    def test_unknown_fact_makes_the_item_ineligible_and_names_the_fact(self) -> None:
        rs = make(AGENDA)
        a = rs.check_agenda({"involves_other_departments": True}, "executive", dt.date(2024, 5, 20))
        assert not a.eligible
        consulted = next(f for f in a.failures if f.rule.id == "agenda.consulted")
        assert consulted.missing == ("consulted",)
        assert "consulted" in a.to_do

    def test_lead_time_counts_back_on_working_days(self) -> None:
        rs = make(AGENDA)
        # 2024-05-20 (Mon) minus 3 working days: 05-17, 05-16, 05-15.
        ok = rs.check_agenda(
            {"involves_other_departments": False, "materials_submitted": "2024-05-15"},
            "executive",
            dt.date(2024, 5, 20),
        )
        late = rs.check_agenda(
            {"involves_other_departments": False, "materials_submitted": "2024-05-16"},
            "executive",
            dt.date(2024, 5, 20),
        )
        assert ok.eligible and not late.eligible
        assert [f.rule.id for f in late.failures] == ["agenda.materials"]

    def test_lead_time_without_a_meeting_date_asks_for_it(self) -> None:
        rs = make(AGENDA)
        a = rs.check_agenda({"involves_other_departments": False, "materials_submitted": "2024-05-15"}, "executive")
        assert not a.eligible and a.failures[0].missing == ("meeting_date",)

    def test_requirements_are_listed_without_blocking(self) -> None:
        rs = make(AGENDA)
        a = rs.check_agenda(
            {"kind": "funding", "involves_other_departments": False, "materials_submitted": "2024-05-01"},
            "executive",
            dt.date(2024, 5, 20),
        )
        assert a.eligible
        assert [f.rule.id for f in a.requirements] == ["agenda.funding"]


class TestDeadlinesAndMeetings:
    def test_deadline_over_national_day(self) -> None:
        rs = make("""
deadlines:
  - {id: d, cite: 十二, text: 会后5个工作日内印发。, event: meeting_documents_issuance, amount: 5, unit: working_days}
""")
        d = rs.deadline("meeting_documents_issuance", dt.date(2024, 9, 27))
        assert d.due == dt.date(2024, 10, 10) and (d.amount, d.unit) == (5, "working_days")

    def test_deadline_over_spring_festival(self) -> None:
        rs = make("""
deadlines:
  - {id: d, cite: 十二, text: 会后5个工作日内印发。, event: meeting_documents_issuance, amount: 5, unit: working_days}
""")
        # 2024-02-08 (Thu): 02-09 is a working day, 02-10..02-17 the holiday, 02-18 (Sun) an adjusted workday.
        assert rs.deadline("meeting_documents_issuance", dt.date(2024, 2, 8)).due == dt.date(2024, 2, 21)

    def test_period_into_an_uncovered_year_raises_calendar_error(self) -> None:
        rs = make("""
deadlines:
  - {id: d, cite: 十二, text: 会后5个工作日内印发。, event: meeting_documents_issuance, amount: 5, unit: working_days}
""")
        last = max(govrule.default_calendar().years)
        with pytest.raises(govrule.CalendarError) as info:
            rs.deadline("meeting_documents_issuance", dt.date(last, 12, 30))
        assert info.value.year == last + 1 and str(last + 1) in str(info.value)

    def test_event_without_a_rule_is_no_applicable_rule(self) -> None:
        rs = make("")
        with pytest.raises(govrule.NoApplicableRule):
            rs.deadline("consultation_reply", dt.date(2024, 1, 8))
        with pytest.raises(govrule.UnknownTerm, match="meeting_documents_issuance"):
            rs.deadline("made_up_event", dt.date(2024, 1, 8))

    def test_quorum_more_than_half(self) -> None:
        rs = make("")
        assert rs.quorum_met("executive", present=6, total=10)
        assert not rs.quorum_met("executive", present=5, total=10)
        with pytest.raises(govrule.QueryError):
            rs.quorum_met("executive", present=11, total=10)

    def test_meeting_answers_its_composition(self) -> None:
        m = make("").meeting("常务会议")
        assert m.members == ("head", "deputy_head", "secretary_general") and m.chair == ("head",)
        assert m.quorum == "more_than 1/2"


class TestSupersessionAndComposition:
    def test_as_of_before_effect_names_the_document_in_force_instead(self, tmp_path: Path) -> None:
        extra = """  supersedes:
    - {number: 测政发〔2012〕8号, title: 旧规则, date: 2012-04-07}"""
        text = HEADER.format(id="new", kind="base", number="测政发〔2020〕1号", extra_meta=extra)
        path = tmp_path / "new.yaml"
        path.write_text(text, encoding="utf-8")
        assert govrule.load(str(path), as_of=dt.date(2021, 1, 1)).id == "new"
        with pytest.raises(govrule.NotInForce, match=r"2020-01-10.*测政发〔2012〕8号"):
            govrule.load(str(path), as_of=dt.date(2019, 1, 1))

    def _pair(self, tmp_path: Path, override: str) -> tuple[Ruleset, Ruleset]:
        base = make(
            table(
                "first", rule("b.request", "{kind: request}", "head"), rule("b.other", "{}", "deputy_head_in_charge")
            ),
            id="base",
        )
        sup_meta = """  supplements: {number: 测政发〔2020〕1号, title: 测试市人民政府工作规则}
  precedence: {id: sup.precedence, cite: 五, text: 不一致的，以本规定为准。}"""
        sup = make(
            f"""
signing:
  - id: sup_signing
    hit_policy: first
    rules:
      - id: sup.request
        cite: 二
        text: 向上级的请示须经市长审定后由秘书长签发。
        when: {{kind: request}}
        overrides: [{override}]
        steps:
          - {{action: approve, roles: [head]}}
          - {{action: sign, roles: [secretary_general]}}
""",
            id="sup",
            kind="supplement",
            number="测政办发〔2021〕2号",
            extra_meta=sup_meta,
        )
        return base, sup

    def test_supplement_wins_where_both_speak_and_the_rest_falls_through(self, tmp_path: Path) -> None:
        base, sup = self._pair(tmp_path, "b.request")
        both = govrule.compose(base, sup)
        assert both.who_must_sign(DOC).rule.id == "sup.request"
        assert both.who_must_sign(DOC).signers == ("secretary_general",)
        other = {"issuer": "government", "kind": "other", "recipient": "subordinate"}
        assert both.who_must_sign(other).rule.id == "b.other"
        assert base.who_must_sign(DOC).rule.id == "b.request"

    def test_overriding_a_rule_the_base_lacks_is_reported(self, tmp_path: Path) -> None:
        base, sup = self._pair(tmp_path, "b.nonexistent")
        with pytest.raises(govrule.CompositionError, match=r"b\.nonexistent"):
            govrule.compose(base, sup)

    def test_composing_over_the_wrong_base_is_an_error(self, tmp_path: Path) -> None:
        _, sup = self._pair(tmp_path, "b.request")
        other = make("", id="other", number="别政发〔2020〕9号")
        with pytest.raises(govrule.CompositionError, match="supplements"):
            govrule.compose(other, sup)


def test_supplement_procedure_without_a_signer_falls_through_to_the_base_signer() -> None:
    """A supplement rule that adds a review but names no signer keeps the base's signer after its steps."""
    base = make(table("first", rule("b.party", "{recipient: party_committee}", "head")), id="base")
    sup_meta = """  supplements: {number: 测政发〔2020〕1号, title: 测试市人民政府工作规则}
  precedence: {id: sup.precedence, cite: 五, text: 不一致的，以本规定为准。}"""
    sup = make(
        """
signing:
  - id: sup_signing
    hit_policy: first
    rules:
      - id: sup.party
        cite: 二
        text: 以市政府名义向市委提交的请示，须经常务会议审议通过后再予呈报。
        when: {recipient: party_committee}
        steps:
          - {action: review, roles: [head]}
""",
        id="sup",
        kind="supplement",
        number="测政办发〔2021〕2号",
        extra_meta=sup_meta,
    )
    both = govrule.compose(base, sup)
    d = both.who_must_sign({"issuer": "government", "kind": "request", "recipient": "party_committee"})
    assert d.rule.id == "sup.party" and [r.id for r in d.also] == ["b.party"]
    assert d.signers == ("head",)
    assert [s.action for s in d.steps] == ["review", "sign"]
    alone = sup.who_must_sign({"issuer": "government", "kind": "request", "recipient": "party_committee"})
    assert alone.signers == () and alone.rule.id == "sup.party"


def test_a_requirement_that_holds_passes_even_when_applicability_is_unknown() -> None:
    """If what a rule requires holds, the item passes it without the facts that decide whether it applies."""
    rs = make(AGENDA)
    a = rs.check_agenda({"consulted": True, "materials_submitted": "2024-05-01"}, "executive", dt.date(2024, 5, 20))
    assert a.eligible, a.failures
    b = rs.check_agenda({"materials_submitted": "2024-05-01"}, "executive", dt.date(2024, 5, 20))
    assert not b.eligible
    assert set(b.failures[0].missing) == {"involves_other_departments", "consulted"}


def test_a_misspelt_keyword_is_a_query_error_with_a_suggestion() -> None:
    """Document(junk=...) and AgendaItem(consultd=...) are GovruleErrors naming the field, not TypeErrors."""
    with pytest.raises(govrule.QueryError, match="junk"):
        govrule.Document(junk=1)  # type: ignore[call-arg]
    with pytest.raises(govrule.QueryError, match="did you mean 'consulted'"):
        govrule.AgendaItem(consultd=True)  # type: ignore[call-arg]


def test_a_precondition_open_only_on_subject_matter_is_a_requirement_not_a_bar() -> None:
    """Unknown subject_matter (a refinement beyond the contract) lists a requirement and blocks nothing."""
    rs = make("""
agenda:
  - id: agenda.stability
    cite: 二十五
    text: 涉及重大公共利益、容易引发社会稳定问题的，要进行社会稳定风险评估。
    meetings: [executive]
    when: {kind: major_decision, subject_matter: social_stability_risk}
    require: {procedures_done: social_stability_assessment}
    message: 须进行社会稳定风险评估
""")
    unknown = rs.check_agenda({"kind": "major_decision", "procedures_done": []}, "executive")
    assert unknown.eligible
    assert [(f.rule.id, f.missing) for f in unknown.requirements] == [("agenda.stability", ("subject_matter",))]
    risky = rs.check_agenda(
        {"kind": "major_decision", "procedures_done": [], "subject_matter": ["social_stability_risk"]}, "executive"
    )
    assert not risky.eligible and risky.failures[0].rule.id == "agenda.stability"


def test_period_end_deadlines_fall_on_the_last_day_of_the_month_or_year() -> None:
    """每月底 / 每年年底前: due on the last day of the month or year that holds the start."""
    rs = make("""
events:
  annual_plan: 提交下一年度工作安排
deadlines:
  - {id: m, cite: 六, text: 每月底报告。, event: monthly_report, amount: 1, unit: months, anchor: period_end}
  - {id: y, cite: 七, text: 每年年底前提交。, event: annual_plan, amount: 1, unit: years, anchor: period_end}
""")
    assert rs.deadline("monthly_report", dt.date(2024, 2, 3)).due == dt.date(2024, 2, 29)
    assert rs.deadline("monthly_report", dt.date(2024, 12, 31)).due == dt.date(2024, 12, 31)
    assert rs.deadline("annual_plan", dt.date(2024, 3, 5)).due == dt.date(2024, 12, 31)
    assert "月底前" in rs.deadline("monthly_report", dt.date(2024, 2, 3)).explain()


def test_period_end_needs_one_month_or_year_counted_forward() -> None:
    """anchor: period_end with another unit or amount is a validation error."""
    with pytest.raises(govrule.RulesetError, match="period_end"):
        make("""
deadlines:
  - {id: m, cite: 六, text: 每月底报告。, event: monthly_report, amount: 5, unit: working_days, anchor: period_end}
""")
