"""The work budgets of ``govrule check``, in one place.

Every step of the analysis after parsing is bounded. When a table's conditions need more
work than these budgets allow, ``check`` does not run out of memory or time: it returns a
``too_complex`` finding naming the table, the rule where the budget ran out and the limit,
and goes on with the rest of the ruleset. Witnesses never enumerate large ranges: a
portfolio count past :data:`MAX_WITNESS_PORTFOLIOS` is given as its boundary value
(``portfolio_count``) instead of a list of that many portfolios.
"""

from __future__ import annotations

#: Boxes (conjunctions of per-field value sets) one rule's condition may normalise into.
MAX_CONDITION_BOXES = 4096

#: Boxes a conjunction may form before absorption (``all`` of several ``any``): the product
#: of the parts' box counts. Past it the rule is ``too_complex`` before anything is built.
MAX_BOX_PRODUCT = 65536

#: Boxes of all rules of one table together (the pieces the sweep tracks).
MAX_TABLE_PIECES = 50000

#: Nodes the sweep over one table may visit (first-hit, unique and covering sweeps together).
MAX_SWEEP_NODES = 400_000

#: Cells (dimensions times pieces) a table's sweep may index, the memory bound of the sweep.
MAX_SWEEP_CELLS = 400_000_000

#: Work (dimension steps) spent naming the rules that cover a shadowed rule; past it
#: further shadowed rules are reported without naming the covering rules.
MAX_COVER_WORK = 5_000_000

#: Cycles reported per graph (acting-for, delegation, supersession, override, escalation, is_a).
MAX_CYCLES = 50

#: Uncovered regions collected per complete table (one gap finding names the first three).
MAX_GAP_REGIONS = 20

#: Overlapping rule sets collected per table of hit policy unique.
MAX_OVERLAP_SETS = 2000

#: Pieces a region may be split into when subtracting boxes (supplement composition checks).
MAX_SUBTRACT_PIECES = 20000

#: Boxes tried for a composition-change witness.
MAX_WITNESS_BOXES = 200

#: The longest ``portfolios`` list a witness spells out; a larger count is given as
#: ``portfolio_count`` (its boundary value), never enumerated.
MAX_WITNESS_PORTFOLIOS = 64

#: Field conditions shown when a finding's message describes a region; the rest are counted.
MAX_RENDERED_CONDITIONS = 12

#: Input regions the ``diff`` of two rulesets compares per signing table pair.
MAX_DIFF_REGIONS = 5000

__all__ = [
    "MAX_BOX_PRODUCT",
    "MAX_CONDITION_BOXES",
    "MAX_COVER_WORK",
    "MAX_CYCLES",
    "MAX_DIFF_REGIONS",
    "MAX_GAP_REGIONS",
    "MAX_OVERLAP_SETS",
    "MAX_RENDERED_CONDITIONS",
    "MAX_SUBTRACT_PIECES",
    "MAX_SWEEP_CELLS",
    "MAX_SWEEP_NODES",
    "MAX_TABLE_PIECES",
    "MAX_WITNESS_BOXES",
    "MAX_WITNESS_PORTFOLIOS",
]
