"""``govrule diff``: where two rulesets answer the same questions differently, as regions of inputs.

Signing and approval are compared region by region: the decision tables of both rulesets are
analysed as boxes (the analysis of ``govrule check``, :mod:`govrule.consistency.boxes`), the
input space is split only where some rule of either side tells inputs apart, and each region
is asked of both rulesets through one example input. Regions with the same pair of answers
are merged and shown as one condition::

    issuer=government, kind ∈ {request, report}, recipient=higher_government:
      鄂州市 五十六（一） 市长或常务副市长签发 | 日照市 第五十条第（一）项 市长签发

Every field either ruleset's rules test is covered (``major``, ``important``, ``broad_scope``,
``routine_approval``, portfolio counts and words, meetings …), not a fixed sample. Meetings,
deadlines, the acting head and leave are compared point by point. ``--points`` lists one example
input per differing region instead. Text fits the terminal width; exit 1 when the rulesets
differ, 0 when they answer alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from . import model
from .consistency.boxes import Box, Space, Sweep, TooComplex
from .consistency.tables import parse_when
from .engine import MissingFact, Ruleset
from .errors import GovruleError, NoApplicableRule, UnknownTerm
from .facts import Document

__all__ = ["Difference", "Region", "cli_diff", "diff", "regions"]

_QUERY_LABELS = {
    "who_must_sign": "签发",
    "who_must_approve": "审批",
    "meeting": "会议",
    "deadline": "时限",
    "acting_head": "代理主持工作",
    "leave_approver": "请假",
}


@dataclasses.dataclass(frozen=True)
class Difference:
    """One question two rulesets answer differently: the input, each side's answer and citation."""

    query: str
    input: Mapping[str, Any]
    left: str
    right: str
    left_cite: str | None
    right_cite: str | None

    def to_dict(self) -> dict[str, Any]:
        """The difference as plain data."""
        return {
            "query": self.query,
            "input": _plain(self.input),
            "left": self.left,
            "right": self.right,
            "left_cite": self.left_cite,
            "right_cite": self.right_cite,
        }


@dataclasses.dataclass(frozen=True)
class Region:
    """A set of inputs (``condition``) on which both rulesets give one answer each, and they differ."""

    query: str
    condition: str
    left: str
    right: str
    left_cite: str | None
    right_cite: str | None
    examples: tuple[Mapping[str, Any], ...]

    @property
    def example(self) -> Mapping[str, Any]:
        """One input of the region (the first of ``examples``, one per box of the region)."""
        return self.examples[0]

    @property
    def boxes(self) -> int:
        """How many boxes (conjunctions of field conditions) the region joins."""
        return len(self.examples)

    def to_dict(self) -> dict[str, Any]:
        """The region as plain data."""
        return {
            "query": self.query,
            "condition": self.condition,
            "left": self.left,
            "right": self.right,
            "left_cite": self.left_cite,
            "right_cite": self.right_cite,
            "examples": _plain(self.examples),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ------------------------------------------------------------------------------------- answers in Chinese


def _roles(rs: Ruleset, roles: Iterable[str], joiner: str = "或") -> str:
    return joiner.join(rs.roles.get(r, r) for r in roles)


def _answer(rs: Ruleset, fn: Any, *args: Any, **kwargs: Any) -> tuple[str, str | None]:
    """A short Chinese answer and its citation; errors become what a clerk would be told."""
    try:
        answer = fn(*args, **kwargs)
    except MissingFact as exc:
        return f"须补充事实：{'、'.join(exc.missing)}", exc.rule.citation
    except NoApplicableRule:
        return "文本未规定", None
    except UnknownTerm as exc:
        return f"未定义{_CATEGORY.get(exc.category, exc.category)}", None
    except GovruleError as exc:
        return f"无法回答（{type(exc).__name__}）", None
    return _summary(rs, answer), getattr(getattr(answer, "rule", None), "citation", None)


def _summary(rs: Ruleset, answer: Any) -> str:
    if hasattr(answer, "signers"):
        if getattr(answer, "forbidden", False):
            return "不允许"
        verb = "审批" if getattr(answer, "purpose", "sign") != "sign" else "签发"
        text = f"{_roles(rs, sorted(answer.signers))}{verb}" if answer.signers else f"无{verb}人"
        if answer.cosigners:
            text += f"，{_roles(rs, sorted(answer.cosigners), '、')}会签"
        if getattr(answer, "escalation", ()):
            text += f"，必要时报{_roles(rs, answer.escalation)}"
        return text
    if hasattr(answer, "due"):
        back = "前" if answer.back else "后"
        return f"{answer.amount} {_UNITS.get(answer.unit, answer.unit)}{back}，截止 {answer.due.isoformat()}"
    if hasattr(answer, "members"):
        members = _roles(rs, sorted(answer.members or []), "、") or "—"
        chair = _roles(rs, answer.chair or []) or "—"
        quorum = answer.quorum if answer.quorum is not None else "—"
        return f"组成：{members}；主持：{chair}；法定人数：{quorum}"
    if hasattr(answer, "approvers"):
        return f"向{_roles(rs, answer.approvers)}请假"
    if hasattr(answer, "roles"):
        return " > ".join(rs.roles.get(r, r) for r in answer.roles)
    return str(answer)


_CATEGORY = {"meeting": "会议", "role": "职务", "event": "事件", "ruleset": "规则"}
_UNITS = {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "years": "年"}


# ------------------------------------------------------------------------------------- regions


def _ordered_rules(spec: model.RulesetFile, purpose: str) -> list[model.SigningRule]:
    out: list[model.SigningRule] = []
    for table in spec.signing:
        if table.purpose != purpose:
            continue
        rules = list(table.rules)
        if table.hit_policy == "priority":
            rank = {id(r): (-(r.priority or 0), i) for i, r in enumerate(rules)}
            rules.sort(key=lambda r: rank[id(r)])
        out += rules
    return out


def _signing_regions(left: Ruleset, right: Ruleset, purpose: str) -> list[Region]:
    query = "who_must_sign" if purpose == "sign" else "who_must_approve"
    sides = [_ordered_rules(left.spec, purpose), _ordered_rules(right.spec, purpose)]
    if not sides[0] and not sides[1]:
        return []
    conds = [parse_when(rs.spec, r) for rs, rules in zip((left, right), sides, strict=True) for r in rules]
    meetings = tuple(dict.fromkeys((*left.meetings, *right.meetings)))
    space = Space(conds, meetings)
    pieces: list[tuple[int, Box]] = []
    masks = [0, 0]
    for k, cond in enumerate(conds):
        side = 0 if k < len(sides[0]) else 1
        for box in space.boxes(cond):
            masks[side] |= 1 << len(pieces)
            pieces.append((k, box))
    sweep = Sweep(space, pieces, list(range(len(conds))))
    found: dict[tuple[str, str | None, str, str | None], list[tuple[Box, dict[str, Any]]]] = {}
    for box, _ in sweep.partition(masks):
        example = next(iter(space.witnesses(box)), None)
        if example is None or "portfolio_count" in example:
            continue
        try:
            doc = Document(**example)
        except GovruleError:
            continue
        a = _answer(left, getattr(left, query), doc)
        b = _answer(right, getattr(right, query), doc)
        if a[0] == b[0]:
            continue
        found.setdefault((a[0], a[1], b[0], b[1]), []).append((box, example))
    out: list[Region] = []
    for (la, lc, ra, rc), items in found.items():
        merged = _merge(space, items)
        for start in range(0, len(merged), _UNION):
            part = merged[start : start + _UNION]
            condition = _render_union(space, [box for box, _ in part])
            out.append(Region(query, condition, la, ra, lc, rc, tuple(ex for _, ex in part)))
    out.sort(key=lambda r: (r.condition, r.left, r.right))
    return out


#: Boxes of one pair of answers that are joined where they differ in one field.
_MERGE_LIMIT = 120

#: Boxes with one pair of answers shown as one region ("common conditions, and (A; or B …)").
_UNION = 6


def _render_union(space: Space, boxes: Sequence[Box]) -> str:
    if len(boxes) == 1:
        return _render(space, boxes[0])
    dims = sorted(set().union(*(b.masks for b in boxes)))
    common = {d: space.mask(boxes[0], d) for d in dims if len({space.mask(b, d) for b in boxes}) == 1}
    shared = _render(space, Box({d: m for d, m in common.items() if m != space.fulls[d]}))
    alternatives = [_render(space, Box({d: m for d, m in b.masks.items() if d not in common})) for b in boxes]
    either = "；或 ".join(alternatives)
    return f"{shared}，且（{either}）" if common else f"（{either}）"


def _merge(space: Space, items: list[tuple[Box, dict[str, Any]]]) -> list[tuple[Box, dict[str, Any]]]:
    """Boxes that differ in one field only, joined (repeatedly): fewer, wider regions."""
    boxes = list(items)
    if len(boxes) > _MERGE_LIMIT:
        return boxes  # joining is cubic in the boxes: past this many, they are shown as they are
    changed = True
    while changed:
        changed = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                joined = _join(space, boxes[i][0], boxes[j][0])
                if joined is not None:
                    boxes[i] = (joined, boxes[i][1])
                    del boxes[j]
                    changed = True
                    break
            if changed:
                break
    return boxes


def _join(space: Space, a: Box, b: Box) -> Box | None:
    dims = set(a.masks) | set(b.masks)
    differ = [d for d in dims if space.mask(a, d) != space.mask(b, d)]
    if len(differ) != 1:
        return None
    d = differ[0]
    masks = dict(a.masks)
    union = space.mask(a, d) | space.mask(b, d)
    if union == space.fulls[d]:
        masks.pop(d, None)
    else:
        masks[d] = union
    return Box(masks)


def _value(value: Any) -> str:
    if value is None:
        return "未知"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _render(space: Space, box: Box) -> str:
    parts: list[str] = []
    for d in sorted(box.masks):
        dim, mask = space.dims[d], box.masks[d]
        allowed = [a for i, a in enumerate(dim.atoms) if mask >> i & 1]
        if dim.word is not None:
            word = dim.word or "（其他词）"
            parts.append(f"{dim.field} {'含' if allowed == [True] else '不含'} {word}")
        elif space.fields.get(dim.field) == "int":
            lo, hi = allowed[0][0], allowed[-1][1]
            if len(allowed) == 1 and lo == hi:
                parts.append(f"{dim.field}={lo}")
            elif hi is None:
                parts.append(f"{dim.field} ≥ {lo}")
            elif lo == 0:
                parts.append(f"{dim.field} ≤ {hi}")
            else:
                parts.append(f"{lo} ≤ {dim.field} ≤ {hi}")
        elif len(allowed) == 1:
            parts.append(f"{dim.field}={_value(allowed[0])}")
        else:
            excluded = [a for i, a in enumerate(dim.atoms) if not mask >> i & 1]
            if len(excluded) < len(allowed):
                parts.append(f"{dim.field} ∉ {{{', '.join(_value(a) for a in excluded)}}}")
            else:
                parts.append(f"{dim.field} ∈ {{{', '.join(_value(a) for a in allowed)}}}")
    return ", ".join(parts) or "任何公文"


# ------------------------------------------------------------------------------------- the other queries


def _point_regions(left: Ruleset, right: Ruleset) -> list[Region]:
    out: list[Region] = []

    def compare(
        query: str, inp: dict[str, Any], what: str, a: tuple[str, str | None], b: tuple[str, str | None]
    ) -> None:
        if a[0] != b[0]:
            out.append(Region(query, what, a[0], b[0], a[1], b[1], (inp,)))

    def ask(rs: Ruleset, defined: bool, fn: Any, *args: Any) -> tuple[str, str | None]:
        return _answer(rs, fn, *args) if defined else ("未定义", None)

    for meeting in sorted(set(left.meetings) | set(right.meetings)):
        spec = left.spec.meetings.get(meeting) or right.spec.meetings.get(meeting)
        label = spec.label if spec is not None else meeting
        compare(
            "meeting",
            {"meeting": meeting},
            f"{label}（{meeting}）",
            ask(left, meeting in left.meetings, left.meeting, meeting),
            ask(right, meeting in right.meetings, right.meeting, meeting),
        )
    start = dt.date(2024, 6, 3)
    for event in sorted(set(model.EVENTS) | set(left.spec.events) | set(right.spec.events)):
        compare(
            "deadline",
            {"event": event, "start": start.isoformat()},
            f"{event}，自 {start.isoformat()} 起算",
            _answer(left, left.deadline, event, start),
            _answer(right, right.deadline, event, start),
        )
    compare("acting_head", {}, "市长（县长）不在时", _answer(left, left.acting_head), _answer(right, right.acting_head))
    for role in sorted(set(left.roles) | set(right.roles)):
        label = left.roles.get(role) or right.roles.get(role) or role
        compare(
            "leave_approver",
            {"role": role},
            f"{label}（{role}）",
            ask(left, role in left.roles, left.leave_approver, role),
            ask(right, role in right.roles, right.leave_approver, role),
        )
    return out


def regions(left: Ruleset, right: Ruleset) -> list[Region]:
    """Where two rulesets answer differently, as regions of inputs (signing, approval) and single questions."""
    out: list[Region] = []
    for purpose in ("sign", "approve"):
        try:
            out += _signing_regions(left, right, purpose)
        except TooComplex as exc:
            raise GovruleError(f"the rulesets are too complex to compare: {exc} (limit {exc.limit})") from None
    return out + _point_regions(left, right)


def diff(left: Ruleset, right: Ruleset) -> list[Difference]:
    """Where two rulesets answer the same questions differently: one example input per differing region."""
    return diff_from(regions(left, right))


# ------------------------------------------------------------------------------------- text


def _cells(text: str) -> int:
    from .show import _width

    return _width(text)


def _wrap(text: str, width: int, indent: str) -> list[str]:
    """``text`` in lines of at most ``width`` display cells (Chinese counts double), broken at spaces
    where possible, continuation lines indented."""
    lines: list[str] = []
    line = ""
    for token in text.split(" "):
        piece = token if not line or line == indent else " " + token
        if line.strip() and _cells(line + piece) > width:
            lines.append(line.rstrip())
            line, piece = indent, token
        while _cells(line + piece) > width and len(piece) > 1:  # a token longer than a line: cut it
            room = width - _cells(line)
            cut = 1
            while cut < len(piece) and _cells(piece[: cut + 1]) <= room:
                cut += 1
            lines.append((line + piece[:cut]).rstrip())
            line, piece = indent, piece[cut:]
        line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _point(example: Mapping[str, Any]) -> str:
    def shown(v: Any) -> str:
        return "[" + ", ".join(map(str, v)) + "]" if isinstance(v, tuple | list) else _value(v)

    return ", ".join(f"{k}={shown(v)}" for k, v in example.items())


def _side_name(rs: Ruleset) -> str:
    return rs.meta.jurisdiction or rs.id


def render(left: Ruleset, right: Ruleset, found: Sequence[Region], *, points: bool = False, width: int = 100) -> str:
    """The regions (or, with ``points``, one example input each) as text at most ``width`` cells wide."""
    width = max(width, 40)
    a, b = _side_name(left), _side_name(right)
    out: list[str] = [f"{a}（{left.id}）与 {b}（{right.id}）的差异"]
    by_query: dict[str, list[Region]] = {}
    for r in found:
        by_query.setdefault(r.query, []).append(r)
    for query, items in by_query.items():
        out.append("")
        count = sum(r.boxes for r in items) if points else len(items)
        out.append(f"{_QUERY_LABELS.get(query, query)}（{query}）：{count} 处不同")
        for r in items:
            wheres = [_point(ex) for ex in r.examples] if points else [r.condition]
            for where in wheres:
                line = f"{where}：{a} {r.left_cite or '—'} {r.left} | {b} {r.right_cite or '—'} {r.right}"
                out += ["  " + part for part in _wrap(line, width - 2, "    ")]
    total = sum(r.boxes for r in found) if points else len(found)
    out.append("")
    out.append(f"共 {total} 处不同" if total else "两者对所有问题的回答相同")
    return "\n".join(out) + "\n"


def cli_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``govrule diff A B [--points]`` (B may be ``BASE+SUPPLEMENT``): exit 1 when they differ, 0 when alike."""
    from .registry import compose, load

    def get(name: str) -> Ruleset:
        # BASE+SUPPLEMENT (ids or paths) names a composition; a file whose name has a + is just a file.
        if "+" in name and not os.path.exists(name):
            base, sup = name.split("+", 1)
            return compose(load(base), load(sup))
        return load(name)

    left, right = get(args.left), get(args.right)
    found = regions(left, right)
    if getattr(args, "json", False) or getattr(args, "format", None) == "json":
        data = {
            "left": left.id,
            "right": right.id,
            "regions": [r.to_dict() for r in found],
            "differences": [d.to_dict() for d in diff_from(found)],
        }
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        out.write(render(left, right, found, points=bool(getattr(args, "points", False)), width=width))
    return 1 if found else 0


def diff_from(found: Sequence[Region]) -> list[Difference]:
    """One example input per box of each region, as point differences."""
    return [Difference(r.query, ex, r.left, r.right, r.left_cite, r.right_cite) for r in found for ex in r.examples]
