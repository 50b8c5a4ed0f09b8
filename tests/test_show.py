"""govrule show on every bundled ruleset (govrule diff: tests/test_diff.py)."""

from __future__ import annotations

import io
import json

import pytest

import govrule
from govrule.cli import main


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
