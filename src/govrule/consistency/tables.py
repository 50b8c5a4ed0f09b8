"""Signing decision tables: overlaps, gaps and rules that can never be reached."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .. import conditions, facts, loader, model
from ..errors import GovruleError
from .boxes import Box, Space, Sweep
from .findings import Path, Raw


def outcome(rule: model.SigningRule) -> tuple[Any, ...]:
    steps = tuple((s.action, s.roles, s.quantifier) for s in rule.steps)
    signs = [s for s in rule.steps if s.action == "sign"]
    signers = signs[-1].roles if signs else ()
    cosigners = tuple(dict.fromkeys(r for s in rule.steps if s.action == "cosign" for r in s.roles))
    return (signers, cosigners, steps)


def parse_when(spec: model.RulesetFile, rule: model.SigningRule) -> conditions.Cond:
    cond, _ = conditions.parse_condition(rule.when, loader.vocabulary(spec, model.DOCUMENT_FIELDS))
    return cond


def find_witness(space: Space, boxes: Iterable[Box], accept: Callable[[facts.Document], bool]) -> dict[str, Any] | None:
    for box in boxes:
        for doc in space.witnesses(box):
            try:
                document = facts.Document(**doc)
            except GovruleError:
                continue
            if accept(document):
                return doc
    return None


def evaluators(conds: Sequence[conditions.Cond]) -> list[conditions.Evaluator]:
    return [conditions.compile_condition(c) for c in conds]


def word_of(value: Any) -> str:
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def render_box(space: Space, box: Box) -> str:
    parts = []
    for dim, mask in zip(space.dims, box, strict=True):
        if mask == dim.full:
            continue
        allowed = [a for i, a in enumerate(dim.atoms) if mask >> i & 1]
        if dim.word is not None:
            word = dim.word or "(other words)"
            parts.append(f"{dim.field} {'has' if allowed == [True] else 'lacks'} {word}")
        elif dim.field == "portfolio_count":
            spans = [f"{lo}" if lo == hi else f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in allowed]
            parts.append(f"portfolio_count in {{{', '.join(spans)}}}")
        elif len(allowed) == 1:
            parts.append(f"{dim.field}={word_of(allowed[0])}")
        else:
            parts.append(f"{dim.field} in {{{', '.join(word_of(a) for a in allowed)}}}")
    return ", ".join(parts) or "any document"


def analyse_table(spec: model.RulesetFile, t: int, table: model.DecisionTable) -> list[Raw]:
    rules = list(table.rules)
    positions = list(range(len(rules)))
    if table.hit_policy == "priority":
        # The engine takes the highest priority and, among equals, the first: a first-hit
        # table over the rules in that order.
        positions.sort(key=lambda i: (-(rules[i].priority or 0), i))
    ordered = [rules[i] for i in positions]
    conds = [parse_when(spec, r) for r in ordered]
    space = Space(conds, tuple(spec.meetings), table.domain)
    out: list[Raw] = []
    regions: list[list[Box]] = []
    for rule, cond in zip(ordered, conds, strict=True):
        try:
            regions.append(space.boxes(cond))
        except GovruleError as exc:
            raise GovruleError(f"rule {rule.id} ({rule.cite}) of table {table.id}: {exc}") from None
    evals = evaluators(conds)

    def rule_path(pos: int) -> Path:
        return ("signing", t, "rules", positions[pos])

    outcome_ids: dict[tuple[Any, ...], int] = {}
    outcome_of = [outcome_ids.setdefault(outcome(r), len(outcome_ids)) for r in ordered]
    pieces = [(r, b) for r, boxes in enumerate(regions) for b in boxes]
    sweep = Sweep(space, pieces, outcome_of)
    empty = {r for r, boxes in enumerate(regions) if not boxes}
    for r in sorted(empty):
        rule = ordered[r]
        out.append(
            Raw(
                "shadowed",
                "warning",
                f"rule {rule.id} ({rule.cite}) in table {table.id} can never match: its condition "
                "cannot hold for any document of the table's domain",
                (rule.id,),
                witness={"rule": rule.id, "covered_by": []},
                path=rule_path(r),
                anchor=rule.id,
            )
        )
    if table.hit_policy == "unique":
        sets, gaps = sweep.unique(gaps=table.complete)
        out += _overlaps(space, table, ordered, evals, sets, rule_path)
    else:
        fired, gaps = sweep.first_hit(gaps=table.complete)
        for r in range(len(ordered)):
            if r in fired or r in empty:
                continue
            rule = ordered[r]
            cover = _cover(sweep, regions[r], r)
            names = [ordered[c].id for c in cover]
            shown = ", ".join(f"{ordered[c].id} ({ordered[c].cite})" for c in cover)
            order = "higher-priority" if table.hit_policy == "priority" else "earlier"
            out.append(
                Raw(
                    "shadowed",
                    "warning",
                    f"rule {rule.id} ({rule.cite}) in table {table.id} is never reached: every document "
                    f"it matches is decided first by the {order} rules {shown}",
                    (rule.id, *names),
                    witness={"rule": rule.id, "covered_by": names},
                    path=rule_path(r),
                    anchor=rule.id,
                    note_rules=(rule.id,),
                )
            )
    if gaps:

        def uncovered(doc: facts.Document) -> bool:
            return all(ev(doc, None) is not True for ev in evals)

        witness = find_witness(space, gaps, uncovered)
        if witness is not None:
            shown = "; ".join(render_box(space, b) for b in gaps[:3])
            more = " ..." if len(gaps) > 3 else ""
            out.append(
                Raw(
                    "gap",
                    "error",
                    f"table {table.id} is declared complete but no rule matches documents with {shown}{more}",
                    (),
                    witness=witness,
                    path=("signing", t),
                    anchor=table.id,
                )
            )
    return out


def _cover(sweep: Sweep, region: list[Box], r: int) -> list[int]:
    """Earlier rules that together match every document rule ``r`` matches."""
    earlier = (1 << sweep.first_piece[r]) - 1 if r in sweep.first_piece else 0
    cover: set[int] = set()
    for box in region:
        cover |= sweep.cover(box, sweep.meeting(box) & earlier)
    return sorted(cover)


def _overlaps(
    space: Space,
    table: model.DecisionTable,
    ordered: list[model.SigningRule],
    evals: list[conditions.Evaluator],
    found: Mapping[frozenset[int], Box],
    rule_path: Callable[[int], Path],
) -> list[Raw]:
    sets = sorted(found.items(), key=lambda kv: (-len(kv[0]), sorted(kv[0])))
    maximal: list[tuple[frozenset[int], Box]] = []
    for rules, box in sets:
        if any(rules <= kept for kept, _ in maximal):
            continue
        maximal.append((rules, box))
    out: list[Raw] = []
    for rules, box in sorted(maximal, key=lambda kv: sorted(kv[0])):
        members = sorted(rules)

        def all_match(doc: facts.Document, members: list[int] = members) -> bool:
            return all(evals[m](doc, None) is True for m in members)

        witness = find_witness(space, [box], all_match)
        if witness is None:
            continue
        ids = tuple(ordered[m].id for m in members)
        shown = ", ".join(f"{ordered[m].id} ({ordered[m].cite})" for m in members)
        out.append(
            Raw(
                "overlap",
                "error",
                f"table {table.id} has hit policy unique, but rules {shown} all match documents with "
                f"{render_box(space, box)} and give different answers",
                ids,
                witness=witness,
                path=rule_path(members[0]),
                anchor=ids[0],
            )
        )
    return out
