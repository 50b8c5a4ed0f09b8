"""Consistency checks of rulesets: references, cycles, decision tables and supplements.

``check(ruleset)`` returns a tuple of :class:`Finding`, each naming its rules, their
citations, where in the file it is and, where one exists, a concrete input that shows
the problem. The checks:

* ``undefined_reference``: a role, meeting, event or rule named but not defined (the
  loader refuses these in files; compositions and rulesets built in memory can have them);
* ``cycle``: a cycle in who stands in for whom (acting head and substitutions; declared
  mutual AB roles are exempt), in who entrusts whom (delegations, meeting chair to
  entrusted chair), in which document supersedes which, or in a supplement's overrides;
* ``overlap`` / ``gap`` / ``shadowed``: the signing decision tables, analysed as boxes the
  way DMN verifiers do (Calvanese et al., BPM 2016): each rule's condition is normalised
  into a disjunction of boxes (per field, a set of allowed values; integers become
  intervals between the thresholds the table uses; list fields become one yes/no
  dimension per word the table tests), and a sweep over the fields, merging values that
  the active rules cannot tell apart, finds overlaps, gaps and unreachable rules without
  enumerating the cross product of the fields;
* ``bad_override`` and ``composition_change``: for a supplement over its base, an
  override naming a rule the base lacks, and an answer of ``who_must_sign`` that the
  composition changes although no supplement rule decides it.

A ruleset records a finding as a known ambiguity of its source by a rule ``note``
containing ``ambiguity: <kind>`` (for example ``ambiguity: overlap``); such findings are
returned with ``recorded=True`` and severity ``info``.

``synthetic_table(n_rules, seed)`` builds a random valid table of any size, for
benchmarks. ``cli_check`` is ``govrule check``. Limits: at most 50 cycles per graph, 20
uncovered regions per table (one gap finding names the first three) and 2,000
overlapping rule sets per table are collected.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import itertools
import json
import os
import random
import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TextIO

import networkx as nx

from . import conditions, facts, loader, model, registry
from .engine import Ruleset
from .errors import GovruleError, NoApplicableRule, Problem, RulesetError, UnknownTerm

__all__ = ["KINDS", "SEVERITIES", "Finding", "check", "cli_check", "synthetic_table"]

KINDS = (
    "undefined_reference",
    "cycle",
    "overlap",
    "gap",
    "shadowed",
    "bad_override",
    "composition_change",
)
SEVERITIES = ("error", "warning", "info")

_AMBIGUITY = re.compile(r"ambiguity:\s*([a-z_]+)")
Path = tuple[str | int, ...]


# --------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return types.MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


@dataclasses.dataclass(frozen=True)
class Finding:
    """One consistency finding: what, how bad, which rules, where, and an input showing it."""

    kind: str
    severity: str
    message: str
    rules: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    witness: Mapping[str, Any] | None = dataclasses.field(default=None, hash=False)
    location: str | None = None
    recorded: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "rules": list(self.rules),
            "citations": list(self.citations),
            "witness": None if self.witness is None else _plain(self.witness),
            "location": self.location,
            "recorded": self.recorded,
        }

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        rules = f" [{', '.join(self.rules)}]" if self.rules else ""
        witness = ""
        if self.witness is not None:
            witness = " witness=" + json.dumps(_plain(self.witness), ensure_ascii=False, sort_keys=True)
        recorded = " (recorded ambiguity)" if self.recorded else ""
        return f"{where}{self.severity}: {self.kind}: {self.message}{rules}{witness}{recorded}"


@dataclasses.dataclass
class _Raw:
    """A finding before it is located and matched against recorded ambiguities."""

    kind: str
    severity: str
    message: str
    rules: tuple[str, ...] = ()
    witness: Mapping[str, Any] | None = None
    path: Path | None = None
    anchor: str | None = None  # a rule, table or meeting id, to locate it in a composition
    note_rules: tuple[str, ...] = ()  # rules whose notes may record this finding (default: rules)
    notes: tuple[str, ...] = ()  # further notes that may record it (document level)
    part: str | None = None  # in a composition: the id of the file ``path`` belongs to


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------

RulesetLike = Ruleset | model.RulesetFile | str | os.PathLike[str]


def _as_ruleset(value: RulesetLike, name: str) -> tuple[model.RulesetFile, loader.Source | None, str]:
    if isinstance(value, Ruleset):
        return value.spec, value.source, value.id
    if isinstance(value, model.RulesetFile):
        return value, None, value.id
    if isinstance(value, str | os.PathLike):
        rs = registry.load(value)
        return rs.spec, rs.source, rs.id
    raise GovruleError(f"{name}={value!r}: expected a govrule.Ruleset, a bundled id or a ruleset file path")


def _refuse_malformed_conditions(spec: model.RulesetFile, source: loader.Source | None) -> None:
    """Raise RulesetError for conditions a model built in memory got wrong (the loader refuses them in files)."""
    problems: list[Problem] = []
    file = source.file if source is not None else f"<{spec.id}>"
    items: list[tuple[Any, Path, Mapping[str, str]]] = []
    for t, table in enumerate(spec.signing):
        items += [
            (r.when, ("signing", t, "rules", i, "when"), model.DOCUMENT_FIELDS) for i, r in enumerate(table.rules)
        ]
    for i, rule in enumerate(spec.agenda):
        items += [
            (c, ("agenda", i, part), model.AGENDA_FIELDS)
            for part, c in (("when", rule.when), ("require", rule.require))
            if c is not None
        ]
    for data, path, fields in items:
        _, errors = conditions.parse_condition(data, loader.vocabulary(spec, fields), path)
        for e in errors:
            if not _UNDEFINED.match(e.message):  # undefined words are findings, not malformed conditions
                line, col = source.where(e.path) if source is not None else (1, 1)
                problems.append(Problem(file, line, col, loader.format_path(e.path), e.message, e.hint))
    if problems:
        raise RulesetError(problems)


def check(ruleset: RulesetLike, *, base: RulesetLike | None = None) -> tuple[Finding, ...]:
    """Every consistency finding of a ruleset, or of a supplement composed over ``base``."""
    spec, source, _ = _as_ruleset(ruleset, "ruleset")
    _refuse_malformed_conditions(spec, source)
    raws: list[_Raw] = []
    if base is None:
        raws += _check_spec(spec, composed=False)
        raws += _supersession(spec)
        raws += _override_cycles(spec)
        sources = [source] if source is not None else []
        return _finish(raws, spec, source, sources, [spec])
    base_spec, base_source, _ = _as_ruleset(base, "base")
    _refuse_malformed_conditions(base_spec, base_source)
    own = _supersession(spec) + _override_cycles(spec)
    bad = _bad_overrides(spec, base_spec)
    for raw in (*own, *bad):
        raw.part = spec.id
    for raw in (theirs := _supersession(base_spec)):
        raw.part = base_spec.id
    raws += own + theirs + bad
    composed = _compose(base_spec, spec, strict=not bad)
    raws += _check_spec(composed, composed=True)
    raws += _composition_changes(base_spec, spec, composed)
    sources = [s for s in (source, base_source) if s is not None]
    return _finish(raws, composed, None, sources, [spec, base_spec, composed])


def _compose(base: model.RulesetFile, sup: model.RulesetFile, *, strict: bool) -> model.RulesetFile:
    if strict:
        return registry.compose(Ruleset(base), Ruleset(sup)).spec
    # Some overrides name rules the base lacks (reported as bad_override): compose the rest.
    base_ids = set(loader.rule_ids(base))
    targets = {t for _, rule in loader._rules(sup) for t in getattr(rule, "overrides", ()) if t in base_ids}
    return registry._compose_specs(base, sup, targets)


def _finish(
    raws: list[_Raw],
    spec: model.RulesetFile,
    source: loader.Source | None,
    sources: list[loader.Source],
    specs: list[model.RulesetFile],
) -> tuple[Finding, ...]:
    rules: dict[str, Any] = {}
    for s in specs:
        for _, rule in loader._rules(s):
            rules.setdefault(rule.id, rule)
    tables = {t.id: t for s in specs for t in s.signing}
    out: list[Finding] = []
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for raw in raws:
        key = (raw.kind, raw.message, raw.rules)
        if key in seen:
            continue
        seen.add(key)
        notes = [getattr(rules.get(r), "note", None) for r in (raw.note_rules or raw.rules)]
        if raw.anchor in tables and not raw.note_rules:
            notes += [r.note for r in tables[raw.anchor].rules]
        notes += list(raw.notes)
        recorded = any(raw.kind in _AMBIGUITY.findall(n) for n in notes if n)
        citations = tuple(str(getattr(rules.get(r), "cite", "")) for r in raw.rules if r in rules)
        out.append(
            Finding(
                kind=raw.kind,
                severity="info" if recorded else raw.severity,
                message=raw.message,
                rules=raw.rules,
                citations=citations,
                witness=None if raw.witness is None else _frozen(raw.witness),
                location=_locate(raw, source, sources),
                recorded=recorded,
            )
        )
    return tuple(out)


def _locate(raw: _Raw, source: loader.Source | None, sources: list[loader.Source]) -> str | None:
    if source is not None and raw.path is not None:
        line, col = source.where(raw.path)
        return f"{source.file}:{line}:{col}"
    if raw.part is not None and raw.path is not None:
        for src in sources:
            if src.spec.id == raw.part:
                line, col = src.where(raw.path)
                return f"{src.file}:{line}:{col}"
    anchors = [raw.anchor, *raw.rules] if raw.anchor else list(raw.rules)
    for anchor in anchors:
        for src in sources:
            path = _find_anchor(src.spec, anchor)
            if path is not None:
                line, col = src.where(path)
                return f"{src.file}:{line}:{col}"
    return None


def _find_anchor(spec: model.RulesetFile, anchor: str | None) -> Path | None:
    if anchor is None:
        return None
    path = loader.rule_ids(spec).get(anchor)
    if path is not None:
        return path
    for t, table in enumerate(spec.signing):
        if table.id == anchor:
            return ("signing", t)
    return None


# --------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------


def _check_spec(spec: model.RulesetFile, *, composed: bool) -> list[_Raw]:
    raws = _references(spec, composed=composed)
    raws += _stand_in_cycles(spec)
    raws += _delegation_cycles(spec)
    for t, table in enumerate(spec.signing):
        raws += _analyse_table(spec, t, table)
    return raws


_UNDEFINED = re.compile(r"undefined (role|meeting|deadline event) '(.*)'")


def _ref(category: str, name: str, path: Path) -> dict[str, Any]:
    return {"category": category.replace("deadline ", ""), "name": name, "path": loader.format_path(path)}


def _references(spec: model.RulesetFile, *, composed: bool) -> list[_Raw]:
    out: list[_Raw] = []
    roles = sorted(spec.roles)

    def need_role(path: Path, anchor: str, role: str | None) -> None:
        if role is not None and role not in spec.roles:
            close = difflib.get_close_matches(role, roles, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                _Raw(
                    "undefined_reference",
                    "error",
                    f"undefined role {role!r} in {loader.format_path(path)}{hint}; defined roles: "
                    f"{', '.join(roles) or '(none)'}",
                    (anchor,),
                    witness=_ref("role", role, path),
                    path=path,
                    anchor=anchor,
                )
            )

    def need_roles(path: Path, anchor: str, values: Iterable[str] | None) -> None:
        for i, role in enumerate(values or ()):
            need_role((*path, i), anchor, role)

    for key, meeting in spec.meetings.items():
        here: Path = ("meetings", key)
        for part in ("members", "convener", "chair", "entrusted_chair", "observers"):
            need_roles((*here, part), meeting.id, getattr(meeting, part))
        if meeting.minutes is not None:
            need_roles((*here, "minutes", "signers"), meeting.minutes.id, meeting.minutes.signers)
    doc_vocab = loader.vocabulary(spec, model.DOCUMENT_FIELDS)
    item_vocab = loader.vocabulary(spec, model.AGENDA_FIELDS)

    def condition_refs(data: Any, vocab: conditions.Vocabulary, path: Path, anchor: str) -> None:
        _, errors = conditions.parse_condition(data, vocab, path)
        for e in errors:
            found = _UNDEFINED.match(e.message)
            if found:
                hint = f" ({e.hint})" if e.hint else ""
                out.append(
                    _Raw(
                        "undefined_reference",
                        "error",
                        f"{e.message} in {loader.format_path(e.path)}{hint}",
                        (anchor,),
                        witness=_ref(found[1], found[2], e.path),
                        path=e.path,
                        anchor=anchor,
                    )
                )

    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            here = ("signing", t, "rules", r)
            for s, step in enumerate(rule.steps):
                need_roles((*here, "steps", s, "roles"), rule.id, step.roles)
            condition_refs(rule.when, doc_vocab, (*here, "when"), rule.id)
    events = set(model.EVENTS) | set(spec.events)
    for i, agenda in enumerate(spec.agenda):
        for j, meeting_id in enumerate(agenda.meetings):
            if meeting_id not in spec.meetings:
                out.append(
                    _Raw(
                        "undefined_reference",
                        "error",
                        f"undefined meeting {meeting_id!r} in agenda[{i}].meetings[{j}]; defined meetings: "
                        f"{', '.join(spec.meetings) or '(none)'}",
                        (agenda.id,),
                        witness=_ref("meeting", meeting_id, ("agenda", i, "meetings", j)),
                        path=("agenda", i, "meetings", j),
                        anchor=agenda.id,
                    )
                )
        condition_refs(agenda.when, item_vocab, ("agenda", i, "when"), agenda.id)
        if agenda.require is not None:
            condition_refs(agenda.require, item_vocab, ("agenda", i, "require"), agenda.id)
    for i, deadline in enumerate(spec.deadlines):
        if deadline.event not in events:
            out.append(
                _Raw(
                    "undefined_reference",
                    "error",
                    f"undefined event {deadline.event!r} in deadlines[{i}].event; declare it under `events:`",
                    (deadline.id,),
                    witness=_ref("event", deadline.event, ("deadlines", i, "event")),
                    path=("deadlines", i, "event"),
                    anchor=deadline.id,
                )
            )
    if spec.acting_head is not None:
        need_roles(("acting_head", "roles"), spec.acting_head.id, spec.acting_head.roles)
    for i, sub in enumerate(spec.substitutions):
        need_role(("substitutions", i, "role"), sub.id, sub.role)
        need_roles(("substitutions", i, "substitutes"), sub.id, sub.substitutes)
    for i, dele in enumerate(spec.delegations):
        need_role(("delegations", i, "role"), dele.id, dele.role)
        need_roles(("delegations", i, "delegates"), dele.id, dele.delegates)
    for i, leave in enumerate(spec.leave):
        need_role(("leave", i, "role"), leave.id, leave.role)
        need_roles(("leave", i, "approvers"), leave.id, leave.approvers)
        need_roles(("leave", i, "notify"), leave.id, leave.notify)
        need_role(("leave", i, "via"), leave.id, leave.via)
    for i, quota in enumerate(spec.quotas):
        need_roles(("quotas", i, "roles"), quota.id, quota.roles)
    if not composed:
        ids = loader.rule_ids(spec)
        for i, entry in enumerate(spec.coverage):
            for j, rid in enumerate(entry.rules):
                if rid not in ids:
                    close = difflib.get_close_matches(rid, list(ids), n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    out.append(
                        _Raw(
                            "undefined_reference",
                            "error",
                            f"undefined rule {rid!r} in coverage[{i}].rules[{j}]{hint}",
                            (),
                            witness=_ref("rule", rid, ("coverage", i, "rules", j)),
                            path=("coverage", i, "rules", j),
                        )
                    )
    return out


# --------------------------------------------------------------------------------------
# Cycles
# --------------------------------------------------------------------------------------


def _cycles(graph: nx.DiGraph[Any], what: str, limit: int = 50) -> list[_Raw]:
    out: list[_Raw] = []
    for n, cycle in enumerate(nx.simple_cycles(graph)):
        if n >= limit:
            break
        nodes = [*cycle, cycle[0]]
        edges = [graph.edges[a, b] for a, b in itertools.pairwise(nodes)]
        rules = tuple(dict.fromkeys(e["rule"] for e in edges if e.get("rule")))
        path = edges[0].get("path")
        chain = " → ".join(str(x) for x in nodes)
        out.append(
            _Raw(
                "cycle",
                "error",
                f"{what} cycle: {chain}",
                rules,
                witness={"graph": what, "cycle": nodes},
                path=path,
                anchor=rules[0] if rules else None,
            )
        )
    return out


def _stand_in_cycles(spec: model.RulesetFile) -> list[_Raw]:
    # An edge runs from a role to whoever stands in for it, so the acting head and the
    # substitutions point the same way and "A stands in for B, B for A" is a cycle.
    graph: nx.DiGraph[Any] = nx.DiGraph()
    if spec.acting_head is not None:
        for i, role in enumerate(spec.acting_head.roles):
            graph.add_edge("head", role, rule=spec.acting_head.id, path=("acting_head", "roles", i))
    for i, sub in enumerate(spec.substitutions):
        if sub.mutual:
            continue  # declared 互为AB角: mutual by design
        for j, role in enumerate(sub.substitutes):
            graph.add_edge(sub.role, role, rule=sub.id, path=("substitutions", i, "substitutes", j))
    return _cycles(graph, "acting-for")


def _delegation_cycles(spec: model.RulesetFile) -> list[_Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for i, dele in enumerate(spec.delegations):
        for j, role in enumerate(dele.delegates):
            graph.add_edge(dele.role, role, rule=dele.id, path=("delegations", i, "delegates", j))
    for key, meeting in spec.meetings.items():
        for chair in meeting.chair or ():
            for j, role in enumerate(meeting.entrusted_chair):
                if not graph.has_edge(chair, role):
                    graph.add_edge(chair, role, rule=meeting.id, path=("meetings", key, "entrusted_chair", j))
    return _cycles(graph, "delegation")


def _doc_key(number: str | None, fallback: str) -> str:
    return registry._norm_number(number) or f"<{fallback}>"


def _supersession(spec: model.RulesetFile) -> list[_Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    try:
        graph.add_edges_from(registry.supersession_graph().edges(data=True))
    except GovruleError:
        pass  # a broken bundled file is that file's finding, not this ruleset's
    me = _doc_key(spec.meta.number, spec.id)
    own: dict[str, tuple[Path, model.DocumentRef]] = {}
    for i, old in enumerate(spec.meta.supersedes):
        key = _doc_key(old.number, old.title or f"{spec.id}.supersedes[{i}]")
        graph.add_edge(me, key, relation="supersedes")
        own.setdefault(key, (("meta", "supersedes", i), old))
    if spec.meta.supplements is not None:
        ref = spec.meta.supplements
        key = _doc_key(ref.number, ref.title or f"{spec.id}.supplements")
        graph.add_edge(me, key, relation="supplements")
        own.setdefault(key, (("meta", "supplements"), ref))
    if me not in graph:
        return []
    component = next((c for c in nx.strongly_connected_components(graph) if me in c), {me})
    if len(component) == 1 and not graph.has_edge(me, me):
        return []
    sub = graph.subgraph(component)
    for cycle in nx.simple_cycles(sub):
        if me not in cycle:
            continue
        start = cycle.index(me)
        nodes = [*cycle[start:], *cycle[:start], me]
        path: Path = ("meta",)
        doc_ref: model.DocumentRef | None = None
        if nodes[1] in own:
            path, doc_ref = own[nodes[1]]
        chain = " → ".join(nodes)
        what = "supersedes itself" if len(nodes) == 2 else "is in a supersession cycle"
        notes = tuple(n for n in (*spec.meta.notes, doc_ref.note if doc_ref else None) if n)
        return [
            _Raw(
                "cycle",
                "error",
                f"{spec.meta.number or spec.id} {what}: {chain}",
                (),
                witness={"graph": "supersession", "cycle": nodes},
                path=path,
                notes=notes,
            )
        ]
    return []


def _override_cycles(spec: model.RulesetFile) -> list[_Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for path, rule in loader._rules(spec):
        for j, target in enumerate(getattr(rule, "overrides", ())):
            graph.add_edge(rule.id, target, rule=rule.id, path=(*path, "overrides", j))
    for key, meeting in spec.meetings.items():
        for j, target in enumerate(meeting.overrides):
            graph.add_edge(meeting.id, target, rule=meeting.id, path=("meetings", key, "overrides", j))
    raws = _cycles(graph, "override")
    for raw in raws:
        raw.rules = tuple(dict.fromkeys(str(n) for n in raw.witness["cycle"])) if raw.witness else raw.rules
    return raws


def _bad_overrides(sup: model.RulesetFile, base: model.RulesetFile) -> list[_Raw]:
    base_ids = loader.rule_ids(base)
    out: list[_Raw] = []
    rules = list(loader._rules(sup))
    rules += [(("meetings", k), m) for k, m in sup.meetings.items()]
    seen: set[tuple[str, str]] = set()
    for path, rule in rules:
        for j, target in enumerate(getattr(rule, "overrides", ())):
            if target in base_ids or (rule.id, target) in seen:
                continue
            seen.add((rule.id, target))
            close = difflib.get_close_matches(target, list(base_ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                _Raw(
                    "bad_override",
                    "error",
                    f"{rule.id} ({rule.cite}) overrides {target!r}, which {base.id} does not have{hint}",
                    (rule.id,),
                    witness={"rule": rule.id, "overrides": target, "base": base.id},
                    path=(*path, "overrides", j),
                    anchor=rule.id,
                )
            )
    return out


# --------------------------------------------------------------------------------------
# Decision tables as boxes
# --------------------------------------------------------------------------------------

Box = tuple[int, ...]
_NULLABLE = ("decided_by", "meeting")
_ENUMS = {"issuer": model.ISSUERS, "kind": model.DOCUMENT_KINDS, "recipient": model.RECIPIENTS}


@dataclasses.dataclass(frozen=True)
class _Dim:
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


class _Space:
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
        self.dims: list[_Dim] = []
        self.index: dict[tuple[str, str | None], int] = {}
        for f in fields:
            kind = model.DOCUMENT_FIELDS.get(f)
            declared = domain.get(f)
            if kind == "set":
                listed = dict.fromkeys(str(w) for w in declared) if declared is not None else {}
                for w in {**words.get(f, {}), **listed}:
                    ok = declared is None or w in listed
                    self._add(_Dim(f, w, (False, True) if ok else (False,)))
                if f in other and declared is None:
                    self._add(_Dim(f, "", (False, True)))
                continue
            if kind == "int":
                if declared is not None:
                    atoms: tuple[Any, ...] = tuple((v, v) for v in sorted(set(declared)))
                else:
                    # Intervals between the thresholds the table uses: every test is constant on each.
                    bounds = [0, *sorted(c for c in cuts if c > 0)]
                    highs: list[int | None] = [b - 1 for b in bounds[1:]]
                    atoms = tuple(zip(bounds, [*highs, None], strict=True))
                self._add(_Dim(f, None, atoms))
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
            self._add(_Dim(f, None, values))
        self.n = len(self.dims)
        self.full: Box = tuple(d.full for d in self.dims)

    def _add(self, dim: _Dim) -> None:
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
            return _absorb(out)
        current: list[Box] = [self.full]
        for part in cond.parts:
            sub = self.boxes(part, negated, limit)
            current = _absorb([b for a in current for c in sub if (b := _meet(a, c)) is not None])
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


def _meet(a: Box, b: Box) -> Box | None:
    out = tuple(x & y for x, y in zip(a, b, strict=True))
    return None if 0 in out else out


def _contains(a: Box, b: Box) -> bool:
    return all(y & ~x == 0 for x, y in zip(a, b, strict=True))


def _absorb(boxes: list[Box]) -> list[Box]:
    if len(boxes) < 2:
        return boxes
    unique = list(dict.fromkeys(boxes))
    if len(unique) > 256:
        return unique
    return [b for i, b in enumerate(unique) if not any(j != i and _contains(c, b) for j, c in enumerate(unique))]


def _subtract(a: Box, b: Box) -> list[Box]:
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


def _minus(region: list[Box], others: Iterable[Box], limit: int = 20000) -> list[Box] | None:
    """A region minus a union of boxes; None if the pieces grow past ``limit``."""
    for b in others:
        nxt: list[Box] = []
        for a in region:
            nxt += _subtract(a, b)
        region = nxt
        if not region:
            break
        if len(region) > limit:
            return None
    return region


class _Sweep:
    """A sweep over the dimensions of a table, carrying the set of rule pieces still possible.

    A *piece* is one box of one rule's condition; pieces are numbered in rule order, so
    the lowest set bit of a set of active pieces belongs to the first matching rule. At
    each dimension the values are grouped by which active pieces allow them, and the
    sweep goes on once per group: values the active rules cannot tell apart are never
    looked at separately.
    """

    def __init__(self, space: _Space, pieces: list[tuple[int, Box]], outcome_of: list[int]) -> None:
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


def _outcome(rule: model.SigningRule) -> tuple[Any, ...]:
    steps = tuple((s.action, s.roles, s.quantifier) for s in rule.steps)
    signs = [s for s in rule.steps if s.action == "sign"]
    signers = signs[-1].roles if signs else ()
    cosigners = tuple(dict.fromkeys(r for s in rule.steps if s.action == "cosign" for r in s.roles))
    return (signers, cosigners, steps)


def _parse_when(spec: model.RulesetFile, rule: model.SigningRule) -> conditions.Cond:
    cond, _ = conditions.parse_condition(rule.when, loader.vocabulary(spec, model.DOCUMENT_FIELDS))
    return cond


def _witness(space: _Space, boxes: Iterable[Box], accept: Callable[[facts.Document], bool]) -> dict[str, Any] | None:
    for box in boxes:
        for doc in space.witnesses(box):
            try:
                document = facts.Document(**doc)
            except GovruleError:
                continue
            if accept(document):
                return doc
    return None


def _evaluators(conds: Sequence[conditions.Cond]) -> list[conditions.Evaluator]:
    return [conditions.compile_condition(c) for c in conds]


def _word_of(value: Any) -> str:
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _render_box(space: _Space, box: Box) -> str:
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
            parts.append(f"{dim.field}={_word_of(allowed[0])}")
        else:
            parts.append(f"{dim.field} in {{{', '.join(_word_of(a) for a in allowed)}}}")
    return ", ".join(parts) or "any document"


def _analyse_table(spec: model.RulesetFile, t: int, table: model.DecisionTable) -> list[_Raw]:
    rules = list(table.rules)
    positions = list(range(len(rules)))
    if table.hit_policy == "priority":
        # The engine takes the highest priority and, among equals, the first: a first-hit
        # table over the rules in that order.
        positions.sort(key=lambda i: (-(rules[i].priority or 0), i))
    ordered = [rules[i] for i in positions]
    conds = [_parse_when(spec, r) for r in ordered]
    space = _Space(conds, tuple(spec.meetings), table.domain)
    out: list[_Raw] = []
    regions: list[list[Box]] = []
    for rule, cond in zip(ordered, conds, strict=True):
        try:
            regions.append(space.boxes(cond))
        except GovruleError as exc:
            raise GovruleError(f"rule {rule.id} ({rule.cite}) of table {table.id}: {exc}") from None
    evals = _evaluators(conds)

    def rule_path(pos: int) -> Path:
        return ("signing", t, "rules", positions[pos])

    outcome_ids: dict[tuple[Any, ...], int] = {}
    outcome_of = [outcome_ids.setdefault(_outcome(r), len(outcome_ids)) for r in ordered]
    pieces = [(r, b) for r, boxes in enumerate(regions) for b in boxes]
    sweep = _Sweep(space, pieces, outcome_of)
    empty = {r for r, boxes in enumerate(regions) if not boxes}
    for r in sorted(empty):
        rule = ordered[r]
        out.append(
            _Raw(
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
                _Raw(
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

        witness = _witness(space, gaps, uncovered)
        if witness is not None:
            shown = "; ".join(_render_box(space, b) for b in gaps[:3])
            more = " ..." if len(gaps) > 3 else ""
            out.append(
                _Raw(
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


def _cover(sweep: _Sweep, region: list[Box], r: int) -> list[int]:
    """Earlier rules that together match every document rule ``r`` matches."""
    earlier = (1 << sweep.first_piece[r]) - 1 if r in sweep.first_piece else 0
    cover: set[int] = set()
    for box in region:
        cover |= sweep.cover(box, sweep.meeting(box) & earlier)
    return sorted(cover)


def _overlaps(
    space: _Space,
    table: model.DecisionTable,
    ordered: list[model.SigningRule],
    evals: list[conditions.Evaluator],
    found: Mapping[frozenset[int], Box],
    rule_path: Callable[[int], Path],
) -> list[_Raw]:
    sets = sorted(found.items(), key=lambda kv: (-len(kv[0]), sorted(kv[0])))
    maximal: list[tuple[frozenset[int], Box]] = []
    for rules, box in sets:
        if any(rules <= kept for kept, _ in maximal):
            continue
        maximal.append((rules, box))
    out: list[_Raw] = []
    for rules, box in sorted(maximal, key=lambda kv: sorted(kv[0])):
        members = sorted(rules)

        def all_match(doc: facts.Document, members: list[int] = members) -> bool:
            return all(evals[m](doc, None) is True for m in members)

        witness = _witness(space, [box], all_match)
        if witness is None:
            continue
        ids = tuple(ordered[m].id for m in members)
        shown = ", ".join(f"{ordered[m].id} ({ordered[m].cite})" for m in members)
        out.append(
            _Raw(
                "overlap",
                "error",
                f"table {table.id} has hit policy unique, but rules {shown} all match documents with "
                f"{_render_box(space, box)} and give different answers",
                ids,
                witness=witness,
                path=rule_path(members[0]),
                anchor=ids[0],
            )
        )
    return out


# --------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------


def _composition_changes(base: model.RulesetFile, sup: model.RulesetFile, composed: model.RulesetFile) -> list[_Raw]:
    overridden: dict[str, list[model.Provision]] = {}
    for _, rule in loader._rules(sup):
        for target in getattr(rule, "overrides", ()):
            overridden.setdefault(target, []).append(rule)
    base_signing = [(t, r) for t, table in enumerate(base.signing) for r in table.rules]
    if not any(r.id in overridden for _, r in base_signing):
        return []
    sup_rules = [r for table in sup.signing for r in table.rules]
    all_rules = [r for _, r in base_signing] + sup_rules
    conds = {id(r): _parse_when(base if i < len(base_signing) else sup, r) for i, r in enumerate(all_rules)}
    meetings = tuple(dict.fromkeys((*base.meetings, *sup.meetings)))
    space = _Space(list(conds.values()), meetings)
    region = {id(r): space.boxes(conds[id(r)]) for r in all_rules}
    answered_by_sup = [b for r in sup_rules for b in region[id(r)]]
    base_rs, composed_rs = Ruleset(base), Ruleset(composed)
    sup_ids = {r.id for _, r in loader._rules(sup)}
    out: list[_Raw] = []
    earlier_tables: list[Box] = []
    for table in base.signing:
        order = list(table.rules)
        if table.hit_policy == "priority":
            order.sort(key=lambda r: -(r.priority or 0))
        for pos, rule in enumerate(order):
            if rule.id not in overridden:
                continue
            before = earlier_tables + (
                [b for e in order[:pos] for b in region[id(e)]] if table.hit_policy != "unique" else []
            )
            effective = _minus(list(region[id(rule)]), before)
            changed = _minus(effective, answered_by_sup) if effective else effective
            if not changed:
                continue
            found = _changed_witness(space, changed, base_rs, composed_rs, rule.id, sup_ids)
            if found is None:
                continue
            witness, now = found
            by = overridden[rule.id]
            now_text = (
                f"the composed ruleset answers by {now.id} ({now.cite})"
                if now is not None
                else "the composed ruleset gives no answer"
            )
            rules = (*(r.id for r in by), rule.id, *((now.id,) if now is not None else ()))
            out.append(
                _Raw(
                    "composition_change",
                    "warning",
                    f"{', '.join(r.id for r in by)} override{'s' if len(by) == 1 else ''} {rule.id} "
                    f"({rule.cite}), but no supplement rule answers documents with "
                    f"{_render_box(space, changed[0])}: {now_text}",
                    tuple(dict.fromkeys(rules)),
                    witness=witness,
                    anchor=by[0].id,
                )
            )
        earlier_tables += [b for r in table.rules for b in region[id(r)]]
    return out


def _changed_witness(
    space: _Space, boxes: list[Box], base_rs: Ruleset, composed_rs: Ruleset, old: str, sup_ids: set[str]
) -> tuple[dict[str, Any], Any] | None:
    for box in boxes[:200]:
        for doc in space.witnesses(box):
            try:
                before = base_rs.who_must_sign(doc)
            except GovruleError:
                continue
            if before.rule.id != old:
                continue
            try:
                after = composed_rs.who_must_sign(doc)
            except NoApplicableRule:
                return doc, None
            except GovruleError:
                continue
            if after.rule.id in sup_ids:
                continue
            rule = next((r for t in composed_rs.spec.signing for r in t.rules if r.id == after.rule.id), None)
            return doc, rule
    return None


# --------------------------------------------------------------------------------------
# A synthetic table, for benchmarks and for testing the analysis at scale
# --------------------------------------------------------------------------------------

_SYNTH_MEETINGS = ("plenary", "executive", "head_office", "topical", "study")
_SYNTH_SIGNERS = ("head", "executive_deputy_head", "deputy_head_in_charge", "secretary_general")


def synthetic_table(
    n_rules: int,
    seed: int = 0,
    *,
    hit_policy: Literal["first", "unique", "priority"] = "first",
) -> model.RulesetFile:
    """A valid ruleset with one complete signing table of ``n_rules`` random rules.

    The rules test five enumerated columns (issuer, kind, recipient, decided_by,
    meeting), a boolean (major) and an integer threshold (portfolio_count); each rule
    tests two columns chosen at random and each other column with probability 0.3,
    leaving the rest as wildcards. The same ``n_rules`` and ``seed`` always give the
    same table.
    """
    if isinstance(n_rules, bool) or not isinstance(n_rules, int) or n_rules < 1:
        raise GovruleError(f"n_rules={n_rules!r}: expected a whole number of rules, 1 or more")
    if hit_policy not in ("first", "unique", "priority"):
        raise GovruleError(f"hit_policy={hit_policy!r}: expected first, unique or priority")
    rng = random.Random(seed)
    columns: list[tuple[str, Sequence[str]]] = [
        ("issuer", model.ISSUERS),
        ("kind", model.DOCUMENT_KINDS),
        ("recipient", model.RECIPIENTS),
        ("decided_by", _SYNTH_MEETINGS),
        ("meeting", _SYNTH_MEETINGS),
    ]
    rules: list[dict[str, Any]] = []
    for i in range(n_rules):
        when: dict[str, Any] = {}
        # At least two of the seven columns are tested; the rest are wildcards.
        tested = set(rng.sample(range(7), 2)) | {c for c in range(7) if rng.random() < 0.3}
        for c, (name, values) in enumerate(columns):
            if c in tested:
                picked = rng.sample(list(values), rng.randint(1, 3))
                when[name] = picked[0] if len(picked) == 1 else picked
        if 5 in tested:
            when["major"] = rng.random() < 0.5
        if 6 in tested:
            when["portfolio_count"] = {"gte": rng.randint(1, 4)}
        rule: dict[str, Any] = {
            "id": f"synthetic.r{i}",
            "cite": f"第{i + 1}条",
            "text": f"合成规则 {i + 1}",
            "when": when,
            "steps": [{"action": "sign", "roles": [rng.choice(_SYNTH_SIGNERS)]}],
        }
        if hit_policy == "priority":
            rule["priority"] = rng.randint(1, 10)
        rules.append(rule)
    data = {
        "id": "synthetic",
        "kind": "base",
        "meta": {
            "title": f"合成决策表（{n_rules}条，种子{seed}）",
            "jurisdiction": "合成市",
            "level": "city",
            "source": "synthetic",
        },
        "roles": {r: {"label": model.ROLES[r]} for r in _SYNTH_SIGNERS},
        "meetings": {
            m: {"id": f"meeting.{m}", "cite": "一", "text": model.MEETINGS[m], "label": model.MEETINGS[m]}
            for m in _SYNTH_MEETINGS
        },
        "signing": [{"id": "synthetic", "hit_policy": hit_policy, "complete": True, "rules": rules}],
    }
    return model.RulesetFile.model_validate(data)


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def _summary(name: str, findings: Sequence[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    recorded = sum(1 for f in findings if f.recorded)
    if not findings:
        return f"{name}: clean"
    rec = f" ({recorded} recorded)" if recorded else ""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{name}: {n(counts['error'], 'error')}, {n(counts['warning'], 'warning')}, {counts['info']} info{rec}"


def cli_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule check ID|FILE... [--base B] [--json]``: exit 1 on an unrecorded error finding."""
    status = 0
    records: list[dict[str, Any]] = []
    base = getattr(args, "base", None)
    as_json = bool(getattr(args, "json", False))
    for target in args.targets:
        try:
            findings = check(target, base=base) if base else check(target)
        except RulesetError as exc:
            for p in exc.problems:
                err.write(f"{p}\n")
            records.append({"target": target, "error": "RulesetError", "problems": [p.to_dict() for p in exc.problems]})
            status = max(status, 1)
            continue
        except UnknownTerm as exc:
            message = f"govrule check: {target}: no such bundled ruleset or file"
            if exc.category != "ruleset":
                message = f"govrule check: {target}: {exc}"
            err.write(message + "\n")
            records.append({"target": target, "error": type(exc).__name__, "message": str(exc)})
            status = max(status, 2)
            continue
        except GovruleError as exc:
            err.write(f"govrule check: {target}: {type(exc).__name__}: {exc}\n")
            records.append({"target": target, "error": type(exc).__name__, "message": str(exc)})
            status = max(status, 2)
            continue
        if any(f.severity == "error" and not f.recorded for f in findings):
            status = max(status, 1)
        name = f"{target} over {base}" if base else str(target)
        records.append({"target": target, "base": base, "findings": [f.to_dict() for f in findings]})
        if not as_json:
            for f in findings:
                out.write(f"{f}\n")
            out.write(_summary(name, findings) + "\n")
    if as_json:
        out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return status


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`check`.

    Importing ``govrule.check`` sets the package attribute ``check`` to this module,
    hiding the function of the same name that ``govrule/__init__.py`` defines; making
    the module callable keeps ``govrule.check(ruleset)`` working after that import.
    """

    def __call__(self, ruleset: RulesetLike, base: RulesetLike | None = None) -> tuple[Finding, ...]:
        return check(ruleset, base=base)


sys.modules[__name__].__class__ = _CallableModule
