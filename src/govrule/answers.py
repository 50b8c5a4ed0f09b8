"""Immutable answers: each carries the rule that decided it and renders a Chinese explanation.

Explanations are data (rule id, citation, source text); ``explain()`` renders them and
``to_record()`` turns an answer into a JSON-ready decision record for an audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = [
    "ActingHead",
    "AgendaCheck",
    "AlternativeAnswer",
    "Deadline",
    "Finding",
    "LeaveAnswer",
    "MeetingInfo",
    "QuotaAnswer",
    "RuleRef",
    "SigningDecision",
    "StandIn",
    "StepAnswer",
]


@dataclasses.dataclass(frozen=True, slots=True)
class RuleRef:
    """The rule behind an answer: its id, citation (article and item) and the clause's text."""

    id: str
    citation: str
    text: str
    note: str | None = None
    document: str = ""
    warnings: tuple[str, ...] = ()
    also_cite: tuple[tuple[str, str], ...] = ()  # further (cite, text) pairs the rule rests on (format 2)

    @property
    def cite(self) -> str:
        """The citation, under the name the file format uses."""
        return self.citation

    @property
    def citations(self) -> tuple[str, ...]:
        """Every article the rule cites, the primary one (``citation``) first."""
        return (self.citation, *(c for c, _ in self.also_cite))

    def to_dict(self) -> dict[str, Any]:
        """The rule as plain data (``warnings`` only when there are some, e.g. an abolished supplement)."""
        out: dict[str, Any] = {
            "id": self.id,
            "citation": self.citation,
            "text": self.text,
            "note": self.note,
            "document": self.document,
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.also_cite:
            out["citations"] = list(self.citations)
            out["also_cite"] = [{"cite": c, "text": t} for c, t in self.also_cite]
        return out


def _labels(roles: tuple[str, ...], labels: Mapping[str, str], joiner: str = "或") -> str:
    return joiner.join(labels.get(r, r) for r in roles)


@dataclasses.dataclass(frozen=True, slots=True)
class StepAnswer:
    """One step of a procedure: ``action`` by ``any`` one or ``all`` of ``roles``."""

    action: str
    roles: tuple[str, ...]
    mode: str
    note: str | None = None
    authorized_by: str | None = None
    discretionary: bool = False  # an escalation at the signer's discretion (必要时…报), format 2

    def to_dict(self) -> dict[str, Any]:
        """The step as plain data."""
        out: dict[str, Any] = {"action": self.action, "roles": list(self.roles), "mode": self.mode}
        if self.authorized_by:
            out["authorized_by"] = self.authorized_by
        if self.discretionary:
            out["discretionary"] = True
        return out


class AlternativeAnswer(NamedTuple):
    """Another procedure the deciding rule allows under a named condition (urgent: 时间紧急等特殊情况)."""

    name: str
    label: str
    steps: tuple[StepAnswer, ...]
    rule: RuleRef

    def to_dict(self) -> dict[str, Any]:
        """The path as plain data."""
        return {
            "name": self.name,
            "label": self.label,
            "steps": [s.to_dict() for s in self.steps],
            "rule": self.rule.to_dict(),
        }


_ACTION_ZH = {
    "review": "审核",
    "cosign": "会签",
    "approve": "审定/审批",
    "sign": "签发",
    "report": "报",
    "file": "备案",
}


def _cite(rule: RuleRef) -> str:
    cites = "、".join(rule.citations) if rule.also_cite else rule.citation
    where = f"《{rule.document}》{cites}" if rule.document else cites
    return where + "".join(f"（注意：{w}）" for w in rule.warnings)


@dataclasses.dataclass(frozen=True, slots=True)
class SigningDecision:
    """Who must sign (or approve) a document: ``signers`` (any one signs), ``cosigners`` and the whole procedure.

    Format 2 adds: ``forbidden`` (the deciding rule forbids the document or route: no signers, no
    steps), ``escalation`` (roles the signer may refer it to at their discretion, 必要时可报…),
    ``alternatives`` (other procedures of the rule, e.g. urgent), ``path`` (the alternative
    answered), ``absent`` and ``absence`` (the absent roles accounted for and the rule that says
    who acts instead), ``see`` (the rule whose procedure a cross-reference adopts).
    """

    signers: tuple[str, ...]
    cosigners: tuple[str, ...]
    steps: tuple[StepAnswer, ...]
    rule: RuleRef
    table: str
    portfolios: tuple[str, ...] = ()
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    also: tuple[RuleRef, ...] = ()
    forbidden: bool = False
    escalation: tuple[str, ...] = ()
    alternatives: tuple[AlternativeAnswer, ...] = ()
    path: str | None = None
    absent: tuple[str, ...] = ()
    absence: RuleRef | None = None
    see: RuleRef | None = None
    purpose: str = "sign"
    requirements: tuple[Finding, ...] = ()

    def explain(self) -> str:
        """A short Chinese explanation with the citation (and of the base rule a supplement builds on)."""
        if self.forbidden:
            text = self.rule.text if self.rule.text.endswith(("。", "；", "！")) else self.rule.text + "。"
            return f"不允许：{text}依据{_cite(self.rule)}"
        body = self._procedure(self.steps)
        where = f"（涉及分管范围：{'、'.join(self.portfolios)}）" if self.portfolios else ""
        lead = f"依据{_cite(self.rule)}"
        if self.path is not None:
            label = next((a.label for a in self.alternatives if a.name == self.path), self.path)
            lead += f"（{label}）"
        out = f"{lead}：{body}{where}。原文：{self.rule.text}"
        more = []
        if self.see is not None:
            more.append(f"按{_cite(self.see)}程序办理：{self.see.text}")
        if self.absence is not None:
            away = "、".join(self.labels.get(r, r) for r in self.absent)
            more.append(f"{away}不在时，依据{_cite(self.absence)}：{self.absence.text}")
        more.extend(f"{alt.label}：{self._procedure(alt.steps)}" for alt in self.alternatives if alt.name != self.path)
        if more:  # one clause per addition, without doubling the source text's own full stop
            out = "；".join([out.rstrip("。"), *(m.rstrip("。") for m in more)]) + "。"
        out += "".join(f"；签发依据{_cite(r)}：{r.text}" for r in self.also)
        out += "".join(f"；须注意：{f.message}（{_cite(f.rule)}）" for f in self.requirements)
        return out

    def _procedure(self, steps: tuple[StepAnswer, ...]) -> str:
        parts = []
        for step in steps:
            joiner = "或" if step.mode == "any" else "、"
            who = _labels(step.roles, self.labels, joiner)
            if step.authorized_by:
                others = tuple(r for r in step.roles if r != step.authorized_by)
                boss = self.labels.get(step.authorized_by, step.authorized_by)
                who = f"{boss}或经{boss}授权的{_labels(others, self.labels, '、')}" if others else who
            action = _ACTION_ZH.get(step.action, step.action)
            parts.append(f"必要时可报{who}{action}" if step.discretionary else f"{who}{action}")
        return "，".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "signers": list(self.signers),
            "cosigners": list(self.cosigners),
            "steps": [s.to_dict() for s in self.steps],
            "portfolios": list(self.portfolios),
            "table": self.table,
            "rule": self.rule.to_dict(),
            "also": [r.to_dict() for r in self.also],
            "forbidden": self.forbidden,
            "escalation": list(self.escalation),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "path": self.path,
            "absent": list(self.absent),
            "absence": self.absence.to_dict() if self.absence is not None else None,
            "see": self.see.to_dict() if self.see is not None else None,
            "purpose": self.purpose,
            "requirements": [f.to_dict() for f in self.requirements],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class StandIn:
    """Who stands in for a role (substitution, AB role, delegation or acting head), with the rule."""

    role: str
    roles: tuple[str, ...]
    kind: str  # ab_role | fill_in | proxy | delegation | acting_head
    rule: RuleRef
    scope: tuple[str, ...] = ()  # the rule ids or article cites a substitution is limited to; () = general
    others: tuple[StandIn, ...] = ()
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        who = "、".join(self.labels.get(r, r) for r in self.roles)
        me = self.labels.get(self.role, self.role)
        out = f"依据{_cite(self.rule)}：{me}不在时由{who}代行。原文：{self.rule.text}"
        return out + "".join(f"；另依据{_cite(o.rule)}：{o.rule.text}" for o in self.others)

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "role": self.role,
            "roles": list(self.roles),
            "kind": self.kind,
            "scope": list(self.scope),
            "rule": self.rule.to_dict(),
            "others": [o.to_dict() for o in self.others],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """A finding of an agenda check: the rule, a message, and the facts still to be supplied."""

    rule: RuleRef
    message: str
    missing: tuple[str, ...] = ()
    status: str | None = None

    @property
    def citation(self) -> str:
        """The finding's citation."""
        return self.rule.citation

    @property
    def rule_id(self) -> str:
        """The finding's rule id."""
        return self.rule.id

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data: the rule as the same object every answer carries."""
        out: dict[str, Any] = {
            "rule": self.rule.to_dict(),
            "message": self.message,
            "missing": list(self.missing),
        }
        if self.status is not None:
            out["status"] = self.status
        return out


#: How explain() names a requirement's status.
_STATUS_ZH = {"met": "已满足", "unmet": "未满足", "unknown": "无法判断"}


def _requirement_zh(f: Finding) -> str:
    status = f"〔{_STATUS_ZH[f.status]}〕" if f.status in _STATUS_ZH else ""
    return f"{f.message}（{_cite(f.rule)}）{status}"


@dataclasses.dataclass(frozen=True, slots=True)
class AgendaCheck:
    """Whether an item may go on a meeting's agenda, and why (not)."""

    meeting: str
    eligible: bool
    failures: tuple[Finding, ...]
    requirements: tuple[Finding, ...]
    to_do: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def explain(self) -> str:
        """A short Chinese explanation: each failure and each requirement (with its status), cited."""
        if self.eligible:
            head = "可以提交会议。"
        else:
            head = "不能提交会议：" + "；".join(f"{f.message}（{_cite(f.rule)}）" for f in self.failures) + "。"
        if self.requirements:
            head += "须遵守：" + "；".join(_requirement_zh(f) for f in self.requirements) + "。"
        if self.warnings and not (self.failures or self.requirements):
            head += "".join(f"注意：{w}。" for w in self.warnings)
        return head

    @property
    def unmet(self) -> tuple[Finding, ...]:
        """The requirements known not to be honoured (status unmet)."""
        return tuple(f for f in self.requirements if f.status == "unmet")

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "meeting": self.meeting,
            "eligible": self.eligible,
            "failures": [f.to_dict() for f in self.failures],
            "requirements": [f.to_dict() for f in self.requirements],
            "to_do": list(self.to_do),
            "warnings": list(self.warnings),
        }


_UNIT_ZH = {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "years": "年"}


@dataclasses.dataclass(frozen=True, slots=True)
class Deadline:
    """When something is due: ``due`` on the working-day calendar, the period and the rule."""

    event: str
    start: dt.date
    due: dt.date
    amount: int
    unit: str
    back: bool
    bound: str
    rule: RuleRef
    max_due: dt.date | None = None
    silence_means_consent: bool = False
    typically: bool = False
    anchor: str | None = None
    ends_on_rest_day: bool | None = False
    rest_day: str = "keep"
    unmoved: dt.date | None = None
    calendar_notes: tuple[str, ...] = ()
    """That the working-day calendar ends soon after ``due`` (add next year's calendar file); in ``warnings``."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Notices for the reader: a due date on a rest day, the rule's own (an abolished part of a composition),
        and a calendar that ends soon after the due date."""
        rest: tuple[str, ...] = ()
        if self.unmoved is not None:
            rest = (f"期限末日{self.unmoved.isoformat()}为休息日，依规则顺延至{self.due.isoformat()}",)
        elif self.ends_on_rest_day:
            rest = (f"截止日{self.due.isoformat()}为休息日（规则未规定顺延）",)
        elif self.ends_on_rest_day is None:
            rest = (f"截止日{self.due.isoformat()}所在年份尚无工作日历，无法判断是否为休息日",)
        return (*rest, *self.rule.warnings, *self.calendar_notes)

    def _rest_day_note(self) -> str:
        if self.unmoved is not None:
            return f"（期限末日{self.unmoved.isoformat()}为休息日，顺延至其后第一个工作日）"
        if self.ends_on_rest_day:
            return "（截止日为休息日，规则未规定顺延）"
        return ""

    def explain(self) -> str:
        """A short Chinese explanation with the citation (and whether the last day is a rest day)."""
        if self.anchor == "period_end":
            span = "年" if self.unit == "years" else "月"
            return (
                f"依据{_cite(self.rule)}：{self.start.isoformat()}所在{span}的{span}底前，"
                f"截止{self.due.isoformat()}{self._rest_day_note()}。"
            )
        period = f"{self.amount}{_UNIT_ZH.get(self.unit, self.unit)}"
        direction = "前" if self.back else "内" if self.bound == "within" else ""
        text = f"依据{_cite(self.rule)}：自{self.start.isoformat()}起{period}{direction}，截止{self.due.isoformat()}"
        text += self._rest_day_note()
        if self.max_due:
            text += f"，最迟不超过{self.max_due.isoformat()}"
        if self.silence_means_consent:
            text += "；逾期不回复视为无不同意见"
        return text + "。"

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "event": self.event,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "amount": self.amount,
            "unit": self.unit,
            "back": self.back,
            "bound": self.bound,
            "max_due": self.max_due.isoformat() if self.max_due else None,
            "silence_means_consent": self.silence_means_consent,
            "typically": self.typically,
            "anchor": self.anchor,
            "ends_on_rest_day": self.ends_on_rest_day,
            "rest_day": self.rest_day,
            "unmoved": self.unmoved.isoformat() if self.unmoved else None,
            "warnings": list(self.warnings),
            "rule": self.rule.to_dict(),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class MeetingInfo:
    """A meeting type as the ruleset defines it; None where the text does not say."""

    id: str
    label: str
    members: tuple[str, ...] | None
    convener: tuple[str, ...] | None
    chair: tuple[str, ...] | None
    entrusted_chair: tuple[str, ...]
    observers: tuple[str, ...]
    frequency: Mapping[str, Any] | None
    quorum: str | None
    minutes_signers: tuple[str, ...] | None
    rule: RuleRef
    rules: tuple[RuleRef, ...] = ()
    entrusted_convener: tuple[str, ...] = ()
    observers_as_needed: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    minutes_formed: str | None = None
    quorum_of: tuple[str, ...] = ()

    def explain(self) -> str:
        """A short Chinese description with the citation."""
        return f"{self.label}（{_cite(self.rule)}）：{self.rule.text}"

    def to_dict(self) -> dict[str, Any]:
        """The meeting as plain data."""

        def lst(v: tuple[str, ...] | None) -> list[str] | None:
            return None if v is None else list(v)

        return {
            "id": self.id,
            "label": self.label,
            "members": lst(self.members),
            "convener": lst(self.convener),
            "chair": lst(self.chair),
            "entrusted_chair": list(self.entrusted_chair),
            "observers": list(self.observers),
            "frequency": dict(self.frequency) if self.frequency else None,
            "quorum": self.quorum,
            "quorum_of": list(self.quorum_of),
            "minutes_signers": lst(self.minutes_signers),
            "minutes_formed": self.minutes_formed,
            "entrusted_convener": list(self.entrusted_convener),
            "observers_as_needed": list(self.observers_as_needed),
            "participants": list(self.participants),
            "rule": self.rule.to_dict(),
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class ActingHead:
    """Who presides when the head is away, in order of preference."""

    roles: tuple[str, ...]
    rule: RuleRef
    entrusted: bool = False
    designated: bool = False

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        return f"依据{_cite(self.rule)}：{self.rule.text}"

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "roles": list(self.roles),
            "entrusted": self.entrusted,
            "designated": self.designated,
            "rule": self.rule.to_dict(),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class LeaveAnswer:
    """Whom a role asks for leave or reports an absence to."""

    role: str
    occasion: str
    roles: tuple[str, ...]
    notify: tuple[str, ...]
    via: str | None
    advance: tuple[int, str] | None
    rule: RuleRef
    others: tuple[LeaveAnswer, ...] = ()
    mode: str | None = None
    meetings: tuple[str, ...] = ()
    for_role: str | None = None

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        how = {"any": "（向其中一人请假即可）", "all": "（须分别向每一人请假）"}.get(self.mode or "", "")
        return f"依据{_cite(self.rule)}：{self.rule.text}{how}"

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "role": self.role,
            "occasion": self.occasion,
            "roles": list(self.roles),
            "mode": self.mode,
            "meetings": list(self.meetings),
            "for_role": self.for_role,
            "notify": list(self.notify),
            "via": self.via,
            "advance": list(self.advance) if self.advance else None,
            "rule": self.rule.to_dict(),
            "others": [o.to_dict() for o in self.others],
        }


_BOUND_ZH = {"at_least": "不少于", "at_most": "不超过", "more_than": "超过", "less_than": "少于"}
_PER_ZH = {"week": "每周", "month": "每月", "quarter": "每季度", "year": "每年"}
_QUOTA_UNIT_ZH = {"days": "天", "times": "次", "items": "件", "working_days": "个工作日", "calendar_days": "日"}


@dataclasses.dataclass(frozen=True, slots=True)
class QuotaAnswer:
    """A quota: ``roles`` do ``subject`` ``bound`` ``amount`` ``unit`` ``per`` period (每年调研不少于50天)."""

    roles: tuple[str, ...]
    subject: str
    bound: str
    amount: int
    unit: str
    per: str
    rule: RuleRef

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        amount = f"{_BOUND_ZH.get(self.bound, self.bound)}{self.amount}{_QUOTA_UNIT_ZH.get(self.unit, self.unit)}"
        per = _PER_ZH.get(self.per, self.per)
        return f"依据{_cite(self.rule)}：{per}{self.subject}{amount}。原文：{self.rule.text}"

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "roles": list(self.roles),
            "subject": self.subject,
            "bound": self.bound,
            "amount": self.amount,
            "unit": self.unit,
            "per": self.per,
            "rule": self.rule.to_dict(),
        }
