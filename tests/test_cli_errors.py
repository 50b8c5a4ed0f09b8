"""Errors a clerk can read: in text mode one or two lines of Chinese naming the flag, the value,
the allowed words with their labels and the closest one; under --json the same error as data,
in the shape of schema/answer.schema.json (its ``message`` is the exception's English message)."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govrule import messages
from test_cli_queries import run  # the CLI run in-process, shared with the query tests

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "minimal.yaml")
SCHEMA = json.loads((ROOT / "schema" / "answer.schema.json").read_text(encoding="utf-8"))
SIGN = ("--issuer", "government", "--kind", "request", "--recipient", "higher_government")

#: Python class names a clerk must not see in text mode.
CLASS_NAMES = (
    "QueryError",
    "UnknownTerm",
    "NoApplicableRule",
    "MissingFact",
    "CalendarError",
    "CalendarFileError",
    "NotInForce",
    "GovruleError",
    "RulesetError",
    "Traceback",
)
#: Two English words in a row: a sentence, not an id, a value or a flag.
ENGLISH = re.compile(r"[A-Za-z]{4,} [a-z]{3,}")
#: Commands a message may tell the clerk to run (their words are not sentences).
COMMANDS = re.compile(r"govrule( (calendar import|validate|check|sign|quorum))?")


def assert_readable(text: str, *typed: str) -> None:
    """Chinese for a clerk: at most two lines, no class name, no English sentence outside what was typed."""
    lines = text.strip().splitlines()
    assert 1 <= len(lines) <= 2, text
    for name in CLASS_NAMES:
        assert name not in text, (name, text)
    plain = COMMANDS.sub("", text)
    for word in sorted(typed, key=len, reverse=True):  # the clerk's own values and paths may be anything
        plain = plain.replace(word, "")
    assert not ENGLISH.search(plain), (ENGLISH.search(plain), text)
    assert re.search(r"[\u4e00-\u9fff]", lines[0]), text


def conforms(data: Any) -> None:
    jsonschema.Draft202012Validator({"$ref": "#/$defs/error", "$defs": SCHEMA["$defs"]}).validate(data)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def text_and_json(*argv: str, code: int, stdin: str | None = None) -> tuple[str, dict[str, Any]]:
    """The error as the clerk sees it, and as --json gives it (same exit code, JSON on stdout)."""
    got, out, err = run(*argv, stdin=stdin)
    assert got == code and out == "", (got, out, err)
    got, out, _ = run(*argv, "--json", stdin=stdin)
    assert got == code, (got, out)
    data = json.loads(out)
    conforms(data)
    return err, data["error"]


# ---------------------------------------------------------------------------- value not allowed


def test_a_value_outside_the_vocabulary_names_flag_value_suggestion_and_labels() -> None:
    err, data = text_and_json("sign", "ezhou", "--issuer", "goverment", "--kind", "request", code=2)
    assert_readable(err, "goverment")
    first, second = err.strip().splitlines()
    assert "发文机关（--issuer）" in first and "“goverment”" in first and "是否要写 government（人民政府）" in first
    assert second.startswith("可选：") and "office（政府办公室）" in second and "department（政府部门）" in second
    assert data["kind"] == "QueryError" and "is not allowed" in data["message"] and "'government'" in data["message"]


def test_a_value_with_no_close_word_gets_no_suggestion() -> None:
    err, _ = text_and_json("sign", "ezhou", "--issuer", "zzzz", "--kind", "request", code=2)
    assert_readable(err, "zzzz")
    assert "是否要写" not in err and "“zzzz”" in err and "可选：" in err


def test_a_chinese_value_outside_the_vocabulary_is_named_as_typed() -> None:
    err, _ = text_and_json("agenda", "ezhou", "--meeting", "常务会议", "--kind", "请柬", code=2)
    assert_readable(err, "请柬")
    assert "类别（--kind）" in err and "“请柬”" in err and "report（报告）" in err


# ---------------------------------------------------------------------------- unknown ids and labels


def test_an_unknown_ruleset_lists_the_bundled_ids() -> None:
    err, data = text_and_json("sign", "nope", *SIGN, code=2)
    assert_readable(err, "nope")
    assert "“nope”" in err and "（ID）" in err and "ezhou" in err and "rizhao" in err
    assert data["kind"] == "UnknownTerm" and data["category"] == "ruleset" and "ezhou" in data["defined"]


def test_an_unknown_event_names_the_argument_and_the_defined_events_with_labels() -> None:
    err, data = text_and_json("deadline", "ezhou", "meeting_documents_issuence", "--from", "2024-09-27", code=2)
    assert_readable(err, "meeting_documents_issuence")
    first, second = err.strip().splitlines()
    assert "（EVENT）" in first and "是否要写 meeting_documents_issuance（会议文件印发）" in first
    assert "consultation_reply（征求意见答复）" in second
    assert data["kind"] == "UnknownTerm" and data["term"] == "meeting_documents_issuence"


def test_an_unknown_meeting_is_suggested_with_the_rulesets_own_label() -> None:
    err, _ = text_and_json("agenda", "ezhou", "--meeting", "executiv", "--kind", "report", code=2)
    assert_readable(err, "executiv")
    assert "（--meeting）" in err and "是否要写 executive（市政府常务会议）" in err  # the label of the Ezhou text


def test_an_unknown_role_names_the_flag_it_came_from() -> None:
    err, _ = text_and_json("sign", "ezhou", *SIGN, "--absent", "mayr", code=2)
    assert_readable(err, "mayr")
    assert "角色“mayr”（--absent）" in err and "head（市长）" in err
    err, _ = text_and_json("leave", "ezhou", "皇帝", code=2)
    assert_readable(err, "皇帝")
    assert "角色“皇帝”（ROLE）" in err


# ---------------------------------------------------------------------------- missing facts and arguments


def test_a_missing_fact_names_the_facts_to_supply_with_their_flags() -> None:
    err, data = text_and_json("sign", "ezhou", "--kind", "request", code=1)
    assert_readable(err, "sign.request_report_to_province")
    assert err.startswith("无法回答：《鄂州市人民政府工作规则》五十六（一）")
    assert "发文机关（--issuer）" in err and "主送机关（--recipient）" in err
    assert data["kind"] == "MissingFact" and data["missing"] == ["issuer", "recipient"]


def test_a_missing_argument_says_which_and_how_to_give_it() -> None:
    err, _ = text_and_json("deadline", "ezhou", "meeting_documents_issuance", code=2)
    assert_readable(err, "--from 2024-09-27")
    assert "缺少起算日期（--from）" in err
    err, _ = text_and_json("agenda", "ezhou", "--kind", "report", code=2)
    assert_readable(err, "--meeting")
    assert "缺少会议（--meeting）" in err and "executive（市政府常务会议）" in err
    err, _ = text_and_json("quorum", "ezhou", "executive", "--present", "3", code=2)
    assert_readable(err, "--present 6 --total 10")
    assert "缺少应到人数（--total）" in err


# ---------------------------------------------------------------------------- questions the text leaves open


def test_no_applicable_rule_gives_the_reason_in_chinese() -> None:
    err, data = text_and_json("quorum", "ezhou", "plenary", "--present", "3", "--total", "10", code=1)
    assert_readable(err, "plenary")
    assert err.strip() == "没有规则回答这个问题：本规则未规定plenary（市政府全体会议）的法定人数"
    assert data["kind"] == "NoApplicableRule" and data["query"] == "quorum_met"
    assert data["message"].startswith("no rule answers quorum_met")  # JSON keeps the English message


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("acting-head", "panjin_supplement"), "本规则未规定市長不在时由谁主持工作"),
        (("sign", "panjin_supplement", *SIGN), "本规则未规定此类公文由谁签发"),
    ],
)
def test_a_supplement_loaded_alone_says_to_compose_it(argv: tuple[str, ...], reason: str) -> None:
    err, _ = text_and_json(*argv, code=1)
    assert_readable(err)
    first, second = err.strip().splitlines()
    assert first == "没有规则回答这个问题：" + reason
    assert second == "本补充规定单独加载时只回答其自身规定的事项，请与《盘锦市人民政府工作规则》合并使用"


def test_a_deadline_the_text_does_not_set() -> None:
    err, _ = text_and_json("deadline", EXAMPLE, "consultation_reply", "--from", "2024-09-27", code=1)
    assert_readable(err, "consultation_reply")
    assert "本规则未规定consultation_reply（征求意见答复）的时限" in err


def test_a_ruleset_not_in_force_on_the_day() -> None:
    err, data = text_and_json("sign", "rizhao", *SIGN, "--as-of", "2013-01-01", code=1)
    assert_readable(err, "2013-01-01")
    first, second = err.strip().splitlines()
    assert first.startswith("《日照市人民政府工作规则》（日政发〔2017〕6号）自2017-04-11起施行")
    assert "2013-01-01尚未施行" in first
    assert second.startswith("当日有效的是：") and "日政发〔2012〕8号" in second
    assert data["kind"] == "NotInForce"


# ---------------------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    ("argv", "named", "value"),
    [
        (("deadline", "ezhou", "consultation_reply", "--from", "2026-02-30"), "起算日期（--from）", "2026-02-30"),
        (
            ("agenda", "ezhou", "--meeting", "executive", "--materials-submitted", "20240501"),
            "材料报送日期（--materials-submitted）",
            "20240501",
        ),
        (("sign", "ezhou", *SIGN, "--as-of", "2001-13-01"), "--as-of", "2001-13-01"),
    ],
)
def test_a_bad_date_names_the_flag_the_value_and_the_form(argv: tuple[str, ...], named: str, value: str) -> None:
    err, _ = text_and_json(*argv, code=2)
    assert_readable(err, value)
    assert named in err and f"“{value}”" in err and "YYYY-MM-DD" in err


def test_bad_yes_no_and_counts() -> None:
    err, _ = text_and_json("sign", "ezhou", *SIGN, "--major", "maybe", code=2)
    assert_readable(err, "maybe")
    assert "重大（--major）须为 true 或 false（是/否）" in err and "“maybe”" in err
    err, _ = text_and_json("quorum", "ezhou", "executive", "--present", "x", "--total", "10", code=2)
    assert_readable(err)
    assert "实到人数（--present）须为不小于 0 的整数" in err and "“x”" in err
    err, data = text_and_json("quorum", "ezhou", "executive", "--present", "11", "--total", "10", code=2)
    assert_readable(err)
    assert "实到人数（--present）为11" in err and "应到人数（--total）为10" in err
    assert data["message"] == "present=11, total=10: need 0 <= present <= total and total > 0"


def test_a_date_outside_the_calendars_says_which_year_and_how_to_add_it() -> None:
    err, data = text_and_json("deadline", "ezhou", "meeting_documents_issuance", "--from", "2026-12-28", code=2)
    assert_readable(err)
    first, second = err.strip().splitlines()
    assert first.startswith("没有 2027 年的工作日历") and "2026" in first
    assert "govrule calendar import" in second and "国务院办公厅关于2027年部分节假日安排的通知" in second
    assert data["kind"] == "CalendarError" and data["year"] == 2027


# ---------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("argv", "what", "path"),
    [
        (("validate", "no/such.yaml"), "找不到规则集文件", "no/such.yaml"),
        (("sign", "no/such.yaml", *SIGN), "找不到规则集文件", "no/such.yaml"),
        (("test", "no/such.yaml"), "找不到测试用例文件", "no/such.yaml"),
        (("sign", "ezhou", "--input", "no/such.json"), "找不到输入文件", "no/such.json"),
        (("calendar", "import", "no/such.txt"), "找不到节假日安排通知", "no/such.txt"),
        (("calendar", "days", "no/such.yaml"), "找不到日历文件", "no/such.yaml"),
        (("scaffold", "no/such.txt"), "找不到规则原文文件", "no/such.txt"),
    ],
)
def test_a_missing_file_says_what_kind_of_file(argv: tuple[str, ...], what: str, path: str) -> None:
    err, data = text_and_json(*argv, code=2)
    assert_readable(err, path)
    assert f"{what}：{path}" in err
    assert "no such" in data["message"]


def test_a_missing_calendar_file_given_with_calendar() -> None:
    code, _, err = run("deadline", "ezhou", "consultation_reply", "--from", "2024-09-27", "--calendar", "x.yaml")
    assert code == 1  # as before: a calendar file problem is a finding
    assert_readable(err, "x.yaml")
    assert "找不到日历文件：x.yaml" in err


def test_check_names_a_missing_target_in_chinese() -> None:
    code, _, err = run("check", "nope")
    assert code == 2
    assert_readable(err, "nope")
    assert "“nope”" in err and "ezhou" in err


def test_a_notice_without_a_year(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("一、元旦：1月1日放假。\n", encoding="utf-8")
    err, data = text_and_json("calendar", "import", str(notice), code=1)
    assert_readable(err, str(notice))
    assert "找不到年份" in err and "国务院办公厅关于2027年部分节假日安排的通知" in err
    assert data["kind"] == "CalendarFileError"


# ---------------------------------------------------------------------------- --input


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"isuer": "government"}', ["输入文件（--input）中没有“isuer”这一项", "是否要写 issuer（发文机关）"]),
        ('{"issuer": "government", "major": "yes"}', ["重大（--major）须为 true 或 false", "“yes”"]),
        ("[1, 2]", ["须为一个 JSON 或 YAML 对象"]),
        ('{"issuer": "government"', [":2:1：输入文件不是有效的 JSON 或 YAML"]),
        ('{"issuer": "goverment"}', ["发文机关（--issuer）不能是“goverment”", "是否要写 government（人民政府）"]),
    ],
)
def test_a_bad_input_file_is_explained(tmp_path: Path, content: str, expected: list[str]) -> None:
    path = tmp_path / "doc.json"
    path.write_text(content, encoding="utf-8")
    err, data = text_and_json("sign", "ezhou", "--input", str(path), code=2)
    assert_readable(err, str(path), "isuer", "yes", "goverment")
    for part in expected:
        assert part in err, (part, err)
    assert data["kind"] == "QueryError"


def test_a_bad_object_on_standard_input() -> None:
    err, _ = text_and_json("sign", "ezhou", "--input", "-", code=2, stdin='{"kindd": "request"}')
    assert_readable(err, "kindd")
    assert "“kindd”" in err and "是否要写 kind" in err


# ---------------------------------------------------------------------------- usage


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("sign",), "缺少参数：ID"),
        (("sign", "ezhou", "--bogus"), "无法识别的参数：--bogus"),
        (("frobnicate",), "COMMAND 不能是 “frobnicate”"),
        (("quorum", "ezhou", "executive", "--present"), "--present 后面需要一个值"),
    ],
)
def test_usage_errors_in_chinese(argv: tuple[str, ...], expected: str) -> None:
    err, data = text_and_json(*argv, code=2)
    assert_readable(err, "frobnicate", "--bogus")
    assert expected in err
    assert data["kind"] == "UsageError"


# ---------------------------------------------------------------------------- the facts behind the text


def test_the_exceptions_carry_their_facts_and_keep_them_when_pickled() -> None:
    import govrule

    rs = govrule.load("ezhou")
    with pytest.raises(govrule.QueryError) as bad:
        govrule.Document(issuer="goverment")
    exc = bad.value
    assert (exc.field, exc.value, exc.did_you_mean, exc.reason) == ("issuer", "goverment", "government", "not_allowed")
    assert "office" in exc.allowed
    with pytest.raises(govrule.UnknownTerm) as unknown:
        rs.meeting_id("plenery")
    term = unknown.value
    assert term.did_you_mean == "plenary" and term.labels["plenary"] == "市政府全体会议"
    with pytest.raises(govrule.NoApplicableRule) as silent:
        rs.quorum_met("plenary", 3, 10)
    assert silent.value.reason == "no_quorum"
    for error in (exc, term, silent.value):
        copy = pickle.loads(pickle.dumps(error))
        assert str(copy) == str(error) and copy.reason == error.reason and copy.facts == error.facts
        assert messages.render(copy) == messages.render(error)


def test_render_without_a_command_line_names_the_field() -> None:
    import govrule

    with pytest.raises(govrule.QueryError) as bad:
        govrule.Document(kind="requst")
    text = messages.render(bad.value)
    assert text.startswith("类别（kind）不能是“requst”，是否要写 request（请示）？")


def test_a_bad_calendar_file_lists_each_problem_at_its_line_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "2027.yaml"
    bad.write_text(
        "year: 2027\n"
        "holidays:\n"
        "  - 2027-01-01\n"
        "  - {from: 2027-02-10, to: 2027-02-01}\n"
        "workdays: [2027-01-04, 2027-01-01]\n"
        "foo: 1\n",
        encoding="utf-8",
    )
    code, _, err = run("calendar", "days", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "日历文件有误（4 处），请按以下位置修改："
    assert f"{bad}:4：区间 2027-02-10 至 2027-02-01 结束早于开始" in lines
    assert f"{bad}:5：2027-01-01 既列为放假（第 3 行）又列为调休上班" in lines
    assert f"{bad}:5：2027-01-04 是星期一；workdays 只列调休上班的周末" in lines
    assert f"{bad}:6：未知的键“foo”，可用：year、holidays、workdays" in lines
    for name in CLASS_NAMES:
        assert name not in err
    assert not ENGLISH.search(err.replace(str(bad), ""))
    one = tmp_path / "one.yaml"
    one.write_text("year: 2027\n", encoding="utf-8")
    err, data = text_and_json("calendar", "days", str(one), code=1)
    assert_readable(err, str(one))
    assert err.strip() == f"日历文件有误：{one}:1：缺少 holidays（放假日期）"
    assert data["kind"] == "CalendarFileError" and "missing key 'holidays'" in data["message"]


def test_a_period_beyond_the_last_representable_year() -> None:
    err, _ = text_and_json("deadline", "ezhou", "normative_document_validity", "--from", "9999-06-01", code=2)
    assert_readable(err)
    assert err.strip() == "自9999-06-01起5年超出了可以计算的年份（1—9999 年）"


def test_a_number_flag_and_a_file_a_library_names_only_in_its_message(tmp_path: Path) -> None:
    from govrule.messages import render, usage

    text = usage("govrule serve: argument --port: invalid int value: 'abc'")
    assert text == "govrule serve：--port 须为数字，收到的是 “abc”"
    missing = FileNotFoundError(2, "Failed to open local file 'archive.parquet'")  # no filename attribute set
    assert render(missing) == "找不到文件：archive.parquet"
    denied = PermissionError(13, "Permission denied", str(tmp_path / "x"))
    assert render(denied) == f"没有读写该文件的权限：{tmp_path / 'x'}"


def test_a_signer_away_with_no_substitute_in_the_text() -> None:
    away = ("head", "executive_deputy_head", "ab_partner_deputy_head")
    argv = ("sign", "ezhou", *SIGN, *(arg for role in away for arg in ("--absent", role)))
    err, data = text_and_json(*argv, code=1)
    assert_readable(err, "sign.request_report_to_province")
    assert err.strip() == (
        "没有规则回答这个问题：规则《鄂州市人民政府工作规则》五十六（一）（sign.request_report_to_province）"
        "须由head（市长）、executive_deputy_head（常务副市长）签发，其不在时由谁代行，原文未作规定"
    )
    assert data["kind"] == "NoApplicableRule" and "who is away" in data["message"]


def test_a_fixture_file_naming_an_unknown_ruleset(tmp_path: Path) -> None:
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        "ruleset: nope\ncases:\n  - name: x\n    query: who_must_sign\n    input: {issuer: government}\n"
        "    expect: {signers: [head]}\n",
        encoding="utf-8",
    )
    code, out, _ = run("test", str(fixture))
    assert code == 1
    assert out.startswith(f"{fixture}:1:1：没有名为“nope”的规则集（ruleset）。\n内置规则集：")
    assert out.rstrip().endswith("0 个用例通过，1 个未通过")


def test_a_leave_occasion_outside_the_list_is_suggested_with_its_meaning() -> None:
    err, data = text_and_json("leave", "ezhou", "副市长", "--occasion", "travl", code=2)
    assert_readable(err, "travl")
    first, second = err.strip().splitlines()
    assert first == "情形（--occasion）不能是“travl”，是否要写 travel（外出）？"
    assert second.startswith("可选：absence（离开工作岗位（出访、出差、休假））、travel（外出）")
    assert data["kind"] == "QueryError"


def test_a_supplement_over_the_wrong_base_says_which_base_it_supplements() -> None:
    code, _, err = run("check", "panjin_supplement", "--base", "rizhao")
    assert code == 1  # a composition that cannot be made is a finding, in every format (one exit-code policy)
    assert_readable(err, "panjin_supplement", "rizhao")
    assert "补充规定不能与该规则合并：panjin_supplement 补充的是 盘政发〔2014〕5号，不是 日政发〔2017〕6号" in err
    code, out, _ = run("check", "panjin_supplement", "--base", "rizhao", "--json")
    error = json.loads(out)["targets"][0]["error"]  # check --json reports per target, with the same exit code
    assert code == 1 and error["kind"] == "CompositionError" and "problems" not in error
    assert "supplements 盘政发〔2014〕5号" in error["message"]
