"""A compiled ruleset and its queries.

``Ruleset`` is built once from a validated file: conditions become closures, answers
that depend only on the rule are built ahead of time, and signing tables get an index
keyed by (issuer, kind, recipient). For each key (compiled on first use) the index holds
only the rules that can still match, their conditions with the key's tests decided, and,
when what is left reads only facts with few values, a table of outcomes by those facts,
so most queries are two dict lookups. The only state that changes after construction is
that index, filled by atomic dict stores, so one object serves many threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fractions
import hashlib
import json
import operator
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import conditions, facts, loader, model
from ._frozen import FrozenMap
from .answers import (
    ActingHead,
    AgendaCheck,
    Deadline,
    Finding,
    LeaveAnswer,
    MeetingInfo,
    RuleRef,
    SigningDecision,
    StepAnswer,
)
from .calendar import WorkCalendar, coverage_warnings, default_calendar
from .errors import GovruleError, NoApplicableRule, QueryError, UnknownTerm

__all__ = ["MissingFact", "Ruleset"]


class MissingFact(NoApplicableRule):
    """The answer depends on a fact the caller left unknown; the message names it."""

    def __init__(self, query: str, given: object, missing: Iterable[str], rule: RuleRef) -> None:
        self.missing = tuple(sorted(set(missing)))
        self.rule = rule
        super().__init__(
            query,
            given,
            f"rule {rule.id} ({rule.citation}) depends on {', '.join(self.missing) or 'a fact'}, "
            "which is unknown; supply it",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.query, self.given, self.missing, self.rule))


_normalizer: Callable[[str], str] | None = None
_normalizer_lock = threading.Lock()


def normalize_label(text: str) -> str:
    """A label in Simplified script without spaces, so 市長 and 市长 compare equal."""
    global _normalizer
    if _normalizer is None:
        with _normalizer_lock:
            if _normalizer is None:
                import opencc  # imported on first use: it costs start-up time

                converter = opencc.OpenCC("t2s")
                _normalizer = converter.convert
    joined = "".join(text.split())
    try:
        return _normalizer(joined)
    except UnicodeEncodeError:  # a lone surrogate: no label can contain one, so nothing to convert
        return joined


def _ref(rule: Any, document: str) -> RuleRef:
    return RuleRef(rule.id, rule.cite, rule.text, rule.note, document)


def _fraction_text(q: model.QuorumRule) -> str:
    return f"more_than {q.more_than}" if q.more_than else f"at_least {q.at_least}"


@dataclasses.dataclass(frozen=True, slots=True)
class _Row:
    rule: model.SigningRule
    cond: conditions.Cond
    fields: frozenset[str]
    decision: SigningDecision
    relational: bool


@dataclasses.dataclass(frozen=True, slots=True)
class _Table:
    spec: model.DecisionTable
    rows: tuple[_Row, ...]
    from_supplement: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class _AgendaRow:
    rule: model.AgendaRule
    ref: RuleRef
    when: conditions.Evaluator
    when_fields: frozenset[str]
    require: conditions.Evaluator | None
    require_fields: frozenset[str]
    lead_events: tuple[str, ...]


_KEY_FIELDS = ("issuer", "kind", "recipient")

#: AgendaItem facts beyond the contract's vocabulary: leaving them unknown never bars an item by itself.
_REFINEMENTS = frozenset({"subject_matter"})
_Candidate = tuple["_Row", conditions.Evaluator]  # a row and its condition specialised to an index key
_Hits = tuple[tuple["_Table", "_Row"], ...]  # the row each table decides on, in table order


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How documents with one index key are answered.

    ``tables`` holds the rows that can match, their conditions specialised to the key. When
    those conditions read only facts with few values (flags, meeting ids, and the number of
    portfolios, where every count from ``cap`` up answers alike), ``project`` picks them out
    of a document and ``hits`` tabulates the outcome per projection, filled on first use and
    bounded by the product of those values; otherwise ``project`` is None and the rows are
    evaluated for each document.
    """

    tables: tuple[tuple[_Table, tuple[_Candidate, ...]], ...]
    project: Callable[[facts.Document], Any] | None
    cap: int  # 0 when no row reads the portfolio count
    hits: dict[Any, _Hits]


class _Probe:
    """The key fields of a Document, for deciding the tests on them when an index key is compiled."""

    __slots__ = ("issuer", "kind", "recipient")

    def __init__(self, issuer: Any, kind: Any, recipient: Any) -> None:
        self.issuer, self.kind, self.recipient = issuer, kind, recipient


class Ruleset:
    """A loaded, validated and compiled ruleset that answers queries."""

    def __init__(
        self,
        spec: model.RulesetFile,
        *,
        source: loader.Source | None = None,
        calendar: WorkCalendar | None = None,
        parts: tuple[model.Meta, ...] = (),
        supplement_tables: int = 0,
    ) -> None:
        self._spec = spec
        self._n_supplement_tables = supplement_tables
        self._source = source
        self._calendar = calendar
        self._parts = parts or (spec.meta,)
        self._doc_title = spec.meta.title
        self._labels: FrozenMap[str, str] = FrozenMap({rid: role.label for rid, role in spec.roles.items()})
        self._role_index = self._label_index({k: (v.label, v.aliases) for k, v in spec.roles.items()})
        self._meeting_index = self._label_index({k: (v.label, v.aliases) for k, v in spec.meetings.items()})
        self._events = frozenset(model.EVENTS) | frozenset(spec.events)
        self._tables = tuple(self._compile_table(t, i < supplement_tables) for i, t in enumerate(spec.signing))
        self._index: dict[tuple[Any, Any, Any], _Plan] = {}
        self._agenda = self._compile_agenda()
        self._deadlines = {d.event: d for d in spec.deadlines}
        self._deadline_refs = {d.event: _ref(d, self._doc_title) for d in spec.deadlines}
        self._meetings = {k: self._meeting_info(k, m) for k, m in spec.meetings.items()}
        self._leave: dict[str, tuple[LeaveAnswer, ...]] = {}
        for rule in spec.leave:
            ans = LeaveAnswer(
                rule.role,
                rule.occasion,
                rule.approvers,
                rule.notify,
                rule.via,
                (rule.advance.amount, rule.advance.unit) if rule.advance else None,
                _ref(rule, self._doc_title),
            )
            self._leave[rule.role] = (*self._leave.get(rule.role, ()), ans)
        self._acting = (
            ActingHead(
                spec.acting_head.roles,
                _ref(spec.acting_head, self._doc_title),
                spec.acting_head.entrusted,
                spec.acting_head.designated,
            )
            if spec.acting_head
            else None
        )
        dumped = json.dumps(
            spec.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=True, ensure_ascii=False
        )
        self._revision = hashlib.sha256(dumped.encode()).hexdigest()[:16]

    # ------------------------------------------------------------------ identity

    @property
    def id(self) -> str:
        """The ruleset's id."""
        return self._spec.id

    @property
    def kind(self) -> str:
        """``base`` or ``supplement``."""
        return self._spec.kind

    @property
    def meta(self) -> Meta:
        """What the document is: title, number, dates, status, supersession; None where unknown."""
        return Meta.from_spec(self._spec, self._revision, self._parts)

    @property
    def spec(self) -> model.RulesetFile:
        """The validated file model this ruleset was compiled from."""
        return self._spec

    @property
    def source(self) -> loader.Source | None:
        """Where the ruleset was read from (None for a composition)."""
        return self._source

    @property
    def revision(self) -> str:
        """A content hash of the ruleset, for decision records."""
        return self._revision

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar deadlines are computed on."""
        return self._calendar or default_calendar()

    def with_calendar(self, calendar: WorkCalendar) -> Ruleset:
        """The same ruleset computing deadlines on another calendar (e.g. with added years)."""
        return Ruleset(
            self._spec,
            source=self._source,
            calendar=calendar,
            parts=self._parts,
            supplement_tables=self._n_supplement_tables,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by content (the validated file as JSON data, the calendar, the parts' metadata) and
        # rebuilt once per process: a ruleset sent to many worker tasks is validated and compiled once there.
        payload = (
            self._revision,
            self._spec.model_dump(mode="json", by_alias=True),
            self._calendar,
            tuple(p.model_dump(mode="json", by_alias=True) for p in self._parts),
            self._n_supplement_tables,
        )
        return (_restore, payload)

    def __repr__(self) -> str:
        return f"<govrule.Ruleset {self.id} {self._spec.meta.number or ''} rev {self._revision}>"

    @property
    def roles(self) -> Mapping[str, str]:
        """Role id -> local Chinese label (read-only)."""
        return self._labels

    @property
    def meetings(self) -> tuple[str, ...]:
        """The meeting ids this ruleset defines."""
        return tuple(self._spec.meetings)

    @property
    def events(self) -> tuple[str, ...]:
        """The deadline events this ruleset sets a time limit for."""
        return tuple(self._deadlines)

    # ------------------------------------------------------------------ labels

    @staticmethod
    def _label_index(entries: Mapping[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
        index: dict[str, str] = {}
        for key, (label, aliases) in entries.items():
            index[key] = key
            for name in (label, *aliases):
                index.setdefault(normalize_label(name), key)
        return index

    def role(self, name: str) -> str:
        """The role id for an id or a Chinese label in either script (市長 or 市长)."""
        return self._resolve(name, self._role_index, "role", tuple(self._spec.roles))

    def meeting_id(self, name: str) -> str:
        """The meeting id for an id or a Chinese label in either script."""
        return self._resolve(name, self._meeting_index, "meeting", tuple(self._spec.meetings))

    @staticmethod
    def _resolve(name: Any, index: Mapping[str, str], what: str, defined: tuple[str, ...]) -> str:
        if not isinstance(name, str):
            raise QueryError(f"a {what} is named by its id or Chinese label, not {type(name).__name__}")
        hit = index.get(name)
        if hit is None:
            hit = index.get(normalize_label(name))
        if hit is None:
            raise UnknownTerm(what, name, defined)
        return hit

    # ------------------------------------------------------------------ signing

    def _compile_table(self, table: model.DecisionTable, from_supplement: bool = False) -> _Table:
        vocab = loader.vocabulary(self._spec, model.DOCUMENT_FIELDS)
        rows = []
        for rule in table.rules:
            cond, errors = conditions.parse_condition(rule.when, vocab)
            if errors:  # validated files never get here; a composition might
                raise GovruleError(f"rule {rule.id}: {errors[0].message}")
            steps = tuple(StepAnswer(s.action, s.roles, s.quantifier, s.note, s.authorized_by) for s in rule.steps)
            sign_steps = [s for s in steps if s.action == "sign"]
            signers = sign_steps[-1].roles if sign_steps else ()
            cosigners = tuple(dict.fromkeys(r for s in steps if s.action == "cosign" for r in s.roles))
            decision = SigningDecision(
                signers, cosigners, steps, _ref(rule, self._doc_title), table.id, labels=self._labels
            )
            relational = any(r in model.RELATIONAL_ROLES for s in steps for r in s.roles)
            rows.append(_Row(rule, cond, conditions.fields_of(cond), decision, relational))
        return _Table(table, tuple(rows), from_supplement)

    def _plan(self, key: tuple[Any, Any, Any]) -> _Plan:
        """The rows that can match documents with this key, each with its condition specialised to the key."""
        probe = _Probe(*key)
        out = []
        read: set[str] = set()
        cap = 0
        for table in self._tables:
            rows = []
            for row in table.rows:
                rest = _specialize(row.cond, probe)
                if rest == _FALSE:
                    continue  # no document with this key matches the row
                rows.append((row, conditions.compile_condition(rest)))
                read |= conditions.fields_of(rest)
                cap = max(cap, _count_cap(rest))
                if rest == conditions.TRUE and table.spec.hit_policy == "first":
                    break  # the key alone decides: later rows are unreachable for this key
            if rows:
                out.append((table, tuple(rows)))
        plan = _Plan(tuple(out), _projection(read), cap if "portfolio_count" in read else 0, {})
        if len(self._index) < 65536:
            self._index[key] = plan  # a dict store is atomic; a race only computes twice
        return plan

    def _hits(self, plan: _Plan, doc: facts.Document) -> _Hits:
        hits = []
        for table, rows in plan.tables:
            row = self._decide(table, rows, doc)
            if row is not None:
                hits.append((table, row))
                if row.decision.signers or not table.from_supplement:
                    break  # answered: later tables are not consulted
        return tuple(hits)

    def who_must_sign(self, document: facts.Document | Mapping[str, Any]) -> SigningDecision:
        """Who signs a document, who co-signs it first, and the whole procedure, with the deciding rule.

        Args:
            document: A `Document`, or a mapping of its fields.

        Returns:
            The decision: ``signers`` (any one of them signs), ``cosigners``, ``steps`` and ``rule``.

        Raises:
            NoApplicableRule: No signing rule covers such a document.
            MissingFact: The deciding rule needs a fact the document leaves unknown; it names the fact.
            UnknownTerm: The document names a meeting the ruleset does not define.
            QueryError: A field is unknown or holds a word outside the vocabulary.
        """
        doc = document if type(document) is facts.Document else facts.as_document(document)
        if doc.meeting is not None and doc.meeting not in self._spec.meetings:
            raise UnknownTerm("meeting", doc.meeting, tuple(self._spec.meetings))
        if doc.decided_by is not None and doc.decided_by not in self._spec.meetings:
            raise UnknownTerm("meeting", doc.decided_by, tuple(self._spec.meetings))
        key = (doc.issuer, doc.kind, doc.recipient)
        plan = self._index.get(key) or self._plan(key)
        if plan.project is None:
            hits = self._hits(plan, doc)
        else:
            projection = plan.project(doc)
            if plan.cap:
                count = len(doc.portfolios)
                projection = (projection, count if count < plan.cap else plan.cap)
            found = plan.hits.get(projection)
            if found is None:
                found = plan.hits[projection] = self._hits(plan, doc)
            hits = found
        pending: SigningDecision | None = None
        for table, row in hits:
            decision = row.decision
            if doc.portfolios and row.relational:
                decision = dataclasses.replace(decision, portfolios=doc.portfolios)
            if pending is not None:
                # A supplement's rule that sets a procedure but names no signer: the base says who signs.
                return dataclasses.replace(
                    pending,
                    signers=decision.signers,
                    cosigners=decision.cosigners,
                    steps=pending.steps + decision.steps,
                    also=(decision.rule,),
                    portfolios=decision.portfolios or pending.portfolios,
                )
            if decision.signers or not table.from_supplement:
                return decision
            pending = decision
        if pending is not None:
            return pending
        raise NoApplicableRule("who_must_sign", doc, "the text sets no signing rule for such a document")

    def _decide(self, table: _Table, rows: tuple[_Candidate, ...], doc: facts.Document) -> _Row | None:
        policy = table.spec.hit_policy
        if policy == "first":
            for row, test in rows:
                hit = test(doc, None)
                if hit is True:
                    return row
                if hit is None:
                    raise MissingFact("who_must_sign", doc, _unknown_fields(row.fields, doc), row.decision.rule)
            return None
        matches = []
        for row, test in rows:
            hit = test(doc, None)
            if hit is None:
                raise MissingFact("who_must_sign", doc, _unknown_fields(row.fields, doc), row.decision.rule)
            if hit:
                matches.append(row)
        if not matches:
            return None
        if policy == "unique":
            outcomes = {(m.decision.signers, m.decision.cosigners, m.decision.steps) for m in matches}
            if len(outcomes) > 1:
                ids = ", ".join(f"{m.rule.id} ({m.rule.cite})" for m in matches)
                raise GovruleError(f"table {table.spec.id} has hit policy unique but rules {ids} all match {doc}")
            return matches[0]
        return max(matches, key=lambda m: m.rule.priority or 0)

    # ------------------------------------------------------------------ agenda

    def _compile_agenda(self) -> dict[str, tuple[_AgendaRow, ...]]:
        vocab = loader.vocabulary(self._spec, model.AGENDA_FIELDS)
        by_meeting: dict[str, list[_AgendaRow]] = {m: [] for m in self._spec.meetings}
        for rule in self._spec.agenda:
            when, _ = conditions.parse_condition(rule.when, vocab)
            require = None
            require_fields: frozenset[str] = frozenset()
            leads: tuple[str, ...] = ()
            if rule.require is not None:
                cond, _ = conditions.parse_condition(rule.require, vocab)
                require = conditions.compile_condition(cond)
                require_fields = conditions.fields_of(cond)
                leads = _lead_events(cond)
            leads = (*leads, *_lead_events(when))
            row = _AgendaRow(
                rule,
                _ref(rule, self._doc_title),
                conditions.compile_condition(when),
                conditions.fields_of(when),
                require,
                require_fields,
                leads,
            )
            for meeting_id in rule.meetings:
                by_meeting.setdefault(meeting_id, []).append(row)
        return {k: tuple(v) for k, v in by_meeting.items()}

    def check_agenda(
        self,
        item: facts.AgendaItem | Mapping[str, Any],
        meeting: str,
        meeting_date: dt.date | None = None,
    ) -> AgendaCheck:
        """Whether an item may be put to a meeting, with each failure and requirement cited.

        An unknown fact never counts as satisfying a rule: a rule that needs one makes the
        item not eligible, and its finding's ``missing`` names the facts to supply.

        Args:
            item: An `AgendaItem`, or a mapping of its fields.
            meeting: The meeting's id or Chinese label (in either script).
            meeting_date: The date of the meeting, for lead times counted back from it.

        Returns:
            The check: ``eligible``, ``failures``, ``requirements`` and ``to_do``.

        Raises:
            UnknownTerm: The meeting, or the role in ``proposed_by``, is not defined.
            NoApplicableRule: The text sets no agenda preconditions for this meeting.
        """
        agenda_item = item if type(item) is facts.AgendaItem else facts.as_agenda_item(item)
        meeting_key = self.meeting_id(meeting)
        if meeting_date is not None and (
            not isinstance(meeting_date, dt.date) or isinstance(meeting_date, dt.datetime)
        ):
            raise QueryError(f"meeting_date={meeting_date!r}: expected a date")
        if agenda_item.proposed_by is not None and agenda_item.proposed_by not in self._spec.roles:
            raise UnknownTerm("role", agenda_item.proposed_by, tuple(self._spec.roles))
        rows = self._agenda.get(meeting_key, ())
        if not rows:
            raise NoApplicableRule(
                "check_agenda", agenda_item, f"the text sets no agenda preconditions for the {meeting_key} meeting"
            )
        cache: dict[str, dt.date | None] = {}

        def lead(event: str) -> dt.date | None:
            if meeting_date is None:
                return None
            if event not in cache:
                cache[event] = self.deadline(event, meeting_date).due
            return cache[event]

        failures: list[Finding] = []
        requirements: list[Finding] = []
        for row in rows:
            applies = row.when(agenda_item, lead)
            if applies is False:
                continue
            if row.rule.severity == "requirement":
                requirements.append(
                    Finding(
                        row.ref,
                        row.rule.message,
                        _missing(row.when_fields, agenda_item, row.lead_events, meeting_date)
                        if applies is None
                        else (),
                    )
                )
                continue
            assert row.require is not None  # the model requires it for failure rules
            ok = row.require(agenda_item, lead)
            if applies is None:
                if ok is True:
                    continue  # what the rule requires holds, whether or not it applies
                missing = _missing(row.when_fields | row.require_fields, agenda_item, row.lead_events, meeting_date)
                failures.append(
                    Finding(row.ref, f"{row.rule.message}（无法判断是否适用，需提供：{'、'.join(missing)}）", missing)
                )
                continue
            if ok is True:
                continue
            if ok is None:
                missing = _missing(row.require_fields, agenda_item, row.lead_events, meeting_date)
                failures.append(Finding(row.ref, f"{row.rule.message}（需提供：{'、'.join(missing)}）", missing))
            else:
                failures.append(Finding(row.ref, row.rule.message))
        # A precondition that stays open only for want of a refinement fact (subject_matter is not among the
        # contract's AgendaItem facts, so callers cannot be expected to know it) is a requirement to honour,
        # naming the fact, not a bar; supplying the fact turns it into a pass or a failure.
        conditional = [f for f in failures if f.missing and _REFINEMENTS.issuperset(f.missing)]
        if conditional:
            failures = [f for f in failures if f not in conditional]
            requirements.extend(conditional)
        to_do = tuple(
            dict.fromkeys([m for f in failures for m in f.missing] + [f.rule.id for f in failures if not f.missing])
        )
        return AgendaCheck(meeting_key, not failures, tuple(failures), tuple(requirements), to_do)

    # ------------------------------------------------------------------ deadlines

    def deadline(self, event: str, start: dt.date) -> Deadline:
        """When something is due, counted on the official working-day calendar.

        The start day is not counted; "N个工作日内" ends on the N-th working day after it, and
        periods counted back (会前N个工作日, 提前N天) end N days before ``start``.

        Args:
            event: A deadline event, e.g. ``meeting_documents_issuance``.
            start: The day the period runs from (or, for a period counted back, the event's day).

        Returns:
            The deadline: ``due``, ``amount``, ``unit``, ``max_due`` where there is a hard limit, and ``rule``.

        Raises:
            UnknownTerm: The event is not one of the vocabulary or the ruleset's own.
            NoApplicableRule: The text sets no time limit for this event.
            CalendarError: The period reaches a year no working-day calendar covers.
        """
        if not isinstance(event, str) or event not in self._events:
            raise UnknownTerm("event", event, tuple(sorted(self._events)))
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise QueryError(f"start={start!r}: expected a date")
        rule = self._deadlines.get(event)
        if rule is None:
            raise NoApplicableRule(
                "deadline", {"event": event, "start": start.isoformat()}, f"the text sets no time limit for {event}"
            )
        cal = self.calendar
        if rule.anchor == "period_end":
            # 每月底 / 每年年底前: the last day of the month (or year) that holds the start.
            due = dt.date(start.year, 12, 31) if rule.unit == "years" else _month_end(start)
        else:
            due = cal.add_period(start, rule.amount, rule.unit, back=rule.back)
        max_due = (
            cal.add_period(start, rule.hard_max.amount, rule.hard_max.unit, back=rule.back) if rule.hard_max else None
        )
        return Deadline(
            event,
            start,
            due,
            rule.amount,
            rule.unit,
            rule.back,
            rule.bound,
            self._deadline_refs[event],
            max_due,
            rule.silence_means_consent,
            rule.typically,
            rule.anchor,
            warnings=coverage_warnings(cal, max(due, max_due or due)),
        )

    # ------------------------------------------------------------------ meetings, acting head, leave

    def _meeting_info(self, key: str, m: model.Meeting) -> MeetingInfo:
        doc = self._doc_title
        freq = None
        if m.frequency is not None:
            freq = {k: v for k, v in m.frequency.model_dump().items() if k not in ("id", "cite", "text", "note")}
        rules = tuple(_ref(r, doc) for r in (m, m.frequency, m.quorum, m.minutes) if r is not None)
        return MeetingInfo(
            key,
            m.label,
            m.members,
            m.convener,
            m.chair,
            m.entrusted_chair,
            m.observers,
            freq,
            _fraction_text(m.quorum) if m.quorum else None,
            m.minutes.signers if m.minutes else None,
            _ref(m, doc),
            rules,
            m.entrusted_convener,
            m.observers_as_needed,
            m.participants,
            m.minutes.formed if m.minutes else None,
        )

    def meeting(self, meeting: str) -> MeetingInfo:
        """A meeting type: members, convener, chair, observers, frequency, quorum, minutes signer."""
        return self._meetings[self.meeting_id(meeting)]

    def quorum_met(self, meeting: str, present: int, total: int) -> bool:
        """Whether ``present`` of ``total`` members meet the meeting's quorum."""
        key = self.meeting_id(meeting)
        for name, value in (("present", present), ("total", total)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise QueryError(f"{name}={value!r}: expected a whole number of members, 0 or more")
        if total == 0 or present > total:
            raise QueryError(f"present={present}, total={total}: need 0 <= present <= total and total > 0")
        quorum = self._spec.meetings[key].quorum
        if quorum is None:
            raise NoApplicableRule("quorum_met", {"meeting": key}, "the text sets no quorum for this meeting")
        share = fractions.Fraction(present, total)
        if quorum.more_than is not None:
            return share > fractions.Fraction(quorum.more_than)
        return share >= fractions.Fraction(quorum.at_least or "0")

    def quorum_rule(self, meeting: str) -> RuleRef:
        """The rule that sets a meeting's quorum."""
        quorum = self._spec.meetings[self.meeting_id(meeting)].quorum
        if quorum is None:
            raise NoApplicableRule("quorum_met", {"meeting": meeting}, "the text sets no quorum for this meeting")
        return _ref(quorum, self._doc_title)

    def acting_head(self) -> ActingHead:
        """Who presides when the head is away, in order of preference, with the rule."""
        if self._acting is None:
            raise NoApplicableRule("acting_head", {}, "the text does not say who presides when the head is away")
        return self._acting

    def leave_approver(self, role: str, occasion: str | None = None) -> LeaveAnswer:
        """Whom a role asks for leave or reports its absence to, with the rule."""
        key = self.role(role)
        answers = self._leave.get(key, ())
        if occasion is not None:
            allowed = model.LeaveRule.model_fields["occasion"].annotation.__args__  # type: ignore[union-attr]
            if occasion not in allowed:
                raise QueryError(f"occasion={occasion!r} is not allowed; allowed: {', '.join(allowed)}")
            answers = tuple(a for a in answers if a.occasion == occasion)
        if not answers:
            raise NoApplicableRule(
                "leave_approver",
                {"role": key, "occasion": occasion},
                "the text does not say whom this role asks for leave",
            )
        return dataclasses.replace(answers[0], others=answers[1:]) if len(answers) > 1 else answers[0]

    # ------------------------------------------------------------------ decision records

    def record(self, query: str, given: Any, answer: Any) -> dict[str, Any]:
        """A JSON-ready decision record: the query, its input, the answer, the deciding rule and this revision.

        A calling system keeps these as an audit trail of why it acted; the revision (a content hash of the
        ruleset) says exactly which encoding answered.
        """
        if hasattr(given, "to_dict"):
            given = given.to_dict()
        body = answer.to_dict() if hasattr(answer, "to_dict") else answer
        rule = getattr(answer, "rule", None)
        return {
            "query": query,
            "input": given,
            "answer": body,
            "rule": rule.id if rule is not None else None,
            "citation": rule.citation if rule is not None else None,
            "text": rule.text if rule is not None else None,
            "ruleset": self.id,
            "document": self._spec.meta.number or self._spec.meta.title,
            "revision": self._revision,
        }

    # ------------------------------------------------------------------ batch

    def who_must_sign_many(
        self, documents: Iterable[facts.Document | Mapping[str, Any]]
    ) -> list[SigningDecision | GovruleError]:
        """Answer many documents at once; an input no rule answers yields its error in place."""
        out: list[SigningDecision | GovruleError] = []
        ask = self.who_must_sign
        for doc in documents:
            try:
                out.append(ask(doc))
            except GovruleError as exc:
                out.append(exc)
        return out


_FALSE: conditions.Cond = conditions.AnyOf(())  # no part holds
_FEW_VALUED = frozenset(f for f, kind in model.DOCUMENT_FIELDS.items() if kind in ("bool", "meeting"))


_restored: dict[str, Ruleset] = {}
_restored_lock = threading.Lock()


def _restore(
    revision: str,
    spec: dict[str, Any],
    calendar: WorkCalendar | None,
    parts: tuple[dict[str, Any], ...],
    supplement_tables: int,
) -> Ruleset:
    """Unpickle a Ruleset: validate its content again, compile it, and reuse it for later copies."""
    hit = _restored.get(revision) if calendar is None else None
    if hit is not None:
        return hit
    rs = Ruleset(
        model.RulesetFile.model_validate(spec),
        calendar=calendar,
        parts=tuple(model.Meta.model_validate(p) for p in parts),
        supplement_tables=supplement_tables,
    )
    if rs.revision != revision:  # the content changed in transit: refuse it rather than answer from it
        raise GovruleError(f"pickled ruleset {rs.id} does not match its revision {revision}")
    if calendar is None:
        with _restored_lock:
            if len(_restored) < 256:
                _restored[revision] = rs
    return rs


def _count_cap(cond: conditions.Cond) -> int:
    """One more than the largest number a portfolio_count test compares with: larger counts all answer alike."""
    if isinstance(cond, conditions.Test):
        if cond.field != "portfolio_count":
            return 0
        values = cond.value if isinstance(cond.value, frozenset) else (cond.value,)
        return max(values, default=0) + 1
    if isinstance(cond, conditions.Not):
        return _count_cap(cond.part)
    return max((_count_cap(p) for p in cond.parts), default=0)


def _projection(fields: set[str]) -> Callable[[facts.Document], Any] | None:
    """A function picking the facts a plan's rows read (bar the portfolio count) out of a document.

    None when one of those facts can take many values (a list of words), so no table of outcomes is kept.
    """
    plain = sorted(fields - {"portfolio_count"})
    if not _FEW_VALUED.issuperset(plain):
        return None
    return operator.attrgetter(*plain) if plain else _no_facts


def _no_facts(doc: facts.Document) -> None:
    return None


def _specialize(cond: conditions.Cond, probe: _Probe) -> conditions.Cond:
    """``cond`` with every test on a key field the probe knows decided, then simplified (exact in Kleene logic)."""
    if isinstance(cond, conditions.Test):
        if cond.field not in _KEY_FIELDS or getattr(probe, cond.field) is None:
            return cond
        return conditions.TRUE if conditions.compile_condition(cond)(probe, None) else _FALSE
    if isinstance(cond, conditions.Not):
        part = _specialize(cond.part, probe)
        return _FALSE if part == conditions.TRUE else conditions.TRUE if part == _FALSE else conditions.Not(part)
    parts = [_specialize(p, probe) for p in cond.parts]
    absorbing, neutral = (_FALSE, conditions.TRUE) if isinstance(cond, conditions.All) else (conditions.TRUE, _FALSE)
    if absorbing in parts:
        return absorbing
    parts = [p for p in parts if p != neutral]
    if len(parts) == 1:
        return parts[0]
    return type(cond)(tuple(parts))


def _lead_events(cond: conditions.Cond) -> tuple[str, ...]:
    return tuple(t.value for t in conditions.tests_of(cond) if t.op == "on_or_before_deadline")


def _month_end(day: dt.date) -> dt.date:
    first_of_next = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _unknown_fields(fields: Iterable[str], doc: Any) -> tuple[str, ...]:
    out = []
    for f in sorted(fields):
        value = doc.portfolios if f == "portfolio_count" else getattr(doc, f)
        if value is None:
            out.append("portfolios" if f == "portfolio_count" else f)
    return tuple(out)


def _missing(fields: Iterable[str], item: Any, leads: tuple[str, ...], meeting_date: dt.date | None) -> tuple[str, ...]:
    out = list(_unknown_fields(fields, item))
    if leads and meeting_date is None:
        out.append("meeting_date")
    return tuple(out) or ("meeting_date",)


@dataclasses.dataclass(frozen=True, slots=True)
class Meta:
    """A ruleset's metadata and provenance; every date is None where the text does not give it."""

    id: str
    kind: str
    title: str
    number: str | None
    issuer: str | None
    jurisdiction: str
    level: str
    adopted: dt.date | None
    signed: dt.date | None
    published: dt.date | None
    effective: dt.date | None
    abolished: dt.date | None
    status: str
    supersedes: tuple[model.DocumentRef, ...]
    supplements: model.DocumentRef | None
    source: str
    revision: str
    notes: tuple[str, ...]
    parts: tuple[str, ...]

    @classmethod
    def from_spec(cls, spec: model.RulesetFile, revision: str, parts: tuple[model.Meta, ...]) -> Meta:
        """Metadata of a file model."""
        m = spec.meta
        return cls(
            spec.id,
            spec.kind,
            m.title,
            m.number,
            m.issuer,
            m.jurisdiction,
            m.level,
            m.adopted,
            m.signed,
            m.published,
            m.effective,
            m.abolished,
            m.status,
            m.supersedes,
            m.supplements,
            m.source,
            revision,
            m.notes,
            tuple(p.number or p.title for p in parts),
        )

    @property
    def in_force_from(self) -> dt.date | None:
        """The first date the document is known to be in force (effective, else published, signed, adopted)."""
        return self.effective or self.published or self.signed or self.adopted

    def to_dict(self) -> dict[str, Any]:
        """The metadata as plain data."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, model.DocumentRef):
                v = v.model_dump(mode="json", exclude_none=True)
            elif isinstance(v, tuple):
                v = [x.model_dump(mode="json", exclude_none=True) if isinstance(x, model.DocumentRef) else x for x in v]
            out[f.name] = v
        return out
