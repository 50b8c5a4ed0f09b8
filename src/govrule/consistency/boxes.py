"""Decision tables as boxes, the way DMN verifiers analyse them (Calvanese et al., BPM 2016).

Each rule's condition is normalised into a disjunction of boxes (per field, a set of
allowed values; integers become intervals between the thresholds the table uses; list
fields become one yes/no dimension per word the table tests), and a sweep over the
fields, merging values that the active rules cannot tell apart, finds overlaps, gaps and
unreachable rules without enumerating the cross product of the fields.

A box is sparse: it lists only the dimensions it constrains, so a table whose rules each
test a different word costs time and memory in proportion to the words, not their square.
Every step is bounded by the budgets of :mod:`govrule.consistency.limits`; past one,
:class:`TooComplex` names the limit.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .. import conditions, model, vocabulary
from ..errors import GovruleError
from . import limits


@dataclasses.dataclass(frozen=True)
class Dim:
    field: str
    word: str | None  # the word, for a dimension of a list field ("" for "any other word")
    atoms: tuple[Any, ...]  # values; for integers, (low, high) intervals with high None = unbounded

    @property
    def full(self) -> int:
        return (1 << len(self.atoms)) - 1

    def mask(self, pred: Callable[[Any], bool]) -> int:
        return sum(1 << i for i, a in enumerate(self.atoms) if pred(a))


def _holds(op: str, arg: Any, v: Any) -> bool | None:
    """The engine's three-valued test of one known-or-unknown value."""
    if op == "known":
        return (v is not None) is arg
    if v is None:
        return None
    if op == "eq":
        return bool(v == arg)
    if op == "ne":
        return bool(v != arg)
    if op == "in":
        return v in arg
    if op == "not_in":
        return v not in arg
    try:
        if op == "gt":
            return bool(v > arg)
        if op == "gte":
            return bool(v >= arg)
        if op == "lt":
            return bool(v < arg)
        if op == "lte":
            return bool(v <= arg)
    except TypeError:
        return None
    return None


class TooComplex(GovruleError):
    """A table's conditions need more work than a budget of :mod:`govrule.consistency.limits` allows."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class Box:
    """Per dimension, a bit mask of the allowed atoms; a dimension not listed allows every atom."""

    __slots__ = ("_hash", "masks")

    def __init__(self, masks: Mapping[int, int]) -> None:
        self.masks: dict[int, int] = dict(masks)
        self._hash: int | None = None

    def get(self, d: int, full: int) -> int:
        return self.masks.get(d, full)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.masks.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Box) and self.masks == other.masks

    def __repr__(self) -> str:
        return f"Box({self.masks!r})"


class Space:
    """The dimensions of a table's input domain, and conditions as unions of boxes over them."""

    def __init__(
        self,
        conds: Sequence[conditions.Cond],
        meetings: Sequence[str],
        domain: Mapping[str, Sequence[Any]] | None = None,
        field_kinds: Mapping[str, str] = model.DOCUMENT_FIELDS,
        roles: Sequence[str] = (),
    ) -> None:
        domain = domain or {}
        self.fields = field_kinds
        fields: dict[str, None] = {}
        cuts: set[int] = set()
        words: dict[str, dict[str, None]] = {}
        other: set[str] = set()
        for cond in conds:
            for t in conditions.tests_of(cond):
                fields.setdefault(t.field)
                kind = field_kinds.get(t.field)
                if kind == "int":
                    numbers = t.value if isinstance(t.value, frozenset) else [t.value]
                    for v in numbers:
                        if isinstance(v, int) and not isinstance(v, bool):
                            if t.op in ("eq", "ne", "in", "not_in"):
                                cuts.update((v, v + 1))
                            elif t.op in ("gt", "lte"):
                                cuts.add(v + 1)
                            elif t.op in ("gte", "lt"):
                                cuts.add(v)
                elif kind == "set":
                    bucket = words.setdefault(t.field, {})
                    tested = sorted(t.value, key=str) if isinstance(t.value, frozenset) else [t.value]
                    for v in tested:
                        if isinstance(v, str):
                            bucket.setdefault(v)
                    if t.op == "eq":
                        other.add(t.field)
        for f in domain:
            fields.setdefault(f)
        self.dims: list[Dim] = []
        self.index: dict[tuple[str, str | None], int] = {}
        for f in fields:
            kind = field_kinds.get(f)
            declared = domain.get(f)
            if kind == "set":
                listed = dict.fromkeys(str(w) for w in declared) if declared is not None else {}
                for w in {**words.get(f, {}), **listed}:
                    ok = declared is None or w in listed
                    self._add(Dim(f, w, (False, True) if ok else (False,)))
                if f in other and declared is None:
                    self._add(Dim(f, "", (False, True)))
                continue
            if kind == "int":
                if declared is not None:
                    atoms: tuple[Any, ...] = tuple((v, v) for v in sorted(set(declared)))
                else:
                    # Intervals between the thresholds the table uses: every test is constant on each.
                    bounds = [0, *sorted(c for c in cuts if c > 0)]
                    highs: list[int | None] = [b - 1 for b in bounds[1:]]
                    atoms = tuple(zip(bounds, [*highs, None], strict=True))
                self._add(Dim(f, None, atoms))
                continue
            if declared is not None:
                values: tuple[Any, ...] = tuple(dict.fromkeys(declared))
            elif kind == "bool":
                values = (False, True)
            elif kind is not None and kind.startswith("enum:") and kind[5:] in vocabulary.VOCABULARIES:
                values = tuple(vocabulary.VOCABULARIES[kind[5:]])
            elif kind == "meeting":
                values = (*meetings, None)
            elif kind == "role":
                values = (*roles, None)
            else:
                values = ()
            self._add(Dim(f, None, values))
        self.n = len(self.dims)
        self.fulls: tuple[int, ...] = tuple(d.full for d in self.dims)
        self.full: Box = Box({})
        self.plain_dims = [i for i, d in enumerate(self.dims) if d.word is None]
        self.word_dims: dict[str, list[int]] = {}
        for i, d in enumerate(self.dims):
            if d.word:
                self.word_dims.setdefault(d.field, []).append(i)
        self.word_fields = list(dict.fromkeys(d.field for d in self.dims if d.word is not None))

    def _add(self, dim: Dim) -> None:
        self.index[(dim.field, dim.word)] = len(self.dims)
        self.dims.append(dim)

    def mask(self, box: Box, d: int) -> int:
        return box.masks.get(d, self.fulls[d])

    # ---------------------------------------------------------------- conditions -> boxes

    def _box(self, constraints: Mapping[int, int]) -> Box | None:
        masks: dict[int, int] = {}
        for i, m in constraints.items():
            v = masks.get(i, self.fulls[i]) & m
            if not v:
                return None
            masks[i] = v
        return Box({i: v for i, v in masks.items() if v != self.fulls[i]})

    def _boxes(self, constraint_sets: Iterable[Mapping[int, int]]) -> list[Box]:
        return [b for b in (self._box(c) for c in constraint_sets) if b is not None]

    def _word(self, field: str, word: str, value: bool) -> dict[int, int] | None:
        """The constraint "the list field has (or lacks) this word"; None if it cannot hold."""
        i = self.index.get((field, word))
        if i is None:  # every tested word has a dimension; keep the answer safe regardless
            return {} if not value else None
        m = self.dims[i].mask(lambda a: a is value)
        return {i: m} if m else None

    def leaf(self, t: conditions.Test) -> tuple[list[Box], list[Box]]:
        """The boxes where a test is true, and those where it is false (unknown is neither)."""
        kind = self.fields.get(t.field)
        if kind == "set":
            return self._set_leaf(t)
        i = self.index.get((t.field, None))
        if i is None:
            return [], []
        dim = self.dims[i]
        if kind == "int":

            def value(a: Any) -> Any:
                return a[0]
        else:

            def value(a: Any) -> Any:
                return a

        pos = dim.mask(lambda a: _holds(t.op, t.value, value(a)) is True)
        neg = dim.mask(lambda a: _holds(t.op, t.value, value(a)) is False)
        return self._boxes([{i: pos}]), self._boxes([{i: neg}])

    def _set_leaf(self, t: conditions.Test) -> tuple[list[Box], list[Box]]:
        f, op, arg = t.field, t.op, t.value

        def yes(w: str) -> dict[int, int] | None:
            return self._word(f, w, True)

        def no(w: str) -> dict[int, int] | None:
            return self._word(f, w, False)

        def both(parts: Iterable[dict[int, int] | None]) -> list[dict[int, int] | None]:
            merged: dict[int, int] = {}
            for p in parts:
                if p is None:
                    return []
                for k, m in p.items():
                    merged[k] = merged[k] & m if k in merged else m
            return [merged]

        def clean(sets: list[dict[int, int] | None]) -> list[Box]:
            return self._boxes(c for c in sets if c is not None)

        if op == "known":
            return ([self.full], []) if arg else ([], [self.full])
        if op == "contains":
            return clean([yes(arg)]), clean([no(arg)])
        if op == "contains_all":
            ws = sorted(arg, key=str)
            return clean(both(yes(w) for w in ws)), clean([no(w) for w in ws])
        if op == "contains_any":
            ws = sorted(arg, key=str)
            return clean([yes(w) for w in ws]), clean(both(no(w) for w in ws))
        if op == "eq":
            ws = sorted(arg, key=str)
            others = [self.dims[i].word or "" for i in self.word_dims.get(f, []) if self.dims[i].word not in arg]
            parts = [yes(w) for w in ws] + [no(w) for w in others]
            flips = [no(w) for w in ws] + [yes(w) for w in others]
            j = self.index.get((f, ""))
            if j is not None:
                parts.append({j: self.dims[j].mask(lambda a: a is False)})
                flips.append({j: self.dims[j].mask(lambda a: a is True)})
            return clean(both(parts)), clean(flips)
        return [], []

    def boxes(self, cond: conditions.Cond, negated: bool = False) -> list[Box]:
        """The condition (or its Kleene negation) as a union of boxes; TooComplex past the budgets."""
        if isinstance(cond, conditions.Test):
            pos, neg = self.leaf(cond)
            return neg if negated else pos
        if isinstance(cond, conditions.Not):
            return self.boxes(cond.part, not negated)
        conjunction = isinstance(cond, conditions.All) != negated
        if not conjunction:
            out: list[Box] = []
            for part in cond.parts:
                out += self.boxes(part, negated)
                if len(out) > limits.MAX_CONDITION_BOXES:
                    raise TooComplex(f"超过 {limits.MAX_CONDITION_BOXES} 个区块", "MAX_CONDITION_BOXES")
            return absorb(out)
        current: list[Box] = [self.full]
        for part in cond.parts:
            sub = self.boxes(part, negated)
            if len(current) * len(sub) > limits.MAX_BOX_PRODUCT:
                raise TooComplex(
                    f"需组合 {len(current)} x {len(sub)} 个区块，超过 {limits.MAX_BOX_PRODUCT}",
                    "MAX_BOX_PRODUCT",
                )
            current = absorb([b for a in current for c in sub if (b := meet(a, c)) is not None])
            if not current:
                break
            if len(current) > limits.MAX_CONDITION_BOXES:
                raise TooComplex(f"超过 {limits.MAX_CONDITION_BOXES} 个区块", "MAX_CONDITION_BOXES")
        return current

    # ---------------------------------------------------------------- witnesses

    def witnesses(self, box: Box) -> Iterator[dict[str, Any]]:
        """Concrete documents inside a box: the plainest first, then one from the other end.

        A portfolio count larger than ``limits.MAX_WITNESS_PORTFOLIOS`` is not spelt out:
        the witness gives ``portfolio_count`` (the boundary value) and, under
        ``portfolios``, only the words it must have.
        """
        for flip in (False, True):
            doc: dict[str, Any] = {}
            required: dict[str, list[str]] = {f: [] for f in self.word_fields}
            other_word: dict[str, bool | None] = {}  # True: needs one; False: forbids; None: either
            counts: list[tuple[int, int | None]] = []
            for i in self.plain_dims:
                dim = self.dims[i]
                mask = self.mask(box, i)
                allowed = [a for j, a in enumerate(dim.atoms) if mask >> j & 1]
                if dim.field == "portfolio_count":
                    counts = allowed
                elif self.fields.get(dim.field) == "int":
                    lo, hi = allowed[-1] if flip and len(allowed) > 1 else allowed[0]
                    doc[dim.field] = hi if flip and hi is not None else lo
                else:
                    doc[dim.field] = allowed[-1] if flip and len(allowed) > 1 else allowed[0]
            for i in sorted(box.masks):
                dim = self.dims[i]
                if dim.word is None:
                    continue
                allowed = [a for j, a in enumerate(dim.atoms) if box.masks[i] >> j & 1]
                if dim.word == "":
                    other_word[dim.field] = None if len(allowed) > 1 else allowed[0]
                elif allowed == [True]:
                    required[dim.field].append(dim.word)
            for f, words in required.items():
                doc[f] = (*words, f"other_{f}") if other_word.get(f) is True else tuple(words)
            spare = (
                self.dims[i].word or ""
                for i in self.word_dims.get("portfolios", [])
                if i not in box.masks and True in self.dims[i].atoms
            )
            if counts and not _fill_portfolios(doc, counts, spare, other_word.get("portfolios") is not False, flip):
                continue
            yield doc


def _fill_portfolios(
    doc: dict[str, Any], counts: list[tuple[int, int | None]], spare: Iterator[str], fillers: bool, flip: bool
) -> bool:
    """Make ``portfolios`` as long as one of the allowed counts, keeping the words it must have."""
    have = list(doc.get("portfolios", ()))
    for lo, hi in reversed(counts) if flip else counts:
        want = max(lo, len(have))
        if hi is not None and want > hi:
            continue
        if want > limits.MAX_WITNESS_PORTFOLIOS:
            if not fillers:
                continue
            doc["portfolios"] = tuple(have)
            doc["portfolio_count"] = want  # symbolic: the boundary value, never enumerated
            return True
        extra = list(itertools.islice(spare, want - len(have)))
        if len(have) + len(extra) < want and not fillers:
            continue
        extra += [f"portfolio_{k}" for k in range(1, want - len(have) - len(extra) + 1)]
        doc["portfolios"] = (*have, *extra)
        return True
    return False


def meet(a: Box, b: Box) -> Box | None:
    if len(a.masks) > len(b.masks):
        a, b = b, a
    out = dict(b.masks)
    for d, m in a.masks.items():
        if d in out:
            v = out[d] & m
            if not v:
                return None
            out[d] = v
        else:
            out[d] = m
    return Box(out)


def contains(a: Box, b: Box) -> bool:
    """Whether box ``a`` contains box ``b``."""
    for d, m in a.masks.items():
        y = b.masks.get(d)
        if y is None or y & ~m:
            return False
    return True


def absorb(boxes: list[Box]) -> list[Box]:
    if len(boxes) < 2:
        return boxes
    unique = list(dict.fromkeys(boxes))
    if len(unique) > 256:
        return unique
    return [b for i, b in enumerate(unique) if not any(j != i and contains(c, b) for j, c in enumerate(unique))]


def subtract(a: Box, b: Box, fulls: Sequence[int]) -> list[Box]:
    """``a`` minus ``b`` as disjoint boxes."""
    if any(a.masks.get(d, fulls[d]) & y == 0 for d, y in b.masks.items()):
        return [a]
    out: list[Box] = []
    cur = dict(a.masks)
    for i in sorted(b.masks):
        y = b.masks[i]
        x = cur.get(i, fulls[i])
        rest = x & ~y
        if rest:
            piece = dict(cur)
            piece[i] = rest
            out.append(Box(piece))
            cur[i] = x & y
    return out


def minus(
    region: list[Box], others: Iterable[Box], fulls: Sequence[int], limit: int = limits.MAX_SUBTRACT_PIECES
) -> list[Box] | None:
    """A region minus a union of boxes; None if the pieces grow past ``limit``."""
    for b in others:
        nxt: list[Box] = []
        for a in region:
            nxt += subtract(a, b, fulls)
        region = nxt
        if not region:
            break
        if len(region) > limit:
            return None
    return region


#: A path of the sweep: per depth, the mask of atoms taken, as a linked list (depth, mask, parent).
_Path = tuple[int, int, "Any"] | None


class Sweep:
    """A sweep over the dimensions of a table, carrying the set of rule pieces still possible.

    A *piece* is one box of one rule's condition; pieces are numbered in rule order, so
    the lowest set bit of a set of active pieces belongs to the first matching rule. At
    each dimension the values are grouped by which active pieces allow them, and the
    sweep goes on once per group: values the active rules cannot tell apart are never
    looked at separately. Only the dimensions some piece constrains are swept.
    """

    def __init__(self, space: Space, pieces: list[tuple[int, Box]], outcome_of: list[int]) -> None:
        self.space = space
        self.pieces = pieces
        self.all = (1 << len(pieces)) - 1
        self.nodes = 0
        constrained: dict[int, int] = {}  # dimension -> pieces constraining it
        per_atom: dict[int, list[int]] = {}
        for p, (_, b) in enumerate(pieces):
            bit = 1 << p
            for d, m in b.masks.items():
                constrained[d] = constrained.get(d, 0) | bit
                atoms = per_atom.setdefault(d, [0] * len(space.dims[d].atoms))
                while m:
                    low = m & -m
                    atoms[low.bit_length() - 1] |= bit
                    m ^= low
        cells = len(constrained) * max(1, len(pieces))
        if cells > limits.MAX_SWEEP_CELLS:
            raise TooComplex(
                f"{len(constrained)} 个字段和词 x {len(pieces)} 个区块，超过 {limits.MAX_SWEEP_CELLS} 个单元",
                "MAX_SWEEP_CELLS",
            )
        # Dimensions most pieces constrain go first, so pieces become "free below" early.
        self.order = sorted(constrained, key=lambda d: (-constrained[d].bit_count(), d))
        self.n = len(self.order)
        self.by_dim: dict[int, list[int]] = {}
        for d in self.order:
            free = self.all & ~constrained[d]
            self.by_dim[d] = [free | rules for rules in per_atom[d]]
        self.atom_rules = [self.by_dim[d] for d in self.order]
        self.rule_of = [r for r, _ in pieces]
        self.rule_pieces: dict[int, int] = {}
        self.first_piece: dict[int, int] = {}
        for p, (r, _) in enumerate(pieces):
            self.rule_pieces[r] = self.rule_pieces.get(r, 0) | 1 << p
            self.first_piece.setdefault(r, p)
        outcomes: dict[int, int] = {}
        for p, (r, _) in enumerate(pieces):
            outcomes[outcome_of[r]] = outcomes.get(outcome_of[r], 0) | 1 << p
        self.outcome_masks = list(outcomes.values())
        self.cover_work = 0

    def _tick(self) -> None:
        self.nodes += 1
        if self.nodes > limits.MAX_SWEEP_NODES:
            raise TooComplex(f"扫描超过 {limits.MAX_SWEEP_NODES} 步", "MAX_SWEEP_NODES")

    def _root_mask(self, root: Box, k: int) -> int:
        d = self.order[k]
        return root.masks.get(d, self.space.fulls[d])

    def meeting(self, box: Box) -> int:
        """The pieces whose boxes meet ``box``."""
        active = self.all
        for d, m in box.masks.items():
            rules = self.by_dim.get(d)
            if rules is None:
                continue
            allowed = 0
            for a, r in enumerate(rules):
                if m >> a & 1:
                    allowed |= r
            active &= allowed
        return active

    def _free_below(self, root: Box) -> list[int]:
        """Per depth, the pieces that allow every value of ``root`` on all remaining dimensions."""
        free = [0] * (self.n + 1)
        free[self.n] = self.all
        for k in range(self.n - 1, -1, -1):
            m = free[k + 1]
            mask = self._root_mask(root, k)
            for a, rules in enumerate(self.atom_rules[k]):
                if mask >> a & 1:
                    m &= rules
            free[k] = m
        return free

    def _box(self, root: Box, path: _Path) -> Box:
        masks = dict(root.masks)
        while path is not None:
            k, m, path = path
            d = self.order[k]
            if m == self.space.fulls[d]:
                masks.pop(d, None)
            else:
                masks[d] = m
        return Box(masks)

    def _split(self, k: int, root: Box, active: int) -> Iterator[tuple[int, int]]:
        self._tick()
        groups: dict[int, int] = {}
        mask = self._root_mask(root, k)
        for a, rules in enumerate(self.atom_rules[k]):
            if mask >> a & 1:
                m = active & rules
                groups[m] = groups.get(m, 0) | 1 << a
        return iter(groups.items())

    def first_hit(
        self,
        *,
        root: Box | None = None,
        active: int | None = None,
        gaps: bool = False,
        max_gaps: int = limits.MAX_GAP_REGIONS,
    ) -> tuple[set[int], list[Box]]:
        """Rules that are the first match somewhere in ``root``, and (optionally) boxes no rule matches."""
        root = root or self.space.full
        free_below = self._free_below(root)
        fired_rules: set[int] = set()
        fired = 0
        found: list[Box] = []
        stack: list[tuple[int, int, _Path]] = [(0, self.all if active is None else active, None)]
        while stack:
            k, act, path = stack.pop()
            if not act:
                if gaps and len(found) < max_gaps:
                    found.append(self._box(root, path))
                continue
            low = act & -act
            free = free_below[k]
            if low & free:
                r = self.rule_of[low.bit_length() - 1]
                if r not in fired_rules:
                    fired_rules.add(r)
                    fired |= self.rule_pieces[r]
                continue
            covered = act & free
            if covered:
                top = covered & -covered
                act &= (top << 1) - 1  # pieces after one that matches everywhere below never come first
                if not act & ~fired:
                    continue
            elif not act & ~fired and (not gaps or len(found) >= max_gaps):
                continue
            for sub, atoms in self._split(k, root, act):
                stack.append((k + 1, sub, (k, atoms, path)))
        return fired_rules, found

    def cover(self, root: Box, active: int) -> set[int] | None:
        """A few of the ``active`` rules whose union covers ``root`` (``root`` must be covered).

        None once ``limits.MAX_COVER_WORK`` is spent: the rules are then not named.
        """
        self.cover_work += self.n
        if self.cover_work > limits.MAX_COVER_WORK:
            return None
        free_below = self._free_below(root)
        chosen: set[int] = set()
        chosen_pieces = 0
        stack: list[tuple[int, int]] = [(0, active)]
        while stack:
            k, act = stack.pop()
            free = act & free_below[k]
            if free:
                if not free & chosen_pieces:  # prefer rules already named, to keep the list short
                    r = self.rule_of[(free & -free).bit_length() - 1]
                    chosen.add(r)
                    chosen_pieces |= self.rule_pieces[r]
                continue
            if not act or k == self.n:
                continue
            for sub, _ in self._split(k, root, act):
                stack.append((k + 1, sub))
        return chosen

    def unique(
        self,
        *,
        gaps: bool = False,
        max_gaps: int = limits.MAX_GAP_REGIONS,
        max_sets: int = limits.MAX_OVERLAP_SETS,
    ) -> tuple[dict[frozenset[int], Box], list[Box]]:
        """Sets of rules with different outcomes that all match a common region, and uncovered boxes.

        Only the maximal sets matter (``check`` reports those), so a branch whose active pieces
        all belong to a set already found is not explored further.
        """
        root = self.space.full
        free_below = self._free_below(root)
        sets: dict[frozenset[int], Box] = {}
        recorded: list[int] = []
        found: list[Box] = []
        stack: list[tuple[int, int, _Path]] = [(0, self.all, None)]
        while stack:
            k, act, path = stack.pop()
            if not act:
                if gaps and len(found) < max_gaps:
                    found.append(self._box(root, path))
                continue
            free = free_below[k]
            need_gaps = gaps and not act & free and len(found) < max_gaps
            several = sum(1 for m in self.outcome_masks if act & m) > 1
            if several and any(not act & ~rec for rec in recorded[:1] + recorded[-8:]):
                several = False  # everything below is part of a set already found (the first and latest tried)
            if not several and not need_gaps:
                continue
            if not act & ~free:
                if several and len(sets) < max_sets:
                    rules = frozenset(self.rule_of[p] for p in bits(act))
                    sets.setdefault(rules, self._box(root, path))
                    recorded.append(act)
                continue
            for sub, atoms in self._split(k, root, act):
                stack.append((k + 1, sub, (k, atoms, path)))
        return sets, found

    def partition(
        self, sides: Sequence[int], *, limit: int = limits.MAX_DIFF_REGIONS
    ) -> list[tuple[Box, tuple[int | None, ...]]]:
        """Regions on which each side's first matching piece is constant.

        ``sides`` are masks of pieces (each side's pieces in its engine order); a region is given
        with, per side, the rule of its first matching piece (None: no rule of that side matches).
        Values no piece tells apart are never split. TooComplex past ``limit`` regions.
        """
        root = self.space.full
        free_below = self._free_below(root)
        out: list[tuple[Box, tuple[int | None, ...]]] = []
        stack: list[tuple[int, int, _Path]] = [(0, self.all, None)]
        while stack:
            k, act, path = stack.pop()
            firsts: list[int | None] = []
            for side in sides:
                mine = act & side
                if not mine:
                    firsts.append(None)
                    continue
                low = mine & -mine
                if not low & free_below[k]:
                    break
                firsts.append(self.rule_of[low.bit_length() - 1])
            else:
                out.append((self._box(root, path), tuple(firsts)))
                if len(out) > limit:
                    raise TooComplex(f"more than {limit} regions to compare", "MAX_DIFF_REGIONS")
                continue
            for sub, atoms in self._split(k, root, act):
                stack.append((k + 1, sub, (k, atoms, path)))
        return out

    def agreeing_groups(self, verify: Callable[[int, int], bool]) -> dict[int, list[int]]:
        """Rules with the same outcome connected by pairs whose conditions share an input.

        ``verify(a, b)`` confirms a candidate pair (earlier rule ``a``, later rule ``b``) with a
        concrete input. Each piece is intersected with all others at once through the
        per-dimension masks, and only partners outside its group are tried: no pairwise loop.
        Returns groups of two or more rules, keyed by their first rule.
        """
        same = [0] * len(self.pieces)
        for m in self.outcome_masks:
            for p in bits(m):
                same[p] = m
        parent: dict[int, int] = {}
        group: dict[int, int] = {}  # root rule -> pieces of the rules in its group

        def root(r: int) -> int:
            while parent.get(r, r) != r:
                r = parent[r]
            return r

        for p, (r, box) in enumerate(self.pieces):
            self._tick()
            partners = self.meeting(box) & same[p] & ((1 << p) - 1)
            partners &= ~group.get(root(r), self.rule_pieces[r])
            while partners:
                self._tick()
                q = (partners & -partners).bit_length() - 1
                a = self.rule_of[q]
                if verify(a, r):
                    ra, rr = root(a), root(r)
                    keep, gone = min(ra, rr), max(ra, rr)
                    parent[gone] = keep
                    group[keep] = group.get(keep, self.rule_pieces[keep]) | group.pop(gone, self.rule_pieces[gone])
                    partners &= ~group[keep]
                else:
                    partners &= ~(1 << q)
        groups: dict[int, list[int]] = {}
        for r in set(parent) | set(parent.values()):
            groups.setdefault(root(r), []).append(r)
        return {g: sorted(members) for g, members in groups.items()}


def bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
