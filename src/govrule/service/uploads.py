"""Validate, check and test a ruleset sent in a request body (the playground's editor pane).

The text is parsed in memory under a plain file name (never a path: the name only labels
the problems, ``name:line:column``); nothing is written or read from disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .. import wire
from ..engine import Ruleset
from ..errors import RulesetError
from ..loader import parse_text
from ..testing.fixtures import parse_fixture, run_case

__all__ = ["check_text", "test_text", "validate_text"]

_DEFAULT_NAME = "ruleset.yaml"


def _name(file: str | None, default: str = _DEFAULT_NAME) -> str:
    base = os.path.basename(file or "").strip()
    return base[:100] if base else default


def _parse(text: str, file: str | None) -> tuple[Ruleset | None, list[dict[str, Any]]]:
    try:
        source = parse_text(text, _name(file))
    except RulesetError as exc:
        return None, [wire.problem_dict(p) for p in exc.problems]
    return Ruleset(source.spec, source=source), []


def _summary(rs: Ruleset) -> dict[str, Any]:
    meta = rs.meta
    return {"id": rs.id, "title": meta.title, "number": meta.number, "kind": rs.kind, "revision": rs.revision}


def validate_text(text: str, file: str | None = None) -> dict[str, Any]:
    """``{"valid", "problems", "ruleset"}`` for ruleset text: problems with file:line:column, or its summary."""
    rs, problems = _parse(text, file)
    return {"valid": rs is not None, "problems": problems, "ruleset": _summary(rs) if rs is not None else None}


def check_text(text: str, file: str | None = None, base: Ruleset | None = None) -> dict[str, Any]:
    """Validation and then the consistency findings (``govrule.check``), over ``base`` for a supplement."""
    from .. import check

    rs, problems = _parse(text, file)
    if rs is None:
        return {"valid": False, "problems": problems, "ruleset": None, "findings": []}
    try:
        findings = check(rs, base=base) if base is not None else check(rs)
    except RulesetError as exc:
        return {
            "valid": False,
            "problems": [wire.problem_dict(p) for p in exc.problems],
            "ruleset": _summary(rs),
            "findings": [],
        }
    return {
        "valid": True,
        "problems": [],
        "ruleset": _summary(rs),
        "findings": [wire.finding_dict(f) for f in findings],
    }


def test_text(text: str | None, fixture: str, lookup: Callable[[str], Ruleset]) -> dict[str, Any]:
    """Run fixture cases (contract section 5) against the ruleset text, or the ruleset in service it names.

    Raises RulesetError when the fixture or the ruleset text is malformed (with positions), and
    UnknownTerm when no ruleset text is given and the fixture names no ruleset in service.
    """
    cases = parse_fixture(fixture, "fixture.yaml")
    if text is not None and text.strip():
        rs, problems = _parse(text, None)
        if rs is None:
            return {"valid": False, "problems": problems, "passed": 0, "failed": 0, "cases": []}
    else:
        rs = lookup(cases.ruleset)
    results = [run_case(rs, case, cases.file) for case in cases.cases]
    passed = sum(1 for r in results if r.passed)
    return {
        "valid": True,
        "problems": [],
        "ruleset": _summary(rs),
        "passed": passed,
        "failed": len(results) - passed,
        "cases": [wire.case_dict(r) for r in results],
    }
