"""Immutable answers: each carries the rule that decided it and renders a Chinese explanation.

Explanations are data (rule id, citation, source text); ``explain()`` renders them and
``to_record()`` turns an answer into a JSON-ready decision record for an audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ActingHead",
    "AgendaCheck",
    "Deadline",
    "Finding",
    "LeaveAnswer",
    "MeetingInfo",
    "RuleRef",
    "SigningDecision",
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

    @property
    def cite(self) -> str:
        """The citation, under the name the file format uses."""
        return self.citation

    def to_dict(self) -> dict[str, Any]:
        """The rule as plain data."""
        return {
            "id": self.id,
            "citation": self.citation,
            "text": self.text,
            "note": self.note,
            "document": self.document,
        }


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

    def to_dict(self) -> dict[str, Any]:
        """The step as plain data."""
        out: dict[str, Any] = {"action": self.action, "roles": list(self.roles), "mode": self.mode}
        if self.authorized_by:
            out["authorized_by"] = self.authorized_by
        return out


_ACTION_ZH = {
    "review": "审核",
    "cosign": "会签",
    "approve": "审定/审批",
    "sign": "签发",
    "report": "报",
    "file": "备案",
}


def _cite(rule: RuleRef) -> str:
    return f"《{rule.document}》{rule.citation}" if rule.document else rule.citation


@dataclasses.dataclass(frozen=True, slots=True)
class SigningDecision:
    """Who must sign a document: ``signers`` (any one signs), ``cosigners`` and the whole procedure."""

    signers: tuple[str, ...]
    cosigners: tuple[str, ...]
    steps: tuple[StepAnswer, ...]
    rule: RuleRef
    table: str
    portfolios: tuple[str, ...] = ()
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    also: tuple[RuleRef, ...] = ()

    def explain(self) -> str:
        """A short Chinese explanation with the citation (and of the base rule a supplement builds on)."""
        parts = []
        for step in self.steps:
            joiner = "或" if step.mode == "any" else "、"
            who = _labels(step.roles, self.labels, joiner)
            if step.authorized_by:
                others = tuple(r for r in step.roles if r != step.authorized_by)
                boss = self.labels.get(step.authorized_by, step.authorized_by)
                who = f"{boss}或经{boss}授权的{_labels(others, self.labels, '、')}" if others else who
            parts.append(f"{who}{_ACTION_ZH.get(step.action, step.action)}")
        where = f"（涉及分管范围：{'、'.join(self.portfolios)}）" if self.portfolios else ""
        also = "".join(f"；签发依据{_cite(r)}：{r.text}" for r in self.also)
        return f"依据{_cite(self.rule)}：{'，'.join(parts)}{where}。原文：{self.rule.text}{also}"

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
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """A finding of an agenda check: the rule, a message, and the facts still to be supplied."""

    rule: RuleRef
    message: str
    missing: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        """The finding's citation."""
        return self.rule.citation

    @property
    def rule_id(self) -> str:
        """The finding's rule id."""
        return self.rule.id

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data."""
        return {
            "rule": self.rule.id,
            "citation": self.rule.citation,
            "message": self.message,
            "missing": list(self.missing),
            "text": self.rule.text,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class AgendaCheck:
    """Whether an item may go on a meeting's agenda, and why (not)."""

    meeting: str
    eligible: bool
    failures: tuple[Finding, ...]
    requirements: tuple[Finding, ...]
    to_do: tuple[str, ...] = ()

    def explain(self) -> str:
        """A short Chinese explanation listing each failure with its citation."""
        if self.eligible:
            head = "可以提交会议。"
        else:
            head = "不能提交会议：" + "；".join(f"{f.message}（{_cite(f.rule)}）" for f in self.failures) + "。"
        if self.requirements:
            head += "须遵守：" + "；".join(f"{f.message}（{_cite(f.rule)}）" for f in self.requirements) + "。"
        return head

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "meeting": self.meeting,
            "eligible": self.eligible,
            "failures": [f.to_dict() for f in self.failures],
            "requirements": [f.to_dict() for f in self.requirements],
            "to_do": list(self.to_do),
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
    warnings: tuple[str, ...] = ()
    """E.g. that the working-day calendar ends soon after ``due`` (add next year's calendar file)."""

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        if self.anchor == "period_end":
            span = "年" if self.unit == "years" else "月"
            return (
                f"依据{_cite(self.rule)}：{self.start.isoformat()}所在{span}的{span}底前，截止{self.due.isoformat()}。"
            )
        period = f"{self.amount}{_UNIT_ZH.get(self.unit, self.unit)}"
        direction = "前" if self.back else "内" if self.bound == "within" else ""
        text = f"依据{_cite(self.rule)}：自{self.start.isoformat()}起{period}{direction}，截止{self.due.isoformat()}"
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

    def explain(self) -> str:
        """A short Chinese explanation with the citation."""
        return f"依据{_cite(self.rule)}：{self.rule.text}"

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data."""
        return {
            "role": self.role,
            "occasion": self.occasion,
            "roles": list(self.roles),
            "notify": list(self.notify),
            "via": self.via,
            "advance": list(self.advance) if self.advance else None,
            "rule": self.rule.to_dict(),
            "others": [o.to_dict() for o in self.others],
        }
