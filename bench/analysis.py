"""``govrule check`` on synthetic decision tables of growing size, with z3 and clingo as symbolic peers.

The tables come from ``govrule.consistency.synthetic_table`` (five enumerated columns, a boolean and an
integer threshold, most columns wildcards in any one rule). govrule's check is timed on a
first-hit table (gaps and shadowed rules) and on a unique one (gaps and overlaps). The peers
solve the first-hit question, which rules can never fire and whether some input matches no
rule, with one incremental solver call per rule, and must find exactly the shadowed rules
and the gap that govrule reports.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.metadata
import time
from collections.abc import Callable
from typing import Any

from govrule import model

from .subject import Formula, _parsed_rows, chain
from .timing import Runs, quiet

__all__ = ["CALVANESE", "Scaling", "check_scaling", "symbolic_peers"]

CALVANESE = (
    "Calvanese, Dumas, Laurson, Maggi, Montali, Teinemaa: Semantics and Analysis of DMN Decision Tables, "
    "BPM 2016 (LNCS 9850): overlap detection on 1,000 rules x 5 columns in about 1.6 s"
)


def _checker() -> Any:
    return importlib.import_module("govrule.consistency")


@dataclasses.dataclass(frozen=True)
class Scaling:
    """Seconds per check of one table, and what it found."""

    label: str
    rules: int
    seconds: Runs
    found: str
    agrees: str = ""


def _findings(findings: Any) -> tuple[frozenset[str], bool, dict[str, int]]:
    shadowed = frozenset(f.witness["rule"] for f in findings if f.kind == "shadowed" and f.witness)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return shadowed, "gap" in counts, counts


def _time(fn: Callable[[], Any], runs: int) -> tuple[Runs, Any]:
    values, out = [], None
    for _ in range(runs):
        with quiet():
            start = time.perf_counter()
            out = fn()
            values.append(time.perf_counter() - start)
    return Runs(tuple(values), "s"), out


def check_scaling(sizes: list[int], runs_for: Callable[[int], int]) -> tuple[list[Scaling], dict[int, Any]]:
    """govrule check on first-hit and unique synthetic tables of each size."""
    checker = _checker()
    checker.check(checker.synthetic_table(20, 0))  # imports and first-use costs are not the check's
    out, first_hit = [], {}
    for policy in ("first", "unique"):
        for n in sizes:
            spec = checker.synthetic_table(n, 0, hit_policy=policy)
            seconds, findings = _time(functools.partial(checker.check, spec), runs_for(n))
            shadowed, gap, counts = _findings(findings)
            found = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing"
            out.append(Scaling(f"govrule check, hit policy {policy}", n, seconds, found))
            if policy == "first":
                first_hit[n] = (spec, shadowed, gap)
    return out, first_hit


# ------------------------------------------------------------------ the symbolic peers


def _domains(spec: model.RulesetFile) -> dict[str, tuple[Any, ...]]:
    """The check's domain: vocabulary words, meeting ids or none, flags, counts from 0."""
    return {
        "issuer": model.ISSUERS,
        "kind": model.DOCUMENT_KINDS,
        "recipient": model.RECIPIENTS,
        "decided_by": (None, *spec.meetings),
        "meeting": (None, *spec.meetings),
        "major": (False, True),
    }


def _rule_formulas(spec: model.RulesetFile) -> list[tuple[str, Formula]]:
    # None is a value of decided_by and meeting, so nothing is nullable and each step is "rule holds".
    steps = chain(spec, frozenset())
    assert len(steps) == len(_parsed_rows(spec)), "a first-hit table gives one step per rule"
    return [(s.outcome, s.formula) for s in steps]


def z3_shadowed(spec: model.RulesetFile) -> tuple[frozenset[str], bool]:
    """Shadowed rules and whether there is a gap, by z3: one incremental check per rule."""
    import z3  # type: ignore[import-untyped]

    doms = _domains(spec)
    ints = {f: z3.Int(f) for f in doms if f != "major"}
    major, count = z3.Bool("major"), z3.Int("portfolio_count")
    solver = z3.Solver()
    for f, var in ints.items():
        solver.add(var >= 0, var < len(doms[f]))
    solver.add(count >= 0)

    def atom(field: str, op: str, arg: Any) -> Any:
        if field == "portfolio_count":
            return {"gt": count > arg, "gte": count >= arg, "lt": count < arg, "lte": count <= arg, "eq": count == arg}[
                op
            ]
        if field == "major":
            return major == z3.BoolVal(arg) if op == "eq" else z3.Or([major == z3.BoolVal(a) for a in arg])
        index = doms[field].index
        if op == "null":
            return ints[field] == index(None)
        if op == "eq":
            return ints[field] == index(arg)
        if op == "in":
            return z3.Or([ints[field] == index(a) for a in arg])
        raise NotImplementedError(op)

    def expr(f: Formula) -> Any:
        tag = f[0]
        if tag == "const":
            return z3.BoolVal(f[1])
        if tag == "and":
            return z3.And([expr(p) for p in f[1]])
        if tag == "or":
            return z3.Or([expr(p) for p in f[1]])
        if tag == "not":
            return z3.Not(expr(f[1]))
        return atom(f[1], f[2], f[3])

    shadowed = set()
    for rule_id, formula in _rule_formulas(spec):
        e = expr(formula)
        solver.push()
        solver.add(e)
        if solver.check() == z3.unsat:
            shadowed.add(rule_id)
        solver.pop()
        solver.add(z3.Not(e))  # later rules fire only where this one does not
    return frozenset(shadowed), solver.check() == z3.sat


def clingo_shadowed(spec: model.RulesetFile) -> tuple[frozenset[str], bool]:
    """Shadowed rules and whether there is a gap, by clingo: guess one input, one solve per rule under assumptions."""
    import clingo

    doms = _domains(spec)
    rules = _rule_formulas(spec)
    caps = {0} | {f[3] for _, formula in rules for f in _atoms(formula) if f[1] == "portfolio_count"}
    top = max(caps) + 1
    lines = []
    names: dict[tuple[str, Any], str] = {}
    for field, values in doms.items():
        atoms = []
        for i, v in enumerate(values):
            names[field, v] = f"v_{field}({i})"
            atoms.append(names[field, v])
        lines.append(f"1 {{ {'; '.join(atoms)} }} 1.")
    lines.append(f"1 {{ pc(0..{top}) }} 1.")
    aux = iter(range(10**9))

    def lit(f: Formula) -> str:
        """An atom or negated atom that holds exactly when ``f`` holds, defining helpers as needed."""
        tag = f[0]
        if tag == "pred":
            _, field, op, arg = f
            if field == "portfolio_count":
                n = next(aux)
                cmp = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "="}[op]
                lines.append(f"a({n}) :- pc(N), N {cmp} {arg}.")
                return f"a({n})"
            if op in ("eq", "null"):
                return names[field, None if op == "null" else arg]
            n = next(aux)
            lines.extend(f"a({n}) :- {names[field, a]}." for a in arg)
            return f"a({n})"
        if tag == "not":
            inner = lit(f[1])
            return inner[4:] if inner.startswith("not ") else f"not {inner}"
        n = next(aux)
        if tag == "const":
            if f[1]:
                lines.append(f"a({n}).")
            return f"a({n})"
        parts = [lit(p) for p in f[1]]
        if tag == "and":
            lines.append(f"a({n}) :- {', '.join(parts)}.")
        else:
            lines.extend(f"a({n}) :- {p}." for p in parts)
        return f"a({n})"

    for r, (_, formula) in enumerate(rules):
        lines.append(f"match({r}) :- {lit(formula)}.")
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], "\n".join(lines))
    ctl.ground([("base", [])])
    literal = {}
    for r in range(len(rules)):
        atom = ctl.symbolic_atoms[clingo.Function("match", [clingo.Number(r)])]
        literal[r] = atom.literal if atom is not None else None  # never derivable: can never match

    def satisfiable(assumptions: list[int]) -> bool:
        return bool(ctl.solve(assumptions=assumptions).satisfiable)

    shadowed = set()
    earlier: list[int] = []
    for r, (rule_id, _) in enumerate(rules):
        lit_r = literal[r]
        if lit_r is None or not satisfiable([lit_r, *earlier]):
            shadowed.add(rule_id)
        if lit_r is not None:
            earlier.append(-lit_r)
    return frozenset(shadowed), satisfiable(earlier)


def _atoms(f: Formula) -> list[Formula]:
    if f[0] == "pred":
        return [f]
    if f[0] == "not":
        return _atoms(f[1])
    if f[0] == "const":
        return []
    return [a for p in f[1] for a in _atoms(p)]


PEERS = (("z3", "z3-solver", z3_shadowed), ("clingo", "clingo", clingo_shadowed))


def symbolic_peers(
    first_hit: dict[int, Any], runs_for: Callable[[int], int], budget_s: float
) -> tuple[list[Scaling], list[str]]:
    """z3 and clingo on the first-hit tables, smallest first, and what was not run.

    One solver call per rule, each over all earlier rules, makes the work grow about with the
    square of the table; a peer skips the next size when that predicts more than ``budget_s``.
    """
    out, skipped = [], []
    for name, package, solve in PEERS:
        try:
            version = importlib.metadata.version(package)
            importlib.import_module(name)
        except (ImportError, importlib.metadata.PackageNotFoundError):
            skipped.append(f"{name}: not installed")
            continue
        sizes = sorted(first_hit)
        for i, n in enumerate(sizes):
            spec, shadowed, gap = first_hit[n]
            seconds, (got_shadowed, got_gap) = _time(functools.partial(solve, spec), runs_for(n))
            same = got_shadowed == shadowed and got_gap == gap
            agrees = (
                "same shadowed rules and gap as govrule"
                if same
                else (f"DISAGREES: {len(got_shadowed ^ shadowed)} shadowed rules differ, gap {got_gap} vs {gap}")
            )
            out.append(
                Scaling(
                    f"{name} {version}, first-hit: shadowed + gap",
                    n,
                    seconds,
                    f"{len(got_shadowed)} shadowed, {'a gap' if got_gap else 'no gap'}",
                    agrees,
                )
            )
            if i + 1 < len(sizes):
                predicted = seconds.median * (sizes[i + 1] / n) ** 2 * runs_for(sizes[i + 1])
                if predicted > budget_s:
                    skipped.append(f"{name} at {sizes[i + 1]:,} rules (about {predicted:.0f} s predicted)")
                    break
    return out, skipped
