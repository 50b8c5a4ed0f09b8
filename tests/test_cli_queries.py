"""Every query has a command; one exit-code policy; --input; labels in either script; JSON that matches
the published answer schema; errors as JSON; quiet broken pipes; completion."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govrule.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "minimal.yaml")
SCHEMA = json.loads((ROOT / "schema" / "answer.schema.json").read_text(encoding="utf-8"))
SIGN = ("--issuer", "government", "--kind", "request", "--recipient", "higher_government")


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    try:
        code = main(list(argv), out, err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def conforms(data: Any, definition: str) -> None:
    """``data`` is valid against ``#/$defs/<definition>`` of schema/answer.schema.json, and against the whole."""
    jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]}).validate(data)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_the_published_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# ---------------------------------------------------------------------------- one command per query


QUERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "sign": (("sign", EXAMPLE, *SIGN), "who_must_sign"),
    "agenda": (
        ("agenda", EXAMPLE, "--meeting", "executive", "--involves-other-departments", "true", "--consulted", "true"),
        "check_agenda",
    ),
    "deadline": (("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "2024-09-27"), "deadline"),
    "meeting": (("meeting", EXAMPLE, "executive"), "meeting"),
    "quorum": (("quorum", EXAMPLE, "executive", "--present", "3", "--total", "4"), "quorum_met"),
    "acting-head": (("acting-head", EXAMPLE), "acting_head"),
    "leave": (("leave", EXAMPLE, "deputy_head"), "leave_approver"),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_answers_with_exit_0_and_a_record_matching_the_schema(name: str) -> None:
    argv, query = QUERIES[name]
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    conforms(data, "record")
    assert data["query"] == query and data["schema"] == "govrule.answer/1"
    assert data["ruleset"]["id"] == "example_city" and len(data["ruleset"]["revision"]) == 16
    code, text, _ = run(*argv)
    assert code == 0 and "=" not in text.split("\n")[0]  # Chinese text, no Python repr
    if name != "agenda":  # an agenda check is decided by every rule of the meeting, not one
        assert data["rule"]["citation"] and data["rule"]["text"]
        assert data["rule"]["citation"] in text


def test_text_answers_read_as_chinese_labels_first() -> None:
    assert run("sign", EXAMPLE, *SIGN)[1].splitlines()[0] == "签发：市长(head)"
    assert run("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "2024-09-27")[1].splitlines()[0] == (
        "截止日期：2024-10-10（自2024-09-27起5个工作日内）"
    )
    assert run("acting-head", EXAMPLE)[1].startswith("市长不在时主持工作：常务副市长(executive_deputy_head)")
    assert run("leave", EXAMPLE, "deputy_head")[1].startswith("副市长(deputy_head)外出：向市长(head)报告或请假")
    code, out, _ = run("quorum", EXAMPLE, "executive", "--present", "2", "--total", "4")
    assert code == 0 and "应到4人，实到2人，达到法定人数（须不少于半数）" in out
    code, out, _ = run("quorum", EXAMPLE, "executive", "--present", "1", "--total", "4")
    assert code == 1 and "未达到法定人数" in out


def test_agenda_names_the_missing_facts_in_chinese_with_their_flags() -> None:
    code, out, _ = run("agenda", EXAMPLE, "--meeting", "常务会议", "--involves-other-departments", "是")
    assert code == 1
    assert out.splitlines()[0] == "不能提交市政府常务会议（executive）"
    assert "是否已与有关部门协商（--consulted）" in out and "（十一）" in out
    assert "agenda.consulted" not in out and "eligible=" not in out


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (("sign", EXAMPLE, "--issuer", "政府", "--kind", "请示", "--recipient", "省政府"), "签发：市长(head)"),
        (("sign", EXAMPLE, "--issuer", "政府", "--kind", "請示", "--recipient", "省政府"), "签发：市长(head)"),
        (("meeting", EXAMPLE, "常務會議"), "市政府常务会议（executive）"),
        (("leave", EXAMPLE, "副市長"), "副市长(deputy_head)"),
        (("quorum", EXAMPLE, "常务会议", "--present", "3", "--total", "4"), "达到法定人数"),
    ],
)
def test_labels_and_terms_in_either_script_name_the_same_thing(argv: tuple[str, ...], expect: str) -> None:
    code, out, err = run(*argv)
    assert code == 0, err
    assert expect in out


def test_input_file_in_json_or_yaml_and_from_standard_input(tmp_path: Path) -> None:
    as_json = tmp_path / "doc.json"
    as_json.write_text('{"issuer": "government", "kind": "request", "recipient": "higher_government"}', "utf-8")
    as_yaml = tmp_path / "doc.yaml"
    as_yaml.write_text("issuer: 政府\nkind: 请示\nrecipient: 省政府\n", "utf-8")
    answers = [
        json.loads(run("sign", EXAMPLE, "--input", str(as_json), "--json")[1]),
        json.loads(run("sign", EXAMPLE, "--input", str(as_yaml), "--json")[1]),
        json.loads(run("sign", EXAMPLE, "--input", "-", "--json", stdin=as_json.read_text("utf-8"))[1]),
    ]
    assert all(a["answer"]["signers"] == ["head"] for a in answers)
    assert answers[0]["input"] == answers[1]["input"] == answers[2]["input"]
    # flags win over the file
    code, out, _ = run("sign", EXAMPLE, "--input", str(as_json), "--recipient", "subordinate", "--json")
    assert code == 0 and json.loads(out)["input"]["recipient"] == "subordinate"


def test_input_for_agenda_deadline_and_quorum(tmp_path: Path) -> None:
    item = tmp_path / "item.yaml"
    item.write_text("meeting: 常务会议\nmeeting_date: 2024-05-20\ninvolves_other_departments: true\nconsulted: true\n")
    assert run("agenda", EXAMPLE, "--input", str(item))[0] == 0
    when = tmp_path / "when.json"
    when.write_text('{"event": "meeting_documents_issuance", "start": "2024-09-27"}')
    code, out, _ = run("deadline", EXAMPLE, "--input", str(when), "--json")
    assert code == 0 and json.loads(out)["answer"]["due"] == "2024-10-10"
    count = tmp_path / "count.json"
    count.write_text('{"meeting": "executive", "present": 1, "total": 4}')
    assert run("quorum", EXAMPLE, "--input", str(count))[0] == 1


@pytest.mark.parametrize(
    "content",
    [
        '{"issuer": "government", "kindd": "request"}',  # misspelt field
        '{"issuer": "government", "major": "yes"}',  # a string where a bool is expected
        "[1, 2]",  # not an object
        "{issuer: [unclosed",  # not YAML
    ],
)
def test_bad_input_files_are_input_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = run("sign", EXAMPLE, "--input", str(path), "--json")
    assert code == 2 and "Traceback" not in err
    conforms(json.loads(out), "error")


# ---------------------------------------------------------------------------- exit codes, per command


def test_exit_2_for_usage_and_input_errors_in_every_command() -> None:
    cases = [
        ("validate", "no/such.yaml"),
        ("check", "no/such.yaml"),
        ("test", "no/such.yaml"),
        ("sign", "no/such.yaml", *SIGN),
        ("sign", "nosuchid", *SIGN),
        ("approve", "no/such.yaml", "--issuer", "department"),
        ("agenda", "no/such.yaml", "--meeting", "executive"),
        ("deadline", "no/such.yaml", "meeting_documents_issuance", "--from", "2024-01-01"),
        ("meeting", "no/such.yaml", "executive"),
        ("quorum", "no/such.yaml", "executive", "--present", "1", "--total", "2"),
        ("acting-head", "no/such.yaml"),
        ("leave", "no/such.yaml", "deputy_head"),
        ("show", "no/such.yaml"),
        ("diff", "no/such.yaml", "ezhou"),
        ("scaffold", "no/such.txt"),
        ("calendar", "import", "no/such.txt"),
        ("calendar", "days", "no/such.yaml"),
        ("meeting", EXAMPLE, "no_such_meeting"),
        ("leave", EXAMPLE, "emperor"),
        ("deadline", EXAMPLE, "no_such_event", "--from", "2024-01-01"),
        ("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "20240101"),
        ("quorum", EXAMPLE, "executive", "--present", "x", "--total", "4"),
        ("sign", EXAMPLE, "--issuer", "govt"),
        ("sign", EXAMPLE, "--no-such-flag"),
        ("frobnicate",),
        (),
    ]
    for argv in cases:
        code, out, err = run(*argv)
        assert code == 2, (argv, code, out, err)
        assert "Traceback" not in out + err and err.strip(), argv


def test_exit_1_for_findings() -> None:
    assert run("deadline", EXAMPLE, "consultation_reply", "--from", "2024-09-27")[0] == 1  # no rule
    assert run("agenda", EXAMPLE, "--meeting", "executive", "--involves-other-departments", "true")[0] == 1
    assert run("quorum", EXAMPLE, "executive", "--present", "1", "--total", "4")[0] == 1
    bad = str(ROOT / "tests" / "data" / "malformed" / "undefined_role.yaml")
    assert run("validate", bad)[0] == 1
    assert run("sign", bad, *SIGN)[0] == 1  # an invalid ruleset file is a finding about the file


def test_exit_codes_do_not_depend_on_the_output_format() -> None:
    cases = [
        ("check", "panjin_supplement", "--base", "rizhao"),  # a base the supplement does not supplement
        ("check", "nosuchid"),
        ("check", str(ROOT / "tests" / "data" / "malformed" / "undefined_role.yaml")),
        ("check", str(ROOT / "tests" / "data" / "defects" / "gap.yaml")),
        ("sign", "nosuchid", *SIGN),
        ("deadline", EXAMPLE, "consultation_reply", "--from", "2024-09-27"),
    ]
    for argv in cases:
        codes = {fmt: run(*argv, "--format", fmt)[0] for fmt in ("text", "json")}
        if argv[0] == "check":
            codes["junit"] = run(*argv, "--format", "junit")[0]
        assert len(set(codes.values())) == 1 and 0 not in codes.values(), (argv, codes)


def test_missing_fact_is_explained_in_chinese_with_the_flag_and_without_python_repr() -> None:
    from govrule import Document, RuleRef, wire
    from govrule.cli import _error_text
    from govrule.engine import MissingFact

    rule = RuleRef("sign.x", "五十六（一）", "……由市长签发", document="某市人民政府工作规则")
    exc = MissingFact("who_must_sign", Document(issuer="government"), ["major"], rule)
    text = _error_text(exc)
    assert text.startswith("无法回答：《某市人民政府工作规则》五十六（一）") and "（--major）" in text
    assert "Document(" not in text.splitlines()[0]
    data = wire.error_dict(exc)
    conforms(data, "error")
    assert data["error"]["missing"] == ["major"] and data["error"]["input"] == {"issuer": "government"}
    assert data["error"]["rule"]["citation"] == "五十六（一）"


def test_errors_are_json_on_stdout_under_json() -> None:
    for argv in [
        ("sign", "nosuchid", *SIGN, "--json"),
        ("sign", EXAMPLE, "--bogus", "--json"),
        ("meeting", EXAMPLE, "nothing", "--format", "json"),
        ("deadline", EXAMPLE, "consultation_reply", "--from", "2024-09-27", "--json"),
        ("validate", "no/such.yaml", "--json"),
    ]:
        code, out, _ = run(*argv)
        data = json.loads(out)
        conforms(data, "error")
        assert code in (1, 2) and data["error"]["kind"] and data["error"]["message"]
    data = json.loads(run("meeting", EXAMPLE, "nothing", "--json")[1])
    assert data["error"]["kind"] == "UnknownTerm" and "executive" in data["error"]["defined"]
    data = json.loads(run("sign", EXAMPLE, "--bogus", "--json")[1])
    assert data["error"]["kind"] == "UsageError"


def test_validate_takes_a_bundled_id_as_check_does() -> None:
    code, out, _ = run("validate", "rizhao", "--json")
    data = json.loads(out)
    conforms(data, "validate")
    assert code == 0 and data["results"][0]["file"] == "rizhao" and data["valid"] == 1


def test_test_on_a_ruleset_file_says_so_in_one_line() -> None:
    code, out, err = run("test", EXAMPLE)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "是规则集文件，不是测试用例文件" in lines[0]


def test_test_json_and_junit(tmp_path: Path) -> None:
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        f"""ruleset: {EXAMPLE}
cases:
  - name: 报省政府的请示由市长签发
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [head]}}
  - name: wrong on purpose
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [secretary_general]}}
""",
        encoding="utf-8",
    )
    code, out, _ = run("test", str(fixture), "--json")
    data = json.loads(out)
    conforms(data, "test")
    assert code == 1 and data["passed"] == 1 and data["failed"] == 1
    assert data["cases"][0]["location"]["line"] >= 1
    code, out, _ = run("test", str(fixture), "--format", "junit")
    import xml.etree.ElementTree as ET

    suite = ET.fromstring(out).find("testsuite")
    assert code == 1 and suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"


def test_check_json_and_junit() -> None:
    code, out, _ = run("check", EXAMPLE, "--json")
    data = json.loads(out)
    conforms(data, "check")
    assert code in (0, 1) and data["targets"][0]["target"] == EXAMPLE
    for finding in data["targets"][0]["findings"]:
        assert finding["location"] is None or isinstance(finding["location"]["line"], int)
    code, out, _ = run("check", EXAMPLE, "--format", "junit")
    import xml.etree.ElementTree as ET

    assert ET.fromstring(out).find("testsuite") is not None
    code, out, _ = run("check", "no/such.yaml", "--json")
    assert code == 2 and json.loads(out)["targets"][0]["error"]["kind"]


def test_format_junit_only_where_it_means_something() -> None:
    assert run("sign", EXAMPLE, *SIGN, "--format", "junit")[0] == 2


# ---------------------------------------------------------------------------- whole processes


def _script(*argv: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govrule", *argv], capture_output=True, text=True, check=False, timeout=120, **kw
    )


def test_a_closed_pipe_ends_quietly() -> None:
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'govrule', 'show', 'rizhao'], stdout=subprocess.PIPE,"
        " stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close()\n"
        "err = p.stderr.read().decode(); p.wait()\n"
        "print(repr(err)); print(p.returncode)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    err_repr, rc = proc.stdout.strip().splitlines()
    assert "Errno 32" not in err_repr and "Traceback" not in err_repr and "BrokenPipe" not in err_repr
    assert rc == "0"


def test_completion_scripts_are_valid_shell_and_know_the_commands() -> None:
    code, out, _ = run("completion", "bash")
    assert code == 0 and "complete -F _govrule govrule" in out
    for command in ("sign", "approve", "agenda", "deadline", "meeting", "quorum", "acting-head", "leave", "calendar"):
        assert f" {command}" in out or f"{command})" in out
    assert "ezhou" in out and "higher_government" in out
    proc = subprocess.run(["bash", "-n"], input=out, text=True, capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    # the completion function answers: complete `govrule si` and the values of --issuer
    probe = out + (
        'COMP_WORDS=(govrule si); COMP_CWORD=1; _govrule; echo "${COMPREPLY[@]}"\n'
        'COMP_WORDS=(govrule sign ezhou --issuer go); COMP_CWORD=4; _govrule; echo "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(["bash", "-c", probe], text=True, capture_output=True, check=False)
    first, second = proc.stdout.splitlines()[-2:]
    assert first.split() == ["sign"] and second.split() == ["government"]
    assert run("completion", "zsh")[1].startswith("autoload")


def test_the_console_script_runs_a_query_in_a_fresh_process() -> None:
    proc = _script("sign", EXAMPLE, *SIGN, "--json", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0 and json.loads(proc.stdout)["answer"]["signers"] == ["head"]


def test_loading_a_missing_file_says_the_file_does_not_exist() -> None:
    import govrule

    for name in ("nonexist.yaml", "no/such/city.yml"):
        with pytest.raises(govrule.QueryError) as info:
            govrule.load(name)
        assert "no such ruleset file" in str(info.value) and "ezhou" not in str(info.value)
    with pytest.raises(govrule.UnknownTerm) as unknown:
        govrule.load("nosuchcity")
    assert "ezhou" in str(unknown.value)  # an id that is not bundled lists the bundled ids


def test_no_applicable_rule_messages_name_the_facts_not_a_python_repr() -> None:
    from govrule import Document, NoApplicableRule, RuleRef
    from govrule.engine import MissingFact

    exc = MissingFact(
        "who_must_sign", Document(issuer="government", portfolios=("教育", "卫生")), ["major"], RuleRef("r", "五", "t")
    )
    assert str(exc).startswith("no rule answers who_must_sign for issuer=government, portfolios=[教育, 卫生]: ")
    assert "Document(" not in str(exc) and "'" not in str(exc)
    plain = NoApplicableRule("deadline", {"event": "consultation_reply", "start": "2024-01-01"})
    assert str(plain) == "no rule answers deadline for event=consultation_reply, start=2024-01-01"


def test_approve_and_absent_roles() -> None:
    code, out, err = run("approve", "ezhou", "--issuer", "部门", "--kind", "请示", "--recipient", "市政府", "--json")
    assert code == 0, err
    data = json.loads(out)
    conforms(data, "record")
    assert data["query"] == "who_must_approve" and data["answer"]["signers"]
    assert run("approve", "ezhou", "--issuer", "department", "--kind", "request", "--recipient", "government")[
        1
    ].startswith("审批：")
    code, out, _ = run("sign", "ezhou", *SIGN, "--absent", "市长", "--json")
    data = json.loads(out)
    assert code == 0 and data["input"]["absent"] == ["head"] and "head" not in data["answer"]["signers"]


@pytest.mark.parametrize(
    "argv",
    [
        ("agenda", EXAMPLE, "--meeting", "executive", "--consulted", "yes"),
        ("agenda", EXAMPLE, "--meeting", "executive", "--consulted", "1"),
        ("agenda", EXAMPLE, "--meeting", "executive", "--materials-submitted", "20240501"),
        ("agenda", EXAMPLE, "--meeting", "executive", "--meeting-date", "2024-W21-1"),
        ("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "2024-5-20"),
        ("quorum", EXAMPLE, "executive", "--present", "3.0", "--total", "4"),
    ],
)
def test_only_the_documented_value_forms_are_accepted(argv: tuple[str, ...]) -> None:
    """true/false/是/否, dates YYYY-MM-DD, whole numbers: anything else is an input error naming the value."""
    code, _, err = run(*argv)
    assert code == 2 and "Traceback" not in err and (argv[-1] in err or argv[-3] in err)


def test_the_other_commands_json_matches_the_schema(tmp_path: Path) -> None:
    source = tmp_path / "city.txt"
    source.write_text("某市人民政府工作规则\n第一条 为规范工作，制定本规则。\n第二条 市长领导市政府的工作。\n", "utf-8")
    notice = ROOT / "tests" / "data" / "notices" / "2026.txt"
    for argv, definition in [
        (("show", EXAMPLE), "show"),
        (("diff", EXAMPLE, EXAMPLE), "diff"),
        (("scaffold", str(source)), "scaffold"),
        (("calendar", "import", str(notice)), "calendar_days"),
    ]:
        code, out, err = run(*argv, "--json")
        assert code == 0, (argv, err)
        data = json.loads(out)
        conforms(data, definition)
    code, out, _ = run("diff", EXAMPLE, "rizhao", "--json")
    assert code == 1 and json.loads(out)["differences"]  # rulesets that differ: a finding
