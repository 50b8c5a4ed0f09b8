"""Decision tables: overlaps, gaps and rules that can never be reached.

Signing and approval tables are read over the facts of a ``Document``, meeting tables
(``purpose: meeting``) over those of a ``MeetingRequest``. A table whose conditions
exceed a budget of :mod:`govrule.consistency.limits` gets one ``too_complex`` finding
naming the rule and the limit instead of an analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .. import conditions, facts, loader, model
from ..errors import GovruleError
from . import limits
from .boxes import Box, Space, Sweep, TooComplex, bits, meet
from .findings import Path, Raw
from .wording import Names, rule_name, rule_names, table_name


def outcome(rule: model.SigningRule) -> tuple[Any, ...]:
    """What a rule answers: signers, cosigners, steps (and a prohibition or cross-reference)."""
    steps = tuple((s.action, s.roles, s.quantifier, getattr(s, "discretionary", False)) for s in rule.steps)
    signs = [s for s in rule.steps if s.action == "sign" and not getattr(s, "discretionary", False)]
    signers = signs[-1].roles if signs else ()
    cosigners = tuple(dict.fromkeys(r for s in rule.steps if s.action == "cosign" for r in s.roles))
    return (signers, cosigners, steps, getattr(rule, "forbidden", False), getattr(rule, "see", None))


def fields_of(table: model.DecisionTable) -> Mapping[str, str]:
    """The input fields a table's conditions read."""
    if getattr(table, "purpose", "sign") == "meeting":
        return model.MEETING_REQUEST_FIELDS
    return model.DOCUMENT_FIELDS


_VOCABULARIES: dict[tuple[int, int], tuple[model.RulesetFile, conditions.Vocabulary]] = {}


def parse_when(
    spec: model.RulesetFile, rule: model.SigningRule, fields: Mapping[str, str] = model.DOCUMENT_FIELDS
) -> conditions.Cond:
    """A rule's condition, parsed with its ruleset's words (the vocabulary is built once per ruleset)."""
    key = (id(spec), id(fields))
    cached = _VOCABULARIES.get(key)
    if cached is None or cached[0] is not spec:
        if len(_VOCABULARIES) > 64:
            _VOCABULARIES.clear()
        cached = _VOCABULARIES[key] = (spec, loader.vocabulary(spec, fields))
    cond, _ = conditions.parse_condition(rule.when, cached[1])
    return cond


def _build(fields: Mapping[str, str], doc: Mapping[str, Any]) -> Any:
    if fields is model.MEETING_REQUEST_FIELDS:
        return facts.MeetingRequest(**doc)
    return facts.Document(**doc)


def find_witness(space: Space, boxes: Iterable[Box], accept: Callable[[Any], bool]) -> dict[str, Any] | None:
    """The first input of the boxes that ``accept`` agrees with.

    A witness with a symbolic ``portfolio_count`` (a count too large to spell out) is not
    built as a document: the box analysis of integer ranges is exact, so it is taken as is.
    """
    for box in boxes:
        for doc in space.witnesses(box):
            if "portfolio_count" in doc:
                return doc
            try:
                document = _build(space.fields, doc)
            except GovruleError:
                continue
            if accept(document):
                return doc
    return None


class Evaluators:
    """The conditions' evaluators by position, each compiled on first use (only witnesses are evaluated)."""

    def __init__(self, conds: Sequence[conditions.Cond]) -> None:
        self._conds = conds
        self._done: dict[int, conditions.Evaluator] = {}

    def __getitem__(self, i: int) -> conditions.Evaluator:
        ev = self._done.get(i)
        if ev is None:
            ev = self._done[i] = conditions.compile_condition(self._conds[i])
        return ev

    def __iter__(self) -> Iterator[conditions.Evaluator]:
        return (self[i] for i in range(len(self._conds)))


def evaluators(conds: Sequence[conditions.Cond]) -> Evaluators:
    return Evaluators(conds)


def noun(table: model.DecisionTable) -> str:
    """What a table's rules are asked about: 会议申请 for a meeting table, else 公文."""
    return "会议申请" if getattr(table, "purpose", "sign") == "meeting" else "公文"


def _too_complex(table: model.DecisionTable, t: int, exc: TooComplex, rule: model.SigningRule | None) -> Raw:
    where = f"{table_name(table)}的规则{rule_name(rule)}" if rule is not None else table_name(table)
    return Raw(
        "too_complex",
        "error",
        f"{where}过于复杂，未能分析：{exc}（上限 {exc.limit}，见 govrule.consistency.limits）；"
        "本表的规则重叠、缺口和不可达规则均未检查",
        (rule.id,) if rule is not None else (),
        witness={"table": table.id, "rule": rule.id if rule is not None else None, "limit": exc.limit},
        path=("signing", t) if rule is None else None,
        anchor=rule.id if rule is not None else table.id,
    )


def analyse_table(spec: model.RulesetFile, t: int, table: model.DecisionTable) -> list[Raw]:
    rules = list(table.rules)
    positions = list(range(len(rules)))
    if table.hit_policy == "priority":
        # The engine takes the highest priority and, among equals, the first: a first-hit
        # table over the rules in that order.
        positions.sort(key=lambda i: (-(rules[i].priority or 0), i))
    ordered = [rules[i] for i in positions]
    fields = fields_of(table)
    conds = [parse_when(spec, r, fields) for r in ordered]
    space = Space(conds, tuple(spec.meetings), table.domain, fields)
    regions: list[list[Box]] = []
    total = 0
    for rule, cond in zip(ordered, conds, strict=True):
        try:
            regions.append(space.boxes(cond))
        except TooComplex as exc:
            return [_too_complex(table, t, exc, rule)]
        total += len(regions[-1])
        if total > limits.MAX_TABLE_PIECES:
            many = TooComplex(f"全表超过 {limits.MAX_TABLE_PIECES} 个区块", "MAX_TABLE_PIECES")
            return [_too_complex(table, t, many, rule)]
    try:
        return _analyse(spec, t, table, positions, ordered, conds, space, regions)
    except TooComplex as exc:
        return [_too_complex(table, t, exc, None)]


def _analyse(
    spec: model.RulesetFile,
    t: int,
    table: model.DecisionTable,
    positions: list[int],
    ordered: list[model.SigningRule],
    conds: list[conditions.Cond],
    space: Space,
    regions: list[list[Box]],
) -> list[Raw]:
    out: list[Raw] = []
    evals = evaluators(conds)
    words = Names(spec)

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
                f"{table_name(table)}中的规则{rule_name(rule)}永远不会适用：对本表适用范围内的任何"
                f"{noun(table)}，其条件都不成立",
                (rule.id,),
                witness={"rule": rule.id, "covered_by": []},
                path=rule_path(r),
                anchor=rule.id,
            )
        )
    if table.hit_policy == "unique":
        sets, gaps = sweep.unique(gaps=table.complete)
        out += _overlaps(space, table, ordered, evals, sets, rule_path, words)
        out += _agreeing(space, table, ordered, evals, sweep, rule_path, words)
    else:
        fired, gaps = sweep.first_hit(gaps=table.complete)
        for r in range(len(ordered)):
            if r in fired or r in empty:
                continue
            rule = ordered[r]
            cover = _cover(sweep, regions[r], r)
            names = [ordered[c].id for c in cover or ()]
            shown = rule_names([ordered[c] for c in cover or ()])
            order = "优先级更高" if table.hit_policy == "priority" else "排在前面"
            if cover is None:
                shown = f"（超出工作量上限 MAX_COVER_WORK {limits.MAX_COVER_WORK}，未列出）"
            out.append(
                Raw(
                    "shadowed",
                    "warning",
                    f"{table_name(table)}中的规则{rule_name(rule)}不可达：它适用的每一件{noun(table)}都已先由"
                    f"{order}的规则{shown}决定",
                    (rule.id, *names),
                    witness={"rule": rule.id, "covered_by": names},
                    path=rule_path(r),
                    anchor=rule.id,
                    note_rules=(rule.id,),
                )
            )
    if gaps:

        def uncovered(doc: Any) -> bool:
            return all(ev(doc, None) is not True for ev in evals)

        witness = find_witness(space, gaps, uncovered)
        if witness is not None:
            shown = "；".join(words.region(space, b) for b in gaps[:3])
            more = "；……" if len(gaps) > 3 else ""
            out.append(
                Raw(
                    "gap",
                    "error",
                    f"{table_name(table)}声明完整（complete: true），但没有规则适用于以下{noun(table)}：{shown}{more}",
                    (),
                    witness=witness,
                    path=("signing", t),
                    anchor=table.id,
                )
            )
    return out


def _cover(sweep: Sweep, region: list[Box], r: int) -> list[int] | None:
    """Earlier rules that together match every document rule ``r`` matches (None past the budget)."""
    earlier = (1 << sweep.first_piece[r]) - 1 if r in sweep.first_piece else 0
    cover: set[int] = set()
    for box in region:
        some = sweep.cover(box, sweep.meeting(box) & earlier)
        if some is None:
            return None
        cover |= some
    return sorted(cover)


def _overlaps(
    space: Space,
    table: model.DecisionTable,
    ordered: list[model.SigningRule],
    evals: Evaluators,
    found: Mapping[frozenset[int], Box],
    rule_path: Callable[[int], Path],
    words: Names,
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

        def all_match(doc: Any, members: list[int] = members) -> bool:
            return all(evals[m](doc, None) is True for m in members)

        witness = find_witness(space, [box], all_match)
        if witness is None:
            continue
        ids = tuple(ordered[m].id for m in members)
        shown = rule_names([ordered[m] for m in members])
        out.append(
            Raw(
                "overlap",
                "error",
                f"{table_name(table)}的命中策略为 unique（只能有一条规则适用），但规则{shown}都适用于"
                f"{words.region(space, box)}的{noun(table)}，且答案不同",
                ids,
                witness=witness,
                path=rule_path(members[0]),
                anchor=ids[0],
            )
        )
    return out


def _agreeing(
    space: Space,
    table: model.DecisionTable,
    ordered: list[model.SigningRule],
    evals: Evaluators,
    sweep: Sweep,
    rule_path: Callable[[int], Path],
    words: Names,
) -> list[Raw]:
    """Rules of a unique table that give the same answer on a common input: the citation is ambiguous.

    Rules are grouped by overlapping pairs (connected groups); one warning per group names its
    rules, with an input the first pair both match.
    """
    witnesses: dict[tuple[int, int], dict[str, Any]] = {}

    def verify(a: int, b: int) -> bool:
        boxes = [m for x in _pieces_of(sweep, a) for y in _pieces_of(sweep, b) if (m := meet(x, y)) is not None]

        def both(doc: Any) -> bool:
            return evals[a](doc, None) is True and evals[b](doc, None) is True

        witness = find_witness(space, boxes[: limits.MAX_WITNESS_BOXES], both)
        if witness is not None:
            witnesses[(a, b)] = witness
        return witness is not None

    groups = sweep.agreeing_groups(verify)
    out: list[Raw] = []
    first: dict[int, tuple[int, int]] = {}  # group -> its first verified pair (by later rule, then earlier)
    group_of = {r: g for g, members in groups.items() for r in members}
    for a, b in sorted(witnesses, key=lambda pair: (pair[1], pair[0])):
        first.setdefault(group_of[a], (a, b))
    for g, members in sorted(groups.items()):
        a, b = first[g]
        witness = witnesses[(a, b)]
        ids = tuple(ordered[m].id for m in members)
        out.append(
            Raw(
                "overlap",
                "warning",
                f"{table_name(table)}的命中策略为 unique（只能有一条规则适用），但规则"
                f"{rule_names([ordered[m] for m in members])}对共同的{noun(table)}给出相同的答案，答案引用哪一条规定"
                f"不明确（例如{rule_name(ordered[a])}和{rule_name(ordered[b])}都适用于"
                f"{words.inputs(space.fields, witness)}）",
                ids,
                witness=witness,
                path=rule_path(members[0]),
                anchor=ids[0],
            )
        )
    return out


def _pieces_of(sweep: Sweep, r: int) -> list[Box]:
    return [sweep.pieces[p][1] for p in bits(sweep.rule_pieces[r])]
