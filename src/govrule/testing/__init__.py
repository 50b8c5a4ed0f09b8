"""Testing toolkit: the YAML fixture runner, a pytest plugin, and hypothesis strategies.

The strategies (``documents``, ``agenda_items``, ``dates``, ``rulesets``) and property
checks live in :mod:`govrule.testing.strategies` and need the ``testing`` extra
(hypothesis); they are imported from here on first use.
"""

from __future__ import annotations

from typing import Any

from .fixtures import Case, CaseResult, FixtureFile, read_fixture, run_case, run_file

__all__ = ["Case", "CaseResult", "FixtureFile", "read_fixture", "run_case", "run_file"]

_LAZY = {
    "documents",
    "agenda_items",
    "dates",
    "rulesets",
    "check_properties",
    "assert_total",
    "assert_deterministic",
    "assert_roles_defined",
    "assert_round_trip",
    "assert_composition",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'govrule.testing' has no attribute {name!r}")
