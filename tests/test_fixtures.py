"""The fixture runner's comparisons: sets, ordered steps, citations, errors."""

from __future__ import annotations

from pathlib import Path

from govrule.answers import RuleRef
from govrule.testing import run_file
from govrule.testing.fixtures import _frequency_names, _frequency_text, _quorum_text, _rule_matches

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal.yaml"

RULE = RuleRef("sign.office", "五十六（七）", "以市政府办公室名义制发的公文，由市政府秘书长签发。")
TIAO = RuleRef("sign.request", "第五十条第（一）项", "……")


def test_a_rule_is_matched_by_id_citation_or_article() -> None:
    """An expected rule may be its id, its full citation, or the article part of the citation."""
    assert _rule_matches("sign.office", RULE)
    assert _rule_matches("五十六（七）", RULE)
    assert _rule_matches("五十六", RULE)
    assert _rule_matches("第五十条", TIAO)


def test_an_article_number_does_not_match_a_longer_one() -> None:
    """五十 is not a prefix match for 五十六, nor 十 for 十一."""
    assert not _rule_matches("五十", RULE)
    assert not _rule_matches("十", RuleRef("x", "十一", "t"))
    assert not _rule_matches("", RULE)


def test_quorum_spellings_compare_equal() -> None:
    """'more_than 1/2', 'more than 1/2' and 'more_than_half' name the same quorum."""
    assert _quorum_text("more_than 1/2") == _quorum_text("more than 1/2") == _quorum_text("more_than_half")
    assert _quorum_text("at_least 2/3") != _quorum_text("more_than 2/3")


def test_a_quorum_case_can_check_its_rule(tmp_path: Path) -> None:
    """quorum_met answers a bare bool; its rule is the meeting's quorum rule, and a case may check it."""
    fixture = tmp_path / "quorum.yaml"
    fixture.write_text(
        f"""ruleset: {EXAMPLE}
cases:
  - name: 过半数
    query: quorum_met
    input: {{meeting: executive, present: 6, total: 10}}
    expect: {{result: true, rule: meeting.executive.quorum}}
  - name: 错误的条文
    query: quorum_met
    input: {{meeting: executive, present: 6, total: 10}}
    expect: {{result: true, rule: 十一}}
""",
        encoding="utf-8",
    )
    right, wrong = run_file(fixture)
    assert right.passed
    assert not wrong.passed and "rule" in wrong.differences[0]


def test_quorum_in_chinese_compares_with_the_fraction() -> None:
    """过半数 is more than half; 三分之二以上 is at least two thirds."""
    assert _quorum_text("过半数") == _quorum_text("more_than 1/2")
    assert _quorum_text("三分之二以上") == _quorum_text("at_least 2/3")


def test_frequency_spellings() -> None:
    """A biweekly meeting is 'every 2 weeks', 'biweekly' or 每两周一次; an as-needed one is 根据需要."""
    biweekly = _frequency_names({"every": 2, "unit": "weeks", "as_needed": False})
    assert {"every 2 weeks", "biweekly", "每两周一次", "每两周"} <= biweekly
    assert "weekly" not in biweekly
    assert {"as needed", "根据需要", "不定期"} == _frequency_names({"as_needed": True})
    assert _frequency_text("Every_2_weeks") == "every 2 weeks"


def test_citations_match_in_any_usual_spelling() -> None:
    """Full-width or ASCII brackets, with or without 第…条…项, name the same article and item."""
    assert _rule_matches("五十六(七)", RULE)
    assert _rule_matches("第五十六条第（七）项", RULE)
    assert _rule_matches("第五十条第(一)项", TIAO)
    assert _rule_matches("五十（一）", TIAO)
    assert not _rule_matches("五十六（六）", RULE)
    assert not _rule_matches("第五十条第（二）项", TIAO)
    para = RuleRef("d", "第五十四条第二款", "t")
    assert _rule_matches("第五十四条", para) and _rule_matches("第五十四条第二款", para)
    assert not _rule_matches("第五十四条第一款", para)
