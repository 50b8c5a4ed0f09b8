"""Decision tables as boxes, the way DMN verifiers analyse them (Calvanese et al., BPM 2016).

Each rule's condition is normalised into a disjunction of boxes (per field, a set of
allowed values; integers become intervals between the thresholds the table uses; list
fields become one yes/no dimension per word the table tests), and a sweep over the
fields, merging values that the active rules cannot tell apart, finds overlaps, gaps and
unreachable rules without enumerating the cross product of the fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .. import conditions, model
from ..errors import GovruleError

Box = tuple[int, ...]
_NULLABLE = ("decided_by", "meeting")
_ENUMS = {"issuer": model.ISSUERS, "kind": model.DOCUMENT_KINDS, "recipient": model.RECIPIENTS}


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


class Space:
    """The dimensions of a table's input domain, and conditions as unions of boxes over them."""

    def __init__(
        self,
        conds: Sequence[conditions.Cond],
        meetings: Sequence[str],
        domain: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        domain = domain or {}
        fields: dict[str, None] = {}
        cuts: set[int] = set()
        words: dict[str, dict[str, None]] = {}
        other: set[str] = set()
        for cond in conds:
            for t in conditions.tests_of(cond):
                fields.setdefault(t.field)
                kind = model.DOCUMENT_FIELDS.get(t.field)
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
            kind = model.DOCUMENT_FIELDS.get(f)
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
            elif f in _ENUMS:
                values = tuple(_ENUMS[f])
            elif kind == "meeting":
                values = (*meetings, None)
            else:
                values = ()
            self._add(Dim(f, None, values))
        self.n = len(self.dims)
        self.full: Box = tuple(d.full for d in self.dims)

    def _add(self, dim: Dim) -> None:
        self.index[(dim.field, dim.word)] = len(self.dims)
        self.dims.append(dim)

    # ---------------------------------------------------------------- conditions -> boxes

    def _box(self, constraints: Mapping[int, int]) -> Box | None:
        box = list(self.full)
        for i, m in constraints.items():
            box[i] &= m
            if not box[i]:
                return None
        return tuple(box)

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
        kind = model.DOCUMENT_FIELDS.get(t.field)
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
            others = [d.word for d in self.dims if d.field == f and d.word and d.word not in arg]
            parts = [yes(w) for w in ws] + [no(w) for w in others]
            flips = [no(w) for w in ws] + [yes(w) for w in others]
            j = self.index.get((f, ""))
            if j is not None:
                parts.append({j: self.dims[j].mask(lambda a: a is False)})
                flips.append({j: self.dims[j].mask(lambda a: a is True)})
            return clean(both(parts)), clean(flips)
        return [], []

    def boxes(self, cond: conditions.Cond, negated: bool = False, limit: int = 4096) -> list[Box]:
        """The condition (or its Kleene negation) as a union of boxes."""
        if isinstance(cond, conditions.Test):
            pos, neg = self.leaf(cond)
            return neg if negated else pos
        if isinstance(cond, conditions.Not):
            return self.boxes(cond.part, not negated, limit)
        conjunction = isinstance(cond, conditions.All) != negated
        if not conjunction:
            out: list[Box] = []
            for part in cond.parts:
                out += self.boxes(part, negated, limit)
            return absorb(out)
        current: list[Box] = [self.full]
        for part in cond.parts:
            sub = self.boxes(part, negated, limit)
            current = absorb([b for a in current for c in sub if (b := meet(a, c)) is not None])
            if not current:
                break
            if len(current) > limit:
                raise GovruleError(f"condition too large to analyse: more than {limit} boxes")
        return current

    # ---------------------------------------------------------------- witnesses

    def witnesses(self, box: Box) -> Iterator[dict[str, Any]]:
        """Concrete documents inside a box: the plainest first, then one from the other end."""
        for flip in (False, True):
            doc: dict[str, Any] = {}
            required: dict[str, list[str]] = {}
            optional: dict[str, list[str]] = {}
            other_word: dict[str, bool | None] = {}  # True: needs one; False: forbids; None: either
            counts: list[tuple[int, int | None]] = []
            for dim, mask in zip(self.dims, box, strict=True):
                allowed = [a for i, a in enumerate(dim.atoms) if mask >> i & 1]
                if dim.word is not None:
                    required.setdefault(dim.field, [])
                    if dim.word == "":
                        other_word[dim.field] = None if len(allowed) > 1 else allowed[0]
                    elif allowed == [True]:
                        required[dim.field].append(dim.word)
                    elif True in allowed:
                        optional.setdefault(dim.field, []).append(dim.word)
                elif dim.field == "portfolio_count":
                    counts = allowed
                else:
                    doc[dim.field] = allowed[-1] if flip and len(allowed) > 1 else allowed[0]
            for f, words in required.items():
                doc[f] = (*words, f"other_{f}") if other_word.get(f) is True else tuple(words)
            if counts and not self._fill_portfolios(
                doc, counts, optional.get("portfolios", []), other_word.get("portfolios") is not False, flip
            ):
                continue
            yield doc

    @staticmethod
    def _fill_portfolios(
        doc: dict[str, Any], counts: list[tuple[int, int | None]], spare: list[str], fillers: bool, flip: bool
    ) -> bool:
        """Make ``portfolios`` as long as one of the allowed counts, keeping the words it must have."""
        have = list(doc.get("portfolios", ()))
        for lo, hi in reversed(counts) if flip else counts:
            want = max(lo, len(have))
            if hi is not None and want > hi:
                continue
            extra = spare[: want - len(have)]
            if len(have) + len(extra) < want and not fillers:
                continue
            extra += [f"portfolio_{k}" for k in range(1, want - len(have) - len(extra) + 1)]
            doc["portfolios"] = (*have, *extra)
            return True
        return False


def meet(a: Box, b: Box) -> Box | None:
    out = tuple(x & y for x, y in zip(a, b, strict=True))
    return None if 0 in out else out


def contains(a: Box, b: Box) -> bool:
    return all(y & ~x == 0 for x, y in zip(a, b, strict=True))


def absorb(boxes: list[Box]) -> list[Box]:
    if len(boxes) < 2:
        return boxes
    unique = list(dict.fromkeys(boxes))
    if len(unique) > 256:
        return unique
    return [b for i, b in enumerate(unique) if not any(j != i and contains(c, b) for j, c in enumerate(unique))]


def subtract(a: Box, b: Box) -> list[Box]:
    """``a`` minus ``b`` as disjoint boxes."""
    if any(x & y == 0 for x, y in zip(a, b, strict=True)):
        return [a]
    out: list[Box] = []
    cur = list(a)
    for i, y in enumerate(b):
        rest = cur[i] & ~y
        if rest:
            piece = cur.copy()
            piece[i] = rest
            out.append(tuple(piece))
            cur[i] &= y
    return out


def minus(region: list[Box], others: Iterable[Box], limit: int = 20000) -> list[Box] | None:
    """A region minus a union of boxes; None if the pieces grow past ``limit``."""
    for b in others:
        nxt: list[Box] = []
        for a in region:
            nxt += subtract(a, b)
        region = nxt
        if not region:
            break
        if len(region) > limit:
            return None
    return region


class Sweep:
    """A sweep over the dimensions of a table, carrying the set of rule pieces still possible.

    A *piece* is one box of one rule's condition; pieces are numbered in rule order, so
    the lowest set bit of a set of active pieces belongs to the first matching rule. At
    each dimension the values are grouped by which active pieces allow them, and the
    sweep goes on once per group: values the active rules cannot tell apart are never
    looked at separately.
    """

    def __init__(self, space: Space, pieces: list[tuple[int, Box]], outcome_of: list[int]) -> None:
        self.space = space
        self.pieces = pieces
        n = space.n
        # Dimensions most pieces constrain go first, so pieces become "free below" early.
        constrained = [sum(1 for _, b in pieces if b[d] != space.full[d]) for d in range(n)]
        self.order = sorted(range(n), key=lambda d: (-constrained[d], d))
        self.atom_rules: list[list[int]] = []  # [k][atom] -> pieces allowing that atom of dimension order[k]
        for k in range(n):
            d = self.order[k]
            per_atom = [0] * len(space.dims[d].atoms)
            for p, (_, b) in enumerate(pieces):
                m = b[d]
                while m:
                    low = m & -m
                    per_atom[low.bit_length() - 1] |= 1 << p
                    m ^= low
            self.atom_rules.append(per_atom)
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
        self.all = (1 << len(pieces)) - 1

    def meeting(self, box: Box) -> int:
        """The pieces whose boxes meet ``box``."""
        active = self.all
        for k, d in enumerate(self.order):
            allowed = 0
            for a, rules in enumerate(self.atom_rules[k]):
                if box[d] >> a & 1:
                    allowed |= rules
            active &= allowed
        return active

    def _free_below(self, root: Box) -> list[int]:
        """Per depth, the pieces that allow every value of ``root`` on all remaining dimensions."""
        n = self.space.n
        free = [0] * (n + 1)
        free[n] = self.all
        for k in range(n - 1, -1, -1):
            d = self.order[k]
            m = free[k + 1]
            for a, rules in enumerate(self.atom_rules[k]):
                if root[d] >> a & 1:
                    m &= rules
            free[k] = m
        return free

    def _box(self, root: Box, path: list[int]) -> Box:
        box = list(root)
        for k, m in enumerate(path):
            box[self.order[k]] = m
        return tuple(box)

    def _split(self, k: int, root: Box, active: int) -> Iterator[tuple[int, int]]:
        groups: dict[int, int] = {}
        mask = root[self.order[k]]
        for a, rules in enumerate(self.atom_rules[k]):
            if mask >> a & 1:
                m = active & rules
                groups[m] = groups.get(m, 0) | 1 << a
        return iter(groups.items())

    def first_hit(
        self, *, root: Box | None = None, active: int | None = None, gaps: bool = False, max_gaps: int = 20
    ) -> tuple[set[int], list[Box]]:
        """Rules that are the first match somewhere in ``root``, and (optionally) boxes no rule matches."""
        root = root or self.space.full
        free_below = self._free_below(root)
        fired_rules: set[int] = set()
        fired = 0
        found: list[Box] = []
        stack: list[tuple[int, int, list[int]]] = [(0, self.all if active is None else active, [])]
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
                stack.append((k + 1, sub, [*path, atoms]))
        return fired_rules, found

    def cover(self, root: Box, active: int) -> set[int]:
        """A few of the ``active`` rules whose union covers ``root`` (``root`` must be covered)."""
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
            if not act or k == self.space.n:
                continue
            for sub, _ in self._split(k, root, act):
                stack.append((k + 1, sub))
        return chosen

    def unique(
        self, *, gaps: bool = False, max_gaps: int = 20, max_sets: int = 2000
    ) -> tuple[dict[frozenset[int], Box], list[Box]]:
        """Sets of rules with different outcomes that all match a common region, and uncovered boxes."""
        root = self.space.full
        free_below = self._free_below(root)
        sets: dict[frozenset[int], Box] = {}
        found: list[Box] = []
        stack: list[tuple[int, int, list[int]]] = [(0, self.all, [])]
        while stack:
            k, act, path = stack.pop()
            if not act:
                if gaps and len(found) < max_gaps:
                    found.append(self._box(root, path))
                continue
            free = free_below[k]
            need_gaps = gaps and not act & free and len(found) < max_gaps
            several = sum(1 for m in self.outcome_masks if act & m) > 1
            if not several and not need_gaps:
                continue
            if not act & ~free:
                if several and len(sets) < max_sets:
                    rules = frozenset(self.rule_of[p] for p in range(len(self.pieces)) if act >> p & 1)
                    sets.setdefault(rules, self._box(root, path))
                continue
            for sub, atoms in self._split(k, root, act):
                stack.append((k + 1, sub, [*path, atoms]))
        return sets, found
