"""Agenda checks: preconditions, evaluated requirements and meeting competence.

An `AgendaBook` is compiled once per ruleset from its ``agenda`` rules and its
``competence`` rules (format 2). ``check`` answers whether an item may be put to a
meeting:

- a *competence* rule whose ``matters`` match the item bars every meeting it does not
  list, citing the clause (重大事项必须经全体会议或常务会议讨论决定);
- a *failure* rule whose ``when`` holds (or may hold) and whose ``require`` does not hold
  (or is unknown) makes the item ineligible; an unknown fact never counts as satisfying it;
- a *requirement* rule is evaluated too: its finding's ``status`` is ``met``, ``unmet`` or
  ``unknown`` (a rule with no ``require`` is a reminder the engine cannot check: ``unknown``);
  requirements never bar an item and are never silently passed.

Conditions over ``proposed_by`` apply through the role hierarchy: a test for
``deputy_head`` also holds for every role that ``is_a`` it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import conditions, facts, vocabulary
from .answers import AgendaCheck, Finding, RuleRef
from .errors import GovruleError
from .signing import RoleHierarchy

if TYPE_CHECKING:
    from . import model

__all__ = ["AgendaBook", "unknown_fields", "widen"]

#: AgendaItem facts beyond the contract's vocabulary: leaving them unknown never bars an item by itself.
REFINEMENTS = frozenset({"subject_matter"})
#: AgendaItem fields that hold a role id (the hierarchy applies to tests on them).
_ROLE_FIELDS = frozenset(f for f, kind in vocabulary.AGENDA_FIELD_KINDS.items() if kind == "role")


def widen(cond: conditions.Cond, hierarchy: RoleHierarchy, fields: frozenset[str]) -> conditions.Cond:
    """``cond`` with every equality or membership test on a role field widened to the roles that are a case of it."""
    if isinstance(cond, conditions.Test):
        if cond.field not in fields or cond.op not in ("eq", "ne", "in", "not_in"):
            return cond
        values = cond.value if isinstance(cond.value, frozenset) else frozenset({cond.value})
        wide = values | frozenset(r for v in values for r in hierarchy.descendants(v))
        if wide == values and cond.op in ("in", "not_in"):
            return cond
        op = "in" if cond.op in ("eq", "in") else "not_in"
        return conditions.Test(cond.field, op, wide)
    if isinstance(cond, conditions.Not):
        return conditions.Not(widen(cond.part, hierarchy, fields))
    return type(cond)(tuple(widen(p, hierarchy, fields) for p in cond.parts))


@dataclasses.dataclass(frozen=True, slots=True)
class _Row:
    rule: model.AgendaRule
    ref: RuleRef
    when: conditions.Evaluator
    when_fields: frozenset[str]
    require: conditions.Evaluator | None
    require_fields: frozenset[str]
    lead_events: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Competence:
    """A compiled competence rule: which meetings may decide the matters it describes."""

    rule: model.CompetenceRule
    ref: RuleRef
    matters: conditions.Evaluator
    matter_fields: frozenset[str]
    documents: conditions.Evaluator | None
    document_fields: frozenset[str]
    meetings: tuple[str, ...]


def _lead_events(cond: conditions.Cond) -> tuple[str, ...]:
    return tuple(t.value for t in conditions.tests_of(cond) if t.op == "on_or_before_deadline")


def unknown_fields(fields: Iterable[str], item: Any) -> tuple[str, ...]:
    """The fields among ``fields`` that ``item`` leaves unknown (None)."""
    out = []
    for f in sorted(fields):
        value = item.portfolios if f == "portfolio_count" else getattr(item, f)
        if value is None:
            out.append("portfolios" if f == "portfolio_count" else f)
    return tuple(out)


def _missing(fields: Iterable[str], item: Any, leads: tuple[str, ...], meeting_date: dt.date | None) -> tuple[str, ...]:
    out = list(unknown_fields(fields, item))
    if leads and meeting_date is None:
        out.append("meeting_date")
    return tuple(out) or ("meeting_date",)


class AgendaBook:
    """The agenda rules and competence of one ruleset, compiled per meeting."""

    def __init__(
        self,
        spec: model.RulesetFile,
        ref: Callable[[Any], RuleRef],
        meeting_label: Callable[[str], str],
    ) -> None:
        self._meeting_label = meeting_label
        hierarchy = RoleHierarchy(spec.roles)
        item_vocab = conditions.words_of(spec, vocabulary.AGENDA_FIELD_KINDS)
        doc_vocab = conditions.words_of(spec, vocabulary.DOCUMENT_FIELD_KINDS)

        def compile_item(data: Any) -> conditions.Cond:
            cond, errors = conditions.parse_condition(data, item_vocab)
            if errors:  # validated files never get here; a spec built in memory might
                raise GovruleError(f"condition {dict(data)!r:.80}: {errors[0].message}")
            return widen(cond, hierarchy, _ROLE_FIELDS)

        by_meeting: dict[str, list[_Row]] = {m: [] for m in spec.meetings}
        for rule in spec.agenda:
            when = compile_item(rule.when)
            require = None
            require_fields: frozenset[str] = frozenset()
            leads: tuple[str, ...] = ()
            if rule.require is not None:
                cond = compile_item(rule.require)
                require = conditions.compile_condition(cond)
                require_fields = conditions.fields_of(cond)
                leads = _lead_events(cond)
            row = _Row(
                rule,
                ref(rule),
                conditions.compile_condition(when),
                conditions.fields_of(when),
                require,
                require_fields,
                (*leads, *_lead_events(when)),
            )
            for meeting_id in rule.meetings:
                by_meeting.setdefault(meeting_id, []).append(row)
        self._rows = {k: tuple(v) for k, v in by_meeting.items()}
        competence = []
        for c in spec.competence:
            matters = compile_item(c.matters)
            documents = None
            document_fields: frozenset[str] = frozenset()
            if c.documents is not None:
                dcond, errors = conditions.parse_condition(c.documents, doc_vocab)
                if errors:
                    raise GovruleError(f"competence {c.id}: {errors[0].message}")
                documents = conditions.compile_condition(dcond)
                document_fields = conditions.fields_of(dcond)
            competence.append(
                Competence(
                    c,
                    ref(c),
                    conditions.compile_condition(matters),
                    conditions.fields_of(matters),
                    documents,
                    document_fields,
                    c.meetings,
                )
            )
        self.competence: tuple[Competence, ...] = tuple(competence)

    def meetings_zh(self, meetings: Iterable[str]) -> str:
        """Meeting labels joined with 或."""
        return "或".join(self._meeting_label(m) for m in meetings)

    def _competence_findings(self, item: facts.AgendaItem, meeting: str) -> list[Finding]:
        out = []
        for c in self.competence:
            if meeting in c.meetings:
                continue
            hit = c.matters(item, None)
            if hit is False:
                continue
            allowed = self.meetings_zh(c.meetings)
            here = self._meeting_label(meeting)
            if hit is None:
                missing = unknown_fields(c.matter_fields, item)
                out.append(
                    Finding(
                        c.ref,
                        f"此类事项须经{allowed}讨论决定，不能由{here}决定；无法判断议题是否属于此类，需提供：{'、'.join(missing)}",
                        missing,
                    )
                )
            else:
                out.append(Finding(c.ref, f"此类事项须经{allowed}讨论决定，不能由{here}决定"))
        return out

    def check(
        self,
        item: facts.AgendaItem,
        meeting: str,
        meeting_date: dt.date | None,
        lead_time: Callable[[str, dt.date], dt.date],
        warnings: tuple[str, ...] = (),
    ) -> AgendaCheck | None:
        """The check of ``item`` at ``meeting`` (an id); None when no rule speaks to that meeting."""
        rows = self._rows.get(meeting, ())
        failures = self._competence_findings(item, meeting)
        if not rows and not failures:
            return None
        cache: dict[str, dt.date | None] = {}

        def lead(event: str) -> dt.date | None:
            if meeting_date is None:
                return None
            if event not in cache:
                cache[event] = lead_time(event, meeting_date)
            return cache[event]

        requirements: list[Finding] = []
        for row in rows:
            applies = row.when(item, lead)
            if applies is False:
                continue
            if row.rule.severity == "requirement":
                requirements.append(self._requirement(row, item, applies, lead, meeting_date))
                continue
            assert row.require is not None  # the model requires it for failure rules
            ok = row.require(item, lead)
            if applies is None:
                if ok is True:
                    continue  # what the rule requires holds, whether or not it applies
                missing = _missing(row.when_fields | row.require_fields, item, row.lead_events, meeting_date)
                failures.append(
                    Finding(row.ref, f"{row.rule.message}（无法判断是否适用，需提供：{'、'.join(missing)}）", missing)
                )
                continue
            if ok is True:
                continue
            if ok is None:
                missing = _missing(row.require_fields, item, row.lead_events, meeting_date)
                failures.append(Finding(row.ref, f"{row.rule.message}（需提供：{'、'.join(missing)}）", missing))
            else:
                failures.append(Finding(row.ref, row.rule.message))
        # A precondition that stays open only for want of a refinement fact (subject_matter is not among the
        # contract's AgendaItem facts, so callers cannot be expected to know it) is a requirement to honour,
        # naming the fact, not a bar; supplying the fact turns it into a pass or a failure.
        conditional = [f for f in failures if f.missing and REFINEMENTS.issuperset(f.missing)]
        if conditional:
            failures = [f for f in failures if f not in conditional]
            requirements.extend(dataclasses.replace(f, status="unknown") for f in conditional)
        to_do = tuple(
            dict.fromkeys([m for f in failures for m in f.missing] + [f.rule.id for f in failures if not f.missing])
        )
        return AgendaCheck(meeting, not failures, tuple(failures), tuple(requirements), to_do, warnings)

    @staticmethod
    def _requirement(
        row: _Row,
        item: facts.AgendaItem,
        applies: bool | None,
        lead: Callable[[str], dt.date | None],
        meeting_date: dt.date | None,
    ) -> Finding:
        """A requirement's finding with its status: met, unmet or unknown (with the facts to supply)."""
        if row.require is None:
            missing = _missing(row.when_fields, item, row.lead_events, meeting_date) if applies is None else ()
            return Finding(row.ref, row.rule.message, missing, "unknown")
        ok = row.require(item, lead)
        if ok is True:
            return Finding(row.ref, row.rule.message, (), "met")
        if applies is None:
            missing = _missing(row.when_fields | row.require_fields, item, row.lead_events, meeting_date)
            return Finding(row.ref, row.rule.message, missing, "unknown")
        if ok is False:
            return Finding(row.ref, row.rule.message, (), "unmet")
        missing = _missing(row.require_fields, item, row.lead_events, meeting_date)
        return Finding(row.ref, row.rule.message, missing, "unknown")

    def document_competence(self, doc: facts.Document) -> tuple[Competence, ...]:
        """The competence rules whose ``documents`` condition a document matches (or may match)."""
        return tuple(c for c in self.competence if c.documents is not None and c.documents(doc, None) is not False)
