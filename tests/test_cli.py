"""The command line: exit codes, readable output, --json, and no tracebacks on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govrule.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "minimal.yaml")
MALFORMED = ROOT / "tests" / "data" / "malformed"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_validate_accepts_a_valid_file() -> None:
    """A valid file exits 0 and says so."""
    code, out, _ = run("validate", EXAMPLE)
    assert code == 0 and out == f"{EXAMPLE}：有效\n1 个文件有效，0 个有误\n"


@pytest.mark.parametrize("path", sorted(MALFORMED.glob("*.yaml")), ids=lambda p: p.name)
def test_validate_rejects_every_malformed_file_without_a_traceback(path: Path) -> None:
    """Each malformed file exits 1 with a file:line:column message and no traceback."""
    code, out, err = run("validate", str(path))
    assert code == 1
    assert f"{path}:" in out and "Traceback" not in out + err


def test_validate_json_carries_problems_as_data() -> None:
    """--json gives each file's problems with line and column."""
    code, out, _ = run("validate", "--json", str(MALFORMED / "undefined_role.yaml"), EXAMPLE)
    data = json.loads(out)
    assert code == 1 and data["schema"] == "govrule.answer/1"
    assert data["results"][0]["valid"] is False and data["results"][0]["problems"][0]["location"]["line"] == 20
    assert data["results"][1]["valid"] is True


def test_missing_file_is_an_input_error() -> None:
    """A path that does not exist is an input error (exit 2) saying so."""
    code, _, err = run("validate", "no/such/file.yaml")
    assert code == 2 and "找不到规则集文件：no/such/file.yaml" in err and "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    """Unknown commands and missing arguments exit 2 with a message."""
    assert run("frobnicate")[0] == 2
    assert run("validate")[0] == 2
    assert run()[0] == 2
    code, _, err = run("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "2024-13-01")
    assert code == 2 and "起算日期（--from）须为日期" in err and "2024-13-01" in err


def test_sign_prints_signers_and_citation() -> None:
    """govrule sign answers with the signers, the rule and its citation."""
    code, out, _ = run(
        "sign", EXAMPLE, "--issuer", "government", "--kind", "request", "--recipient", "higher_government"
    )
    assert code == 0 and "市长(head)" in out and "二十（一）" in out


def test_sign_json_is_a_decision_record_with_the_revision() -> None:
    """--json carries the input, the answer, the rule and the ruleset revision."""
    code, out, _ = run(
        "sign", EXAMPLE, "--json", "--issuer", "government", "--kind", "request", "--recipient", "higher_government"
    )
    data = json.loads(out)
    assert code == 0 and data["ruleset"]["revision"] and data["answer"]["signers"] == ["head"]
    assert data["answer"]["rule"]["citation"] == "二十（一）"


def test_sign_with_an_unknown_value_is_a_clear_error() -> None:
    """A value outside the vocabulary names the allowed ones, exit 2."""
    code, _, err = run("sign", EXAMPLE, "--issuer", "govt")
    assert code == 2 and "--issuer" in err and "可选：" in err and "government（人民政府）" in err
    assert "Traceback" not in err


def test_agenda_exit_code_follows_eligibility() -> None:
    """An ineligible item exits 1 and lists what is missing; an eligible one exits 0."""
    code, out, _ = run(
        "agenda", EXAMPLE, "--meeting", "executive", "--involves-other-departments", "true", "--consulted", "false"
    )
    assert code == 1 and out.startswith("不能提交") and "consulted" not in out
    code, out, _ = run(
        "agenda", EXAMPLE, "--meeting", "executive", "--involves-other-departments", "true", "--consulted", "true"
    )
    assert code == 0 and out.startswith("可以提交")


def test_deadline_prints_the_due_date() -> None:
    """govrule deadline counts on the working-day calendar."""
    code, out, _ = run("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "2024-09-27")
    assert code == 0 and "2024-10-10" in out


def test_no_applicable_rule_exits_1_with_the_reason() -> None:
    """A question the text does not answer is a finding, not a crash."""
    code, _, err = run("deadline", EXAMPLE, "consultation_reply", "--from", "2024-09-27")
    assert code == 1 and "没有规则回答这个问题" in err and "未规定" in err and "consultation_reply" in err


def test_test_command_prints_failures_and_a_closing_count(tmp_path: Path) -> None:
    """govrule test prints one line per failing case and 'N passed, N failed'; exit 1 on a failure."""
    fixture = tmp_path / "cases.yaml"
    fixture.write_text(
        f"""ruleset: {EXAMPLE}
cases:
  - name: 报省政府的请示由市长签发
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [head]}}
  - name: 故意写错的期望
    query: who_must_sign
    input: {{issuer: government, kind: request, recipient: higher_government}}
    expect: {{signers: [secretary_general]}}
""",
        encoding="utf-8",
    )
    code, out, _ = run("test", str(fixture))
    lines = out.strip().splitlines()
    assert code == 1
    assert lines[-1] == "1 个用例通过，1 个未通过"
    assert "故意写错的期望" in lines[0] and "secretary_general" in lines[0] and "二十（一）" in lines[0]


def test_schema_prints_json_schema() -> None:
    """govrule schema prints the ruleset JSON Schema."""
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["title"] == "govrule ruleset"


def test_scaffold_writes_a_skeleton(tmp_path: Path) -> None:
    """govrule scaffold splits a source text into articles and writes a coverage skeleton."""
    source = tmp_path / "city.txt"
    source.write_text(
        "某市人民政府工作规则\n第一章 总则\n第一条 为规范工作，制定本规则。\n第二条 市长领导市政府的工作。\n",
        encoding="utf-8",
    )
    code, out, _ = run("scaffold", str(source), "--id", "city")
    assert code == 0 and "coverage:" in out and "第一条" in out and "第二条" in out


def test_python_dash_m_works_like_the_script() -> None:
    """python -m govrule runs the same command line."""
    proc = subprocess.run(
        [sys.executable, "-m", "govrule", "validate", EXAMPLE], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "1 个文件有效" in proc.stdout
