"""govrule diff: regions of inputs, every field that matters, both sides cited, terminal width, exit codes."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import govrule
from govrule import model
from govrule.cli import main
from govrule.diff import Region, diff, regions, render
from govrule.show import _width

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "examples" / "minimal.yaml")
SUPPLEMENT = str(ROOT / "examples" / "supplement.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def with_edit(edit: Any) -> govrule.Ruleset:
    data = yaml.safe_load(Path(BASE).read_text(encoding="utf-8"))
    edit(data)
    return govrule.Ruleset(model.RulesetFile.model_validate(data))


def signing_rule(**fields: Any) -> dict[str, Any]:
    rule = {"cite": "二十", "text": "条文。", "steps": [{"action": "sign", "roles": ["head"]}]}
    rule.update(fields)
    return rule


def test_two_cities_differ_on_a_request_to_the_province_as_one_region_citing_both() -> None:
    """Ezhou 五十六（一） 市长或常务副市长 and Rizhao 第五十条（一） 市长, for requests and reports alike."""
    ezhou, rizhao = govrule.load("ezhou"), govrule.load("rizhao")
    found = [
        r
        for r in regions(ezhou, rizhao)
        if r.query == "who_must_sign" and r.left_cite == "五十六（一）" and r.right_cite == "第五十条第（一）项"
    ]
    assert found
    region = next(r for r in found if "recipient=higher_government" in r.condition)
    assert region.condition.startswith("issuer=government, within_department_authority=false, ")
    assert "recipient=higher_government" in region.condition and region.boxes == 2
    # requests, and reports that are not 重大突发事件信息 (Rizhao 第五十七条 governs those):
    assert "kind=request" in region.condition and "；或 " in region.condition
    assert "subject_matter 不含 major_emergency_information, kind=report" in region.condition
    assert region.left == "市长或常务副市长签发" or region.left == "常务副市长或市长签发"
    assert region.right == "市长签发"
    doc = govrule.Document(**region.example)
    assert ezhou.who_must_sign(doc).rule.citation == "五十六（一）"
    assert rizhao.who_must_sign(doc).rule.citation == "第五十条第（一）项"


def test_regions_are_far_fewer_than_points_and_every_example_really_differs() -> None:
    ezhou, rizhao = govrule.load("ezhou"), govrule.load("rizhao")
    found = [r for r in regions(ezhou, rizhao) if r.query == "who_must_sign"]
    assert 0 < len(found) < 400  # the point-by-point listing had about 1,900 rows
    for r in found[:60]:
        doc = govrule.Document(**r.example)
        left, right = _outcome(ezhou, doc), _outcome(rizhao, doc)
        assert left != right, r


def _outcome(rs: govrule.Ruleset, doc: govrule.Document) -> Any:
    try:
        d = rs.who_must_sign(doc)
    except govrule.GovruleError as exc:
        return type(exc).__name__
    return (d.rule.id, d.signers, d.cosigners, d.forbidden, d.escalation)


@pytest.mark.parametrize("field", ["important", "broad_scope", "routine_approval", "major", "entrusted"])
def test_rulesets_differing_on_any_flag_are_reported(field: str) -> None:
    """Every field the rules test is sampled, not only major."""

    def edit(data: dict[str, Any]) -> None:
        data["signing"][0]["rules"].insert(
            0,
            signing_rule(
                id="sign.flag", when={field: True}, steps=[{"action": "sign", "roles": ["secretary_general"]}]
            ),
        )

    base = govrule.load(BASE)
    found = regions(base, with_edit(edit))
    signing = [r for r in found if r.query == "who_must_sign"]
    assert signing and all(f"{field}=true" in r.condition for r in signing)
    assert all(r.right == "秘书长签发" and r.right_cite == "二十" for r in signing)


def test_rulesets_differing_on_a_portfolio_count_are_reported_at_the_boundary() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["signing"][0]["rules"].insert(0, signing_rule(id="sign.many", when={"portfolio_count": {"gte": 4}}))

    found = [r for r in regions(govrule.load(BASE), with_edit(edit)) if r.query == "who_must_sign"]
    assert found and all("portfolio_count ≥ 4" in r.condition for r in found)
    assert all(len(r.example["portfolios"]) == 4 for r in found)


def test_a_ruleset_and_itself_do_not_differ_and_exit_0() -> None:
    assert diff(govrule.load("wuhai_hainan"), govrule.load("wuhai_hainan")) == []
    code, out, _ = run("diff", "ezhou", "ezhou")
    assert code == 0 and "两者对所有问题的回答相同" in out


def test_differing_rulesets_exit_1_with_a_chinese_summary() -> None:
    code, out, err = run("diff", "ezhou", "rizhao")
    assert code == 1 and err == ""
    assert out.startswith("鄂州市（ezhou）与 日照市（rizhao）的差异")
    assert "签发（who_must_sign）：" in out and "处不同" in out
    assert "第五十条第（一）项" in out and "五十六（一）" in out


def test_points_lists_one_example_input_per_box() -> None:
    code, regions_text, _ = run("diff", "ezhou", "rizhao")
    code_points, points_text, _ = run("diff", "ezhou", "rizhao", "--points")
    assert code == code_points == 1
    assert "kind ∈ {" in regions_text and "kind ∈ {" not in points_text
    request = next(
        line for line in points_text.splitlines() if "kind=request" in line and "recipient=higher_government" in line
    )
    assert "issuer=government" in request
    ezhou, rizhao = govrule.load("ezhou"), govrule.load("rizhao")
    found = regions(ezhou, rizhao)
    assert len(diff(ezhou, rizhao)) == sum(r.boxes for r in found) > len(found)
    assert f"共 {sum(r.boxes for r in found)} 处不同" in points_text


def test_json_has_the_regions_and_the_example_points() -> None:
    code, out, _ = run("diff", "ezhou", "rizhao", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["regions"] and sum(len(r["examples"]) for r in data["regions"]) == len(data["differences"])
    first = data["regions"][0]
    assert set(first) == {"query", "condition", "left", "right", "left_cite", "right_cite", "examples"}


def test_text_fits_the_terminal_width() -> None:
    ezhou, rizhao = govrule.load("ezhou"), govrule.load("rizhao")
    found = regions(ezhou, rizhao)
    for width in (60, 100):
        text = render(ezhou, rizhao, found, width=width)
        assert max(_width(line) for line in text.splitlines()) <= width
    # Nothing is lost by wrapping: every citation is still there.
    assert all(r.left_cite is None or r.left_cite in render(ezhou, rizhao, found, width=60) for r in found[:20])


def test_the_command_reads_the_terminal_width_from_the_environment() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "govrule", "diff", "ezhou", "rizhao"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "72", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert max(_width(line) for line in proc.stdout.splitlines()) <= 72


def test_a_base_and_its_composition_differ_only_where_the_supplement_decides() -> None:
    base = govrule.load(BASE)
    both = govrule.compose(base, govrule.load(SUPPLEMENT))
    found = regions(base, both)
    assert found
    assert {r.right_cite for r in found if r.query == "who_must_sign"} <= {"一", "二", "三"}
    assert any(r.query == "deadline" and r.example["event"] == "consultation_reply" for r in found)
    code, out, _ = run("diff", BASE, f"{BASE}+{SUPPLEMENT}")
    assert code == 1 and "consultation_reply" in out


def test_approval_tables_are_compared_too() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["format"] = 2
        data["signing"].append(
            {
                "id": "approve",
                "purpose": "approve",
                "hit_policy": "first",
                "rules": [
                    {
                        "id": "approve.department",
                        "cite": "三十一",
                        "text": "部门报送市政府审批的公文，由分管副市长审批。",
                        "when": {"issuer": "department", "recipient": "government"},
                        "steps": [{"action": "approve", "roles": ["deputy_head_in_charge"]}],
                    }
                ],
            }
        )

    found = [r for r in regions(govrule.load(BASE), with_edit(edit)) if r.query == "who_must_approve"]
    assert len(found) == 1
    (region,) = found
    assert "issuer=department" in region.condition and "recipient=government" in region.condition
    assert region.left == "文本未规定" and region.right == "分管副市长审批" and region.right_cite == "三十一"


def test_region_is_immutable_and_plain_data() -> None:
    r = Region("who_must_sign", "issuer=government", "市长签发", "秘书长签发", "一", "二", ({"issuer": "government"},))
    with pytest.raises(AttributeError):
        r.left = "x"  # type: ignore[misc]
    assert json.loads(json.dumps(r.to_dict()))["examples"] == [{"issuer": "government"}]
    assert copy.deepcopy(r) == r
