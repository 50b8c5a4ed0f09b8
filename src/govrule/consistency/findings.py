"""What ``check`` returns: :class:`CheckFinding`, and how raw findings are located and recorded.

A ruleset records a finding as a known ambiguity of its source by a rule ``note``
containing ``ambiguity: <kind>`` (for example ``ambiguity: overlap``); such findings are
returned with ``recorded=True`` and severity ``info``.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Mapping
from typing import Any

from .. import loader, model
from . import wording

__all__ = ["KINDS", "SEVERITIES", "CheckFinding", "Path", "Raw", "finish"]


#: The kinds of finding (machine-readable names; their Chinese names are in :mod:`.wording`).
KINDS = tuple(wording.KIND_NAMES)
SEVERITIES = tuple(wording.SEVERITY_NAMES)

AMBIGUITY = re.compile(r"ambiguity:\s*([a-z_]+)")
Path = tuple[str | int, ...]


# --------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return types.MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value


@dataclasses.dataclass(frozen=True)
class CheckFinding:
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
            "witness": None if self.witness is None else plain(self.witness),
            "location": self.location,
            "recorded": self.recorded,
        }

    def __str__(self) -> str:
        """The finding as a line of ``govrule check``: ``file:line:col: 警告：规则不可达（shadowed）：…``."""
        return wording.line(self)


@dataclasses.dataclass
class Raw:
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


def finish(
    raws: list[Raw],
    spec: model.RulesetFile,
    source: loader.Source | None,
    sources: list[loader.Source],
    specs: list[model.RulesetFile],
) -> tuple[CheckFinding, ...]:
    rules: dict[str, Any] = {}
    for s in specs:
        for _, rule in loader._rules(s):
            rules.setdefault(rule.id, rule)
    tables = {t.id: t for s in specs for t in s.signing}
    out: list[CheckFinding] = []
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
        recorded = any(raw.kind in AMBIGUITY.findall(n) for n in notes if n)
        citations = tuple(str(getattr(rules.get(r), "cite", "")) for r in raw.rules if r in rules)
        out.append(
            CheckFinding(
                kind=raw.kind,
                severity="info" if recorded else raw.severity,
                message=raw.message,
                rules=raw.rules,
                citations=citations,
                witness=None if raw.witness is None else frozen(raw.witness),
                location=locate(raw, source, sources),
                recorded=recorded,
            )
        )
    return tuple(out)


def locate(raw: Raw, source: loader.Source | None, sources: list[loader.Source]) -> str | None:
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
            path = find_anchor(src.spec, anchor)
            if path is not None:
                line, col = src.where(path)
                return f"{src.file}:{line}:{col}"
    return None


def find_anchor(spec: model.RulesetFile, anchor: str | None) -> Path | None:
    if anchor is None:
        return None
    path = loader.rule_ids(spec).get(anchor)
    if path is not None:
        return path
    for t, table in enumerate(spec.signing):
        if table.id == anchor:
            return ("signing", t)
    return None
