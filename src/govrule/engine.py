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
import operator
import threading
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import conditions, facts, signing, vocabulary
from ._frozen import FrozenMap
from .agenda import AgendaBook
from .agenda import unknown_fields as _unknown_fields
from .answers import (
    ActingHead,
    AgendaCheck,
    Deadline,
    Finding,
    LeaveAnswer,
    MeetingInfo,
    QuotaAnswer,
    RuleRef,
    SigningDecision,
    StandIn,
)
from .calendar import WorkCalendar, coverage_warnings, default_calendar
from .errors import CalendarError, GovruleError, NoApplicableRule, QueryError, UnknownTerm
from .literals import LeaveOccasion

if TYPE_CHECKING:
    from . import loader, model

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


#: Labels already normalised (from a ruleset's compiled form), so that loading it needs no converter.
_normalized: dict[str, str] = {}


def remember_normalized(pairs: Mapping[str, str]) -> None:
    """Record labels and their normal forms computed earlier (bounded, like every cache here)."""
    if len(_normalized) < 65536:
        _normalized.update(pairs)


def normalize_label(text: str) -> str:
    """A label in Simplified script without spaces, so 市長 and 市长 compare equal."""
    global _normalizer
    known = _normalized.get(text)
    if known is not None:
        return known
    if text.isascii():  # ids and Latin letters: nothing to convert
        return "".join(text.split())
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


def _ref(rule: Any, document: str, warnings: tuple[str, ...] = ()) -> RuleRef:
    also = tuple((c.cite, c.text) for c in getattr(rule, "also_cite", ()))
    return RuleRef(rule.id, rule.cite, rule.text, rule.note, document, warnings, also)


_STATUS_WARNING = {"abolished": "已废止", "unknown": "是否有效未知"}


def _part_warnings(parts: tuple[model.Meta, ...]) -> tuple[str, ...]:
    """Notices every answer of a composition carries: a part that is abolished or of unknown status."""
    out = []
    for i, part in enumerate(parts):
        what = "补充规定" if i else "基础文件"
        name = f"《{part.title}》" + (f"（{part.number}）" if part.number else "")
        if part.status == "abolished" or part.abolished is not None:
            when = f"于{part.abolished.isoformat()}" if part.abolished else ""
            out.append(f"{what}{name}已{when}废止")
        elif part.status == "unknown":
            out.append(f"{what}{name}{_STATUS_WARNING['unknown']}")
    return tuple(out)


def _fraction_text(q: model.QuorumRule) -> str:
    return f"more_than {q.more_than}" if q.more_than else f"at_least {q.at_least}"


@dataclasses.dataclass(frozen=True, slots=True)
class _Row:
    rule: model.SigningRule
    cond: conditions.Cond
    fields: frozenset[str]
    decision: SigningDecision
    relational: bool
    # The decision with a document's portfolios filled in, by portfolios (bounded; stores are atomic).
    by_portfolios: dict[tuple[str, ...], SigningDecision] = dataclasses.field(default_factory=dict)

    def with_portfolios(self, portfolios: tuple[str, ...]) -> SigningDecision:
        """The row's decision naming the portfolios the document touches."""
        found = self.by_portfolios.get(portfolios)
        if found is None:
            found = dataclasses.replace(self.decision, portfolios=portfolios)
            if len(self.by_portfolios) < 1024:
                self.by_portfolios[portfolios] = found
        return found


@dataclasses.dataclass(frozen=True, slots=True)
class _Table:
    spec: model.DecisionTable
    rows: tuple[_Row, ...]
    from_supplement: bool = False


_KEY_FIELDS = ("issuer", "kind", "recipient")
_Candidate = tuple["_Row", conditions.Evaluator]  # a row and its condition specialised to an index key
_Hits = tuple[tuple["_Table", "_Row"], ...]  # the row each table decides on, in table order


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How documents with one index key are answered.

    ``tables`` holds the rows that can match, their conditions specialised to the key.
    ``project`` picks the facts those conditions read out of a document (the number of
    portfolios counted up to ``cap``: every count from ``cap`` up answers alike) and ``hits``
    tabulates the outcome per projection, filled on first use. When the facts read all have
    few values (flags, meeting ids, direction) the table is bounded by their product
    (``bounded``); otherwise (lists of words) it keeps at most ``_UNBOUNDED_HITS`` entries and
    further documents are evaluated row by row. ``checks`` is False when no post-answer check
    (meeting competence, a supplement alone) can apply to documents with this key.
    """

    tables: tuple[tuple[_Table, tuple[_Candidate, ...]], ...]
    project: Callable[[facts.Document], Any] | None
    cap: int  # 0 when no row reads the portfolio count
    hits: dict[Any, _Hits]
    bounded: bool = True
    checks: bool = True


class _Probe:
    """The key fields of a Document, for deciding the tests on them when an index key is compiled."""

    __slots__ = ("issuer", "kind", "recipient")

    def __init__(self, issuer: Any, kind: Any, recipient: Any) -> None:
        self.issuer, self.kind, self.recipient = issuer, kind, recipient


class Ruleset:
    """A loaded, validated and compiled ruleset that answers queries.

    Usually made by `govrule.load`. Built directly, it takes a validated file model
    (``loader.parse_text(text).spec``); ``revision`` and ``origin`` (file name, text) are for
    the compiled form of a file (`govrule._compiled`), whose model is read again from the text
    when ``spec`` or ``source`` is asked for.
    """

    def __init__(
        self,
        spec: model.RulesetFile,
        *,
        source: loader.Source | None = None,
        calendar: WorkCalendar | None = None,
        parts: tuple[model.Meta, ...] = (),
        supplement_tables: int = 0,
        supplement_rules: frozenset[str] = frozenset(),
        composed_of: tuple[model.RulesetFile, model.RulesetFile] | None = None,
        revision: str | None = None,
        origin: tuple[str, str] | None = None,
    ) -> None:
        # ``spec`` is the validated file model, or its compiled form (govrule._compiled) with ``origin``
        # (file name, text) and ``revision``: the model and the source positions are then read again
        # from that text the first time ``spec`` or ``source`` is asked for.
        self._spec = spec
        self._origin = origin
        self._composed_of = composed_of
        self._n_supplement_tables = supplement_tables
        self._supplement_rules = frozenset(supplement_rules)
        self._source = source
        self._calendar = calendar
        self._parts = parts or (spec.meta,)
        self._doc_title = spec.meta.title
        # In a composition, rules from the supplement cite the supplement (the last part).
        self._supplement_title = self._parts[-1].title if len(self._parts) > 1 else self._doc_title
        self._warnings = _part_warnings(self._parts) if len(self._parts) > 1 else ()
        self._labels: FrozenMap[str, str] = FrozenMap({rid: role.label for rid, role in spec.roles.items()})
        self._role_index = self._label_index({k: (v.label, v.aliases) for k, v in spec.roles.items()})
        self._meeting_index = self._label_index({k: (v.label, v.aliases) for k, v in spec.meetings.items()})
        self._events = frozenset(vocabulary.EVENTS) | frozenset(spec.events)
        self._hierarchy = signing.RoleHierarchy(spec.roles)
        self._signing = signing.SigningRules(spec, self._rule_ref, self._labels, self._hierarchy)
        compiled = tuple(self._compile_table(t, i < supplement_tables) for i, t in enumerate(spec.signing))
        self._tables = tuple(t for t in compiled if t.spec.purpose == "sign")
        self._approve_tables = tuple(t for t in compiled if t.spec.purpose == "approve")
        self._meeting_tables = tuple(t for t in compiled if t.spec.purpose == "meeting")
        self._index: dict[tuple[Any, Any, Any], _Plan] = {}
        self._approve_index: dict[tuple[Any, Any, Any], _Plan] = {}
        self._meeting_rows = tuple(
            (table, tuple((row, conditions.compile_condition(row.cond)) for row in table.rows))
            for table in self._meeting_tables
        )
        self._signing_rule_ids = frozenset(rule.id for table in spec.signing for rule in table.rules)
        # The documents competence rules speak to, for deciding per index key whether their check applies.
        doc_vocab = conditions.words_of(spec, vocabulary.DOCUMENT_FIELD_KINDS)
        self._competence_documents = tuple(
            conditions.parse_condition(c.documents, doc_vocab)[0] for c in spec.competence if c.documents is not None
        )
        self._agenda = AgendaBook(spec, self._rule_ref, lambda m: spec.meetings[m].label if m in spec.meetings else m)
        self._deadlines = {d.event: d for d in spec.deadlines}
        self._deadline_refs = {d.event: self._rule_ref(d) for d in spec.deadlines}
        self._meetings = {k: self._meeting_info(k, m) for k, m in spec.meetings.items()}
        self._event_index = {normalize_label(label): key for key, label in spec.events.items()}
        self._leave: dict[str, tuple[LeaveAnswer, ...]] = {}
        for rule in spec.leave:
            for holder in rule.for_roles:
                ans = LeaveAnswer(
                    holder,
                    rule.occasion,
                    rule.approvers,
                    rule.notify,
                    rule.via,
                    (rule.advance.amount, rule.advance.unit) if rule.advance else None,
                    self._rule_ref(rule),
                    mode=rule.approvers_mode,
                    meetings=rule.meetings,
                )
                self._leave[holder] = (*self._leave.get(holder, ()), ans)
        self._quotas = tuple(
            QuotaAnswer(q.roles, q.subject, q.bound, q.amount, q.unit, q.per, self._rule_ref(q)) for q in spec.quotas
        )
        self._acting = (
            ActingHead(
                spec.acting_head.roles,
                self._rule_ref(spec.acting_head),
                spec.acting_head.entrusted,
                spec.acting_head.designated,
            )
            if spec.acting_head
            else None
        )
        self._revision = revision if revision is not None else revision_of(spec)

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
        return Meta.from_spec(self.spec, self._revision, self._model_parts())

    def _model_parts(self) -> tuple[model.Meta, ...]:
        # The parts' metadata as file models (a compiled form holds records: its one part is read again).
        return self._parts if self._origin is None else (self.spec.meta,)

    @property
    def document(self) -> str:
        """The document this ruleset encodes, by its number (文号), or by its title where it has none."""
        return str(self._spec.meta.number or self._spec.meta.title)

    @property
    def spec(self) -> model.RulesetFile:
        """The validated file model this ruleset was compiled from."""
        return self._spec if self._origin is None else self._read_again().spec

    @property
    def source(self) -> loader.Source | None:
        """Where the ruleset was read from (None for a composition)."""
        return self._source if self._origin is None else self._read_again()

    def _read_again(self) -> loader.Source:
        # Compiled from its cached form: validate the text once more for the file model and its positions.
        source = self._source
        if source is None:
            from . import loader

            file, text = self._origin  # type: ignore[misc]
            source = loader.parse_text(text, file)
            if revision_of(source.spec) != self._revision:
                raise GovruleError(f"{file}: the compiled form of this ruleset does not match its text")
            self._source = source
        return source

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
            supplement_rules=self._supplement_rules,
            composed_of=self._composed_of,
            revision=self._revision,
            origin=self._origin,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by content (the validated file as JSON data, the calendar, the parts' metadata) and
        # rebuilt once per process: a ruleset sent to many worker tasks is validated and compiled once there.
        if self._composed_of is not None:  # a composition: rebuilt from its two validated parts
            base, sup = self._composed_of
            dumps = tuple(p.model_dump(mode="json", by_alias=True) for p in (base, sup))
            return (_recompose, (self._revision, *dumps, self._calendar))
        spec = self.spec
        payload = (
            self._revision,
            spec.model_dump(mode="json", by_alias=True),
            self._calendar,
            tuple(p.model_dump(mode="json", by_alias=True) for p in self._model_parts()),
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

    def _rule_ref(self, rule: Any) -> RuleRef:
        """The reference an answer carries for a rule: the document it comes from, and the composition's notices."""
        title = self._supplement_title if rule.id in self._supplement_rules else self._doc_title
        return _ref(rule, title, self._warnings)

    def role(self, name: str) -> str:
        """The role id for an id or a Chinese label in either script (市長 or 市长)."""
        return self._resolve(name, self._role_index, "role", tuple(self._spec.roles), self._labels)

    def meeting_id(self, name: str) -> str:
        """The meeting id for an id or a Chinese label in either script."""
        return self._resolve(name, self._meeting_index, "meeting", tuple(self._spec.meetings), self._spec.meetings)

    @staticmethod
    def _resolve(
        name: Any, index: Mapping[str, str], what: str, defined: tuple[str, ...], labels: Mapping[str, Any]
    ) -> str:
        if not isinstance(name, str):
            raise QueryError(
                f"a {what} is named by its id or Chinese label, not {type(name).__name__}",
                field=what,
                value=name,
                reason="not_text",
            )
        hit = index.get(name)
        if hit is None:
            hit = index.get(normalize_label(name))
        if hit is None:
            raise UnknownTerm(what, name, defined, labels)
        return hit

    # ------------------------------------------------------------------ signing

    def _compile_table(self, table: model.DecisionTable, from_supplement: bool = False) -> _Table:
        fields = (
            vocabulary.MEETING_REQUEST_FIELD_KINDS if table.purpose == "meeting" else vocabulary.DOCUMENT_FIELD_KINDS
        )
        vocab = conditions.words_of(self._spec, fields)
        rows = []
        for rule in table.rules:
            cond, errors = conditions.parse_condition(rule.when, vocab)
            if errors:  # validated files never get here; a composition might
                raise GovruleError(f"rule {rule.id}: {errors[0].message}")
            decision = self._signing.decision(rule, table)
            every_step = (*decision.steps, *(s for a in decision.alternatives for s in a.steps))
            relational = any(r in vocabulary.RELATIONAL_ROLES for s in every_step for r in s.roles)
            rows.append(_Row(rule, cond, conditions.fields_of(cond), decision, relational))
        return _Table(table, tuple(rows), from_supplement)

    def _plan(
        self,
        key: tuple[Any, Any, Any],
        tables: tuple[_Table, ...] | None = None,
        index: dict[tuple[Any, Any, Any], _Plan] | None = None,
    ) -> _Plan:
        """The rows that can match documents with this key, each with its condition specialised to the key."""
        if tables is None or index is None:
            tables, index = self._tables, self._index
        probe = _Probe(*key)
        out = []
        read: set[str] = set()
        cap = 0
        for table in tables:
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
        plain = sorted(read - {"portfolio_count"})
        plan = _Plan(
            tuple(out),
            operator.attrgetter(*plain) if plain else _no_facts,
            cap if "portfolio_count" in read else 0,
            {},
            _FEW_VALUED.issuperset(plain),
            self._spec.kind == "supplement" or any(_specialize(c, probe) != _FALSE for c in self._competence_documents),
        )
        if len(index) < 65536:
            index[key] = plan  # a dict store is atomic; a race only computes twice
        return plan

    def _hits(self, plan: _Plan, doc: facts.Document, query: str = "who_must_sign") -> _Hits:
        hits = []
        for table, rows in plan.tables:
            row = self._decide(table, rows, doc, query)
            if row is not None:
                hits.append((table, row))
                if row.decision.signers or row.decision.forbidden or not table.from_supplement:
                    break  # answered: later tables are not consulted
        return tuple(hits)

    def who_must_sign(
        self,
        document: facts.Document | Mapping[str, Any],
        absent: Iterable[str] | None = None,
        path: str | None = None,
    ) -> SigningDecision:
        """Who signs a document, who co-signs it first, and the whole procedure, with the deciding rule.

        Args:
            document: A `Document`, or a mapping of its fields (ids, or Chinese terms in either script).
            absent: Roles (ids or labels) that are away: the answer follows the rule's absence path, or a
                substitution scoped to the rule or general; it never invents a substitute.
            path: A named alternative procedure of the deciding rule, e.g. ``"urgent"``.

        Returns:
            The decision: ``signers`` (any one of them signs), ``cosigners``, ``steps`` and ``rule``;
            ``forbidden`` when the deciding rule forbids the document, ``escalation``, ``alternatives``.

        Raises:
            NoApplicableRule: No signing rule covers such a document, the rule has no such path, or an
                absent signer has no one the text names to act instead.
            MissingFact: The deciding rule needs a fact the document leaves unknown; it names the fact.
            UnknownTerm: The document names a meeting (or ``absent`` a role) the ruleset does not define.
            QueryError: A field is unknown or holds a word outside the vocabulary.
        """
        doc = document if type(document) is facts.Document else facts.as_document(document)
        if (doc.meeting is not None and doc.meeting not in self._spec.meetings) or (
            doc.decided_by is not None and doc.decided_by not in self._spec.meetings
        ):
            doc = self._meeting_labels(doc)
        if not absent and path is None:
            # The common case inline (the hot path): one plan lookup, one outcome lookup, one rule.
            key = (doc.issuer, doc.kind, doc.recipient)
            plan = self._index.get(key) or self._plan(key)
            if not plan.checks and plan.project is not None:
                projection = plan.project(doc)
                if plan.cap:
                    count = len(doc.portfolios)
                    projection = (projection, count if count < plan.cap else plan.cap)
                hits = plan.hits.get(projection)
                if hits is not None and len(hits) == 1:
                    table, row = hits[0]
                    if row.decision.signers or row.decision.forbidden or not table.from_supplement:
                        if doc.portfolios and row.relational:
                            return row.with_portfolios(doc.portfolios)
                        return row.decision
        decision = self._signing_checks(
            doc, self._answer(doc, self._index, self._tables, "who_must_sign"), self.who_must_sign
        )
        if absent or path is not None:
            decision = self._signing.adjust(decision, "who_must_sign", doc, self._absent(absent), path)
        return decision

    def who_must_approve(
        self,
        document: facts.Document | Mapping[str, Any],
        absent: Iterable[str] | None = None,
        path: str | None = None,
    ) -> SigningDecision:
        """Who approves a document sent to the government (审批/呈批/核报), from the ``purpose: approve`` tables.

        The answer has the shape of `who_must_sign`'s: ``signers`` are the approvers (the last
        approving or signing step), with ``steps``, ``rule``, ``forbidden``, ``escalation`` and
        ``alternatives``; ``absent`` and ``path`` work as there.

        Raises:
            NoApplicableRule: No approval rule covers such a document (or no one acts for an absent approver).
            MissingFact: The deciding rule needs a fact the document leaves unknown.
            UnknownTerm: A meeting or role named is not defined.
            QueryError: A field is unknown or holds a word outside the vocabulary.
        """
        doc = document if type(document) is facts.Document else facts.as_document(document)
        if (doc.meeting is not None and doc.meeting not in self._spec.meetings) or (
            doc.decided_by is not None and doc.decided_by not in self._spec.meetings
        ):
            doc = self._meeting_labels(doc)
        decision = self._signing_checks(
            doc,
            self._answer(doc, self._approve_index, self._approve_tables, "who_must_approve"),
            self.who_must_approve,
        )
        if absent or path is not None:
            decision = self._signing.adjust(decision, "who_must_approve", doc, self._absent(absent), path)
        return decision

    def who_must_approve_meeting(
        self, request: facts.MeetingRequest | Mapping[str, Any], absent: Iterable[str] | None = None
    ) -> SigningDecision:
        """Who approves convening a meeting (召开全县性会议须经县长审批), from the ``purpose: meeting`` tables.

        Args:
            request: A `MeetingRequest`, or a mapping of its fields.
            absent: Roles that are away, as for `who_must_sign`.

        Returns:
            An answer shaped like `who_must_sign`'s; ``forbidden`` where the text forbids the meeting
            as asked (不以县政府名义召开).

        Raises:
            NoApplicableRule: No meeting-approval rule covers such a request.
            MissingFact: The deciding rule needs a fact the request leaves unknown.
            UnknownTerm: A role in ``invites`` is not defined.
        """
        req = request if type(request) is facts.MeetingRequest else facts.as_meeting_request(request)
        if req.invites:
            invites = tuple(self.role(r) for r in req.invites)
            if invites != req.invites:
                req = facts.MeetingRequest(**{**req._asdict(), "invites": invites})
        for table, rows in self._meeting_rows:
            row = self._decide(table, rows, req, "who_must_approve_meeting")
            if row is not None:
                decision = row.decision
                if absent:
                    away = self._absent(absent)
                    decision = self._signing.adjust(decision, "who_must_approve_meeting", req, away, None)
                return decision
        raise NoApplicableRule(
            "who_must_approve_meeting",
            req,
            "the text sets no approval rule for such a meeting",
            reason="no_meeting_approval_rule",
        )

    def stand_in(self, role: str, rule: str | None = None) -> StandIn:
        """Who stands in for a role when it is away, with the rule that says so.

        Substitutions (AB roles, fill-in, proxies) scoped to ``rule`` (a signing rule id) come
        first, then general ones, delegations and, for the head, the acting head; the answer's
        ``others`` lists the rest. Rules for a broader role (``is_a``) apply too.

        Raises:
            UnknownTerm: The role, or the rule id, is not defined.
            NoApplicableRule: The text does not say who stands in for this role.
        """
        key = self.role(role)
        if rule is not None and rule not in self._signing_rule_ids:
            raise UnknownTerm("signing rule", rule, tuple(sorted(self._signing_rule_ids)))
        return self._signing.stand_in(key, rule)

    def is_a(self, role: str, ancestor: str) -> bool:
        """Whether ``role`` is ``ancestor`` or a case of it (``is_a``, transitively); labels accepted."""
        return self._hierarchy.is_a(self.role(role), self.role(ancestor))

    def ancestors(self, role: str) -> tuple[str, ...]:
        """The broader roles ``role`` is a case of (``is_a``, transitively), nearest first; labels accepted."""
        return self._hierarchy.ancestors(self.role(role))

    def _absent(self, absent: Iterable[str] | None) -> frozenset[str]:
        if absent is None:
            return frozenset()
        if isinstance(absent, str):
            absent = (absent,)
        return frozenset(self.role(r) for r in absent)

    def _meeting_labels(self, doc: facts.Document) -> facts.Document:
        """The document with its meeting fields given by label (专题会议, 專題會議) turned into ids."""
        changes = {}
        for name in ("meeting", "decided_by"):
            value = getattr(doc, name)
            if value is not None and value not in self._spec.meetings:
                changes[name] = self.meeting_id(value)  # raises UnknownTerm with the defined meetings
        result: facts.Document = doc._replace(**changes)
        return result

    def _answer(
        self,
        doc: facts.Document,
        index: dict[tuple[Any, Any, Any], _Plan],
        tables: tuple[_Table, ...],
        query: str,
    ) -> SigningDecision:
        key = (doc.issuer, doc.kind, doc.recipient)
        plan = index.get(key) or self._plan(key, tables, index)
        if plan.project is None:
            hits = self._hits(plan, doc, query)
        else:
            projection = plan.project(doc)
            if plan.cap:
                count = len(doc.portfolios)
                projection = (projection, count if count < plan.cap else plan.cap)
            found = plan.hits.get(projection)
            if found is None:
                found = self._hits(plan, doc, query)
                if plan.bounded or len(plan.hits) < _UNBOUNDED_HITS:
                    plan.hits[projection] = found  # a dict store is atomic; a race only computes twice
            hits = found
        pending: SigningDecision | None = None
        for table, row in hits:
            decision = row.with_portfolios(doc.portfolios) if doc.portfolios and row.relational else row.decision
            if pending is not None:
                if decision.forbidden:
                    return decision
                # A supplement's rule that sets a procedure but names no signer: the base says who signs.
                return dataclasses.replace(
                    pending,
                    signers=decision.signers,
                    cosigners=decision.cosigners,
                    steps=pending.steps + decision.steps,
                    also=(decision.rule,),
                    portfolios=decision.portfolios or pending.portfolios,
                    escalation=pending.escalation + decision.escalation,
                    alternatives=pending.alternatives + decision.alternatives,
                )
            if decision.signers or decision.forbidden or not table.from_supplement:
                return decision
            pending = decision
        if pending is not None:
            return pending
        what = "approval" if query == "who_must_approve" else "signing"
        raise NoApplicableRule(
            query,
            doc,
            f"the text sets no {what} rule for such a document" + self._alone_note(),
            reason=f"no_{what}_rule",
            **self._alone_facts(),
        )

    def _alone_note(self) -> str:
        """For a supplement loaded alone: it answers only what it says itself (compose it over its base)."""
        if self._spec.kind != "supplement":
            return ""
        base = self._spec.meta.supplements
        name = f" 《{base.title}》" if base is not None and base.title else ""
        return f"; this supplement, loaded alone, answers only what it says itself: compose it over its base{name}"

    def _alone_facts(self) -> dict[str, Any]:
        """The note above as facts of a NoApplicableRule, for govrule.messages."""
        if self._spec.kind != "supplement":
            return {}
        base = self._spec.meta.supplements
        return {"supplement_alone": True, "supplement_of": base.title if base is not None else None}

    def _decide(
        self, table: _Table, rows: tuple[_Candidate, ...], doc: Any, query: str = "who_must_sign"
    ) -> _Row | None:
        policy = table.spec.hit_policy
        if policy == "first":
            for row, test in rows:
                hit = test(doc, None)
                if hit is True:
                    return row
                if hit is None:
                    raise MissingFact(query, doc, _unknown_fields(row.fields, doc), row.decision.rule)
            return None
        matches = []
        for row, test in rows:
            hit = test(doc, None)
            if hit is None:
                raise MissingFact(query, doc, _unknown_fields(row.fields, doc), row.decision.rule)
            if hit:
                matches.append(row)
        if not matches:
            return None
        if policy == "unique":
            outcomes = {
                (m.decision.signers, m.decision.cosigners, m.decision.steps, m.decision.forbidden) for m in matches
            }
            if len(outcomes) > 1:
                ids = ", ".join(f"{m.rule.id} ({m.rule.cite})" for m in matches)
                raise GovruleError(f"table {table.spec.id} has hit policy unique but rules {ids} all match {doc}")
            return matches[0]
        return max(matches, key=lambda m: m.rule.priority or 0)

    # ------------------------------------------------------------------ agenda

    def check_agenda(
        self,
        item: facts.AgendaItem | Mapping[str, Any],
        meeting: str,
        meeting_date: dt.date | None = None,
    ) -> AgendaCheck:
        """Whether an item may be put to a meeting, with each failure and requirement cited.

        An unknown fact never counts as satisfying a rule: a rule that needs one makes the
        item not eligible, and its finding's ``missing`` names the facts to supply. An item
        whose matter a competence rule reserves to other meetings is not eligible, citing that
        rule. Every requirement carries a ``status``: ``met``, ``unmet`` or ``unknown``.

        Args:
            item: An `AgendaItem`, or a mapping of its fields; ``proposed_by`` may be a role's
                id, label or alias in either script.
            meeting: The meeting's id or Chinese label (in either script).
            meeting_date: The date of the meeting, for lead times counted back from it.

        Returns:
            The check: ``eligible``, ``failures``, ``requirements`` (each with its ``status``),
            ``to_do`` and ``warnings`` (a composition with an abolished part says so).

        Raises:
            UnknownTerm: The meeting, or the role in ``proposed_by``, is not defined.
            NoApplicableRule: The text sets no agenda preconditions for this meeting.
        """
        agenda_item = item if type(item) is facts.AgendaItem else facts.as_agenda_item(item)
        meeting_key = self.meeting_id(meeting)
        if meeting_date is not None and (
            not isinstance(meeting_date, dt.date) or isinstance(meeting_date, dt.datetime)
        ):
            raise QueryError(
                f"meeting_date={meeting_date!r}: expected a date",
                field="meeting_date",
                value=meeting_date,
                reason="not_date",
            )
        if agenda_item.proposed_by is not None and agenda_item.proposed_by not in self._spec.roles:
            agenda_item = agenda_item._replace(proposed_by=self.role(agenda_item.proposed_by))
        check = self._agenda.check(agenda_item, meeting_key, meeting_date, self._lead_due, self._warnings)
        if check is None:
            raise NoApplicableRule(
                "check_agenda",
                agenda_item,
                f"the text sets no agenda preconditions for the {meeting_key} meeting" + self._alone_note(),
                reason="no_agenda_rule",
                meeting=meeting_key,
                meeting_label=self._spec.meetings[meeting_key].label,
                **self._alone_facts(),
            )
        return check

    def _lead_due(self, event: str, meeting_date: dt.date) -> dt.date:
        return self.deadline(event, meeting_date).due

    def _signing_checks(
        self, doc: facts.Document, decision: SigningDecision, ask: Callable[[facts.Document], SigningDecision]
    ) -> SigningDecision:
        """Format 2 checks on a signing (or approval) answer before it is returned.

        - A supplement loaded alone whose rule sets steps but names no signer does not say who signs:
          the answer's rule carries a warning naming the base to compose it over (explain() shows it).
        - Meeting competence: for a document whose content a competence rule reserves to some
          meetings, ``decided_by`` naming another meeting adds a requirement (status unmet) citing
          the rule; ``decided_by`` unknown raises MissingFact when the answer depends on it (some
          allowed meeting's decision gives another answer), else adds a requirement (status unknown).
        """
        if self._spec.kind == "supplement" and not decision.signers and not decision.forbidden:
            base = self._spec.meta.supplements
            name = (base.title or base.number or "") if base is not None else ""
            notice = f"本补充规定未规定签发人，签发人依基础文件《{name}》，须与其合并（compose）后查询"
            decision = dataclasses.replace(
                decision, rule=dataclasses.replace(decision.rule, warnings=(*decision.rule.warnings, notice))
            )
        if not self._agenda.competence:
            return decision
        found = []
        for c in self._agenda.document_competence(doc):
            allowed = self._agenda.meetings_zh(c.meetings)
            if doc.decided_by is None:
                for meeting_id in c.meetings:
                    try:
                        other: SigningDecision | None = ask(doc._replace(decided_by=meeting_id))
                    except GovruleError:
                        other = None
                    if other is None or (other.signers, other.cosigners, other.steps) != (
                        decision.signers,
                        decision.cosigners,
                        decision.steps,
                    ):
                        raise MissingFact(ask.__name__, doc, ("decided_by",), c.ref)
                found.append(
                    Finding(
                        c.ref,
                        f"此类公文的内容须经{allowed}讨论决定（未说明由哪个会议决定）",
                        ("decided_by",),
                        "unknown",
                    )
                )
            elif doc.decided_by not in c.meetings:
                here = self._agenda.meetings_zh((doc.decided_by,))
                found.append(Finding(c.ref, f"此类公文的内容须经{allowed}讨论决定，不能由{here}决定", (), "unmet"))
        if not found:
            return decision
        return dataclasses.replace(decision, requirements=(*decision.requirements, *found))

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
        event = self.event_id(event)
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise QueryError(f"start={start!r}: expected a date", field="start", value=start, reason="not_date")
        rule = self._deadlines.get(event)
        if rule is None:
            raise NoApplicableRule(
                "deadline",
                {"event": event, "start": start.isoformat()},
                f"the text sets no time limit for {event}" + self._alone_note(),
                reason="no_time_limit",
                event_label=self._spec.events.get(event),
                **self._alone_facts(),
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
        # A calendar-day, month or year period may end on a rest day; working-day periods never do. Where no
        # calendar covers the due date's year, whether it is a rest day is unknown (None): the date itself
        # needs no calendar, so it is still answered, unless the rule moves it to the next working day.
        rest: bool | None = False
        if rule.unit != "working_days":
            try:
                rest = not cal.is_workday(due)
            except CalendarError:
                if rule.rest_day == "next_workday":
                    raise
                rest = None
        unmoved = None
        if rest and rule.rest_day == "next_workday":
            unmoved, due = due, cal.add_working_days(due, 1)
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
            rest,
            rule.rest_day,
            unmoved,
            calendar_notes=coverage_warnings(cal, max(due, max_due or due)),
        )

    def event_id(self, name: str) -> str:
        """The deadline event id for an id or a Chinese label (the ruleset's own or a usual term), either script."""
        if isinstance(name, str) and name in self._events:
            return name
        if isinstance(name, str):
            hit = self._event_index.get(normalize_label(name)) or vocabulary.lookup("event", name)
            if hit is not None and hit in self._events:
                return hit
        raise UnknownTerm("event", name, tuple(sorted(self._events)), self._spec.events)

    # ------------------------------------------------------------------ meetings, acting head, leave

    def _meeting_info(self, key: str, m: model.Meeting) -> MeetingInfo:
        freq = None
        if m.frequency is not None:
            freq = FrozenMap(
                (k, v)
                for k, v in ((k, getattr(m.frequency, k)) for k in type(m.frequency).model_fields)
                if k not in ("id", "cite", "text", "note") and not (k == "times_max" and v is None)
            )
        rules = tuple(self._rule_ref(r) for r in (m, m.frequency, m.quorum, m.minutes) if r is not None)
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
            self._rule_ref(m),
            rules,
            m.entrusted_convener,
            m.observers_as_needed,
            m.participants,
            m.minutes.formed if m.minutes else None,
            m.quorum.of if m.quorum else (),
        )

    def meeting(self, meeting: str) -> MeetingInfo:
        """A meeting type: members, convener, chair, observers, frequency, quorum, minutes signer."""
        return self._meetings[self.meeting_id(meeting)]

    def quorum_met(self, meeting: str, present: int, total: int) -> bool:
        """Whether ``present`` of ``total`` members meet the meeting's quorum.

        Where the quorum counts a subset (``of: [deputy_head]``, 半数以上的副市长), ``present`` and
        ``total`` count that subset: the members of those roles present, and in office.
        The meeting may be named by its id or Chinese label in either script.
        """
        key = self.meeting_id(meeting)
        for name, value in (("present", present), ("total", total)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise QueryError(
                    f"{name}={value!r}: expected a whole number of members, 0 or more",
                    field=name,
                    value=value,
                    reason="not_whole_number",
                )
        if total == 0 or present > total:
            raise QueryError(
                f"present={present}, total={total}: need 0 <= present <= total and total > 0",
                reason="quorum_counts",
                present=present,
                total=total,
            )
        quorum = self._spec.meetings[key].quorum
        if quorum is None:
            raise NoApplicableRule(
                "quorum_met",
                {"meeting": key},
                "the text sets no quorum for this meeting" + self._alone_note(),
                reason="no_quorum",
                meeting_label=self._spec.meetings[key].label,
                **self._alone_facts(),
            )
        share = fractions.Fraction(present, total)
        if quorum.more_than is not None:
            return share > fractions.Fraction(quorum.more_than)
        return share >= fractions.Fraction(quorum.at_least or "0")

    def quorum_rule(self, meeting: str) -> RuleRef:
        """The rule that sets a meeting's quorum."""
        quorum = self._spec.meetings[self.meeting_id(meeting)].quorum
        if quorum is None:
            raise NoApplicableRule(
                "quorum_met", {"meeting": meeting}, "the text sets no quorum for this meeting", reason="no_quorum"
            )
        return self._rule_ref(quorum)

    def acting_head(self) -> ActingHead:
        """Who presides when the head is away, in order of preference, with the rule."""
        if self._acting is None:
            raise NoApplicableRule(
                "acting_head",
                {},
                "the text does not say who presides when the head is away" + self._alone_note(),
                reason="no_acting_head",
                head_label=self._labels.get("head"),
                **self._alone_facts(),
            )
        return self._acting

    def leave_approver(self, role: str, occasion: str | None = None, meeting: str | None = None) -> LeaveAnswer:
        """Whom a role asks for leave or reports its absence to, with the rule.

        A rule written for a broader role (``deputy_head``) answers for every role that ``is_a``
        it (``executive_deputy_head``), unless a rule names the narrower role for the same
        occasion and meeting; the answer's ``for_role`` then names the role the rule was written for.

        Args:
            role: The role's id, label or alias, in either script.
            occasion: absence, travel, meeting_absence, outbound_travel or leave_meeting_proxy.
            meeting: For absence from a meeting: its id or label; rules limited to other
                meetings (``meetings:``) then do not answer, and a rule naming it wins.

        Raises:
            UnknownTerm: The role or meeting is not defined.
            NoApplicableRule: No rule says whom this role asks.
        """
        key = self.role(role)
        meeting_key = self.meeting_id(meeting) if meeting is not None else None
        if occasion is not None:
            allowed = typing.get_args(LeaveOccasion)
            if occasion not in allowed:
                raise QueryError(
                    f"occasion={occasion!r} is not allowed; allowed: {', '.join(allowed)}",
                    field="occasion",
                    value=occasion,
                    allowed=allowed,
                    reason="not_allowed",
                )
        answers: tuple[LeaveAnswer, ...] = ()
        for holder in (key, *self._hierarchy.ancestors(key)):
            answers = tuple(
                a
                for a in self._leave.get(holder, ())
                if (occasion is None or a.occasion == occasion)
                and (meeting_key is None or not a.meetings or meeting_key in a.meetings)
            )
            if answers:
                if holder != key:
                    answers = tuple(dataclasses.replace(a, role=key, for_role=holder) for a in answers)
                break
        if meeting_key is not None:  # a rule naming the meeting comes before a general one
            answers = tuple(sorted(answers, key=lambda a: not a.meetings))
        if not answers:
            raise NoApplicableRule(
                "leave_approver",
                {"role": key, "occasion": occasion, "meeting": meeting_key},
                "the text does not say whom this role asks for leave" + self._alone_note(),
                reason="no_leave_rule",
                role_label=self._labels.get(key),
                **self._alone_facts(),
            )
        return dataclasses.replace(answers[0], others=answers[1:]) if len(answers) > 1 else answers[0]

    def quotas(self, role: str | None = None) -> tuple[QuotaAnswer, ...]:
        """Every quota the text sets (每年调研不少于50天), or those binding one role (through the hierarchy too).

        A quota written for a broader role (``deputy_head``) binds every role that ``is_a`` it, unless
        a quota on the same subject and period names the narrower role.

        Args:
            role: A role's id, label or alias in either script; None for all quotas.

        Raises:
            UnknownTerm: The role is not defined.
        """
        if role is None:
            return self._quotas
        key = self.role(role)
        # Nearest first: a quota naming the role itself (or a nearer broader role) displaces one on the same
        # subject and period written for a broader role.
        found: list[QuotaAnswer] = []
        seen: set[tuple[str, str]] = set()
        for holder in (key, *self._hierarchy.ancestors(key)):
            here = [q for q in self._quotas if holder in q.roles and q not in found]
            found.extend(q for q in here if (q.subject, q.per) not in seen)
            seen.update((q.subject, q.per) for q in here)
        return tuple(q for q in self._quotas if q in found)

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
            "rule_document": rule.document if rule is not None else None,
            "warnings": list(rule.warnings if rule is not None else self._warnings),
            "ruleset": self.id,
            "document": self.document,
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
_FEW_VALUED = frozenset(
    f for f, kind in vocabulary.DOCUMENT_FIELD_KINDS.items() if kind in ("bool", "meeting", "enum:direction")
)


_restored: dict[str, Ruleset] = {}
_restored_lock = threading.Lock()


def _recompose(
    revision: str, base: dict[str, Any], supplement: dict[str, Any], calendar: WorkCalendar | None
) -> Ruleset:
    """Unpickle a composition: validate both parts again and compose them, once per process."""

    def build() -> Ruleset:
        from . import model
        from .registry import compose  # the registry imports this module

        parts = [Ruleset(model.RulesetFile.model_validate(p), calendar=calendar) for p in (base, supplement)]
        return compose(parts[0], parts[1])

    return _rebuilt_once(revision, calendar, build)


def _restore(
    revision: str,
    spec: dict[str, Any],
    calendar: WorkCalendar | None,
    parts: tuple[dict[str, Any], ...],
    supplement_tables: int,
) -> Ruleset:
    """Unpickle a Ruleset: validate its content again, compile it, and reuse it for later copies."""
    return _rebuilt_once(
        revision,
        calendar,
        lambda: Ruleset(
            _model().RulesetFile.model_validate(spec),
            calendar=calendar,
            parts=tuple(_model().Meta.model_validate(p) for p in parts),
            supplement_tables=supplement_tables,
        ),
    )


def _model() -> Any:
    from . import model  # the file models (and pydantic) load only when a file is validated

    return model


def revision_of(spec: model.RulesetFile) -> str:
    """A validated file's content hash: what its answers are recorded under."""
    import hashlib
    import json

    dumped = json.dumps(
        spec.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


def _rebuilt_once(revision: str, calendar: WorkCalendar | None, build: Callable[[], Ruleset]) -> Ruleset:
    """The ruleset an unpickled copy stands for: built the first time in this process, then reused."""
    hit = _restored.get(revision) if calendar is None else None
    if hit is not None:
        return hit
    rs = build()
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


#: Outcomes kept per plan whose facts include lists of words (subject_matter, portfolios).
_UNBOUNDED_HITS = 4096


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


def _month_end(day: dt.date) -> dt.date:
    first_of_next = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


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
    part_status: tuple[tuple[str, str], ...] = ()

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
            tuple((p.number or p.title, p.status) for p in parts),
        )

    @property
    def in_force_from(self) -> dt.date | None:
        """The first date the document is known to be in force (effective, else published, signed, adopted)."""
        return self.effective or self.published or self.signed or self.adopted

    def to_dict(self) -> dict[str, Any]:
        """The metadata as plain data."""
        ref = _model().DocumentRef
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, ref):
                v = v.model_dump(mode="json", exclude_none=True)
            elif isinstance(v, tuple):
                v = [x.model_dump(mode="json", exclude_none=True) if isinstance(x, ref) else x for x in v]
            out[f.name] = v
        return out
