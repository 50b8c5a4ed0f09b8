"""The fixture runner's comparisons: sets, ordered steps, citations, errors."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from govrule.answers import RuleRef
from govrule.errors import RulesetError
from govrule.testing import run_file
from govrule.testing.fixtures import (
    QUERIES,
    _frequency_names,
    _frequency_text,
    _quorum_text,
    _rule_matches,
    read_fixture,
)

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


# ------------------------------------------------------------------ what `govrule test` prints, in Chinese


def _english(line: str) -> list[str]:
    """Runs of English words once quoted values, file names and ids in the citation are set aside."""
    line = re.sub(r"'[^']*'", "", line)
    line = re.sub(r"\S+\.ya?ml(?::\d+)*", "", line)
    return re.findall(r"[A-Za-z]{4,} [a-z]{3,}", line)


def test_failing_cases_are_described_in_chinese(tmp_path: Path) -> None:
    """Each failing case: `file:line: 用例 'name' 未通过：field：应为 …，实际为 …（答案依据：…）`."""
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        f"""ruleset: {EXAMPLE}
cases:
  - name: wrong signer
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [secretary_general]}}
  - name: silent text
    query: who_must_sign
    input: {{issuer: department, kind: request, recipient: government}}
    expect: {{signers: [head]}}
  - name: expected an error
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{error: NoApplicableRule}}
  - name: wrong error
    query: who_must_sign
    input: {{issuer: department, kind: request, recipient: government}}
    expect: {{error: QueryError}}
""",
        encoding="utf-8",
    )
    signer, silent, wanted_error, wrong_error = (r.describe() for r in run_file(fixture))
    assert signer == (
        f"{fixture}:3: 用例 'wrong signer' 未通过：signers：应为 ['secretary_general']，实际为 ['head']"
        "（答案依据：sign.to_province 二十（一））"
    )
    assert silent.startswith(
        f"{fixture}:7: 用例 'silent text' 未通过：应得到答案，实际出错 'NoApplicableRule'：没有规则回答这个问题："
    )
    assert wanted_error.startswith(
        f"{fixture}:11: 用例 'expected an error' 未通过：应报错 'NoApplicableRule'，实际得到答案 "
    )
    assert wrong_error.startswith(
        f"{fixture}:15: 用例 'wrong error' 未通过：应报错 'QueryError'，实际出错 'NoApplicableRule'："
    )
    for line in (signer, silent, wanted_error, wrong_error):
        assert "\n" not in line and not _english(line), line


def test_a_malformed_fixture_file_is_reported_in_chinese(tmp_path: Path) -> None:
    """The shape problems of a fixture file are located and worded like a ruleset's."""
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        "ruleset: ezhou\nextra: 1\ncases:\n  - name: x\n    query: who_must_sing\n    expect: {signers: [head]}\n"
        "  - name: y\n    query: deadline\n    expect: {signers: [head]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        read_fixture(fixture)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{fixture}:2:8: 未知的键 'extra'；可用：ruleset、cases（位置：extra）",
        f"{fixture}:5:12: 未知的查询 'who_must_sing'；可用：{'、'.join(QUERIES)}（位置：cases[0].query）",
        f"{fixture}:9:23: 'deadline' 不能核对 'signers'；可用："
        + "、".join(sorted(QUERIES["deadline"][1] | {"error", "rule"}))
        + "（位置：cases[1].expect.signers）",
    ]
    assert not any(_english(m) for m in messages), messages


def test_the_command_prints_the_case_lines_and_a_chinese_count(tmp_path: Path) -> None:
    from govrule.cli import main

    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        f"ruleset: {EXAMPLE}\ncases:\n  - name: wrong signer\n    query: who_must_sign\n"
        "    input: {issuer: government, kind: request, recipient: higher_government}\n"
        "    expect: {signers: [secretary_general]}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert main(["test", str(fixture)], out, err) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{fixture}:3: 用例 'wrong signer' 未通过：signers：应为")
    assert lines[-1] == "0 个用例通过，1 个未通过"
