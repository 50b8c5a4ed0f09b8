"""govrule check reads as Chinese for the people who keep rulesets; kind, severity, rules and witness stay data."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import govrule
from govrule import model
from govrule.cli import main
from govrule.consistency import KINDS, CheckFinding, check
from govrule.consistency.wording import KIND_NAMES, SEVERITY_NAMES

ROOT = Path(__file__).resolve().parent.parent
DEFECTS = ROOT / "tests" / "data" / "defects"
CHECK = ROOT / "tests" / "data" / "check"
TEN = CHECK / "ten_defects.yaml"
BASE = DEFECTS / "supplement_base.yaml"
MINIMAL = ROOT / "examples" / "minimal.yaml"

SUPPLEMENTS = ("bad_override.yaml", "composition_change.yaml")
#: Each finding file, checked the way it is meant to be (a supplement over its base).
TARGETS = [
    (TEN, None),
    (CHECK / "supplement_by_title.yaml", None),
    *((p, None) for p in sorted(DEFECTS.glob("*.yaml")) if p.name not in SUPPLEMENTS),
    *((DEFECTS / name, BASE) for name in SUPPLEMENTS),
]


def corpus() -> list[CheckFinding]:
    out: list[CheckFinding] = []
    for path, base in TARGETS:
        if path.name == "dangling_reference.yaml":
            continue  # the loader refuses it: a file problem, not a finding
        out += check(str(path), base=str(base) if base else None)
    return out


def english_phrases(message: str) -> list[str]:
    """Runs of English words in a message once the ids and conditions in parentheses are set aside."""
    text = message
    while True:  # innermost parentheses first: （四十九（sign.x）） and the like
        stripped = re.sub(r"（[^（）]*）", "", text)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"'[^']*'", "", text)  # quoted ids (an undefined name)
    return re.findall(r"[A-Za-z]{2,}(?: [A-Za-z]{2,})+", text)


def test_every_kind_has_a_chinese_name_and_every_finding_a_listed_kind() -> None:
    names = list(KIND_NAMES.values())
    assert len(set(names)) == len(names) and not any(re.search(r"[A-Za-z]{3}", n.split("（")[0]) for n in names)
    found = corpus()
    assert {f.kind for f in found} >= {"cycle", "overlap", "gap", "shadowed", "contradiction", "competence"}
    assert all(f.kind in KINDS for f in found)


@pytest.mark.parametrize("finding", corpus(), ids=lambda f: f"{f.kind}-{'-'.join(f.rules[:1])}")
def test_each_finding_line_names_its_kind_in_chinese_and_its_rules_by_citation_then_id(finding: CheckFinding) -> None:
    text = str(finding)
    head = f"{finding.location}: {SEVERITY_NAMES[finding.severity]}：{KIND_NAMES[finding.kind]}（{finding.kind}）："
    assert text.startswith(head), text
    assert len(finding.citations) == len(finding.rules)
    for rule, cite in zip(finding.rules, finding.citations, strict=True):
        assert f"{cite}（{rule}）" in finding.message, (rule, finding.message)
    assert english_phrases(finding.message) == [], finding.message


def test_the_shadowed_line_reads_as_the_clerk_expects() -> None:
    (line,) = [str(f) for f in check(str(TEN)) if f.kind == "shadowed"]
    assert line == (
        f"{TEN}:42:9: 警告：规则不可达（shadowed）：决策表（sign）中的规则四十九（sign.no_skipping）不可达："
        "它适用的每一件公文都已先由排在前面的规则四十二（sign.government）决定"
    )


def test_roles_and_meetings_are_named_by_the_rulesets_labels_with_their_ids() -> None:
    findings = check(str(TEN))
    (cycle,) = [f for f in findings if f.kind == "cycle"]
    assert "报请关系循环：" in cycle.message
    assert "县长（head）" in cycle.message and "副县长（deputy_head）" in cycle.message
    (already,) = [f for f in findings if f.kind == "escalation" and f.severity == "warning"]
    label = govrule.load(TEN).roles["secretary_general"]
    assert f"{label}（secretary_general）本来就是签发人" in already.message
    (competence,) = [f for f in findings if f.kind == "competence"]
    assert "县政府全体会议（plenary）" in competence.message and "县长办公会议（head_office）" in competence.message
    (acting,) = check(str(DEFECTS / "acting_cycle.yaml"))
    assert "代理关系循环：市长（head） → 常务副市长（executive_deputy_head） → 市长（head）" in acting.message


def test_inputs_are_named_by_their_chinese_fields_with_the_condition_as_written() -> None:
    (gap,) = check(str(DEFECTS / "gap.yaml"))
    assert gap.message.endswith("没有规则适用于以下公文：发文机关=政府办公室（issuer=office）、重大=否（major=false）")
    (contradiction,) = [f for f in check(str(TEN)) if f.kind == "contradiction"]
    # The witness, which the message does not otherwise show, is given as an example input.
    assert "例如：发文机关=人民政府（issuer=government）、越级行文=是（skips_level=true）" in contradiction.message
    assert "主送机关=国务院（recipient=state_council）" in contradiction.message


def test_an_undefined_name_suggests_the_close_one_in_chinese() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["leave"][0]["approvers"] = ["haed"]
    (finding,) = check(model.RulesetFile.model_validate(data))
    assert finding.message == (
        "未定义的角色 'haed'（位于 leave[0].approvers[0]）（是否应为 'head'？）；已定义的角色：副市长（deputy_head）、"
        "分管副市长（deputy_head_in_charge）、常务副市长（executive_deputy_head）、市长（head）、秘书长（secretary_general）"
    )


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_summary_line_counts_in_chinese() -> None:
    code, out, _ = run(str(TEN), str(MINIMAL))
    assert code == 1
    lines = out.splitlines()
    assert f"{TEN}: 5 个错误，9 个警告，0 条提示" in lines
    assert lines[-1] == f"{MINIMAL}: 未发现问题"
    code, out, _ = run(str(DEFECTS / "composition_change.yaml"), "--base", str(BASE))
    assert code == 0
    target = DEFECTS / "composition_change.yaml"
    assert out.splitlines()[-1] == f"{target}（基础：{BASE}）: 0 个错误，1 个警告，0 条提示"


def test_json_gives_the_same_chinese_message_once_and_keeps_the_machine_parts() -> None:
    code, out, _ = run(str(DEFECTS / "gap.yaml"), "--json")
    assert code == 1
    (target,) = json.loads(out)["targets"]
    (finding,) = target["findings"]
    (expected,) = check(str(DEFECTS / "gap.yaml"))
    assert finding["kind"] == "gap" and finding["severity"] == "error"
    assert finding["message"] == expected.message and "规则缺口" not in finding["message"]
    assert finding["witness"] == {"issuer": "office", "major": False}
    assert finding["location"]["line"] == 10 and finding["location"]["column"] == 5
    assert set(finding) == {"kind", "severity", "message", "rules", "citations", "witness", "location", "recorded"}


def test_junit_failures_carry_the_chinese_message() -> None:
    code, out, _ = run(str(DEFECTS / "overlap.yaml"), "--format", "junit")
    assert code == 1
    assert "都适用于发文机关=人民政府（issuer=government）" in out and 'name="overlap: sign.request' in out


def test_the_same_file_gives_the_same_report_whatever_the_hash_seed() -> None:
    """Cycles are reported from the same node and in the same order in every process."""
    files = [str(DEFECTS / n) for n in ("delegation_cycle.yaml", "substitution_cycle.yaml")] + [str(TEN)]
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "govrule", "check", *files],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_the_authoring_guide_lists_each_kind_with_its_chinese_name() -> None:
    page = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for kind, name in KIND_NAMES.items():
        assert re.search(rf"\| [^|\n]*`{kind}`[^|\n]* \| [^|\n]*{name}", page), kind
