"""Frozen pydantic models of the ruleset file format: shape only, no behaviour.

A ruleset file is one YAML document that encodes one rules document (政府工作规则).
Every encoded provision is a *rule*: it has a stable ``id``, a ``cite`` (article and
item as the source numbers them), the clause's ``text`` copied from the source, and a
``note`` where the reading needed a repair of the captured text.

The models are strict (``extra="forbid"``) and immutable (frozen, tuples, read-only
mappings), so an unknown key is an error and a loaded ruleset cannot be changed.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import vocabulary
from ._dates import iso_date
from .literals import LeaveOccasion

__all__ = [
    "ACTIONS",
    "AGENDA_FIELDS",
    "AGENDA_KINDS",
    "DIRECTIONS",
    "DOCUMENT_FIELDS",
    "DOCUMENT_KINDS",
    "EVENTS",
    "ISSUERS",
    "LEVELS",
    "MEETINGS",
    "MEETING_REQUEST_FIELDS",
    "MEETING_SCOPES",
    "PROCEDURES",
    "PURPOSES",
    "RECIPIENTS",
    "ROLES",
    "UNITS",
    "AbsencePath",
    "ActingHeadRule",
    "AgendaRule",
    "Alternative",
    "Citation",
    "CompetenceRule",
    "Condition",
    "CoverageEntry",
    "DeadlineRule",
    "DecisionTable",
    "DelegationRule",
    "DocumentRef",
    "Frequency",
    "LeaveRule",
    "Meeting",
    "Meta",
    "MinutesRule",
    "Period",
    "Precedence",
    "QuorumRule",
    "QuotaRule",
    "Role",
    "RulesetFile",
    "SigningRule",
    "Step",
    "SubstitutionRule",
]

# --------------------------------------------------------------------------------------
# The canonical vocabulary (contract section 3, widened by format 2), derived from
# govrule.vocabulary, the one source of truth. Rulesets may define more roles and
# meetings; the Document, AgendaItem and MeetingRequest vocabularies are closed.
# --------------------------------------------------------------------------------------


def _label(terms: tuple[str, ...]) -> str:
    return "/".join(terms[:2])


ROLES: Mapping[str, str] = types.MappingProxyType({k: _label(w.terms) for k, w in vocabulary.ROLES.items()})
RELATIONAL_ROLES = vocabulary.RELATIONAL_ROLES
MEETINGS: Mapping[str, str] = types.MappingProxyType({k: _label(w.terms) for k, w in vocabulary.MEETINGS.items()})
ISSUERS = tuple(vocabulary.ISSUERS)
DOCUMENT_KINDS = tuple(vocabulary.DOCUMENT_KINDS)
RECIPIENTS = tuple(vocabulary.RECIPIENTS)
DIRECTIONS = tuple(vocabulary.DIRECTIONS)
LEVELS = tuple(vocabulary.LEVELS)
AGENDA_KINDS = tuple(vocabulary.VOCABULARIES["agenda_kind"])
PROCEDURES = tuple(vocabulary.PROCEDURES)
EVENTS = tuple(vocabulary.EVENTS)
UNITS = tuple(vocabulary.UNITS)
ACTIONS = tuple(vocabulary.ACTIONS)
PURPOSES = tuple(vocabulary.PURPOSES)
MEETING_SCOPES = tuple(vocabulary.MEETING_SCOPES)

# The query fields conditions read (defined with the rest of the words in govrule.vocabulary).
DOCUMENT_FIELDS = vocabulary.DOCUMENT_FIELD_KINDS
MEETING_REQUEST_FIELDS = vocabulary.MEETING_REQUEST_FIELD_KINDS
AGENDA_FIELDS = vocabulary.AGENDA_FIELD_KINDS

# --------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
_RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
Ident = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=64)]
RuleId = Annotated[str, StringConstraints(pattern=_RULE_ID_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1)]
Roles = tuple[Ident, ...]

K = TypeVar("K")
V = TypeVar("V")

#: Marks a field as a format 2 construct (in its JSON Schema too): a format 1 file that sets it is refused
#: with "… is a format 2 construct: write `format: 2`". A field whose new *values* are format 2 lists them
#: under ``x-format2-values`` instead.
FORMAT2: dict[str, Any] = {"x-format": 2}
_RANGE = re.compile(r"^(\d+)\s*(?:-|~|～|－|—|–|至|到)\s*(\d+)$")


def _freeze(value: dict[Any, Any]) -> Mapping[Any, Any]:
    return types.MappingProxyType(value)


def _thaw(value: Mapping[Any, Any]) -> dict[Any, Any]:
    return dict(value)


#: A mapping that is read-only once validated (a ``types.MappingProxyType``).
FrozenDict = Annotated[
    dict[K, V],
    AfterValidator(_freeze),
    PlainSerializer(_thaw),
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Citation(_Strict):
    """A further article a rule rests on, with its clause."""

    cite: Text = Field(description="Article and item as the source numbers them.")
    text: Text = Field(description="The clause, copied from the source.")
    note: str | None = None


class Provision(_Strict):
    """What every encoded rule carries: a stable id, its citation and the source clause."""

    id: RuleId
    cite: Text = Field(
        description="Article and item as the source numbers them, e.g. 五十六（一） or 第五十条第（一）项."
    )
    text: Text = Field(description="The clause this rule encodes, copied from the source in its own script.")
    note: str | None = Field(
        default=None,
        description="Why this reading: repairs of the captured text (quoting it), or why a general clause applies.",
    )
    overrides: tuple[RuleId, ...] = Field(
        default=(),
        description="In a supplement: ids of the base's rules this rule replaces.",
    )
    also_cite: tuple[Citation, ...] = Field(
        default=(),
        description="Format 2. Further articles the rule rests on (a rule that cites two articles); `cite` stays "
        "the primary one.",
        json_schema_extra=FORMAT2,
    )


# --------------------------------------------------------------------------------------
# Conditions: data, never code
# --------------------------------------------------------------------------------------


def _iso_day(value: Any) -> Any:
    """An ISO ``YYYY-MM-DD`` string as a date (JSON, and YAML written from JSON, can only quote dates).

    Only that exact form: a number, ``20240115`` or a date-time is left as it is, for strict
    validation to refuse rather than read as a Unix time or a truncated day.
    """
    day = iso_date(value)
    return value if day is None else day


#: A calendar date, given as a YAML date or an ISO ``YYYY-MM-DD`` string.
Day = Annotated[dt.date, BeforeValidator(_iso_day)]

Scalar = bool | int | str | dt.date


class Comparison(_Strict):
    """Comparison operators on one field; several given together must all hold."""

    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[Scalar, ...] | None = None
    gt: int | dt.date | None = None
    gte: int | dt.date | None = None
    lt: int | dt.date | None = None
    lte: int | dt.date | None = None
    contains: str | None = None
    contains_all: tuple[str, ...] | None = None
    contains_any: tuple[str, ...] | None = None
    known: bool | None = Field(default=None, description="true: the fact is supplied; false: it is left unknown.")
    on_or_before_deadline: Ident | None = Field(
        default=None,
        description="A date field compared with a deadline event counted from the meeting date (lead times).",
    )

    @model_validator(mode="after")
    def _one_at_least(self) -> Comparison:
        if not self.model_fields_set:
            raise ValueError("比较须至少写一个运算符")
        return self


FieldTest = Scalar | tuple[Scalar, ...] | Comparison

#: A condition: a mapping of field -> value (equality), list (membership) or comparison,
#: all of which must hold, plus the connectives ``all``, ``any`` and ``not``.
Condition = Annotated[
    dict[str, Any],
    # The full recursive schema is put in place by govrule.schema (pydantic cannot express it).
    WithJsonSchema({"type": "object", "x-govrule": "condition"}),
    BeforeValidator(lambda v: _shallow_enough(v)),
    AfterValidator(lambda v: _freeze_condition(v)),
    PlainSerializer(lambda v: _thaw_condition(v)),
]


def _thaw_condition(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw_condition(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw_condition(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


#: How deep a condition may nest (all/any/not and lists), the same bound YAML files have.
MAX_CONDITION_DEPTH = 64


def _shallow_enough(value: Any) -> Any:
    """Refuse a condition nested deeper than MAX_CONDITION_DEPTH, walking it without recursion.

    Files are refused at this depth by the YAML loader; a spec built in memory takes this path, and
    without it a deep ``not`` chain fails later with a serialisation or recursion error.
    """
    stack = [(value, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_CONDITION_DEPTH:
            raise ValueError(f"条件嵌套超过 {MAX_CONDITION_DEPTH} 层")
        if seen > 200_000:
            raise ValueError("条件超过 200,000 个部分")
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((v, depth + 1) for v in node)
    return value


def _freeze_condition(value: Any) -> Any:
    if isinstance(value, dict):
        return types.MappingProxyType({k: _freeze_condition(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze_condition(v) for v in value)
    return value


# --------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------


class DocumentRef(_Strict):
    """Another document this one supersedes or supplements."""

    number: str | None = Field(default=None, description="文号, e.g. 日政发〔2012〕8号.")
    title: str | None = None
    date: Day | None = Field(default=None, description="The date the text gives for it, if any.")
    cite: str | None = Field(default=None, description="Where the text says so.")
    text: str | None = None
    note: str | None = None


class Precedence(_Strict):
    """A supplement's statement that it prevails where its base disagrees with it."""

    id: RuleId
    cite: Text
    text: Text
    prevails: Literal["supplement", "base"] = "supplement"
    note: str | None = None


class Meta(_Strict):
    """What the document is and where it comes from; None wherever the text does not say."""

    title: Text
    number: str | None = Field(default=None, description="文号")
    issuer: str | None = Field(default=None, description="发文机关")
    jurisdiction: Text = Field(description="e.g. 鄂州市, 乌海市海南区")
    level: Literal["province", "municipality", "city", "prefecture", "district", "county", "banner", "township"] = (
        Field(
            description="The government's level; prefecture (地区/自治州/盟), banner (旗) and township are format 2.",
            json_schema_extra={"x-format2-values": ["prefecture", "banner", "township"]},
        )
    )
    script: Literal["simplified", "traditional"] = "simplified"
    adopted: Day | None = Field(default=None, description="Adopted by a meeting (审议通过).")
    signed: Day | None = Field(default=None, description="成文日期 / the date under the signature.")
    published: Day | None = Field(default=None, description="发布日期 / issued.")
    effective: Day | None = Field(default=None, description="In force from (施行/执行之日).")
    abolished: Day | None = None
    status: Literal["in_force", "abolished", "unknown"] = "unknown"
    supersedes: tuple[DocumentRef, ...] = ()
    supplements: DocumentRef | None = None
    precedence: Precedence | None = None
    source: Text = Field(description="The captured source file this ruleset encodes.")
    notes: tuple[str, ...] = ()


class Role(_Strict):
    """A role (or body) with its local Chinese label."""

    label: Text
    aliases: tuple[str, ...] = Field(default=(), description="Other names, Traditional-script forms included.")
    kind: Literal["person", "relational", "body"] = "person"
    note: str | None = None
    is_a: Roles = Field(
        default=(),
        description="Format 2. Broader roles this one is a case of (常务副市长 is_a deputy_head): a rule, condition, "
        "leave rule or quorum subset written for a broader role applies to it, unless a rule names it.",
        json_schema_extra=FORMAT2,
    )


# --------------------------------------------------------------------------------------
# Meetings
# --------------------------------------------------------------------------------------


class Frequency(_Strict):
    """How often a meeting is held; ``as_needed`` when the text says 根据需要/不定期."""

    id: RuleId
    cite: Text
    text: Text
    note: str | None = None
    every: int | None = Field(default=None, ge=1)
    unit: Literal["weeks", "months", "quarters", "years"] | None = None
    times: int = Field(default=1, ge=1)
    times_max: int | None = Field(
        default=None,
        ge=1,
        description="Format 2. The most times in the period, for a range (每月召开1至2次: times: 1, times_max: 2).",
        json_schema_extra=FORMAT2,
    )
    as_needed: bool = False
    typically: bool = Field(default=False, description="The text says 一般/原则上 (as a rule).")

    @field_validator("times", "times_max", mode="before")
    @classmethod
    def _range_hint(cls, value: Any) -> Any:
        if isinstance(value, str):
            found = _RANGE.match(value.strip())
            if found:
                low, high = found.group(1), found.group(2)
                raise ValueError(
                    f"{value!r} 是一个范围：请写 `times: {low}` 和 `times_max: {high}`（格式 2），不写 `times: {value}`"
                )
        return value

    @model_validator(mode="after")
    def _shape(self) -> Frequency:
        if self.as_needed == (self.every is not None):
            raise ValueError("须写 every 与 unit，或写 as_needed: true")
        if (self.every is None) != (self.unit is None):
            raise ValueError("every 与 unit 须一起写")
        if self.times_max is not None and self.times_max < self.times:
            raise ValueError(f"times_max（{self.times_max}）小于 times（{self.times}）")
        return self


class QuorumRule(_Strict):
    """The share of members that must be present: ``more_than`` or ``at_least`` a fraction."""

    id: RuleId
    cite: Text
    text: Text
    note: str | None = None
    more_than: Annotated[str, StringConstraints(pattern=r"^\d+/\d+$")] | None = Field(
        default=None,
        description="超过/过半数: strictly more than this share (民法典 第一千二百五十九条: 超过 excludes).",
    )
    at_least: Annotated[str, StringConstraints(pattern=r"^\d+/\d+$")] | None = Field(
        default=None, description="以上 (半数以上 = 1/2): this share or more (以上 includes the number)."
    )
    of: Roles = Field(
        default=(),
        description="Format 2. Count only these roles (and roles that `is_a` them) among those present and in "
        "office, e.g. [deputy_head] for 半数以上的副市长; empty: all members.",
        json_schema_extra=FORMAT2,
    )

    @model_validator(mode="after")
    def _one(self) -> QuorumRule:
        if (self.more_than is None) == (self.at_least is None):
            raise ValueError("more_than 与 at_least 须写且只写一个（写分数，如 '1/2'）")
        share = self.more_than or self.at_least or ""
        top, _, bottom = share.partition("/")
        if len(top) > 6 or len(bottom) > 6 or int(bottom) == 0 or int(top) > int(bottom):
            raise ValueError(f"法定人数 {share!r} 不是组成人员中的比例：请写 0/1 至 1/1 之间的分数")
        return self


class Period(_Strict):
    """An amount of time."""

    amount: int = Field(ge=0)
    unit: Literal["working_days", "calendar_days", "months", "years"]


class MinutesRule(_Strict):
    """Whether a meeting's minutes are formed and who signs them (escalations live in the signing tables)."""

    id: RuleId
    cite: Text
    text: Text
    note: str | None = None
    signers: Roles | None = Field(default=None, description="The ordinary signer(s); None where the text names none.")
    formed: Literal["always", "as_needed", "chair_decides"] | None = Field(
        default=None, description="形成纪要 (always), 视情形成 (as_needed), 根据主持人意见 (chair_decides)."
    )
    within: Period | None = Field(default=None, description="Issued within this period after the meeting.")

    @model_validator(mode="after")
    def _something(self) -> MinutesRule:
        if self.signers is None and self.formed is None:
            raise ValueError("须写纪要的签发人（signers），或是否形成纪要（formed:）")
        return self


class Meeting(_Strict):
    """A meeting type: who sits, who convenes and chairs, who may on entrustment, who attends."""

    id: RuleId = Field(description="Rule id of the article that constitutes the meeting.")
    cite: Text
    text: Text
    note: str | None = None
    overrides: tuple[RuleId, ...] = ()
    label: Text
    aliases: tuple[str, ...] = ()
    members: Roles | None = Field(default=None, description="组成人员; None where the text does not say.")
    convener: Roles | None = None
    chair: Roles | None = None
    entrusted_chair: Roles = Field(default=(), description="Who may convene and chair it on entrustment (受委托).")
    entrusted_convener: Roles = Field(default=(), description="Who may convene it (only) on entrustment (委托…召集).")
    observers: Roles = Field(default=(), description="列席: who attends without being a member.")
    observers_as_needed: Roles = Field(default=(), description="Who attends 根据需要/视情 (not always).")
    participants: Roles = Field(default=(), description="Who takes part without being a member or 列席 (参加会议).")
    frequency: Frequency | None = None
    quorum: QuorumRule | None = None
    minutes: MinutesRule | None = None


# --------------------------------------------------------------------------------------
# Signing: decision tables
# --------------------------------------------------------------------------------------


class Step(_Strict):
    """One step of a procedure: an action by one of (``any``) or all of (``all``) some roles."""

    action: Literal["review", "cosign", "approve", "sign", "report", "file"]
    roles: Roles = Field(min_length=1)
    mode: Literal["any", "all"] | None = Field(
        default=None,
        description="any: one of the roles acts; all: each does. Default: any for sign/approve, all otherwise.",
    )
    authorized_by: Ident | None = Field(
        default=None, description="The roles other than this one act only on its authorization (市长授权副市长签发)."
    )
    discretionary: bool = Field(
        default=False,
        description="Format 2. An escalation at the signer's discretion (必要时…报市长签发; 认为重要的，报市长签发): "
        "listed in the answer's steps and escalation, never among its signers.",
        json_schema_extra=FORMAT2,
    )
    note: str | None = None

    @property
    def quantifier(self) -> str:
        """The step's mode, with the default for its action filled in."""
        if self.mode is not None:
            return self.mode
        return "any" if self.action in ("sign", "approve") else "all"


class Alternative(_Strict):
    """Another procedure a rule allows under a named condition (时间紧急等特殊情况下…可直接送市长签发)."""

    name: Ident = Field(description="The path's name, asked for with who_must_sign(doc, path=NAME), e.g. urgent.")
    label: Text = Field(description="The condition in Chinese, e.g. 时间紧急等特殊情况.")
    cite: Text | None = Field(default=None, description="Where the text says so; default: the rule's own cite.")
    text: Text | None = Field(default=None, description="The clause; default: the rule's own text.")
    note: str | None = None
    steps: tuple[Step, ...] = Field(min_length=1)


class AbsencePath(_Strict):
    """Who acts when some of a rule's signers are away (州长外出时由常务副州长或分管副州长签发)."""

    roles: Roles = Field(min_length=1, description="The absent roles this path is for (any of them away).")
    steps: tuple[Step, ...] = Field(min_length=1, description="The procedure while they are away.")
    cite: Text | None = Field(default=None, description="Where the text says so; default: the rule's own cite.")
    text: Text | None = Field(default=None, description="The clause; default: the rule's own text.")
    note: str | None = None


class SigningRule(Provision):
    """A row of a signing (or approval) table: when the document looks like this, follow these steps.

    Exactly one of ``steps``, ``forbidden: true`` or ``see`` gives the outcome.
    """

    when: Condition = Field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    priority: int | None = Field(default=None, description="For a `priority` table: higher wins.")
    forbidden: bool = Field(
        default=False,
        description="Format 2. The text forbids such a document or route (不得越级行文): the answer is `forbidden`, "
        "citing this rule, with no signers; give no steps.",
        json_schema_extra=FORMAT2,
    )
    see: RuleId | None = Field(
        default=None,
        description="Format 2. 按…程序办理: the steps are those of the rule with this id (in a table of any "
        "purpose); the answer cites both rules.",
        json_schema_extra=FORMAT2,
    )
    alternatives: tuple[Alternative, ...] = Field(
        default=(),
        description="Format 2. Other procedures under a named condition (urgent: 时间紧急等特殊情况).",
        json_schema_extra=FORMAT2,
    )
    absent: tuple[AbsencePath, ...] = Field(
        default=(),
        description="Format 2. Who acts when some of the signers are away (州长外出时由常务副州长签发).",
        json_schema_extra=FORMAT2,
    )

    @model_validator(mode="after")
    def _outcome(self) -> SigningRule:
        outcomes = (("steps", bool(self.steps)), ("forbidden: true", self.forbidden), ("see", self.see is not None))
        given = [name for name, on in outcomes if on]
        if len(given) != 1:
            raise ValueError(
                "须写且只写一种结果：`steps`、`forbidden: true` 或 `see: <规则 id>`"
                + (f"（现在写了 {' 和 '.join(given)}）" if given else "")
            )
        if self.forbidden and (self.alternatives or self.absent):
            raise ValueError("禁止性规则（forbidden: true）不写 alternatives 或 absent")
        names = [a.name for a in self.alternatives]
        if len(set(names)) != len(names):
            raise ValueError("同一规则中 alternatives 的 name 不能重复")
        return self


class DecisionTable(_Strict):
    """A signing decision table with a declared DMN hit policy."""

    id: RuleId
    label: str | None = None
    purpose: Literal["sign", "approve", "meeting"] = Field(
        default="sign",
        description="sign: outgoing documents (who_must_sign); approve, format 2: documents sent to the government "
        "by departments and lower bodies (审批/呈批/核报, who_must_approve); meeting, format 2: requests to convene "
        "a meeting (who_must_approve_meeting). A query consults only the tables of its purpose.",
        json_schema_extra={"x-format2-values": ["approve", "meeting"]},
    )
    hit_policy: Literal["first", "unique", "priority"]
    complete: bool = Field(
        default=False,
        description="true: every input of the declared domain must match a rule (a gap is an error).",
    )
    domain: FrozenDict[str, tuple[Scalar, ...]] = Field(
        default_factory=dict,
        description="Declared input domain per field (defaults to the vocabulary) for gap and overlap checks.",
    )
    rules: tuple[SigningRule, ...] = Field(min_length=1)


# --------------------------------------------------------------------------------------
# Agenda, deadlines, acting head, leave
# --------------------------------------------------------------------------------------


class AgendaRule(Provision):
    """A precondition for putting an item on a meeting's agenda, or a requirement to honour."""

    meetings: tuple[Ident, ...] = Field(min_length=1)
    when: Condition = Field(default_factory=dict, description="When the rule applies to an item.")
    require: Condition | None = Field(default=None, description="What must hold; None for a pure requirement.")
    severity: Literal["failure", "requirement"] = "failure"
    message: Text = Field(description="What is missing or must be honoured, in Chinese.")

    @model_validator(mode="after")
    def _shape(self) -> AgendaRule:
        if self.severity == "failure" and self.require is None:
            raise ValueError("severity: failure 的规则须写 `require`（须满足的条件）")
        return self


class DeadlineRule(Provision):
    """A time limit: ``amount`` ``unit`` after (or, with ``back``, before) the event's start."""

    event: Ident
    amount: int = Field(ge=0)
    unit: Literal["working_days", "calendar_days", "months", "years"]
    back: bool = Field(default=False, description="Counted back from the event (会前N个工作日, 提前N天).")
    bound: Literal["within", "at_most", "at_least"] = Field(
        default="within", description="within: due by; at_most: a maximum validity; at_least: a minimum notice."
    )
    hard_max: Period | None = Field(default=None, description="A limit that extensions may not pass.")
    silence_means_consent: bool = Field(default=False, description="逾期不回复视为无不同意见.")
    typically: bool = Field(default=False, description="The text says 一般/原则上.")
    anchor: Literal["period_end"] | None = Field(
        default=None,
        description="period_end: due on the last day of the month (unit months) or year (unit years) that holds "
        "the start, for 每月底 / 每年年底前; amount must then be 1.",
    )
    rest_day: Literal["keep", "next_workday"] = Field(
        default="keep",
        description="Format 2. A calendar-day, month or year period that ends on a rest day (weekend or holiday): "
        "keep that day (the default; the answer says it is a rest day) or move to the next working day, "
        "where the text says so (期限届满的最后一日是法定休假日的，以法定休假日结束的次日为期限的最后一日).",
        json_schema_extra=FORMAT2,
    )

    @model_validator(mode="after")
    def _anchor_shape(self) -> DeadlineRule:
        if self.anchor is not None and (self.unit not in ("months", "years") or self.amount != 1 or self.back):
            raise ValueError("anchor: period_end 须写 amount: 1、unit 为 months 或 years，且向后计算（不写 back）")
        if self.rest_day == "next_workday" and (self.back or self.unit == "working_days"):
            raise ValueError(
                "rest_day: next_workday 只用于按日历日、月或年向后计算的期限；向前倒推的期限或按工作日计算的期限不写它"
            )
        return self


class ActingHeadRule(Provision):
    """Who presides when the head is away, in order of preference."""

    roles: Roles = Field(min_length=1)
    entrusted: bool = Field(default=False, description="Only on the head's entrustment (受市长委托).")
    designated: bool = Field(default=False, description="The head may designate another (指定).")


class SubstitutionRule(Provision):
    """Who stands in for a role when it is away: AB roles (AB角), fill-in (补位), proxies."""

    kind: Literal["ab_role", "fill_in", "proxy"]
    role: Ident
    substitutes: Roles = Field(min_length=1)
    mutual: bool = Field(default=False, description="Declared mutual (互为AB角): not a cycle.")
    applies_to: tuple[Text, ...] = Field(
        default=(),
        description="Format 2. Signing rule ids or article cites (五十六, 第三十二条) this substitution is limited "
        "to; empty: general.",
        json_schema_extra=FORMAT2,
    )


class DelegationRule(Provision):
    """A leader may entrust (委托) another with a task or a meeting."""

    role: Ident = Field(description="Who entrusts.")
    delegates: Roles = Field(min_length=1)
    scope: Text = Field(description="What may be entrusted, in Chinese.")


class LeaveRule(Provision):
    """Whom a role (or each of several roles) asks for leave or reports an absence to, and whom it informs."""

    role: Ident | None = Field(default=None, description="The role this rule is for; or give `roles`.")
    roles: Roles = Field(
        default=(),
        description="Format 2. Several roles the same rule is for (instead of `role`).",
        json_schema_extra=FORMAT2,
    )
    occasion: LeaveOccasion = "absence"
    approvers: Roles = Field(min_length=1, description="Asked for leave / reported to (请假/报告).")
    approvers_mode: Literal["any", "all"] | None = Field(
        default=None,
        description="Format 2. any: asking one of the approvers suffices (向分管副县长或会议主持人请假); "
        "all: each must be asked. Unset: the text does not say.",
        json_schema_extra=FORMAT2,
    )
    meetings: tuple[Ident, ...] = Field(
        default=(),
        description="Format 2. For occasion meeting_absence: the meetings this rule covers (empty: any meeting).",
        json_schema_extra=FORMAT2,
    )
    notify: Roles = Field(default=(), description="Informed for the record (报备).")
    via: Ident | None = Field(default=None, description="Reported through (e.g. the office).")
    advance: Period | None = Field(default=None, description="How long before (提前N天).")

    @model_validator(mode="after")
    def _who(self) -> LeaveRule:
        if (self.role is None) == (not self.roles):
            raise ValueError("`role`（一个角色）与 `roles`（角色列表）只写一个")
        return self

    @property
    def for_roles(self) -> tuple[str, ...]:
        """The roles this rule is for."""
        return (self.role,) if self.role is not None else self.roles


class QuotaRule(Provision):
    """A quota: at least or at most an amount per period (每年调研不少于50天)."""

    roles: Roles = Field(min_length=1)
    subject: Text = Field(description="What is counted, in Chinese.")
    bound: Literal["at_least", "at_most", "more_than", "less_than"] = Field(
        description="at_least: 不少于/以上; at_most: 不超过/以内/以下 (both include the amount); "
        "more_than: 超过; less_than: 不满/少于 (both exclude it), after 民法典 第一千二百五十九条."
    )
    amount: int = Field(ge=0)
    unit: Literal["days", "times", "items", "working_days", "calendar_days"]
    per: Literal["week", "month", "quarter", "year"]


class CoverageEntry(_Strict):
    """One article of the source: encoded (with its rule ids), a statement of principle, or not (yet) encoded."""

    article: Text = Field(description="As the text numbers it: 第五十条 or 五十六.")
    status: Literal["encoded", "principle", "not_encoded"] = Field(
        description="encoded: its rules are listed; principle: nothing operative to encode; not_encoded (format 2): "
        "an operative clause the format cannot hold yet, with its `reason`.",
        json_schema_extra={"x-format2-values": ["not_encoded"]},
    )
    rules: tuple[RuleId, ...] = ()
    reason: str | None = Field(
        default=None,
        description="Format 2, required with status not_encoded: what the clause says that no construct can hold.",
        json_schema_extra=FORMAT2,
    )
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> CoverageEntry:
        if self.status == "encoded" and not self.rules:
            raise ValueError("status: encoded 的条须列出其规则 id（rules）")
        if self.status == "principle" and self.rules:
            raise ValueError("status: principle 的条不列规则")
        if self.status == "not_encoded" and not (self.reason and self.reason.strip()):
            raise ValueError("status: not_encoded 的条须写 `reason`（格式无法表达的内容）")
        if self.status != "not_encoded" and self.reason is not None:
            raise ValueError("`reason` 只用于 status: not_encoded；其他情况请写 `note`")
        return self


class CompetenceRule(Provision):
    """Format 2. Which meetings may decide a kind of matter (重大事项须经全体会议或常务会议讨论决定).

    An agenda item matching ``matters`` put to a meeting not listed in ``meetings`` is refused,
    citing this rule; a document matching ``documents`` is one whose content such a meeting decides,
    so `who_must_sign` checks its ``decided_by`` against ``meetings``.
    """

    matters: Condition = Field(description="A condition over AgendaItem fields: the matters this rule reserves.")
    documents: Condition | None = Field(
        default=None,
        description="A condition over Document fields: documents whose content must be decided by these meetings.",
    )
    meetings: tuple[Ident, ...] = Field(min_length=1, description="The meetings that may decide such matters.")


class RulesetFile(_Strict):
    """One rules document, encoded: the whole ruleset file."""

    schema_: str | None = Field(default=None, alias="$schema", description="Optional path of the JSON Schema.")
    format: Literal[1, 2] = Field(
        default=1,
        description="Version of the file format: 1 (the default) or 2; format 1 files load unchanged, and a "
        "format 2 construct needs `format: 2`.",
    )
    id: Ident
    kind: Literal["base", "supplement"]
    meta: Meta
    roles: FrozenDict[Ident, Role]
    meetings: FrozenDict[Ident, Meeting] = Field(default_factory=dict)
    signing: tuple[DecisionTable, ...] = ()
    agenda: tuple[AgendaRule, ...] = ()
    deadlines: tuple[DeadlineRule, ...] = ()
    acting_head: ActingHeadRule | None = None
    substitutions: tuple[SubstitutionRule, ...] = ()
    delegations: tuple[DelegationRule, ...] = ()
    leave: tuple[LeaveRule, ...] = ()
    quotas: tuple[QuotaRule, ...] = ()
    events: FrozenDict[Ident, Text] = Field(
        default_factory=dict,
        description="Deadline events this ruleset adds to the contract's vocabulary, with their Chinese label.",
    )
    competence: tuple[CompetenceRule, ...] = Field(
        default=(),
        description="Format 2. Which meetings may decide which matters (each meeting's 主要任务, 重大事项…讨论决定).",
        json_schema_extra=FORMAT2,
    )
    coverage: tuple[CoverageEntry, ...] = ()


# Keep the private pattern importable for the loader's hints.
ID_RE = re.compile(_ID_PATTERN)
