"""Readable views of rulesets: ``govrule show`` (a ruleset as tables).

``govrule diff`` (where two rulesets answer differently) is :mod:`govrule.diff`.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

from . import conditions, model
from .engine import Ruleset

__all__ = ["cli_show", "render_show"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


_WHOLE = frozenset({"cite", "rule", "id", "label", "event", "meeting"})


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 48) -> str:
    """A plain-text table that lines up Chinese (double-width) and ASCII text.

    Long cells are cut to ``max_width`` with an ellipsis, except in the columns that name
    something a reader looks up (citations, rule ids, events), which are never cut.
    """

    def clip(cell: str, whole: bool = False) -> str:
        cell = " ".join(str(cell).split())
        if whole or _width(cell) <= max_width:
            return cell
        out = ""
        for ch in cell:
            if _width(out + ch) > max_width - 1:
                break
            out += ch
        return out + "…"

    whole = [h in _WHOLE for h in headers]
    body = [[clip(c, w) for c, w in zip(row, whole, strict=True)] for row in rows]
    heads = [clip(h) for h in headers]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(heads)]
    lines = [
        "  ".join(_pad(h, w) for h, w in zip(heads, widths, strict=True)).rstrip(),
        "  ".join("─" * w for w in widths),
    ]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def _roles(rs: Ruleset, roles: Sequence[str] | None, joiner: str = "、") -> str:
    if roles is None:
        return "（未规定）"
    return joiner.join(f"{rs.roles.get(r, r)}" for r in roles) or "—"


def _condition(rs: Ruleset, data: Any, fields: Any) -> str:
    from .loader import vocabulary

    cond, _ = conditions.parse_condition(data, vocabulary(rs.spec, fields))
    return conditions.render(cond)


def render_show(rs: Ruleset) -> str:
    """The whole ruleset as readable sections of tables, Chinese labels with ids beside them."""
    spec, meta = rs.spec, rs.meta
    out: list[str] = []
    dates = ", ".join(
        f"{k} {getattr(meta, k).isoformat()}"
        for k in ("adopted", "signed", "published", "effective", "abolished")
        if getattr(meta, k)
    )
    out.append(f"{meta.title}  [{spec.id}, {spec.kind}]")
    out.append(
        f"文号 {meta.number or '（文中未载明）'} · {meta.jurisdiction} ({meta.level}) · status {meta.status}"
        f" · revision {meta.revision}"
    )
    out.append(f"dates: {dates or '（文中未载明）'}")
    for ref in meta.supersedes:
        out.append(f"supersedes {ref.number or ''} {ref.title or ''} {ref.date or ''} ({ref.cite or ''})".rstrip())
    if meta.supplements:
        out.append(f"supplements {meta.supplements.number or ''} {meta.supplements.title or ''}")
    if spec.meta.precedence:
        out.append(f"precedence: {spec.meta.precedence.prevails} prevails ({spec.meta.precedence.cite})")

    out.append("\n角色 Roles")
    out.append(
        table(
            ["id", "label", "aliases", "kind"],
            [[k, r.label, "、".join(r.aliases), r.kind] for k, r in spec.roles.items()],
        )
    )
    if spec.meetings:
        out.append("\n会议 Meetings")
        rows = []
        for key in spec.meetings:
            m = rs.meeting(key)
            freq = ""
            if m.frequency:
                freq = (
                    "根据需要"
                    if m.frequency.get("as_needed")
                    else f"every {m.frequency['every']} {m.frequency['unit']}"
                )
            rows.append(
                [
                    f"{m.label} ({key})",
                    _roles(rs, m.members),
                    _roles(rs, m.chair, "或"),
                    _roles(rs, m.entrusted_chair, "或"),
                    freq,
                    m.quorum or "",
                    _roles(rs, m.minutes_signers, "或"),
                    m.rule.citation,
                ]
            )
        out.append(
            table(
                ["meeting", "members", "chair", "on entrustment", "frequency", "quorum", "minutes", "cite"],
                rows,
                max_width=36,
            )
        )
    for t in spec.signing:
        out.append(f"\n签发 Signing table {t.id} ({t.hit_policy}{', complete' if t.complete else ''})")
        rows = []
        for r in t.rules:
            steps = " → ".join(
                f"{s.action}:{_roles(rs, s.roles, '或' if s.quantifier == 'any' else '、')}" for s in r.steps
            )
            rows.append([r.cite, r.id, _condition(rs, r.when, model.DOCUMENT_FIELDS), steps])
        out.append(table(["cite", "rule", "when", "steps"], rows, max_width=44))
    if spec.agenda:
        out.append("\n议题 Agenda preconditions")
        rows = []
        for a in spec.agenda:
            rows.append(
                [
                    a.cite,
                    a.id,
                    "、".join(a.meetings),
                    _condition(rs, a.when, model.AGENDA_FIELDS),
                    _condition(rs, a.require, model.AGENDA_FIELDS) if a.require is not None else "(requirement)",
                    a.message,
                ]
            )
        out.append(table(["cite", "rule", "meetings", "when", "require", "message"], rows, max_width=30))
    if spec.deadlines:
        out.append("\n时限 Time limits")
        rows = [
            [
                d.cite,
                d.event,
                f"{d.amount} {d.unit}",
                "back" if d.back else d.bound,
                "yes" if d.silence_means_consent else "",
                d.id,
            ]
            for d in spec.deadlines
        ]
        out.append(table(["cite", "event", "period", "direction", "silence=consent", "rule"], rows))
    people = []
    if spec.acting_head:
        acting = spec.acting_head
        people.append([acting.cite, "acting head", "head", _roles(rs, acting.roles, " > "), acting.id])
    for s in spec.substitutions:
        people.append([s.cite, s.kind, rs.roles.get(s.role, s.role), _roles(rs, s.substitutes), s.id])
    for d in spec.delegations:
        people.append([d.cite, "delegation", rs.roles.get(d.role, d.role), _roles(rs, d.delegates), d.id])
    for lv in spec.leave:
        people.append(
            [
                lv.cite,
                f"leave ({lv.occasion})",
                _roles(rs, lv.for_roles),
                _roles(rs, lv.approvers) + (f"; 报备 {_roles(rs, lv.notify)}" if lv.notify else ""),
                lv.id,
            ]
        )
    if people:
        out.append("\n代理、请假 Acting, substitution, leave")
        out.append(table(["cite", "what", "who", "to whom", "rule"], people))
    if spec.quotas:
        out.append("\n定额 Quotas")
        out.append(
            table(
                ["cite", "who", "what", "bound"],
                [
                    [q.cite, _roles(rs, q.roles), q.subject, f"{q.bound} {q.amount} {q.unit} per {q.per}"]
                    for q in spec.quotas
                ],
            )
        )
    if spec.coverage:
        encoded = sum(1 for c in spec.coverage if c.status == "encoded")
        not_encoded = sum(1 for c in spec.coverage if c.status == "not_encoded")
        out.append(
            f"\n覆盖 Coverage: {len(spec.coverage)} articles, {encoded} encoded, "
            f"{len(spec.coverage) - encoded - not_encoded} principle-only"
            + (f", {not_encoded} not encoded (see the reasons)" if not_encoded else "")
        )
    return "\n".join(out) + "\n"


def cli_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule show ID``."""
    from .registry import load

    rs = load(args.ruleset)
    if args.json:
        data = {"meta": rs.meta.to_dict(), "ruleset": rs.spec.model_dump(mode="json", by_alias=True, exclude_none=True)}
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        out.write(render_show(rs))
    return 0
