"""How ``check`` words its findings in Chinese: kinds, severities, and the names of rules, roles, meetings and inputs.

Findings are read by the people who write rulesets (法制/办公室 staff). A rule is named by its
citation with its id in parentheses (``四十九（sign.no_skipping）``), a role or meeting by the
ruleset's label with its id (``市长（head）``), a field of an input by its Chinese name with the
condition as written in the file (``发文机关=政府办公室（issuer=office）``). The ids stay beside
the words so that a finding leads straight to the line to edit. The machine-readable parts of a
finding (``kind``, ``severity``, ``rules``, ``witness``) stay English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import loader, messages, model, vocabulary
from . import limits

if TYPE_CHECKING:
    from .boxes import Box, Space
    from .findings import CheckFinding

__all__ = [
    "GRAPH_NAMES",
    "KIND_NAMES",
    "SEVERITY_NAMES",
    "Names",
    "line",
    "rule_name",
    "rule_names",
    "summary",
    "table_name",
    "undefined",
]

#: Each kind of finding in Chinese (the kind itself stays the machine-readable name).
KIND_NAMES: Mapping[str, str] = {
    "undefined_reference": "引用未定义",
    "cycle": "循环",
    "overlap": "规则重叠",
    "gap": "规则缺口",
    "shadowed": "规则不可达",
    "bad_override": "替代目标不存在",
    "composition_change": "补充规定改变了答案",
    "too_complex": "过于复杂未能分析",
    "unreachable": "规则无从适用",
    "contradiction": "与禁止性规定冲突",
    "escalation": "报请设置有误",
    "bad_reference": "参照引用有误",
    "absence": "缺席或备选程序无效",
    "competence": "会议职权冲突",
    "no_deadline": "缺少时限规则",
    "dates": "日期矛盾",
    "supplement_base": "补充规定的基础文件不明",
}

#: Severities in Chinese.
SEVERITY_NAMES: Mapping[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

#: The relations a cycle runs through, in Chinese (the witness keeps the English ``graph``).
GRAPH_NAMES: Mapping[str, str] = {
    "acting-for": "代理关系",
    "delegation": "委托关系",
    "supersession": "废止关系",
    "override": "替代关系（overrides）",
    "escalation": "报请关系",
    "is_a": "角色归属（is_a）",
    "see": "参照关系（see）",
}


def rule_name(rule: Any) -> str:
    """A rule by its citation, id in parentheses: ``四十九（sign.no_skipping）``."""
    cite = getattr(rule, "cite", None)
    return f"{cite}（{rule.id}）" if cite else str(rule.id)


def rule_names(rules: Sequence[Any], limit: int = limits.MAX_RENDERED_CONDITIONS) -> str:
    """Several rules by citation and id, at most ``limit`` of them, then a count of the rest."""
    shown = "、".join(rule_name(r) for r in rules[:limit])
    return shown + (f"等 {len(rules)} 条" if len(rules) > limit else "")


def table_name(table: model.DecisionTable) -> str:
    """A decision table by its label, id in parentheses: ``决策表“签发”（sign）`` or ``决策表（sign）``."""
    return f"决策表“{table.label}”（{table.id}）" if table.label else f"决策表（{table.id}）"


def _join(parts: Iterable[str], joiner: str = "、") -> str:
    return joiner.join(parts) or "（无）"


class Names:
    """Names of the rules, roles and meetings of one or more rulesets (the first that defines a name wins)."""

    def __init__(self, *specs: model.RulesetFile) -> None:
        self._roles: dict[str, str] = {}
        self._meetings: dict[str, str] = {}
        self._cites: dict[str, str] = {}
        self._events: dict[str, str] = {}
        for spec in specs:
            for key, label in spec.events.items():
                self._events.setdefault(key, label)
            for key, role in spec.roles.items():
                self._roles.setdefault(key, role.label)
            for key, meeting in spec.meetings.items():
                self._meetings.setdefault(key, meeting.label)
            for _, rule in loader._rules(spec):
                cite = getattr(rule, "cite", None)
                if cite:
                    self._cites.setdefault(rule.id, str(cite))

    def role(self, role: str) -> str:
        """``市长（head）``; a role the rulesets do not define keeps its id, quoted: ``'mayor'``."""
        label = self._roles.get(role)
        return f"{label}（{role}）" if label else f"'{role}'"

    def roles(self, roles: Iterable[str], joiner: str = "、") -> str:
        return _join((self.role(r) for r in roles), joiner)

    def meeting(self, meeting: str) -> str:
        """``常务会议（executive）``; an undefined meeting keeps its id, quoted."""
        label = self._meetings.get(meeting)
        return f"{label}（{meeting}）" if label else f"'{meeting}'"

    def event(self, event: str) -> str:
        """``会议材料报送（agenda_materials_submission）``: the ruleset's label or the usual term, id in parentheses."""
        label = self._events.get(event) or _term("event", event)
        return f"{label}（{event}）" if label else f"'{event}'"

    def rule(self, rule_id: str) -> str:
        """``四十九（sign.no_skipping）``; a rule id no ruleset defines stays as it is."""
        cite = self._cites.get(rule_id)
        return f"{cite}（{rule_id}）" if cite else rule_id

    def rules(self, rule_ids: Iterable[str], joiner: str = "、") -> str:
        return _join((self.rule(r) for r in rule_ids), joiner)

    # ---------------------------------------------------------------------------- inputs

    def value(self, kind: str | None, value: Any) -> str:
        """One value of a field in Chinese: a word's usual term, a role's or meeting's label, 是/否."""
        if value is None:
            return "无" if kind in ("role", "meeting") else "未知"
        if isinstance(value, bool):
            return "是" if value else "否"
        if kind == "role":
            return self._roles.get(value) or _term("role", value) or str(value)
        if kind == "meeting":
            return self._meetings.get(value) or str(value)
        if kind is not None and kind.startswith("enum:"):
            return _term(kind[5:], value) or str(value)
        return str(value)

    def condition(
        self, fields: Mapping[str, str], field: str, values: Sequence[Any], excluded: Sequence[Any] = ()
    ) -> str:
        """``发文机关=政府办公室（issuer=office）``; several values ``…=A或B（issuer ∈ {a, b}）``.

        Given the values left out too, a field that allows most of its values is said by those it
        excludes: ``发文机关不为A或B（issuer ∉ {a, b}）``.
        """
        kind = fields.get(field)
        if len(values) > 1 and excluded and len(excluded) < len(values):
            written = [_word(v) for v in excluded]
            said = "或".join(self.value(kind, v) for v in excluded)
            return f"{field_name(field, fields)}不为{said}（{field} ∉ {{{', '.join(written)}}}）"
        written = [_word(v) for v in values]
        if len(values) == 1:
            machine = f"{field}={written[0]}"
        else:
            machine = f"{field} ∈ {{{', '.join(written)}}}"
        said = "或".join(self.value(kind, v) for v in values)
        return _pair(field_name(field, fields), said, machine, field, "、".join(written))

    def region(self, space: Space, box: Box, *, limit: int = limits.MAX_RENDERED_CONDITIONS) -> str:
        """A box of inputs as conditions (at most ``limit`` of them, then a count of the rest)."""
        parts: list[str] = []
        keys = sorted(box.masks)
        for i in keys[:limit]:
            dim, mask = space.dims[i], box.masks[i]
            allowed = [a for j, a in enumerate(dim.atoms) if mask >> j & 1]
            if dim.word is not None:
                has = allowed == [True]
                word = dim.word or "其他词"
                machine = f"{dim.field} {'has' if has else 'lacks'} {dim.word or '(other words)'}"
                parts.append(f"{field_name(dim.field, space.fields)}{'含' if has else '不含'}“{word}”（{machine}）")
            elif space.fields.get(dim.field) == "int":
                parts.append(_counts(dim.field, allowed, space.fields))
            else:
                excluded = [a for j, a in enumerate(dim.atoms) if not mask >> j & 1]
                parts.append(self.condition(space.fields, dim.field, allowed, excluded))
        if len(keys) > limit:
            parts.append(f"另有 {len(keys) - limit} 项条件")
        return "、".join(parts) or "任何输入"

    def inputs(self, fields: Mapping[str, str], witness: Mapping[str, Any]) -> str:
        """A concrete input (a witness) as the facts it gives, each in Chinese with the field as written."""
        parts = []
        for field, value in witness.items():
            if isinstance(value, tuple | list | frozenset | set):
                words = [str(v) for v in value]
                said = "、".join(words) or "（无）"
                parts.append(_pair(field_name(field, fields), said, f"{field}=[{', '.join(words)}]", field, said))
            else:
                parts.append(self.condition(fields, field, [value]))
        return "、".join(parts) or "任何输入"


_CATEGORIES: Mapping[str, str] = {
    "role": "角色",
    "meeting": "会议",
    "event": "事件",
    "deadline event": "时限事件",
    "rule": "规则",
}


def undefined(what: str, name: str, where: str, *, close: str | None = None, defined: str | None = None) -> str:
    """``未定义的角色 'mayor'（位于 leave[0].approvers[0]）（是否应为 'head'？）；已定义的角色：…``."""
    zh = _CATEGORIES.get(what, what)
    hint = f"（是否应为 '{close}'？）" if close else ""
    listed = f"；已定义的{zh}：{defined}" if defined is not None else ""
    return f"未定义的{zh} '{name}'（位于 {where}）{hint}{listed}"


def field_name(field: str, fields: Mapping[str, str] = model.DOCUMENT_FIELDS) -> str:
    """A field's Chinese name: a document's from the vocabulary (``kind`` is 文种 there), others as errors name them."""
    if fields is not model.AGENDA_FIELDS and field in vocabulary.DOCUMENT_FIELDS:
        return vocabulary.terms_of("document_field", field)[0]
    if field == "portfolio_count":
        return "分管领域数"
    return messages.field_name(field)


def _counts(field: str, spans: Sequence[tuple[int, int | None]], fields: Mapping[str, str]) -> str:
    """Whole-number ranges: ``分管领域数≥3（portfolio_count≥3）``, ``参会人数为1–49或≥200（attendees ∈ {…}）``."""
    said = [f"{lo}" if lo == hi else f"≥{lo}" if hi is None else f"{lo}–{hi}" for lo, hi in spans]
    name = field_name(field, fields)
    if len(said) > 1:
        return f"{name}为{'或'.join(said)}（{field} ∈ {{{', '.join(said)}}}）"
    if said[0].startswith("≥"):
        return f"{name}{said[0]}（{field}{said[0]}）"
    if spans[0][0] == spans[0][1]:
        return f"{name}={said[0]}（{field}={said[0]}）"
    return f"{name}为{said[0]}（{field} {said[0]}）"


def _term(vocab: str, word: Any) -> str | None:
    if vocab not in vocabulary.VOCABULARIES or not isinstance(word, str):
        return None
    terms = vocabulary.terms_of(vocab, word)
    return terms[0] if terms else None


def _word(value: Any) -> str:
    """A value as it is written in a ruleset file."""
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _pair(name: str, said: str, machine: str, field: str, written: str) -> str:
    """``名称=说法（机器写法）``, dropping the parenthesis where it would repeat the words."""
    if name == field and said == written:
        return machine
    return f"{name}={said}（{machine}）"


# ---------------------------------------------------------------------------- the text output


def line(finding: CheckFinding) -> str:
    """One finding as a line: ``file:line:col: 警告：规则不可达（shadowed）：…``."""
    where = f"{finding.location}: " if finding.location else ""
    severity = SEVERITY_NAMES.get(finding.severity, finding.severity)
    kind = KIND_NAMES.get(finding.kind)
    named = f"{kind}（{finding.kind}）" if kind else finding.kind
    recorded = "（已记录为原文歧义）" if finding.recorded else ""
    return f"{where}{severity}：{named}：{finding.message}{recorded}"


def summary(name: str, findings: Sequence[CheckFinding]) -> str:
    """``name: 5 个错误，9 个警告，0 条提示`` (and how many are recorded ambiguities), or ``name: 未发现问题``."""
    if not findings:
        return f"{name}: 未发现问题"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_NAMES}
    recorded = sum(1 for f in findings if f.recorded)
    rec = f"（其中 {recorded} 条为已记录的原文歧义）" if recorded else ""
    return f"{name}: {counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 条提示{rec}"
