"""Judging one distinct set of deciding facts: which findings a record with those facts gets.

The batch layer (``govrule.audit.batch``) groups records by the facts that decide their
findings and calls `Judge.judge` once per group; this module knows nothing of tables.
A finding here is a `Template`: everything about a finding except the record's id, row
and, for a bad cell, its value.

What is judged, for a document record under the ruleset version in force on its date:

- ``who_must_sign``: no rule → ``no_rule``; a fact the deciding rule needs is unknown →
  ``unknown_fact``; a forbidding rule → ``forbidden``; otherwise the procedure's steps are
  compared with what happened: the sign step with ``signed_by`` (``wrong_signer``, also when
  the signer needed an authorization the record says was not given), cosign steps with
  ``cosigned_by`` (``missing_cosigner``), review and approve steps with ``reviewed_by``
  (``missing_step``). Report and file steps are not in the record format and are not judged.
- A true/false Document fact left empty is unknown: the record is judged under each
  completion, and only findings every completion agrees on are reported; when they
  disagree the finding is ``unknown_fact`` naming the facts to supply.

For an agenda record: ``check_agenda`` at the meeting that took it, on the meeting date;
each failure is ``missing_step`` (or ``unknown_fact`` when it stays open for want of a fact).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .. import model
from ..answers import RuleRef, SigningDecision
from ..engine import MissingFact, Ruleset
from ..errors import CalendarError, GovruleError, NoApplicableRule, UnknownTerm
from ..facts import AgendaItem, Document
from .records import Bad

__all__ = ["Judge", "Template", "Versions"]

_DOC_KINDS = frozenset(model.DOCUMENT_KINDS)
_DOC_DEFAULTS = {
    name: p.default for name, p in inspect.signature(Document.__new__).parameters.items() if name in Document._fields
}
#: True/false facts a Document cannot leave unknown (they default to false): an empty cell is tried both ways.
_BOOL_FACTS = tuple(n for n, k in model.DOCUMENT_FIELDS.items() if k == "bool" and _DOC_DEFAULTS.get(n) is False)
#: The other Document facts, passed as read (None where the Document itself takes None as unknown).
_PASSED = tuple(n for n in Document._fields if n not in _BOOL_FACTS)
_FACT_ZH = {
    "major": "是否涉及重大事项(major)",
    "important": "是否涉及重要事项(important)",
    "broad_scope": "是否涉及面广(broad_scope)",
    "routine_approval": "是否属于例行批准手续(routine_approval)",
    "entrusted": "是否受委托召开(entrusted)",
}
_AGENDA_FLAGS = tuple(name for name, kind in model.AGENDA_FIELDS.items() if kind == "bool")
_ACTION_ZH = {"review": "审核", "approve": "审定/审批", "cosign": "会签", "sign": "签发"}
_UNIT_ZH = {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "years": "年"}


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    """A finding without the record's id, row and cell value."""

    finding: str
    detail: str
    rule: str | None = None
    citation: str | None = None
    text: str | None = None
    column: str | None = None
    ruleset: str | None = None

    @classmethod
    def of(
        cls, finding: str, detail: str, rule: RuleRef | None, ruleset: str | None, column: str | None = None
    ) -> Template:
        """A template citing ``rule`` (None where no rule is involved)."""
        if rule is None:
            return cls(finding, detail, column=column, ruleset=ruleset)
        return cls(finding, detail, rule.id, rule.citation, rule.text, column, ruleset)


class Versions:
    """The versions of a rules document an archive is judged under, and which was in force on a day.

    A record is judged under the version in force on its issue date (as `govrule.load` with
    ``as_of`` decides it); where several are, the one in force from the latest date.

    Args:
        rulesets: One or more rulesets (e.g. an old document and the one that superseded it).
        ignore_dates: Judge every record under the first ruleset whatever its date (for a ruleset
            whose text gives no date from which it is in force).
    """

    def __init__(self, rulesets: Sequence[Ruleset], *, ignore_dates: bool = False) -> None:
        if not rulesets:
            raise GovruleError("an audit needs at least one ruleset")
        self.rulesets = tuple(rulesets)
        self.ignore_dates = ignore_dates
        self._cache: dict[dt.date, int | str] = {}
        # Per version, the first and last day seen in force: the days a document is in force form one
        # interval (from its start, until abolished or superseded), so any day between two such days is too.
        self._hull: list[tuple[dt.date, dt.date] | None] = [None] * len(self.rulesets)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_versions, (self.rulesets, self.ignore_dates))

    def __len__(self) -> int:
        return len(self.rulesets)

    def on(self, day: dt.date) -> int | str:
        """The index of the version in force on ``day``, or why none was (a message)."""
        hit = self._cache.get(day)
        if hit is not None:
            return hit
        from ..registry import NotInForce, _check_in_force

        reasons: list[str] = []
        found: int | None = 0 if self.ignore_dates else None
        if found is None:
            # Of the versions in force that day, the one in force from the latest date: a newer document
            # replaces the one it supersedes even where the older one's end date is not recorded.
            latest = dt.date.min
            for i, rs in enumerate(self.rulesets):
                hull = self._hull[i]
                if hull is None or not hull[0] <= day <= hull[1]:
                    try:
                        _check_in_force(rs, day)
                    except NotInForce as exc:
                        reasons.append(str(exc))
                        continue
                    self._hull[i] = (min(hull[0], day), max(hull[1], day)) if hull else (day, day)
                since = rs.meta.in_force_from or dt.date.min
                if found is None or since > latest:
                    found, latest = i, since
        result: int | str = found if found is not None else "；".join(reasons)
        if len(self._cache) < 100_000:
            self._cache[day] = result
        return result


def _versions(rulesets: tuple[Ruleset, ...], ignore_dates: bool) -> Versions:
    return Versions(rulesets, ignore_dates=ignore_dates)


def _labels(rs: Ruleset, roles: Sequence[str], joiner: str = "、") -> str:
    return joiner.join(rs.roles.get(r, r) for r in roles) or "无"


class Judge:
    """Findings for one set of deciding facts, under the versions given; cached by the caller."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions

    # ------------------------------------------------------------------ documents

    def judge(self, record: str, version: int, facts: Mapping[str, Any]) -> tuple[Template, ...]:
        """The findings of a record of type ``record`` with these facts (read cells) under version ``version``."""
        rs = self.versions.rulesets[version]
        bad = [Template("bad_row", v.message, column=k, ruleset=rs.id) for k, v in facts.items() if isinstance(v, Bad)]
        if bad:
            return tuple(bad)
        if record == "agenda":
            return self._agenda(rs, facts)
        return self._document(rs, facts, approval=record == "approval")

    def _resolve(self, rs: Ruleset, facts: Mapping[str, Any], bad: list[Template]) -> dict[str, Any]:
        out = dict(facts)
        for column in ("decided_by", "meeting"):
            name = facts.get(column)
            if name is not None:
                try:
                    out[column] = rs.meeting_id(name)
                except UnknownTerm:
                    bad.append(
                        Template("bad_row", f"《{rs.meta.title}》未定义此会议：{name}", column=column, ruleset=rs.id)
                    )
        for column in ("signed_by", "cosigned_by", "reviewed_by", "proposed_by"):
            names = facts.get(column)
            if names is None:
                continue
            resolved = []
            for name in (names,) if isinstance(names, str) else names:
                try:
                    resolved.append(rs.role(name))
                except UnknownTerm:
                    bad.append(
                        Template("bad_row", f"《{rs.meta.title}》未定义此角色：{name}", column=column, ruleset=rs.id)
                    )
            out[column] = resolved[0] if isinstance(names, str) and resolved else frozenset(resolved)
        return out

    def _document(self, rs: Ruleset, facts: Mapping[str, Any], approval: bool = False) -> tuple[Template, ...]:
        bad: list[Template] = []
        f = self._resolve(rs, facts, bad)
        kind = f.get("kind")
        if kind is not None and kind not in _DOC_KINDS:
            bad.append(
                Template(
                    "bad_row", f"不是公文种类（可用：{', '.join(sorted(_DOC_KINDS))}）", column="kind", ruleset=rs.id
                )
            )
        if bad:
            return tuple(bad)
        unknown = [name for name in _BOOL_FACTS if f.get(name) is None]
        base: dict[str, Any] = {name: f.get(name) for name in _PASSED}
        base["kind"] = kind
        base["portfolios"] = f.get("portfolios") or ()
        base["subject_matter"] = f.get("subject_matter") or ()
        outcomes: list[tuple[Template, ...]] = []
        for values in itertools.product((False, True), repeat=len(unknown)):
            given: dict[str, Any] = {name: bool(f.get(name)) for name in _BOOL_FACTS}
            given.update(zip(unknown, values, strict=True))
            outcomes.append(self._sign(rs, Document(**base, **given), f, approval))
        first = outcomes[0]
        if all(o == first for o in outcomes[1:]):
            return first
        # The answer depends on facts the record leaves empty: name those that change it.
        deciding = []
        for i, name in enumerate(unknown):
            for values in itertools.product((False, True), repeat=len(unknown)):
                if values[i]:
                    continue
                flipped = list(values)
                flipped[i] = True
                a = outcomes[_index(values)]
                b = outcomes[_index(tuple(flipped))]
                if a != b:
                    deciding.append(name)
                    break
        names = "、".join(_FACT_ZH.get(n, n) for n in deciding or unknown)
        return (
            Template(
                "unknown_fact",
                f"判断所需的事实未记载：{names}",
                column=",".join(deciding or unknown),
                ruleset=rs.id,
            ),
        )

    def _sign(self, rs: Ruleset, doc: Document, f: Mapping[str, Any], approval: bool = False) -> tuple[Template, ...]:
        ask = getattr(rs, "who_must_approve", None) if approval else rs.who_must_sign
        if ask is None:
            return (Template("bad_row", "此版本的 govrule 不能回答审批（who_must_approve）", column="record"),)
        try:
            d = ask(doc)
        except MissingFact as exc:
            return (
                Template.of(
                    "unknown_fact",
                    f"判断所需的事实未记载：{'、'.join(exc.missing)}",
                    exc.rule,
                    rs.id,
                    ",".join(exc.missing),
                ),
            )
        except NoApplicableRule:
            what = "审批" if approval else "签发"
            return (Template("no_rule", f"《{rs.meta.title}》未规定此类公文由谁{what}", ruleset=rs.id),)
        except GovruleError as exc:  # a word the ruleset does not know, e.g. an issuer outside its tables
            return (Template("bad_row", str(exc), ruleset=rs.id),)
        return self._compare(rs, d, f)

    def _compare(self, rs: Ruleset, d: SigningDecision, f: Mapping[str, Any]) -> tuple[Template, ...]:
        if getattr(d, "forbidden", False):
            return (Template.of("forbidden", f"规则禁止此类行文：{d.explain()}", d.rule, rs.id),)
        out: list[Template] = []
        competence = _competence_ids(rs)
        for req in getattr(d, "requirements", ()):
            if req.rule.id not in competence:
                continue
            # The content is one only certain meetings may decide (format 2 competence).
            if f.get("decided_by") is not None:
                out.append(Template.of("forbidden", req.message, req.rule, rs.id, "decided_by"))
            else:
                detail = f"{req.message}；记录未载明决定会议(decided_by)"
                out.append(Template.of("unknown_fact", detail, req.rule, rs.id, "decided_by"))
        signed: frozenset[str] | None = f.get("signed_by")
        cosigned: frozenset[str] | None = f.get("cosigned_by")
        reviewed: frozenset[str] | None = f.get("reviewed_by")
        for step in d.steps:
            column = {"sign": "signed_by", "cosign": "cosigned_by", "review": "reviewed_by", "approve": "reviewed_by"}
            col = column.get(step.action)
            if col is None or getattr(step, "discretionary", False):
                continue  # report / file: not in the record format; a step taken only 必要时 is not required
            actual = {"signed_by": signed, "cosigned_by": cosigned, "reviewed_by": reviewed}[col]
            action = _ACTION_ZH[step.action]
            need = _labels(rs, step.roles, "或" if step.mode == "any" else "、")
            if actual is None:
                out.append(Template.of("unknown_fact", f"须由{need}{action}，记录未载明{col}", d.rule, rs.id, col))
                continue
            done = any(r in actual for r in step.roles) if step.mode == "any" else all(r in actual for r in step.roles)
            if step.action == "sign":
                if not done:
                    out.append(
                        Template.of(
                            "wrong_signer",
                            f"应由{need}签发，实际由{_labels(rs, sorted(actual))}签发",
                            d.rule,
                            rs.id,
                            col,
                        )
                    )
                elif step.authorized_by and step.authorized_by not in actual:
                    boss = rs.roles.get(step.authorized_by, step.authorized_by)
                    authorized = f.get("authorized")
                    if authorized is False:
                        out.append(
                            Template.of(
                                "wrong_signer",
                                f"{_labels(rs, sorted(actual))}签发须经{boss}授权，记录载明未经授权",
                                d.rule,
                                rs.id,
                                "authorized",
                            )
                        )
                    elif authorized is None:
                        out.append(
                            Template.of(
                                "unknown_fact",
                                f"{_labels(rs, sorted(actual))}签发须经{boss}授权，记录未载明是否授权(authorized)",
                                d.rule,
                                rs.id,
                                "authorized",
                            )
                        )
            elif not done:
                missing = [r for r in step.roles if r not in actual] if step.mode == "all" else list(step.roles)
                kind = "missing_cosigner" if step.action == "cosign" else "missing_step"
                joiner = "或" if step.mode == "any" else "、"
                out.append(Template.of(kind, f"缺少{_labels(rs, missing, joiner)}{action}", d.rule, rs.id, col))
        return tuple(out)

    # ------------------------------------------------------------------ agenda items

    def _agenda(self, rs: Ruleset, facts: Mapping[str, Any]) -> tuple[Template, ...]:
        bad: list[Template] = []
        f = self._resolve(rs, facts, bad)
        if bad:
            return tuple(bad)
        meeting = f.get("meeting")
        if meeting is None:
            return (Template("bad_row", "议题记录须写明议定它的会议(meeting)", column="meeting", ruleset=rs.id),)
        item = AgendaItem(
            kind=f.get("kind"),
            proposed_by=f.get("proposed_by"),
            procedures_done=f.get("procedures_done"),
            materials_submitted=f.get("materials_submitted"),
            subject_matter=f.get("subject_matter"),
            **{name: f.get(name) for name in _AGENDA_FLAGS},
        )
        try:
            check = rs.check_agenda(item, meeting, f.get("meeting_date"))
        except NoApplicableRule:
            return (Template("no_rule", f"《{rs.meta.title}》未规定{meeting}会议的议题条件", ruleset=rs.id),)
        except CalendarError as exc:
            return (Template("unknown_fact", f"无法计算时限：{exc}", column="meeting_date", ruleset=rs.id),)
        out = []
        for failure in check.failures:
            if failure.missing:
                out.append(Template.of("unknown_fact", failure.message, failure.rule, rs.id, ",".join(failure.missing)))
            else:
                kind = "forbidden" if failure.rule.id in _competence_ids(rs) else "missing_step"
                out.append(Template.of(kind, failure.message, failure.rule, rs.id))
        return tuple(out)

    # ------------------------------------------------------------------ deadlines

    def undated(self, version: int) -> Template | None:
        """The finding for a document from a meeting whose meeting date is not recorded, or None.

        None where the version sets no time limit for issuing documents after a meeting; else
        ``unknown_fact``: whether it went out in time cannot be said.
        """
        rs = self.versions.rulesets[version]
        rule = next((d for d in rs.spec.deadlines if d.event == "meeting_documents_issuance"), None)
        if rule is None:
            return None
        unit = _UNIT_ZH.get(rule.unit, rule.unit)
        detail = (
            f"会议决定的文件须在会议结束后{rule.amount}{unit}内印发，记录未载明会议日期(meeting_date)，无法判断是否逾期"
        )
        return Template("unknown_fact", detail, rule.id, rule.cite, rule.text, "meeting_date", rs.id)

    def late(self, version: int, meeting_date: dt.date) -> tuple[dt.date, Template] | Template | None:
        """When documents from a meeting held on ``meeting_date`` are due, or a finding why it cannot be said.

        None when the version sets no time limit for issuing documents after a meeting.
        """
        rs = self.versions.rulesets[version]
        if "meeting_documents_issuance" not in rs.events:
            return None
        try:
            dl = rs.deadline("meeting_documents_issuance", meeting_date)
        except CalendarError as exc:
            return Template("unknown_fact", f"无法计算印发时限：{exc}", column="meeting_date", ruleset=rs.id)
        detail = f"会议日期{meeting_date.isoformat()}，应于{dl.due.isoformat()}前印发（{dl.amount}个工作日内）"
        return (dl.due, Template.of("late", detail, dl.rule, rs.id, "issued"))


def _index(values: tuple[bool, ...]) -> int:
    out = 0
    for v in values:
        out = out * 2 + int(v)
    return out


def _competence_ids(rs: Ruleset) -> frozenset[str]:
    """Ids of the ruleset's competence rules (format 2): a failure citing one is a meeting not entitled to decide."""
    return frozenset(c.id for c in getattr(rs.spec, "competence", ()))
