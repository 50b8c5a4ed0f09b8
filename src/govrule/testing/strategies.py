"""Hypothesis strategies for govrule inputs and rulesets, and property checks to run from pytest.

Strategies (plural nouns, keyword-only options):

* :func:`documents` and :func:`agenda_items` draw query inputs that use a ruleset's own
  words (its meetings, roles and the list words its conditions test);
* :func:`dates` draws dates inside the years the working-day calendar covers;
* :func:`rulesets` draws valid compiled :class:`govrule.Ruleset` objects, :func:`ruleset_texts`
  the YAML text of the same, and :func:`supplements` a supplement over a given base.

Property checks raise ``AssertionError`` with the falsifying input:

* :func:`assert_total`: every query gets an answer or an explicit ``NoApplicableRule``;
* :func:`assert_deterministic`: the same question gets the same answer, from the same
  object and from a freshly compiled one;
* :func:`assert_roles_defined`: every role an answer names is defined by the ruleset;
* :func:`assert_round_trip`: the ruleset dumped to YAML and loaded again answers the same;
* :func:`assert_composition`: a supplement over its base changes exactly the answers it
  overrides (and those its own rules give);
* :func:`check_properties` runs them all.

Each check runs its own ``@given`` test under the current settings profile, or, given
``data=`` (an ``st.data()`` object), draws its inputs inside the caller's test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import yaml

try:
    import hypothesis  # noqa: F401  (imported first so a missing extra gets the message below)
except ModuleNotFoundError as exc:  # pragma: no cover - exercised in a subprocess without hypothesis
    raise ImportError(
        "govrule.testing's strategies need hypothesis, which is in the `testing` extra: from a clone of "
        "govrule run `pip install -e '.[testing]'` (or `pip install hypothesis`)"
    ) from exc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import conditions, loader, model, registry
from ..calendar import default_calendar
from ..engine import Ruleset
from ..errors import CalendarError, GovruleError, NoApplicableRule, UnknownTerm
from ..facts import AgendaItem, Document

__all__ = [
    "agenda_items",
    "assert_composition",
    "assert_deterministic",
    "assert_roles_defined",
    "assert_round_trip",
    "assert_total",
    "check_properties",
    "dates",
    "documents",
    "ruleset_texts",
    "rulesets",
    "supplements",
]

RulesetArg = Ruleset | str

# --------------------------------------------------------------------------------------
# Argument checking, in Hypothesis' style: the bad argument repeated as name=value
# --------------------------------------------------------------------------------------


def _ruleset(value: Any, name: str = "ruleset") -> Ruleset:
    if isinstance(value, Ruleset):
        return value
    if isinstance(value, str):
        try:
            return registry.load(value)
        except GovruleError as exc:
            raise InvalidArgument(f"{name}={value!r} cannot be loaded: {exc}") from None
    raise InvalidArgument(f"{name}={value!r} must be a govrule.Ruleset or a bundled id or file path")


def _count(value: Any, name: str, *, minimum: int, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be a whole number, {minimum} or more")


def _flag(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


# --------------------------------------------------------------------------------------
# Words a ruleset uses
# --------------------------------------------------------------------------------------


def _tested_words(spec: model.RulesetFile, field: str) -> list[str]:
    """The words a ruleset's conditions test on a field, in order of appearance."""
    found: dict[str, None] = {}
    doc_vocab = loader.vocabulary(spec, model.DOCUMENT_FIELDS)
    item_vocab = loader.vocabulary(spec, model.AGENDA_FIELDS)
    data: list[tuple[Any, conditions.Vocabulary]] = [(r.when, doc_vocab) for t in spec.signing for r in t.rules]
    data += [(c, item_vocab) for r in spec.agenda for c in (r.when, r.require) if c is not None]
    for raw, vocab in data:
        cond, _ = conditions.parse_condition(raw, vocab)
        stack: list[conditions.Cond] = [cond]
        while stack:
            node = stack.pop()
            if isinstance(node, conditions.Test):
                if node.field == field:
                    values = sorted(node.value, key=str) if isinstance(node.value, frozenset) else [node.value]
                    found.update((v, None) for v in values if isinstance(v, str))
            elif isinstance(node, conditions.Not):
                stack.append(node.part)
            else:
                stack.extend(node.parts)
    return list(found)


def _words(spec: model.RulesetFile | None, field: str, extra: Iterable[str]) -> st.SearchStrategy[tuple[str, ...]]:
    pool = [*(_tested_words(spec, field) if spec is not None else []), *extra]
    pool = list(dict.fromkeys(pool))
    return st.lists(st.sampled_from(pool), unique=True, max_size=min(4, len(pool))).map(tuple)


# --------------------------------------------------------------------------------------
# Strategies for inputs
# --------------------------------------------------------------------------------------


def dates(
    ruleset: RulesetArg | None = None,
    *,
    min_value: dt.date | None = None,
    max_value: dt.date | None = None,
) -> st.SearchStrategy[dt.date]:
    """Dates inside the years the (ruleset's) working-day calendar covers."""
    calendar = _ruleset(ruleset).calendar if ruleset is not None else default_calendar()
    years = calendar.years
    if not years:
        raise InvalidArgument(f"ruleset={ruleset!r}: its calendar covers no years")
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if value is None:
            continue
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidArgument(f"{name}={value!r} must be a datetime.date")
        if not first <= value <= last:
            raise InvalidArgument(f"{name}={value!r} is outside the years the calendar covers ({years[0]}-{years[-1]})")
    low, high = min_value or first, max_value or last
    if low > high:
        raise InvalidArgument(f"min_value={low!r} is after max_value={high!r}")
    covered = frozenset(years)
    return st.dates(low, high).filter(lambda d: d.year in covered)


def documents(
    ruleset: RulesetArg | None = None,
    *,
    allow_unknown: bool = False,
    max_portfolios: int = 3,
) -> st.SearchStrategy[Document]:
    """Documents for ``who_must_sign``, using the meetings and list words the ruleset knows.

    With ``allow_unknown=True`` the issuer, kind and recipient may be left unknown (None).
    """
    _flag(allow_unknown, "allow_unknown")
    _count(max_portfolios, "max_portfolios", minimum=0)
    spec = _ruleset(ruleset).spec if ruleset is not None else None
    meetings = list(spec.meetings) if spec is not None else list(model.MEETINGS)

    def word(field: str, values: Iterable[str]) -> st.SearchStrategy[str | None]:
        # Values the ruleset's conditions test come up half the time: that is where
        # overlaps and gaps are.
        base: st.SearchStrategy[str | None] = st.sampled_from(list(values))
        tested = [v for v in (_tested_words(spec, field) if spec is not None else []) if v in values]
        if tested:
            base = st.sampled_from(tested) | base
        return st.none() | base if allow_unknown else base

    meeting: st.SearchStrategy[str | None] = st.none() | st.sampled_from(meetings) if meetings else st.none()
    portfolios = st.lists(
        st.sampled_from(
            list(
                dict.fromkeys(
                    [
                        *(_tested_words(spec, "portfolios") if spec is not None else []),
                        "portfolio_a",
                        "portfolio_b",
                        "portfolio_c",
                        "portfolio_d",
                        "portfolio_e",
                    ]
                )
            )
        ),
        unique=True,
        max_size=max_portfolios,
    ).map(tuple)
    return st.builds(
        Document,
        issuer=word("issuer", model.ISSUERS),
        kind=word("kind", model.DOCUMENT_KINDS),
        recipient=word("recipient", model.RECIPIENTS),
        portfolios=portfolios,
        major=st.booleans(),
        important=st.booleans(),
        broad_scope=st.booleans(),
        decided_by=meeting,
        routine_approval=st.booleans(),
        meeting=meeting,
        entrusted=st.booleans(),
        subject_matter=_words(spec, "subject_matter", ["other_subject"]),
        # The format 2 facts, unknown (None) or known; without them builds() would draw any text.
        direction=st.none() | st.sampled_from(sorted(model.DIRECTIONS)),
        skips_level=st.none() | st.booleans(),
        within_department_authority=st.none() | st.booleans(),
        assigned_by_leader=st.none() | st.booleans(),
    )


def agenda_items(
    ruleset: RulesetArg | None = None,
    *,
    allow_unknown: bool = True,
) -> st.SearchStrategy[AgendaItem]:
    """Agenda items; with ``allow_unknown`` (the default) any fact may be left unknown (None)."""
    _flag(allow_unknown, "allow_unknown")
    rs = _ruleset(ruleset) if ruleset is not None else None
    spec = rs.spec if rs is not None else None
    roles = list(spec.roles) if spec is not None else list(model.ROLES)

    def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.none() | strategy if allow_unknown else strategy

    flag = maybe(st.booleans())
    return st.builds(
        AgendaItem,
        title=maybe(st.text(max_size=12)),
        kind=maybe(st.sampled_from(model.AGENDA_KINDS)),
        proposed_by=maybe(st.sampled_from(roles)),
        reviewed_by_leader_in_charge=flag,
        approved_by_head=flag,
        involves_other_departments=flag,
        consulted=flag,
        cosigned=flag,
        disagreement=flag,
        coordination_note=flag,
        within_own_authority=flag,
        procedures_done=maybe(st.lists(st.sampled_from(model.PROCEDURES), unique=True).map(tuple)),
        materials_submitted=maybe(dates(rs)),
        ad_hoc=flag,
        subject_matter=maybe(_words(spec, "subject_matter", ["other_subject"])),
    )


# --------------------------------------------------------------------------------------
# Strategies for rulesets
# --------------------------------------------------------------------------------------

_MEETING_IDS = tuple(model.MEETINGS)
_ROLE_POOL = (
    "executive_deputy_head",
    "deputy_head",
    "deputy_head_in_charge",
    "secretary_general",
    "deputy_secretary_general",
    "office_director",
)
_SUBJECTS = ("fiscal_funds", "land_use", "emergency")


def _signing_condition(draw: st.DrawFn, meetings: list[str], *, kinds: list[str] | None = None) -> dict[str, Any]:
    when: dict[str, Any] = {}
    if kinds is not None:
        when["kind"] = kinds[0] if len(kinds) == 1 else kinds
    elif draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(model.DOCUMENT_KINDS), min_size=1, max_size=3, unique=True))
        when["kind"] = picked[0] if len(picked) == 1 else picked
    if draw(st.booleans()):
        when["issuer"] = draw(st.sampled_from(model.ISSUERS))
    if draw(st.booleans()):
        recipients = draw(st.lists(st.sampled_from(model.RECIPIENTS), min_size=1, max_size=2, unique=True))
        when["recipient"] = {"in": recipients} if draw(st.booleans()) else recipients
    extra = draw(st.sampled_from(["none", "major", "count", "decided", "subject", "any", "not"]))
    if extra == "major":
        when["major"] = draw(st.booleans())
    elif extra == "count":
        op = draw(st.sampled_from(["gte", "gt", "lte", "lt", "eq"]))
        when["portfolio_count"] = {op: draw(st.integers(0, 3))}
    elif extra == "decided" and meetings:
        # `known: true` first, so an unknown meeting makes the rule false rather than unknown.
        when["decided_by"] = {"known": True, "eq": draw(st.sampled_from(meetings))}
    elif extra == "subject":
        when["subject_matter"] = draw(st.sampled_from(_SUBJECTS))
    elif extra == "any":
        when["any"] = [{"major": True}, {"important": True}]
    elif extra == "not":
        when["not"] = {"broad_scope": True}
    return when


def _steps(draw: st.DrawFn, roles: list[str]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    if draw(st.booleans()):
        steps.append(
            {"action": "cosign", "roles": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True))}
        )
    steps.append(
        {"action": "sign", "roles": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True))}
    )
    return steps


def _signing_format2(
    draw: st.DrawFn, rule: dict[str, Any], roles: list[str], provision: Callable[[str, str], dict[str, Any]]
) -> None:
    """Format 2 signing constructs on a generated rule: escalation, an urgent path, an absence path, two cites."""
    signers = rule["steps"][-1]["roles"]
    others = [r for r in roles if r not in signers]
    if "head" not in signers and draw(st.booleans()):  # 必要时…报市长签发: up to the head, never round in a loop
        rule["steps"].append({"action": "sign", "roles": ["head"], "discretionary": True})
    if draw(st.booleans()):  # 时间紧急等特殊情况下…可直接送市长签发
        urgent = provision(f"{rule['id']}.urgent", "时间紧急的，可直接送签")
        rule["alternatives"] = [
            {
                "name": "urgent",
                "label": "时间紧急",
                "cite": urgent["cite"],
                "text": urgent["text"],
                "steps": [{"action": "sign", "roles": [draw(st.sampled_from(roles))]}],
            }
        ]
    if bool(others) and draw(st.booleans()):  # 外出时由…签发
        away = provision(f"{rule['id']}.absent", "外出时由他人签发")
        rule["absent"] = [
            {
                "roles": [signers[0]],
                "cite": away["cite"],
                "text": away["text"],
                "steps": [{"action": "sign", "roles": [draw(st.sampled_from(others))]}],
            }
        ]
    if draw(st.booleans()):  # a rule resting on two articles
        also = provision(f"{rule['id']}.also", "另见本条")
        rule["also_cite"] = [{"cite": also["cite"], "text": also["text"]}]


@st.composite
def _ruleset_data(draw: st.DrawFn, max_rules: int) -> dict[str, Any]:
    roles = ["head", *draw(st.lists(st.sampled_from(_ROLE_POOL), min_size=1, max_size=4, unique=True))]
    meetings = draw(st.lists(st.sampled_from(_MEETING_IDS), max_size=2, unique=True))
    number = f"测政发〔2024〕{draw(st.integers(1, 99))}号"
    data: dict[str, Any] = {
        "id": "generated",
        "kind": "base",
        "meta": {
            "title": "生成的测试规则",
            "number": number,
            "jurisdiction": "测试市",
            "level": "city",
            "effective": "2024-01-01",
            "status": "in_force",
            "source": "generated",
        },
        "roles": {r: {"label": model.ROLES[r]} for r in roles},
    }
    if {"executive_deputy_head", "deputy_head"} <= set(roles) and draw(st.booleans()):
        data["roles"]["executive_deputy_head"]["is_a"] = ["deputy_head"]  # format 2: 常务副市长 is a 副市长
    article = iter(range(1, 10_000))

    def provision(rid: str, text: str) -> dict[str, Any]:
        return {"id": rid, "cite": f"第{next(article)}条", "text": text}

    if meetings:
        data["meetings"] = {}
        for m in meetings:
            meeting = {
                **provision(f"meeting.{m}", f"{model.MEETINGS[m]}的组成和召集"),
                "label": model.MEETINGS[m],
                "members": draw(st.lists(st.sampled_from(roles), min_size=1, unique=True)),
                "convener": ["head"],
                "chair": ["head"],
            }
            if draw(st.booleans()):
                meeting["quorum"] = {
                    **provision(f"meeting.{m}.quorum", "半数以上组成人员到会方能召开"),
                    draw(st.sampled_from(["more_than", "at_least"])): "1/2",
                }
                if draw(st.booleans()):  # format 2: a quorum over a subset (半数以上的副市长)
                    meeting["quorum"]["of"] = draw(
                        st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True)
                    )
            if draw(st.booleans()):
                times = draw(st.integers(1, 3))
                meeting["frequency"] = {
                    **provision(f"meeting.{m}.frequency", "会议召开频次"),
                    "every": 1,
                    "unit": draw(st.sampled_from(["weeks", "months", "quarters"])),
                    "times": times,
                }
                if draw(st.booleans()):  # format 2: a range (每月召开1至2次)
                    meeting["frequency"]["times_max"] = times + draw(st.integers(0, 2))
            if draw(st.booleans()):
                meeting["minutes"] = {
                    **provision(f"meeting.{m}.minutes", "会议纪要由主持人签发"),
                    "signers": draw(st.lists(st.sampled_from(roles), min_size=1, unique=True)),
                }
            data["meetings"][m] = meeting
    tables = []
    budget = max_rules
    for t in range(draw(st.integers(1, 2))):
        policy = draw(st.sampled_from(["first", "first", "priority", "unique"]))
        n = draw(st.integers(1, max(1, budget)))
        budget = max(1, budget - n)
        rules = []
        if policy == "unique":
            # Different kinds per rule: a unique table whose rules cannot overlap.
            kinds = draw(st.lists(st.sampled_from(model.DOCUMENT_KINDS), min_size=n, max_size=n, unique=True))
        for r in range(n):
            rule = {
                **provision(f"sign.t{t}.r{r}", "签发规则"),
                "when": _signing_condition(draw, meetings, kinds=[kinds[r]] if policy == "unique" else None),
                "steps": _steps(draw, roles),
            }
            if policy == "priority":
                rule["priority"] = draw(st.integers(0, 5))
            _signing_format2(draw, rule, roles, provision)
            rules.append(rule)
        tables.append({"id": f"signing.t{t}", "hit_policy": policy, "rules": rules})
    data["signing"] = tables
    if meetings:
        agenda = []
        for i in range(draw(st.integers(0, 3))):
            rule = {
                **provision(f"agenda.r{i}", "议题要求"),
                "meetings": draw(st.lists(st.sampled_from(meetings), min_size=1, unique=True)),
                "message": "议题不符合要求",
            }
            shape = draw(st.sampled_from(["consulted", "procedures", "materials", "cutoff", "requirement"]))
            if shape == "consulted":
                rule["when"] = {"involves_other_departments": True}
                rule["require"] = {"consulted": True}
            elif shape == "procedures":
                rule["when"] = {"kind": {"in": ["major_decision", "normative_document"]}}
                rule["require"] = {"procedures_done": {"contains_all": ["legality_review", "risk_assessment"]}}
            elif shape == "materials":
                rule["require"] = {
                    "materials_submitted": {"known": True, "on_or_before_deadline": "agenda_materials_submission"}
                }
            elif shape == "cutoff":
                rule["require"] = {"materials_submitted": {"known": True, "lte": draw(dates())}}
            else:
                rule["when"] = {"kind": "funding"}
                rule["severity"] = "requirement"
            agenda.append(rule)
        data["agenda"] = agenda
    events = draw(st.lists(st.sampled_from(model.EVENTS), max_size=3, unique=True))
    if any("on_or_before_deadline" in str(r.get("require")) for r in data.get("agenda", ())):
        events = list(dict.fromkeys([*events, "agenda_materials_submission"]))
    deadlines = []
    for event in events:
        deadline = {
            **provision(f"deadline.{event}", "时限"),
            "event": event,
            "amount": draw(st.integers(0, 15)),
            "unit": draw(st.sampled_from(["working_days", "calendar_days", "months"])),
            "back": event == "agenda_materials_submission" or draw(st.booleans()),
        }
        if not deadline["back"] and deadline["unit"] != "working_days" and draw(st.booleans()):
            deadline["rest_day"] = draw(st.sampled_from(["keep", "next_workday"]))  # format 2
        deadlines.append(deadline)
    data["deadlines"] = deadlines
    if draw(st.booleans()):
        acting = [r for r in roles if r != "head"]
        data["acting_head"] = {
            **provision("acting_head", "市长外出期间由常务副市长主持工作"),
            "roles": draw(st.lists(st.sampled_from(acting), min_size=1, unique=True)),
        }
    leave = []
    for i, role in enumerate(draw(st.lists(st.sampled_from(roles), max_size=2, unique=True))):
        leave.append(
            {
                **provision(f"leave.r{i}", "请假报告"),
                "role": role,
                "occasion": draw(st.sampled_from(["absence", "travel"])),
                "approvers": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True)),
            }
        )
    with_meeting_leave = draw(st.booleans())
    if meetings and with_meeting_leave:  # format 2: several roles, approvers any/all, named meetings
        leave.append(
            {
                **provision("leave.meeting_absence", "不能出席会议的，向会议主持人请假"),
                "roles": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=3, unique=True)),
                "occasion": "meeting_absence",
                "meetings": draw(st.lists(st.sampled_from(meetings), min_size=1, unique=True)),
                "approvers": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True)),
                "approvers_mode": draw(st.sampled_from(["any", "all"])),
            }
        )
    data["leave"] = leave
    with_competence = draw(st.booleans())
    if meetings and with_competence:  # format 2: meeting competence
        data["competence"] = [
            {
                **provision("competence.major", "重大事项须经会议讨论决定"),
                "matters": {"kind": {"in": ["major_decision", "normative_document"]}},
                "documents": {"kind": "normative_document"},
                "meetings": draw(st.lists(st.sampled_from(meetings), min_size=1, unique=True)),
            }
        ]
    if draw(st.booleans()):  # quotas, queryable with rs.quotas(role)
        data["quotas"] = [
            {
                **provision("quota.research", "每年调研不少于50天"),
                "roles": draw(st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True)),
                "subject": "调研",
                "bound": draw(st.sampled_from(["at_least", "at_most", "more_than", "less_than"])),
                "amount": draw(st.integers(0, 60)),
                "unit": "days",
                "per": "year",
            }
        ]
    data["format"] = 2
    return data


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)


def _compile(text: str, name: str = "<generated>") -> Ruleset:
    source = loader.parse_text(text, name)
    return Ruleset(source.spec, source=source)


def ruleset_texts(*, max_rules: int = 8) -> st.SearchStrategy[str]:
    """The YAML text of valid base rulesets with up to ``max_rules`` signing rules."""
    _count(max_rules, "max_rules", minimum=1)
    return _ruleset_data(max_rules).map(_dump)


def rulesets(*, max_rules: int = 8) -> st.SearchStrategy[Ruleset]:
    """Valid compiled base rulesets with up to ``max_rules`` signing rules (see :func:`ruleset_texts`)."""
    return ruleset_texts(max_rules=max_rules).map(_compile)


@st.composite
def _supplement_data(draw: st.DrawFn, base: Ruleset, max_rules: int) -> dict[str, Any]:
    spec = base.spec
    roles = list(spec.roles)
    targets = [r for t in spec.signing for r in t.rules]
    chosen = draw(st.lists(st.sampled_from(targets), unique_by=lambda r: r.id, max_size=max_rules)) if targets else []
    rules = []
    for i, target in enumerate(chosen):
        # The replacement matches at least what it replaces, so every answer the base
        # gave by an overridden rule is now given by the supplement.
        rules.append(
            {
                "id": f"sup.r{i}",
                "cite": f"补{i + 1}",
                "text": "补充规定",
                "overrides": [target.id],
                "when": _plain(target.when),
                "steps": _steps(draw, roles),
            }
        )
    for j in range(draw(st.integers(0 if rules else 1, 2))):
        rules.append(
            {
                "id": f"sup.new{j}",
                "cite": f"补新{j + 1}",
                "text": "新增规定",
                "when": {"subject_matter": "emergency", "kind": draw(st.sampled_from(model.DOCUMENT_KINDS))},
                "steps": _steps(draw, roles),
            }
        )
    return {
        "id": "generated_supplement",
        "kind": "supplement",
        "meta": {
            "title": "生成的补充规定",
            "jurisdiction": spec.meta.jurisdiction,
            "level": spec.meta.level,
            "source": "generated",
            "supplements": {"number": spec.meta.number, "title": spec.meta.title},
        },
        "roles": {r: {"label": role.label} for r, role in spec.roles.items()},
        # The base's meetings, named so the copied conditions may refer to them; under
        # their own rule ids, which composing requires, and with nothing to change.
        "meetings": {
            k: {"id": f"sup.meeting.{k}", "cite": "补", "text": m.text, "label": m.label}
            for k, m in spec.meetings.items()
        },
        "signing": [{"id": "signing.supplement", "hit_policy": "first", "rules": rules}],
    }


def _plain(when: Any) -> Any:
    """A condition of a loaded model as plain data again (mappings and lists)."""
    if isinstance(when, Mapping):
        return {k: _plain(v) for k, v in when.items()}
    if isinstance(when, tuple | list):
        return [_plain(v) for v in when]
    return when


def supplements(base: RulesetArg, *, max_rules: int = 3) -> st.SearchStrategy[Ruleset]:
    """Supplements over ``base`` that override up to ``max_rules`` of its signing rules and may add rules."""
    _count(max_rules, "max_rules", minimum=0)
    rs = _ruleset(base, "base")
    if rs.spec.meta.number is None:
        raise InvalidArgument(f"base={base!r} has no document number for a supplement to name")
    return _supplement_data(rs, max_rules).map(lambda d: _compile(_dump(d), "<generated supplement>"))


# --------------------------------------------------------------------------------------
# Answers as comparable data
# --------------------------------------------------------------------------------------

_EXPLICIT = (NoApplicableRule,)


def _answer(ask: Callable[[Ruleset], Any], rs: Ruleset, *, calendar_ok: bool = False) -> Any:
    """The answer as plain data, or the explicit error it raised; anything else propagates."""
    try:
        result = ask(rs)
    except _EXPLICIT as exc:
        return ("error", type(exc).__name__, str(exc))
    except CalendarError as exc:
        if not calendar_ok:
            raise
        return ("error", "CalendarError", str(exc))
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else result


def _questions(rs: Ruleset, data: st.DataObject) -> list[tuple[str, Callable[[Ruleset], Any], bool]]:
    """One drawn question of each kind the ruleset can be asked: (description, ask, calendar_ok)."""
    spec = rs.spec
    doc = data.draw(documents(rs), label="document")
    out: list[tuple[str, Callable[[Ruleset], Any], bool]] = [
        (f"who_must_sign({doc!r})", lambda r: r.who_must_sign(doc), False),
        ("acting_head()", lambda r: r.acting_head(), False),
    ]
    if spec.meetings:
        meeting = data.draw(st.sampled_from(list(spec.meetings)), label="meeting")
        item = data.draw(agenda_items(rs), label="item")
        day = data.draw(st.none() | dates(rs), label="meeting_date")
        total = data.draw(st.integers(1, 30), label="total")
        present = data.draw(st.integers(0, total), label="present")
        out += [
            (f"check_agenda({item!r}, {meeting!r}, {day!r})", lambda r: r.check_agenda(item, meeting, day), True),
            (f"meeting({meeting!r})", lambda r: r.meeting(meeting), False),
            (f"quorum_met({meeting!r}, {present}, {total})", lambda r: r.quorum_met(meeting, present, total), False),
        ]
    event = data.draw(st.sampled_from(sorted(set(model.EVENTS) | set(spec.events))), label="event")
    start = data.draw(dates(rs), label="start")
    role = data.draw(st.sampled_from(sorted(spec.roles)), label="role")
    out += [
        (f"deadline({event!r}, {start!r})", lambda r: r.deadline(event, start), True),
        (f"leave_approver({role!r})", lambda r: r.leave_approver(role), False),
        (f"quotas({role!r})", lambda r: r.quotas(role), False),
    ]
    if spec.meetings:
        out.append(
            (
                f"leave_approver({role!r}, 'meeting_absence', {meeting!r})",
                lambda r: r.leave_approver(role, "meeting_absence", meeting),
                False,
            )
        )
    return out


def _run(prop: Callable[[st.DataObject], None], data: st.DataObject | None, max_examples: int | None) -> None:
    _count(max_examples, "max_examples", minimum=1, optional=True)
    if data is not None:
        prop(data)
        return
    options: dict[str, Any] = {
        "deadline": None,
        "database": None,
        "suppress_health_check": [
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.nested_given,
            HealthCheck.data_too_large,
        ],
    }
    if max_examples is not None:
        options["max_examples"] = max_examples

    @settings(**options)
    @given(st.data())
    def run(d: st.DataObject) -> None:
        prop(d)

    run()


# --------------------------------------------------------------------------------------
# Property checks
# --------------------------------------------------------------------------------------


def assert_total(ruleset: RulesetArg, *, max_examples: int | None = None, data: st.DataObject | None = None) -> None:
    """Every question gets an answer or an explicit NoApplicableRule (CalendarError for dates past the calendar)."""
    rs = _ruleset(ruleset)

    def prop(d: st.DataObject) -> None:
        for text, ask, calendar_ok in _questions(rs, d):
            try:
                _answer(ask, rs, calendar_ok=calendar_ok)
            except Exception as exc:
                raise AssertionError(
                    f"{rs.id}: {text} raised {type(exc).__name__}: {exc}; a total ruleset answers "
                    "or raises NoApplicableRule"
                ) from exc

    _run(prop, data, max_examples)


def assert_deterministic(
    ruleset: RulesetArg, *, max_examples: int | None = None, data: st.DataObject | None = None
) -> None:
    """The same question gets the same answer twice, and from a freshly compiled copy of the ruleset."""
    rs = _ruleset(ruleset)
    fresh = rs.with_calendar(rs.calendar)  # a freshly compiled copy, composition and all

    def prop(d: st.DataObject) -> None:
        for text, ask, calendar_ok in _questions(rs, d):
            answers = [_outcome(ask, r, calendar_ok) for r in (rs, rs, fresh)]
            if not answers[0] == answers[1] == answers[2]:
                raise AssertionError(f"{rs.id}: {text} answered differently: {answers}")

    _run(prop, data, max_examples)


def _outcome(ask: Callable[[Ruleset], Any], rs: Ruleset, calendar_ok: bool) -> Any:
    try:
        return _answer(ask, rs, calendar_ok=calendar_ok)
    except GovruleError as exc:
        return ("error", type(exc).__name__, str(exc))


def _roles_in(answer: Any) -> set[str]:
    if not isinstance(answer, Mapping):
        return set()
    out: set[str] = set()
    for key in (
        "signers",
        "cosigners",
        "roles",
        "notify",
        "members",
        "convener",
        "chair",
        "entrusted_chair",
        "observers",
        "minutes_signers",
    ):
        value = answer.get(key)
        if isinstance(value, list | tuple):
            out.update(v for v in value if isinstance(v, str))
    if isinstance(answer.get("via"), str):
        out.add(answer["via"])
    for step in answer.get("steps") or ():
        if isinstance(step, Mapping):
            out.update(step.get("roles") or ())
    return out


def assert_roles_defined(
    ruleset: RulesetArg, *, max_examples: int | None = None, data: st.DataObject | None = None
) -> None:
    """Every role named in an answer is a role the ruleset defines."""
    rs = _ruleset(ruleset)
    defined = set(rs.spec.roles)

    def prop(d: st.DataObject) -> None:
        for text, ask, calendar_ok in _questions(rs, d):
            undefined = _roles_in(_outcome(ask, rs, calendar_ok)) - defined
            if undefined:
                raise AssertionError(
                    f"{rs.id}: {text} names undefined roles {sorted(undefined)}; defined: {sorted(defined)}"
                )

    _run(prop, data, max_examples)


def dump(ruleset: RulesetArg) -> str:
    """A ruleset as YAML text, from its model (``model_dump(mode="json", by_alias=True, exclude_none=True)``)."""
    rs = _ruleset(ruleset)
    return _dump(rs.spec.model_dump(mode="json", by_alias=True, exclude_none=True))


def assert_round_trip(
    ruleset: RulesetArg, *, max_examples: int | None = None, data: st.DataObject | None = None
) -> None:
    """The ruleset dumped to YAML and loaded again dumps the same and answers the same."""
    rs = _ruleset(ruleset)
    text = dump(rs)
    try:
        again = loader.parse_text(text, f"<{rs.id} dumped>")
    except GovruleError as exc:
        raise AssertionError(f"{rs.id}: the dumped ruleset does not load again: {exc}") from exc

    def plain(spec: model.RulesetFile) -> Any:
        return spec.model_dump(mode="json", by_alias=True, exclude_none=True)

    if plain(again.spec) != plain(rs.spec):
        raise AssertionError(f"{rs.id}: the dumped ruleset loads as a different model")
    copy = Ruleset(again.spec, calendar=rs.calendar, parts=rs._parts)

    def prop(d: st.DataObject) -> None:
        for text, ask, calendar_ok in _questions(rs, d):
            before = _outcome(ask, rs, calendar_ok)
            after = _outcome(ask, copy, calendar_ok)
            if before != after:
                raise AssertionError(
                    f"{rs.id}: after a round trip through YAML, {text} answers {after!r} instead of {before!r}"
                )

    _run(prop, data, max_examples)


def _signing(rs: Ruleset, doc: Document) -> tuple[str | None, Any]:
    try:
        d = rs.who_must_sign(doc)
    except NoApplicableRule as exc:
        rule = getattr(exc, "rule", None)
        return (rule.id if rule is not None else None), ("error", type(exc).__name__)
    return d.rule.id, (d.signers, d.cosigners, d.steps)


def assert_composition(
    base: RulesetArg,
    supplement: RulesetArg,
    *,
    max_examples: int | None = None,
    data: st.DataObject | None = None,
) -> None:
    """Composing changes exactly the answers the supplement overrides or gives itself.

    For every document: where the composed answer comes from a rule of the base, it is
    the base's own answer; where the base answered by a rule the supplement overrides,
    the composed answer comes from the supplement.
    """
    b, s = _ruleset(base, "base"), _ruleset(supplement, "supplement")
    both = registry.compose(b, s)
    own = {rule.id for _, rule in loader._rules(s.spec)} | {m.id for m in s.spec.meetings.values()}
    overridden = {t for _, rule in loader._rules(s.spec) for t in getattr(rule, "overrides", ())}

    def prop(d: st.DataObject) -> None:
        # The base's words too: the answers at stake are those of the rules overridden.
        doc = d.draw(documents(b) | documents(both), label="document")
        try:
            base_rule, base_answer = _signing(b, doc)
        except UnknownTerm:
            return  # a meeting only the supplement defines: the base cannot be asked
        rule, answer = _signing(both, doc)
        if rule in own:
            return
        if base_rule in overridden:
            raise AssertionError(
                f"{s.id} over {b.id}: who_must_sign({doc!r}) was decided by {base_rule}, which "
                f"the supplement overrides, but the composition answers by {rule or 'no rule'}"
            )
        if (rule, answer) != (base_rule, base_answer):
            raise AssertionError(
                f"{s.id} over {b.id}: who_must_sign({doc!r}) changed from {base_rule} "
                f"{base_answer!r} to {rule} {answer!r}, though no supplement rule decides it"
            )

    _run(prop, data, max_examples)


def check_properties(
    ruleset: RulesetArg,
    *,
    base: RulesetArg | None = None,
    max_examples: int | None = None,
    data: st.DataObject | None = None,
) -> None:
    """Run every property check on a ruleset (with ``base``: on the supplement composed over it)."""
    rs = _ruleset(ruleset)
    if base is not None:
        assert_composition(base, rs, max_examples=max_examples, data=data)
        rs = registry.compose(_ruleset(base, "base"), rs)
    assert_total(rs, max_examples=max_examples, data=data)
    assert_deterministic(rs, max_examples=max_examples, data=data)
    assert_roles_defined(rs, max_examples=max_examples, data=data)
    if base is None:
        # A composition is not a file: its rules still carry the supplement's `overrides`.
        assert_round_trip(rs, max_examples=max_examples, data=data)
