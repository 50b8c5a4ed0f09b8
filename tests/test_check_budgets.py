"""govrule check's work budgets: symbolic witnesses, too-complex conditions, tables of many distinct words."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import govrule
from govrule import model
from govrule.consistency import check, limits


def table(rules: list[dict[str, Any]], *, policy: str = "first", complete: bool = True) -> model.RulesetFile:
    return model.RulesetFile.model_validate(
        {
            "id": "budget",
            "kind": "base",
            "meta": {"title": "预算样例", "jurisdiction": "示例市", "level": "city", "source": "tests"},
            "roles": {"head": {"label": "市长"}, "secretary_general": {"label": "秘书长"}},
            "signing": [{"id": "t", "hit_policy": policy, "complete": complete, "rules": rules}],
        }
    )


def rule(i: int, when: dict[str, Any], signer: str = "head") -> dict[str, Any]:
    return {
        "id": f"r{i}",
        "cite": f"第{i + 1}条",
        "text": "条文",
        "when": when,
        "steps": [{"action": "sign", "roles": [signer]}],
    }


def test_a_huge_portfolio_count_gives_a_symbolic_witness_at_the_boundary() -> None:
    spec = table([rule(0, {"portfolio_count": {"lt": 1_000_000_000_000}})])
    (finding,) = check(spec)
    assert finding.kind == "gap"
    assert dict(finding.witness or {}) == {"portfolios": (), "portfolio_count": 1_000_000_000_000}
    assert "分管领域数≥1000000000000（portfolio_count≥1000000000000）" in finding.message


def test_a_small_portfolio_count_is_still_spelt_out_as_a_document() -> None:
    spec = table([rule(0, {"portfolio_count": {"lt": 3}})])
    (finding,) = check(spec)
    doc = govrule.Document(**finding.witness)
    assert len(doc.portfolios) == 3 and "portfolio_count" not in finding.witness


def test_a_product_shaped_condition_is_reported_as_too_complex_naming_rule_and_limit() -> None:
    counts = [{"portfolio_count": k} for k in range(1000)]
    words = [{"portfolios": {"contains": f"w{k}"}} for k in range(1000)]
    spec = table([rule(0, {"issuer": "office"}), rule(1, {"all": [{"any": counts}, {"any": words}]})])
    (finding,) = check(spec)
    assert (finding.kind, finding.severity) == ("too_complex", "error")
    assert finding.rules == ("r1",) and finding.citations == ("第2条",)
    assert "MAX_BOX_PRODUCT" in finding.message and "1000 x 1000" in finding.message
    assert dict(finding.witness or {}) == {"table": "t", "rule": "r1", "limit": "MAX_BOX_PRODUCT"}


def test_the_limits_are_named_constants_in_one_module() -> None:
    names = [n for n in dir(limits) if n.startswith("MAX_")]
    assert sorted(names) == sorted(limits.__all__)
    assert all(isinstance(getattr(limits, n), int) and getattr(limits, n) > 0 for n in names)


def test_many_distinct_words_agreeing_under_unique_are_one_warning_group() -> None:
    n = 600
    spec = table([rule(i, {"portfolios": {"contains": f"w{i}"}}) for i in range(n)], policy="unique")
    overlap, gap = check(spec)
    assert (overlap.kind, overlap.severity, len(overlap.rules)) == ("overlap", "warning", n)
    assert "答案引用哪一条规定不明确" in overlap.message and "等 600 条" in overlap.message
    assert set(overlap.witness["portfolios"]) == {"w0", "w1"}
    assert gap.kind == "gap" and dict(gap.witness or {}) == {"portfolios": ()}
    assert len(gap.message) < 600  # the region is described by its first conditions, then counted


def test_eight_thousand_distinct_words_stay_within_time_and_memory() -> None:
    """Sub-quadratic in distinct words: 8,000 rules, each with its own word, under 1.5 GiB and 60 s."""
    script = textwrap.dedent(
        """
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from govrule import model
        from govrule.consistency import check
        rules = [
            {"id": f"r{i}", "cite": str(i), "text": "t", "when": {"portfolios": {"contains": f"w{i}"}},
             "steps": [{"action": "sign", "roles": ["head"]}]}
            for i in range(8000)
        ]
        spec = model.RulesetFile.model_validate({
            "id": "words", "kind": "base",
            "meta": {"title": "t", "jurisdiction": "j", "level": "city", "source": "s"},
            "roles": {"head": {"label": "市长"}},
            "signing": [{"id": "t", "hit_policy": "first", "complete": False, "rules": rules}],
        })
        print(len(check(spec)))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "0"


def test_many_distinct_words_with_different_answers_under_unique_are_one_maximal_overlap() -> None:
    """The unique sweep explores only maximal sets: 2,000 words, alternating signers, stay cheap."""
    n = 2000
    rules = [rule(i, {"portfolios": {"contains": f"w{i}"}}, "head" if i % 2 else "secretary_general") for i in range(n)]
    findings = check(table(rules, policy="unique", complete=False))
    kinds = sorted((f.kind, f.severity, len(f.rules)) for f in findings)
    assert kinds == [("overlap", "error", n), ("overlap", "warning", n // 2), ("overlap", "warning", n // 2)]


def test_thousands_of_prohibitions_across_two_tables_end_with_findings_not_a_hang() -> None:
    """Cross-table checks keep running masks (no loop over earlier rules per rule) and name a budget they hit."""
    n = 4000
    rules = [
        {"id": f"r{i}", "cite": str(i), "text": "t", "when": {"portfolios": {"contains": f"w{i}"}}}
        | ({"forbidden": True} if i % 2 else {"steps": [{"action": "sign", "roles": ["head"]}]})
        for i in range(n)
    ]
    spec = model.RulesetFile.model_validate(
        {
            "id": "many",
            "kind": "base",
            "format": 2,
            "meta": {"title": "t", "jurisdiction": "j", "level": "city", "source": "s"},
            "roles": {"head": {"label": "市长"}},
            "signing": [
                {"id": "a", "hit_policy": "first", "rules": rules[: n // 2]},
                {"id": "b", "hit_policy": "first", "rules": rules[n // 2 :]},
            ],
        }
    )
    findings = check(spec)
    contradictions = [f for f in findings if f.kind == "contradiction"]
    assert contradictions and contradictions[0].rules == ("r1", "r0")
    too_complex = [f for f in findings if f.kind == "too_complex"]
    assert all("上限 MAX_" in f.message for f in too_complex)
