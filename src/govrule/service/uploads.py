"""Validate, check and test a ruleset sent in a request body (the playground's editor pane).

The answers have the shapes of ``govrule validate``, ``govrule check`` and ``govrule test``
under ``--json`` (schema/answer.schema.json). The text is parsed in memory under a plain file
name (never a path: the name only labels the problems, ``name:line:column``); nothing is
written or read from disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .. import wire
from ..engine import Ruleset
from ..errors import GovruleError, RulesetError
from ..loader import parse_text
from ..testing.fixtures import parse_fixture, run_case

__all__ = ["check_text", "test_text", "validate_text"]


def _name(file: str | None, default: str = "ruleset.yaml") -> str:
    base = os.path.basename(file or "").strip()
    return base[:100] if base else default


def _parse(text: str, name: str) -> Ruleset:
    source = parse_text(text, name)
    return Ruleset(source.spec, source=source)


def validate_text(text: str, file: str | None = None) -> dict[str, Any]:
    """``{"results": [{"file", "valid", "problems"}], "valid", "invalid"}``, as ``govrule validate --json``."""
    name = _name(file)
    try:
        _parse(text, name)
        problems: list[dict[str, Any]] = []
    except RulesetError as exc:
        problems = [wire.problem_dict(p) for p in exc.problems]
    ok = not problems
    return {"results": [{"file": name, "valid": ok, "problems": problems}], "valid": int(ok), "invalid": int(not ok)}


def check_text(text: str, file: str | None = None, base: Ruleset | None = None) -> dict[str, Any]:
    """``{"targets": [{"target", "base", "findings" | "error"}]}``, as ``govrule check --json``."""
    from .. import check

    name = _name(file)
    target: dict[str, Any] = {"target": name, "base": base.id if base is not None else None}
    try:
        rs = _parse(text, name)
        findings = check(rs, base=base) if base is not None else check(rs)
    except RulesetError as exc:
        target["error"] = wire.error_dict(exc)["error"]
    else:
        target["findings"] = [wire.finding_dict(f) for f in findings]
    return {"targets": [target]}


def test_text(text: str | None, fixture: str, lookup: Callable[[str], Ruleset]) -> dict[str, Any]:
    """Run fixture cases (contract section 5) against the ruleset text, or the ruleset in service it names.

    The answer is ``govrule test --json``'s: ``{"passed", "failed", "cases", "errors"}``; a malformed
    fixture or ruleset is an entry of ``errors`` with its problems. Raises UnknownTerm when no ruleset
    text is given and the fixture names no ruleset in service.
    """
    fixture_name = "fixture.yaml"
    try:
        cases = parse_fixture(fixture, fixture_name)
        rs = _parse(text, _name(None)) if text is not None and text.strip() else lookup(cases.ruleset)
    except RulesetError as exc:
        return {"passed": 0, "failed": 1, "cases": [], "errors": [{"file": fixture_name, **_error(exc)}]}
    results = [run_case(rs, case, fixture_name) for case in cases.cases]
    passed = sum(1 for r in results if r.passed)
    return {
        "passed": passed,
        "failed": len(results) - passed,
        "cases": [{"file": fixture_name, **wire.case_dict(r)} for r in results],
        "errors": [],
    }


def _error(exc: GovruleError) -> dict[str, Any]:
    return {"error": wire.error_dict(exc)["error"]}
