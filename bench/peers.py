"""The peers: the subject's decision chain written for each engine, and a callable per engine.

Every builder takes a Subject and returns ``decide(input) -> outcome``, where the input is one
of ``subject.inputs`` (a dict of plain values) and the outcome is what govrule's answer reduces
to (see subject.outcome_of). A builder raises ``PeerUnavailable`` when its package is not
installed. The Python floors are written the way a person would write them by hand for this
table; the others are generated source in each engine's own language, compiled once.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import operator
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .subject import Formula, Subject

__all__ = ["PEERS", "Peer", "PeerUnavailable", "cel_source", "jsonlogic_source", "rego_source", "rule_engine_sources"]

Decide = Callable[[Any], Any]  # an input of subject.inputs -> the outcome


class PeerUnavailable(Exception):
    """The peer's package is not installed (or cannot express this table)."""


@dataclasses.dataclass(frozen=True)
class Peer:
    """An engine measured against govrule."""

    name: str
    package: str | None  # distribution name, for the version in the report
    build: Callable[[Subject], Decide]
    note: str = ""

    def version(self) -> str | None:
        """The installed version of the peer's package, or None."""
        if self.package is None:
            return None
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return None


# ------------------------------------------------------------------ plain Python floors


def _dnf(f: Formula) -> list[list[tuple[bool, Formula]]]:
    """Disjunctive normal form: a list of conjunctions of (positive?, atom)."""
    tag = f[0]
    if tag == "const":
        return [[]] if f[1] else []
    if tag == "pred":
        return [[(True, f)]]
    if tag == "and":
        out: list[list[tuple[bool, Formula]]] = [[]]
        for part in f[1]:
            out = [a + b for a in out for b in _dnf(part)]
        return out
    if tag == "or":
        return [c for part in f[1] for c in _dnf(part)]
    inner = f[1]  # not: push it inwards (De Morgan)
    if inner[0] == "pred":
        return [[(False, inner)]]
    if inner[0] == "not":
        return _dnf(inner[1])
    if inner[0] == "const":
        return _dnf(("const", not inner[1]))
    flipped = "or" if inner[0] == "and" else "and"
    return _dnf((flipped, tuple(("not", p) for p in inner[1])))


def _holds(atom: Formula, value: Any) -> bool:
    _, _, op, arg = atom
    if op == "null":
        return value is None
    if value is None:
        return False
    if op == "eq":
        return bool(value == arg)
    if op == "in":
        return value in arg
    if op == "contains":
        return arg in value
    return bool({"gt": value > arg, "gte": value >= arg, "lt": value < arg, "lte": value <= arg}[op])


def _allowed(field: str, literals: list[tuple[bool, Formula]], subject: Subject) -> Any:
    """The values of ``field`` a conjunction of literals admits: a frozenset, or a range for counts."""
    if field == "portfolio_count":
        lo, hi = 0, sys.maxsize
        for positive, (_, _, op, arg) in literals:
            op = op if positive else {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}.get(op, "?")
            if op == "gt":
                lo = max(lo, arg + 1)
            elif op == "gte":
                lo = max(lo, arg)
            elif op == "lt":
                hi = min(hi, arg)
            elif op == "lte":
                hi = min(hi, arg + 1)
            elif op == "eq":
                lo, hi = max(lo, arg), min(hi, arg + 1)
            else:
                raise PeerUnavailable("the table scan has no form for this count test")
        return range(lo, max(lo, hi))
    return frozenset(v for v in subject.fields[field] if all(_holds(a, v) is p for p, a in literals))


def scan_rows(subject: Subject) -> list[tuple[tuple[tuple[str, Any], ...], str]]:
    """The chain as table rows: for each tested column the values that match; untested columns match all."""
    rows = []
    for step in subject.steps:
        for conj in _dnf(step.formula):
            by_field: dict[str, list[tuple[bool, Formula]]] = {}
            for positive, atom in conj:
                by_field.setdefault(atom[1], []).append((positive, atom))
            checks = tuple((f, _allowed(f, lits, subject)) for f, lits in by_field.items())
            if all(len(allowed) for _, allowed in checks):
                rows.append((checks, step.outcome))
    return rows


def build_table_scan(subject: Subject) -> Decide:
    """A hand-written first-match scan: each row lists, per column it tests, the values it admits."""
    rows = tuple(scan_rows(subject))

    def decide(x: Mapping[str, Any]) -> Any:
        for checks, outcome in rows:
            for field, allowed in checks:
                if x[field] not in allowed:
                    break
            else:
                return outcome
        return None

    return decide


def build_dict_lookup(subject: Subject) -> Decide:
    """Every answer precomputed, keyed by the facts the table reads (the portfolio count clamped)."""
    scan = build_table_scan(subject)
    fields = [f for f, values in subject.fields.items() if values and f != "portfolio_count"]
    get = operator.itemgetter(*fields) if len(fields) > 1 else (lambda x: (x[fields[0]],))
    table: dict[Any, Any] = {}
    counts = subject.fields.get("portfolio_count")
    if not counts:
        for x in subject.inputs:
            table[get(x)] = scan(x)
        return lambda x: table[get(x)]
    top = max(counts)  # every count above the highest threshold answers alike
    for x in subject.inputs:
        table[get(x), x["portfolio_count"]] = scan(x)

    def decide(x: Mapping[str, Any]) -> Any:
        n = x["portfolio_count"]
        return table[get(x), n if n < top else top]

    return decide


# ------------------------------------------------------------------ JsonLogic (datalogic-py)


def _jl(f: Formula) -> Any:
    tag = f[0]
    if tag == "const":
        return f[1]
    if tag == "and":
        return {"and": [_jl(p) for p in f[1]]}
    if tag == "or":
        return {"or": [_jl(p) for p in f[1]]}
    if tag == "not":
        return {"!": [_jl(f[1])]}
    _, field, op, arg = f
    var = {"var": field}
    if op == "null":
        return {"===": [var, None]}
    if op == "eq":
        return {"===": [var, arg]}
    if op == "in":
        return {"in": [var, list(arg)]}
    if op == "contains":
        return {"in": [arg, var]}
    return {{"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]: [var, arg]}


def jsonlogic_source(subject: Subject) -> Any:
    """The chain as one JsonLogic ``if``."""
    args: list[Any] = []
    for step in subject.steps:
        args += [_jl(step.formula), step.outcome]
    return {"if": [*args, None]}


def build_datalogic(subject: Subject) -> Decide:
    """JsonLogic compiled by datalogic-py (Rust)."""
    try:
        import datalogic_py
    except ImportError as exc:
        raise PeerUnavailable(str(exc)) from None
    rule = datalogic_py.Engine().compile(jsonlogic_source(subject))
    decide: Decide = rule.evaluate
    return decide


# ------------------------------------------------------------------ Rego (regorus)


def _rego_value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


class _Rego:
    def __init__(self) -> None:
        self.helpers: list[str] = []

    def helper(self, bodies: list[list[str]]) -> str:
        name = f"h{len(self.helpers)}"
        self.helpers.append(
            "\n".join(f"{name} if {{\n" + "\n".join(f"  {line}" for line in body) + "\n}" for body in bodies)
        )
        return name

    def body(self, f: Formula) -> list[str]:
        """Lines of a rule body that together hold exactly when ``f`` holds."""
        if f[0] == "and":
            return [line for p in f[1] for line in self.body(p)]
        if f[0] == "const":
            return ["true"] if f[1] else ["false"]
        if f[0] == "pred":
            return [self.atom(f)]
        if f[0] == "or":
            return [self.helper([self.body(p) for p in f[1]])]
        inner = f[1]
        if inner[0] == "pred":
            return [f"not {self.atom(inner)}"]
        return [f"not {self.helper([self.body(inner)])}"]

    @staticmethod
    def atom(f: Formula) -> str:
        _, field, op, arg = f
        ref = f"input.{field}"
        if op == "null":
            return f"{ref} == null"
        if op == "eq":
            return f"{ref} == {_rego_value(arg)}"
        if op == "in":
            return f"{ref} in {{{', '.join(_rego_value(a) for a in arg)}}}"
        if op == "contains":
            return f"{_rego_value(arg)} in {ref}"
        return f"{ref} {({'gt': '>', 'gte': '>=', 'lt': '<', 'lte': '<='})[op]} {arg}"


def rego_source(subject: Subject) -> str:
    """The chain as one Rego rule with an ``else`` per step (first that holds wins)."""
    gen = _Rego()
    parts = []
    for n, step in enumerate(subject.steps):
        head = "decision := " if n == 0 else "} else := "
        parts.append(f"{head}{_rego_value(step.outcome)} if {{")
        parts += [f"  {line}" for line in gen.body(step.formula)]
    parts.append("} else := null")
    return "\n".join(["package signing", "import rego.v1", "", *parts, "", *gen.helpers, ""])


def build_regorus(subject: Subject) -> Decide:
    """Rego evaluated by regorus (Rust); input passed as JSON, as set_input(dict) mangles booleans."""
    try:
        import regorus  # type: ignore[import-untyped]
    except ImportError as exc:
        raise PeerUnavailable(str(exc)) from None
    engine = regorus.Engine()
    engine.add_policy("signing.rego", rego_source(subject))
    set_input, eval_rule, dumps = engine.set_input_json, engine.eval_rule, json.dumps

    def decide(x: Mapping[str, Any]) -> Any:
        set_input(dumps(x))
        return eval_rule("data.signing.decision")

    return decide


# ------------------------------------------------------------------ rule-engine


def _expression(f: Formula, and_: str, or_: str, not_: str) -> str:
    """A formula in the C-like expression syntax rule-engine and CEL share; only and/or/not are spelt apart."""
    tag = f[0]
    if tag == "const":
        return "true" if f[1] else "false"
    if tag in ("and", "or"):
        joiner = f" {and_ if tag == 'and' else or_} "
        return "(" + joiner.join(_expression(p, and_, or_, not_) for p in f[1]) + ")"
    if tag == "not":
        return f"{not_}({_expression(f[1], and_, or_, not_)})"
    _, field, op, arg = f
    if op == "null":
        return f"{field} == null"
    if op == "eq":
        return f"{field} == {_rego_value(arg)}"
    if op == "in":
        return f"{field} in [{', '.join(_rego_value(a) for a in arg)}]"
    if op == "contains":
        return f"{_rego_value(arg)} in {field}"
    return f"{field} {({'gt': '>', 'gte': '>=', 'lt': '<', 'lte': '<='})[op]} {arg}"


def _re(f: Formula) -> str:
    return _expression(f, "and", "or", "not ")


def rule_engine_sources(subject: Subject) -> list[tuple[str, str]]:
    """One rule-engine expression per step, with its outcome."""
    return [(_re(step.formula), step.outcome) for step in subject.steps]


def build_rule_engine(subject: Subject) -> Decide:
    """rule-engine (pure Python): one Rule per step, the first that matches wins."""
    try:
        import rule_engine  # type: ignore[import-untyped]
    except ImportError as exc:
        raise PeerUnavailable(str(exc)) from None
    rules = tuple((rule_engine.Rule(text).matches, outcome) for text, outcome in rule_engine_sources(subject))

    def decide(x: Mapping[str, Any]) -> Any:
        for matches, outcome in rules:
            if matches(x):
                return outcome
        return None

    return decide


# ------------------------------------------------------------------ CEL (common-expression-language)


def _cel(f: Formula) -> str:
    return _expression(f, "&&", "||", "!")


def cel_source(subject: Subject, steps: Any = None) -> str:
    """The chain as one conditional expression: ``c1 ? "a" : c2 ? "b" : null``."""
    return (
        " : ".join(f"{_cel(s.formula)} ? {_rego_value(s.outcome)}" for s in (subject.steps if steps is None else steps))
        + " : null"
    )


def build_cel(subject: Subject) -> Decide:
    """CEL compiled by common-expression-language (Rust).

    The parser refuses deep nesting, so a long chain is cut into a few consecutive expressions,
    each tried in turn (the first non-null answer wins).
    """
    try:
        import cel
    except ImportError as exc:
        raise PeerUnavailable(str(exc)) from None
    steps = list(subject.steps)
    size = len(steps)
    while True:
        try:
            programs: tuple[Decide, ...] = tuple(
                cel.compile(cel_source(subject, steps[i : i + size])).execute for i in range(0, len(steps), size)
            )
            break
        except ValueError as exc:
            if "Recursion limit" not in str(exc) or size == 1:
                raise
            size = (size + 1) // 2
    if len(programs) == 1:
        return programs[0]

    def decide(x: Mapping[str, Any]) -> Any:
        for execute in programs:
            out = execute(x)
            if out is not None:
                return out
        return None

    return decide


PEERS: tuple[Peer, ...] = (
    Peer("Python dict lookup (all answers precomputed)", None, build_dict_lookup),
    Peer("Python table scan (hand-written)", None, build_table_scan),
    Peer("JsonLogic (datalogic-py)", "datalogic-py", build_datalogic),
    Peer("CEL (common-expression-language)", "common-expression-language", build_cel),
    Peer("Rego (regorus)", "gordon-to-regorus", build_regorus, "input passed as JSON text"),
    Peer("rule-engine", "rule-engine", build_rule_engine),
)


def available(subject: Subject) -> Iterator[tuple[Peer, Decide | None, str]]:
    """Each peer with its built decide function, or None and the reason it is unavailable."""
    for peer in PEERS:
        try:
            yield peer, peer.build(subject), ""
        except PeerUnavailable as exc:
            yield peer, None, str(exc)
