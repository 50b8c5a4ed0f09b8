"""Constructs that validate but answer silently wrong: lead times, dates, supplements, supersession.

* ``no_deadline``: an agenda condition ``on_or_before_deadline: E`` (a lead time, 会议材料提前
  一周送…) where no deadline rule counts from event ``E``: every dated agenda check then raises
  NoApplicableRule instead of answering;
* ``dates``: ``abolished`` before ``effective``, or ``status: in_force`` with an ``abolished`` date
  not after ``effective`` (the document cannot have been in force), and ``status: abolished``
  without an ``abolished`` date is left alone (the text may not give one);
* ``supplement_base``: a supplement that names its base by title only: composition matches the
  base by number (文号), so a title alone can compose over the wrong base;
* supersession across several files checked together (``check(a, others=[b])``, ``govrule check
  a.yaml b.yaml``): two files that supersede each other are a ``cycle``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from .. import model, registry
from .findings import Path, Raw
from .wording import Names, rule_name

__all__ = ["lead_times", "meta_dates", "supersession_among", "supplement_base"]


def _lead_events(data: Any, path: Path) -> Iterable[tuple[str, Path]]:
    """``(event, path)`` of every ``on_or_before_deadline`` test in a condition as written."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key == "on_or_before_deadline" and isinstance(value, str):
                yield value, (*path, key)
            else:
                yield from _lead_events(value, (*path, key))
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from _lead_events(value, (*path, i))


def lead_times(spec: model.RulesetFile) -> list[Raw]:
    counted = {d.event for d in spec.deadlines}
    words = Names(spec)
    out: list[Raw] = []
    for i, rule in enumerate(spec.agenda):
        for part in ("when", "require"):
            data = getattr(rule, part)
            if data is None:
                continue
            for event, path in _lead_events(data, ("agenda", i, part)):
                if event in counted:
                    continue
                out.append(
                    Raw(
                        "no_deadline",
                        "error",
                        f"议题规则{rule_name(rule)}按“{words.event(event)}”的期限倒推提前时间，但没有时限规则从"
                        f"“{words.event(event)}”起算：凡给出日期的议题审查都会以 NoApplicableRule 告终"
                        "（请补上原文规定的时限，或把这项要求标为提醒）",
                        (rule.id,),
                        witness={"rule": rule.id, "event": event},
                        path=path,
                        anchor=rule.id,
                    )
                )
    return out


def meta_dates(spec: model.RulesetFile) -> list[Raw]:
    meta = spec.meta
    if meta.effective is None or meta.abolished is None or meta.abolished > meta.effective:
        return []
    status = "，而状态为现行有效（status: in_force）" if meta.status == "in_force" else ""
    return [
        Raw(
            "dates",
            "error",
            f"{meta.number or spec.id}：废止日期 {meta.abolished.isoformat()}（abolished）不晚于施行日期 "
            f"{meta.effective.isoformat()}（effective）{status}：该文件从未施行（请核对两个日期）",
            (),
            witness={"effective": meta.effective, "abolished": meta.abolished, "status": meta.status},
            path=("meta", "abolished"),
        )
    ]


def supplement_base(spec: model.RulesetFile) -> list[Raw]:
    ref = spec.meta.supplements
    if ref is None or ref.number:
        return []
    return [
        Raw(
            "supplement_base",
            "error",
            f"{spec.meta.number or spec.id}只用标题指明所补充的文件（{ref.title or '无标题'}）：请在 "
            "meta.supplements.number 写明其文号，以便合并到正确的基础文件上",
            (),
            witness={"title": ref.title, "number": None},
            path=("meta", "supplements"),
            notes=tuple(n for n in (ref.note,) if n),
        )
    ]


def supersession_among(spec: model.RulesetFile, others: Sequence[model.RulesetFile]) -> list[Raw]:
    """Supersession cycles between ``spec`` and other files checked with it (the bundled ones are in graphs)."""
    if not others:
        return []
    graph: nx.DiGraph[Any] = nx.DiGraph()

    def key(number: str | None, fallback: str) -> str:
        return registry._norm_number(number) or f"<{fallback}>"

    here: dict[str, Path] = {}
    for doc in (spec, *others):
        me = key(doc.meta.number, doc.id)
        for i, old in enumerate(doc.meta.supersedes):
            target = key(old.number, old.title or f"{doc.id}.supersedes[{i}]")
            graph.add_edge(me, target)
            if doc is spec:
                here.setdefault(target, ("meta", "supersedes", i))
    me = key(spec.meta.number, spec.id)
    if me not in graph:
        return []
    for cycle in nx.simple_cycles(graph):
        if me not in cycle or len(cycle) < 2:
            continue
        start = cycle.index(me)
        nodes = [*cycle[start:], *cycle[:start], me]
        return [
            Raw(
                "cycle",
                "error",
                f"{spec.meta.number or spec.id}与一并检查的文件构成废止关系循环：{' → '.join(nodes)}",
                (),
                witness={"graph": "supersession", "cycle": nodes},
                path=here.get(nodes[1], ("meta",)),
            )
        ]
    return []
