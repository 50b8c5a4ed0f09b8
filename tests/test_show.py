"""govrule show and govrule diff on every bundled ruleset, on two cities, and on a base against its supplement."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import govrule
from govrule.cli import main
from govrule.show import diff

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "examples" / "minimal.yaml")
SUPPLEMENT = str(ROOT / "examples" / "supplement.yaml")


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("rid", govrule.bundled())
def test_show_renders_every_section_with_citations(rid: str) -> None:
    """govrule show prints the title, the roles with their labels, and every signing rule with its citation."""
    rs = govrule.load(rid)
    code, out = run("show", rid)
    assert code == 0
    assert rs.meta.title in out
    assert all(label in out for label in rs.roles.values())
    for table in rs.spec.signing:
        for rule in table.rules:
            assert rule.id in out and rule.cite in out


@pytest.mark.parametrize("rid", govrule.bundled())
def test_show_json_is_the_ruleset_as_data(rid: str) -> None:
    """govrule show --json gives the metadata with its revision and the whole ruleset."""
    code, out = run("show", rid, "--json")
    data = json.loads(out)
    assert code == 0 and data["meta"]["revision"] == govrule.load(rid).revision
    assert data["ruleset"]["id"] == rid


def test_diff_of_two_cities_cites_both_sides() -> None:
    """Ezhou and Rizhao differ on who signs a request to the province, each side with its citation."""
    differences = diff(govrule.load("ezhou"), govrule.load("rizhao"))
    request = next(
        d
        for d in differences
        if d.query == "who_must_sign"
        and d.input == {"issuer": "government", "kind": "request", "recipient": "higher_government"}
    )
    assert request.left == "sign executive_deputy_head|head" and request.right == "sign head"
    assert request.left_cite == "五十六（一）" and request.right_cite == "第五十条第（一）项"
    code, out = run("diff", "ezhou", "rizhao")
    assert code == 0 and "第五十条第（一）项" in out and "differences between ezhou and rizhao" in out


def test_diff_of_a_base_and_its_composition_shows_only_what_the_supplement_changes() -> None:
    """Comparing a base with base+supplement lists exactly the answers the supplement's rules decide."""
    base = govrule.load(BASE)
    both = govrule.compose(base, govrule.load(SUPPLEMENT))
    differences = diff(base, both)
    assert differences
    changed_rules = {d.right_cite for d in differences}
    assert changed_rules <= {"一", "二", "三"}
    assert any(d.query == "deadline" and d.input["event"] == "consultation_reply" for d in differences)
    code, out = run("diff", BASE, f"{BASE}+{SUPPLEMENT}")
    assert code == 0 and "consultation_reply" in out


def test_diff_of_a_ruleset_with_itself_is_empty() -> None:
    """A ruleset answers every question as itself does."""
    assert diff(govrule.load("wuhai_hainan"), govrule.load("wuhai_hainan")) == []
