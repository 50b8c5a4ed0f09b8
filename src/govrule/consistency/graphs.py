"""Cycles: who stands in for whom, who entrusts whom, which document supersedes which, overrides."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import networkx as nx

from .. import loader, model, registry
from ..errors import GovruleError
from . import limits
from .findings import Path, Raw
from .wording import GRAPH_NAMES, Names


def cycles(
    graph: nx.DiGraph[Any],
    what: str,
    words: Names,
    node: Callable[[str], str] | None = None,
    limit: int = limits.MAX_CYCLES,
) -> list[Raw]:
    """Each cycle of a graph (at most ``limit``), its nodes named by ``node`` (roles by default)."""
    name = node or words.role
    # networkx finds cycles in an order that depends on string hashing: each cycle is started at
    # its node defined first, and the cycles sorted, so the same file always gives the same report.
    rank = {n: i for i, n in enumerate(graph.nodes)}
    found: list[list[Any]] = []
    for n, cycle in enumerate(nx.simple_cycles(graph)):
        if n >= limit:
            break
        start = min(range(len(cycle)), key=lambda i: rank[cycle[i]])
        found.append([*cycle[start:], *cycle[:start]])
    out: list[Raw] = []
    for cycle in sorted(found, key=lambda c: [rank[x] for x in c]):
        nodes = [*cycle, cycle[0]]
        edges = [graph.edges[a, b] for a, b in itertools.pairwise(nodes)]
        rules = tuple(dict.fromkeys(e["rule"] for e in edges if e.get("rule")))
        path = edges[0].get("path")
        chain = " → ".join(name(str(x)) for x in nodes)
        others = [r for r in rules if r not in nodes]
        by = f"；涉及规则{words.rules(others)}" if others else ""
        out.append(
            Raw(
                "cycle",
                "error",
                f"{GRAPH_NAMES.get(what, what)}循环：{chain}{by}",
                rules,
                witness={"graph": what, "cycle": nodes},
                path=path,
                anchor=rules[0] if rules else None,
            )
        )
    return out


def stand_in_cycles(spec: model.RulesetFile) -> list[Raw]:
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
    return cycles(graph, "acting-for", Names(spec))


def delegation_cycles(spec: model.RulesetFile) -> list[Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for i, dele in enumerate(spec.delegations):
        for j, role in enumerate(dele.delegates):
            graph.add_edge(dele.role, role, rule=dele.id, path=("delegations", i, "delegates", j))
    for key, meeting in spec.meetings.items():
        for chair in meeting.chair or ():
            for j, role in enumerate(meeting.entrusted_chair):
                if not graph.has_edge(chair, role):
                    graph.add_edge(chair, role, rule=meeting.id, path=("meetings", key, "entrusted_chair", j))
    return cycles(graph, "delegation", Names(spec))


def _doc_key(number: str | None, fallback: str) -> str:
    return registry._norm_number(number) or f"<{fallback}>"


def supersession(spec: model.RulesetFile) -> list[Raw]:
    if not spec.meta.supersedes and spec.meta.supplements is None:
        return []  # nothing leaves this document, so it is on no cycle
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
        what = "废止了自身" if len(nodes) == 2 else "处于废止关系循环中"
        notes = tuple(n for n in (*spec.meta.notes, doc_ref.note if doc_ref else None) if n)
        return [
            Raw(
                "cycle",
                "error",
                f"{spec.meta.number or spec.id}{what}：{chain}",
                (),
                witness={"graph": "supersession", "cycle": nodes},
                path=path,
                notes=notes,
            )
        ]
    return []


def override_cycles(spec: model.RulesetFile) -> list[Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for path, rule in loader._rules(spec):
        for j, target in enumerate(getattr(rule, "overrides", ())):
            graph.add_edge(rule.id, target, rule=rule.id, path=(*path, "overrides", j))
    for key, meeting in spec.meetings.items():
        for j, target in enumerate(meeting.overrides):
            graph.add_edge(meeting.id, target, rule=meeting.id, path=("meetings", key, "overrides", j))
    words = Names(spec)
    raws = cycles(graph, "override", words, words.rule)
    for raw in raws:
        raw.rules = tuple(dict.fromkeys(str(n) for n in raw.witness["cycle"])) if raw.witness else raw.rules
    return raws
