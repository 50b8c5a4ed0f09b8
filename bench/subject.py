"""The signing table every engine is measured on: its rules in a portable form, and its input domain.

The subject is the bundled ``ezhou`` ruleset's signing tables, else ``rizhao``'s, else (when
neither exists and validates yet) ``bench/data/ezhou_shaped.yaml``, a synthetic table of the
same shape that every report labels as synthetic.

govrule's conditions are three-valued (a test on a fact left unknown is unknown, and a rule
that is reached while unknown refuses to answer with MissingFact). The peers are two-valued,
so each rule becomes two ordinary boolean formulas: T (the rule surely holds) and U (it is
unknown), and a table becomes a chain "the first formula that holds gives the outcome".
Every peer is generated from that chain, and answers the same thing govrule does: the id of
the deciding rule, ``missing:<rule id>`` for MissingFact, or None when no rule applies.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import govrule
from govrule import conditions, loader, model

__all__ = ["Formula", "Step", "Subject", "load_subject", "outcome_of"]

FALLBACK = Path(__file__).parent / "data" / "ezhou_shaped.yaml"
PREFERRED = ("ezhou", "rizhao")
KEY_FIELDS = ("issuer", "kind", "recipient")

# A formula is a nested tuple: ("const", bool) | ("and", parts) | ("or", parts) | ("not", part)
# | ("pred", field, op, value) with op one of eq, in, gt, gte, lt, lte, contains, null.
Formula = tuple[Any, ...]
TRUE: Formula = ("const", True)
FALSE: Formula = ("const", False)


@dataclasses.dataclass(frozen=True)
class Step:
    """One link of the decision chain: when ``formula`` holds, the answer is ``outcome``."""

    formula: Formula
    outcome: str


@dataclasses.dataclass(frozen=True)
class Subject:
    """The measured table, its chain for the peers, and its domain with govrule's answers."""

    ruleset: govrule.Ruleset
    name: str
    label: str
    synthetic: bool
    skipped: tuple[str, ...]
    tables: tuple[str, ...]
    n_rules: int
    fields: Mapping[str, tuple[Any, ...]]
    steps: tuple[Step, ...]
    inputs: tuple[dict[str, Any], ...]
    documents: tuple[govrule.Document, ...]
    mappings: tuple[dict[str, Any], ...]
    expected: tuple[str | None, ...]
    full_product: int

    def sample(self, limit: int, seed: int = 0) -> list[int]:
        """Indices of at most ``limit`` inputs, a fixed sample when the domain is larger."""
        idx = list(range(len(self.inputs)))
        if len(idx) <= limit:
            return idx
        return sorted(random.Random(seed).sample(idx, limit))


def outcome_of(ruleset: govrule.Ruleset, document: Any) -> str | None:
    """govrule's answer reduced to what the peers answer: rule id, missing:<rule id>, or None."""
    try:
        return ruleset.who_must_sign(document).rule.id
    except govrule.MissingFact as exc:
        return f"missing:{exc.rule.id}"
    except govrule.NoApplicableRule:
        return None


def load_subject() -> Subject:
    """The subject table: a bundled ruleset's signing tables when one loads, else the synthetic one."""
    skipped: list[str] = []
    bundled = govrule.bundled()
    for rid in PREFERRED:
        if rid not in bundled:
            skipped.append(f"{rid}: not bundled yet")
            continue
        try:
            rs = govrule.load(rid)
        except govrule.GovruleError as exc:
            skipped.append(f"{rid}: does not load ({str(exc).splitlines()[0][:120]})")
            continue
        if not rs.spec.signing:
            skipped.append(f"{rid}: has no signing table")
            continue
        return _build(
            rs, rid, f"bundled ruleset `{rid}` (its signing tables; meeting competence left out)", False, skipped
        )
    rs = govrule.load(str(FALLBACK))
    return _build(
        rs,
        "ezhou_shaped",
        "SYNTHETIC ezhou-shaped table (bench/data/ezhou_shaped.yaml; no bundled ezhou/rizhao ruleset loaded)",
        True,
        skipped,
    )


# ------------------------------------------------------------------ conditions -> formulas


def _parsed_rows(spec: model.RulesetFile) -> list[tuple[model.DecisionTable, model.SigningRule, conditions.Cond]]:
    vocab = loader.vocabulary(spec, model.DOCUMENT_FIELDS)
    out = []
    for table in spec.signing:
        for rule in table.rules:
            cond, errors = conditions.parse_condition(rule.when, vocab)
            assert not errors, errors
            out.append((table, rule, cond))
    return out


def _land(parts: Iterable[Formula]) -> Formula:
    flat: list[Formula] = []
    for p in parts:
        if p == FALSE:
            return FALSE
        if p == TRUE:
            continue
        flat.extend(p[1] if p[0] == "and" else (p,))
    return TRUE if not flat else flat[0] if len(flat) == 1 else ("and", tuple(flat))


def _lor(parts: Iterable[Formula]) -> Formula:
    flat: list[Formula] = []
    for p in parts:
        if p == TRUE:
            return TRUE
        if p == FALSE:
            continue
        flat.extend(p[1] if p[0] == "or" else (p,))
    return FALSE if not flat else flat[0] if len(flat) == 1 else ("or", tuple(flat))


def _lnot(p: Formula) -> Formula:
    if p[0] == "const":
        return ("const", not p[1])
    if p[0] == "not":
        inner: Formula = p[1]
        return inner
    return ("not", p)


def _atom(field: str, op: str, value: Any) -> Formula:
    """A two-valued test on a field that is known."""
    if op == "eq":
        if isinstance(value, frozenset):
            raise NotImplementedError("set equality on a list field")
        return ("pred", field, "eq", value)
    if op == "ne":
        return _lnot(("pred", field, "eq", value))
    if op == "in":
        return ("pred", field, "in", tuple(sorted(value, key=repr)))
    if op == "not_in":
        return _lnot(("pred", field, "in", tuple(sorted(value, key=repr))))
    if op in ("gt", "gte", "lt", "lte", "contains"):
        return ("pred", field, op, value)
    if op == "contains_all":
        return _land(("pred", field, "contains", v) for v in sorted(value))
    if op == "contains_any":
        return _lor(("pred", field, "contains", v) for v in sorted(value))
    raise NotImplementedError(f"operator {op} in a signing table")


def true_false(cond: conditions.Cond, nullable: frozenset[str]) -> tuple[Formula, Formula]:
    """(T, F): two-valued formulas for 'cond is true' and 'cond is false' under Kleene logic."""
    if isinstance(cond, conditions.Test):
        isnull = ("pred", cond.field, "null", None)
        if cond.op == "known":
            known = _lnot(isnull)  # never unknown itself
            return (known, _lnot(known)) if cond.value else (_lnot(known), known)
        base = _atom(cond.field, cond.op, cond.value)
        if cond.field in nullable:
            return _land((_lnot(isnull), base)), _land((_lnot(isnull), _lnot(base)))
        return base, _lnot(base)
    if isinstance(cond, conditions.Not):
        t, f = true_false(cond.part, nullable)
        return f, t
    pairs = [true_false(p, nullable) for p in cond.parts]
    if isinstance(cond, conditions.All):
        return _land(t for t, _ in pairs), _lor(f for _, f in pairs)
    return _lor(t for t, _ in pairs), _land(f for _, f in pairs)


def chain(spec: model.RulesetFile, nullable: frozenset[str]) -> tuple[Step, ...]:
    """The signing tables as one first-true chain with govrule's outcomes."""
    steps: list[Step] = []
    rows = _parsed_rows(spec)
    may_be_unknown = {rule.id: bool(conditions.fields_of(cond) & nullable) for _, rule, cond in rows}
    for table in spec.signing:
        mine = [(rule, cond) for t, rule, cond in rows if t is table]
        tf = [(rule, *true_false(cond, nullable)) for rule, cond in mine]

        def unknown(t: Formula, f: Formula) -> Formula:
            return _land((_lnot(t), _lnot(f)))

        if table.hit_policy == "first":
            for rule, t, f in tf:
                steps.append(Step(t, rule.id))
                if may_be_unknown[rule.id]:
                    steps.append(Step(unknown(t, f), f"missing:{rule.id}"))
        else:  # unique / priority: every candidate is evaluated, and an unknown one refuses first
            for rule, t, f in tf:
                if may_be_unknown[rule.id]:
                    steps.append(Step(unknown(t, f), f"missing:{rule.id}"))
            ordered = sorted(tf, key=lambda r: -(r[0].priority or 0)) if table.hit_policy == "priority" else tf
            steps.extend(Step(t, rule.id) for rule, t, _ in ordered)
    return tuple(s for s in steps if s.formula != FALSE)


# ------------------------------------------------------------------ the domain


def _kleene(cond: conditions.Cond, env: Mapping[str, Any]) -> bool | None:
    """Evaluate a condition where a field absent from ``env`` is unknown (only key fields are set)."""
    if isinstance(cond, conditions.Test):
        if cond.field not in env:
            return None
        v = env[cond.field]
        if cond.op == "known":
            return (v is not None) is cond.value
        if v is None:
            return None
        if cond.op == "eq":
            return bool(v == cond.value)
        if cond.op == "ne":
            return bool(v != cond.value)
        if cond.op == "in":
            return v in cond.value
        if cond.op == "not_in":
            return v not in cond.value
        return None
    if isinstance(cond, conditions.Not):
        r = _kleene(cond.part, env)
        return None if r is None else not r
    results = [_kleene(p, env) for p in cond.parts]
    if isinstance(cond, conditions.All):
        return False if False in results else None if None in results else True
    return True if True in results else None if None in results else False


def _field_domains(
    spec: model.RulesetFile, rows: Sequence[tuple[Any, Any, conditions.Cond]]
) -> dict[str, tuple[Any, ...]]:
    read: set[str] = set()
    atoms: list[conditions.Test] = []
    for _, _, cond in rows:
        read |= conditions.fields_of(cond)
        atoms.extend(conditions.tests_of(cond))
    enums = {"issuer": model.ISSUERS, "kind": model.DOCUMENT_KINDS, "recipient": model.RECIPIENTS}
    out: dict[str, tuple[Any, ...]] = {}
    for field in sorted(read):
        kind = model.DOCUMENT_FIELDS[field]
        declared = [t.domain[field] for t in spec.signing if field in t.domain]
        if kind.startswith("enum:"):
            if declared and len(declared) == len(spec.signing):
                out[field] = tuple(dict.fromkeys(v for d in declared for v in d))
            else:
                out[field] = enums[field]
        elif kind == "bool":
            out[field] = (False, True)
        elif kind == "meeting":
            out[field] = (None, *spec.meetings)  # None: no meeting, the Document default
        elif field == "portfolio_count":
            marks = {0}
            for t in atoms:
                if t.field == field:
                    marks |= {max(0, t.value - 1), t.value, t.value + 1}
            out[field] = tuple(sorted(marks))
        elif kind == "set":
            words = sorted(
                {
                    w
                    for t in atoms
                    if t.field == field
                    for w in (t.value if isinstance(t.value, frozenset) else (t.value,))
                }
            )[:4]
            out[field] = tuple(tuple(c) for n in range(len(words) + 1) for c in itertools.combinations(words, n))
        else:
            raise NotImplementedError(f"field {field} ({kind}) in a signing table")
    if "portfolio_count" in out and "portfolios" in out:  # one list field serves both: pad with other portfolios
        counts = out.pop("portfolio_count")
        out["portfolios"] = tuple(
            dict.fromkeys(
                (*words, *(f"portfolio_{i}" for i in range(n - len(words))))
                for words in out["portfolios"]
                for n in counts
                if n >= len(words)
            )
        )
    return out


def _document_fields(inp: Mapping[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in inp.items() if k != "portfolio_count"}
    if "portfolio_count" in inp:
        fields["portfolios"] = tuple(f"portfolio_{i}" for i in range(inp["portfolio_count"]))
    return fields


def _peer_input(inp: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(inp)
    if "portfolios" in inp:
        out["portfolio_count"] = len(inp["portfolios"])
    return out


def _build(rs: govrule.Ruleset, name: str, label: str, synthetic: bool, skipped: list[str]) -> Subject:
    # The subject is the signing decision table: who_must_sign consults the signing tables only (format 2
    # approval and meeting-approval tables answer other queries), and meeting competence (format 2), which
    # may ask for decided_by before any table is read, is left out for govrule and every peer alike.
    spec = rs.spec.model_copy(
        update={"signing": tuple(t for t in rs.spec.signing if t.purpose == "sign"), "competence": ()}
    )
    if spec != rs.spec:
        rs = govrule.Ruleset(spec)
    rows = _parsed_rows(spec)
    fields = _field_domains(spec, rows)
    # None is unknown, except in the fields where govrule reads it as a value ("no meeting").
    nullable = frozenset(f for f, values in fields.items() if None in values and f not in conditions.NONE_IS_A_VALUE)
    steps = chain(spec, nullable)
    if "portfolios" in fields and "portfolio_count" not in fields:
        fields["portfolio_count"] = ()  # derived from portfolios for the peers

    # The domain: for every key (issuer, kind, recipient) of the vocabulary, every combination of
    # the other facts read by the rules that can still apply to that key. Facts no applicable rule
    # reads cannot change any answer, so inputs that differ only in them count once.
    keys = [f for f in KEY_FIELDS if f in fields]
    inputs: list[dict[str, Any]] = []
    full = 1
    for values in fields.values():
        full *= max(1, len(values))
    for key_values in itertools.product(*(fields[f] for f in keys)):
        env = dict(zip(keys, key_values, strict=True))
        relevant: set[str] = set()
        for table in spec.signing:
            decided = False
            for t, _rule, cond in rows:
                if t is not table:
                    continue
                r = _kleene(cond, env)
                if r is False:
                    continue
                relevant |= conditions.fields_of(cond)
                if r is True and table.hit_policy == "first":
                    decided = True
                    break
            if decided:
                break
        others = [f for f in fields if f not in keys and f in _expand(relevant) and fields[f]]
        # Facts no applicable rule reads keep their Document default, so every input is complete.
        defaults = {f: _DEFAULTS[model.DOCUMENT_FIELDS[f]] for f in fields if f not in keys and fields[f]}
        for other_values in itertools.product(*(fields[f] for f in others)):
            inputs.append(env | defaults | dict(zip(others, other_values, strict=True)))

    docs_fields = [_document_fields(i) for i in inputs]
    documents = tuple(govrule.Document(**f) for f in docs_fields)
    peer_inputs = tuple(_peer_input(i) for i in inputs)
    mappings = tuple({k: list(v) if isinstance(v, tuple) else v for k, v in f.items()} for f in docs_fields)
    expected = tuple(outcome_of(rs, d) for d in documents)
    n_rules = sum(len(t.rules) for t in spec.signing)
    return Subject(
        rs,
        name,
        label,
        synthetic,
        tuple(skipped),
        tuple(t.id for t in spec.signing),
        n_rules,
        fields,
        steps,
        peer_inputs,
        documents,
        mappings,
        expected,
        full,
    )


_DEFAULTS = {"bool": False, "meeting": None, "int": 0, "set": ()}


def _expand(fields: set[str]) -> set[str]:
    """portfolio_count is read through portfolios, and the other way round."""
    if fields & {"portfolio_count", "portfolios"}:
        return fields | {"portfolio_count", "portfolios"}
    return fields
