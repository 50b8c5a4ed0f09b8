"""The condition language: parsing, checking and compiling ``when`` and ``require`` data.

A condition is a mapping. Each key is either a field name, whose value is a scalar
(equality), a list (membership) or a mapping of comparison operators, or one of the
connectives ``all`` (a list of conditions), ``any`` (a list) and ``not`` (a condition).
The keys of one mapping must all hold. Nothing here is ever evaluated as Python: the
data is parsed into a small tree (``Test``, ``All``, ``AnyOf``, ``Not``) which is then
compiled into closures.

Evaluation is three-valued (Kleene): a test on a fact left unknown (``None``) is
unknown, and unknown propagates, so a rule never approves on a fact it does not have.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _hints, vocabulary
from . import problems_zh as zh
from ._dates import iso_date

if TYPE_CHECKING:
    from .model import RulesetFile

__all__ = [
    "TRUE",
    "All",
    "AnyOf",
    "Cond",
    "Not",
    "Test",
    "compile_condition",
    "fields_of",
    "parse_condition",
    "tests_of",
]

OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "contains_all",
    "contains_any",
    "known",
    "on_or_before_deadline",
)
_SCALAR_OPS = {"eq", "ne", "in", "not_in", "known"}
_ORDER_OPS = {"gt", "gte", "lt", "lte"}
_SET_OPS = {"contains", "contains_all", "contains_any", "known", "eq"}


@dataclasses.dataclass(frozen=True, slots=True)
class Test:
    """One operator applied to one field."""

    field: str
    op: str
    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class All:
    """Every part holds."""

    parts: tuple[Cond, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Cond, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    """The part does not hold."""

    part: Cond


Cond = Test | All | AnyOf | Not
TRUE: Cond = All(())


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """The words a condition may use, for one kind of input."""

    fields: Mapping[str, str]
    enums: Mapping[str, tuple[str, ...]]
    roles: frozenset[str]
    meetings: frozenset[str]
    events: frozenset[str]


def words_of(spec: RulesetFile, fields: Mapping[str, str]) -> Vocabulary:
    """The words conditions of this ruleset may use over the given input fields."""
    return Vocabulary(
        fields=fields,
        enums={name: tuple(entries) for name, entries in vocabulary.VOCABULARIES.items()},
        roles=frozenset(spec.roles),
        meetings=frozenset(spec.meetings),
        events=frozenset(vocabulary.EVENTS) | frozenset(spec.events),
    )


class ConditionError(Exception):
    """A problem in a condition, with the path inside it."""

    def __init__(self, path: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.hint = path, message, hint


def _suggest(word: object, choices: Sequence[str]) -> str | None:
    if not isinstance(word, str):
        return None
    return zh.suggest(_hints.close_matches(word, list(choices))) or None


def parse_condition(
    data: Any, vocab: Vocabulary, path: tuple[str | int, ...] = ()
) -> tuple[Cond, list[ConditionError]]:
    """Parse condition data into a tree, collecting every problem found."""
    problems: list[ConditionError] = []
    cond = _parse(data, vocab, path, problems)
    return cond, problems


def _parse(data: Any, vocab: Vocabulary, path: tuple[str | int, ...], out: list[ConditionError]) -> Cond:
    if data is None or data is True:
        return TRUE
    if not isinstance(data, Mapping):
        out.append(ConditionError(path, zh.say("condition_not_mapping", kind=zh.kind_of(data))))
        return TRUE
    parts: list[Cond] = []
    for key, value in data.items():
        here = (*path, key)
        if key == "all" or key == "any":
            if not isinstance(value, Sequence) or isinstance(value, str) or not value:
                out.append(ConditionError(here, zh.say("connective_list", key=key)))
                continue
            subs = tuple(_parse(v, vocab, (*here, i), out) for i, v in enumerate(value))
            parts.append(All(subs) if key == "all" else AnyOf(subs))
        elif key == "not":
            parts.append(Not(_parse(value, vocab, here, out)))
        elif key in vocab.fields:
            parts.extend(_parse_field(key, value, vocab, here, out))
        else:
            allowed = [*sorted(vocab.fields), "all", "any", "not"]
            out.append(
                ConditionError(
                    here,
                    zh.say("unknown_condition_field", field=key, allowed=allowed),
                    _suggest(key, allowed),
                )
            )
    if len(parts) == 1:
        return parts[0]
    return All(tuple(parts))


def _check_value(
    field: str, value: Any, vocab: Vocabulary, path: tuple[str | int, ...], out: list[ConditionError]
) -> None:
    kind = vocab.fields[field]
    if kind.startswith("enum:"):
        words = vocab.enums[kind[5:]]
        if value not in words:
            out.append(
                ConditionError(
                    path,
                    zh.say(
                        "not_in_words", field=zh.Raw(field), value=value, words=zh.Raw(kind[5:]), allowed=tuple(words)
                    ),
                    _suggest(value, words),
                )
            )
    elif kind == "bool":
        if not isinstance(value, bool):
            out.append(
                ConditionError(
                    path, zh.say("takes_kind", field=zh.Raw(field), expected=zh.expected("bool"), value=value)
                )
            )
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(
                ConditionError(
                    path, zh.say("takes_kind", field=zh.Raw(field), expected=zh.expected("int"), value=value)
                )
            )
    elif kind == "role":
        if not isinstance(value, str) or value not in vocab.roles:
            out.append(ConditionError(path, zh.say("undefined_role", role=value), _suggest(value, sorted(vocab.roles))))
    elif kind == "meeting":
        if not isinstance(value, str) or value not in vocab.meetings:
            out.append(
                ConditionError(
                    path,
                    zh.say("undefined_meeting", meeting=value, defined=sorted(vocab.meetings)),
                    _suggest(value, sorted(vocab.meetings)),
                )
            )
    elif kind == "set":
        if field == "procedures_done" and value not in tuple(vocabulary.PROCEDURES):
            out.append(
                ConditionError(
                    path,
                    zh.say("unknown_procedure", value=value, allowed=tuple(vocabulary.PROCEDURES)),
                    _suggest(value, tuple(vocabulary.PROCEDURES)),
                )
            )
        elif not isinstance(value, str):
            out.append(
                ConditionError(path, zh.say("takes_kind", field=zh.Raw(field), expected=zh.Raw("词语"), value=value))
            )
        elif not _encodable(value):
            out.append(ConditionError(path, zh.say("lone_surrogate", field=zh.Raw(field), value=value)))
    elif kind == "date":
        if type(value) is not dt.date:  # a datetime is not a date here: it cannot be compared with one
            out.append(
                ConditionError(
                    path, zh.say("takes_kind", field=zh.Raw(field), expected=zh.expected("date"), value=value)
                )
            )
    elif kind == "str":
        if not isinstance(value, str):
            out.append(
                ConditionError(
                    path, zh.say("takes_kind", field=zh.Raw(field), expected=zh.expected("str"), value=value)
                )
            )
        elif not _encodable(value):
            out.append(ConditionError(path, zh.say("lone_surrogate", field=zh.Raw(field), value=value)))


def _encodable(text: str) -> bool:
    # YAML escapes such as "\ud800" give strings no UTF-8 output can carry.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _words_of(items: Sequence[Any]) -> frozenset[Any] | None:
    """The items as a set, or None when one cannot be hashed (a mapping; reported by the caller)."""
    try:
        return frozenset(items)
    except TypeError:
        return None


def as_date(value: Any) -> Any:
    """An ISO date string as a date (JSON, and YAML dumped from JSON, can only write dates as text)."""
    if isinstance(value, str):
        day = iso_date(value)
        return value if day is None else day
    if isinstance(value, list | tuple):
        return [as_date(v) for v in value]
    return value


def _parse_field(
    field: str, value: Any, vocab: Vocabulary, path: tuple[str | int, ...], out: list[ConditionError]
) -> list[Cond]:
    kind = vocab.fields[field]
    if kind == "date":
        if isinstance(value, Mapping):
            value = {op: arg if op in ("known", "on_or_before_deadline") else as_date(arg) for op, arg in value.items()}
        else:
            value = as_date(value)
    if isinstance(value, Mapping):
        tests: list[Cond] = []
        for op, arg in value.items():
            here = (*path, op)
            if op not in OPERATORS:
                out.append(
                    ConditionError(
                        here, zh.say("unknown_operator", op=op, allowed=tuple(OPERATORS)), _suggest(op, OPERATORS)
                    )
                )
                continue
            if kind == "set" and op not in _SET_OPS:
                out.append(
                    ConditionError(
                        here,
                        zh.say("not_for_lists", op=op, field=zh.Raw(field)),
                    )
                )
                continue
            if kind != "set" and op in ("contains", "contains_all", "contains_any"):
                out.append(ConditionError(here, zh.say("lists_only", op=op, field=zh.Raw(field))))
                continue
            if op in _ORDER_OPS and kind not in ("int", "date"):
                out.append(
                    ConditionError(here, zh.say("orders_only", op=op, field=zh.Raw(field), kind=zh.expected(kind)))
                )
                continue
            if op == "on_or_before_deadline":
                if kind != "date":
                    out.append(ConditionError(here, zh.say("deadline_dates_only", field=zh.Raw(field))))
                elif not isinstance(arg, str) or arg not in vocab.events:
                    out.append(
                        ConditionError(
                            here, zh.say("undefined_deadline_event", event=arg), _suggest(arg, sorted(vocab.events))
                        )
                    )
                tests.append(Test(field, op, arg))
                continue
            if op == "known":
                if not isinstance(arg, bool):
                    out.append(ConditionError(here, zh.say("known_bool")))
                tests.append(Test(field, op, arg))
                continue
            if op in ("in", "not_in", "contains_all", "contains_any"):
                if not isinstance(arg, Sequence) or isinstance(arg, str):
                    out.append(ConditionError(here, zh.say("takes_list", op=op)))
                    continue
                for i, item in enumerate(arg):
                    _check_value(field, item, vocab, (*here, i), out)
                words = _words_of(arg)
                if words is not None:
                    tests.append(Test(field, op, words))
                continue
            if op == "eq" and kind == "set":
                if not isinstance(arg, Sequence) or isinstance(arg, str):
                    out.append(ConditionError(here, zh.say("eq_takes_list", field=zh.Raw(field))))
                    continue
                for i, item in enumerate(arg):
                    _check_value(field, item, vocab, (*here, i), out)
                words = _words_of(arg)
                if words is not None:
                    tests.append(Test(field, "eq", words))
                continue
            _check_value(field, arg, vocab, here, out)
            tests.append(Test(field, op, arg))
        if not tests and not out:
            out.append(ConditionError(path, zh.say("no_operator", field=zh.Raw(field))))
        return tests
    if isinstance(value, Sequence) and not isinstance(value, str):
        if kind == "set":
            for i, item in enumerate(value):
                _check_value(field, item, vocab, (*path, i), out)
            words = _words_of(value)
            return [Test(field, "contains_all", words)] if words is not None else []
        for i, item in enumerate(value):
            _check_value(field, item, vocab, (*path, i), out)
        words = _words_of(value)
        return [Test(field, "in", words)] if words is not None else []
    if kind == "set":
        _check_value(field, value, vocab, path, out)
        return [Test(field, "contains", value)]
    _check_value(field, value, vocab, path, out)
    return [Test(field, "eq", value)]


def tests_of(cond: Cond) -> Iterator[Test]:
    """Every test in a condition, depth first."""
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, Not):
        yield from tests_of(cond.part)
    else:
        for part in cond.parts:
            yield from tests_of(part)


def fields_of(cond: Cond) -> frozenset[str]:
    """Every field a condition reads."""
    return frozenset(t.field for t in tests_of(cond))


# --------------------------------------------------------------------------------------
# Compilation to closures. ``get`` reads a field from the input; ``ctx`` carries what a
# test needs beyond the input (the deadline function for lead times).
# --------------------------------------------------------------------------------------

Getter = Callable[[Any, str], Any]
Evaluator = Callable[[Any, Any], Any]  # (facts, ctx) -> True | False | None


def compile_condition(cond: Cond) -> Evaluator:
    """Compile a condition tree into a function of (facts, ctx) returning True, False or None."""
    if isinstance(cond, Test):
        return _compile_test(cond)
    if isinstance(cond, Not):
        inner = compile_condition(cond.part)

        def _not(facts: Any, ctx: Any) -> Any:
            r = inner(facts, ctx)
            return None if r is None else not r

        return _not
    parts = tuple(compile_condition(p) for p in cond.parts)
    if isinstance(cond, All):
        if not parts:
            return lambda facts, ctx: True
        if len(parts) == 1:
            return parts[0]

        def _all(facts: Any, ctx: Any) -> Any:
            unknown = False
            for p in parts:
                r = p(facts, ctx)
                if r is False:
                    return False
                if r is None:
                    unknown = True
            return None if unknown else True

        return _all

    def _any(facts: Any, ctx: Any) -> Any:
        unknown = False
        for p in parts:
            r = p(facts, ctx)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False

    return _any


#: Document fields whose None is a definite value, not an unknown fact: the contract defines
#: ``decided_by`` and ``meeting`` as "a meeting id ..., else None".
NONE_IS_A_VALUE = frozenset({"decided_by", "meeting"})


def _compile_test(t: Test) -> Evaluator:
    field, op, arg = t.field, t.op, t.value
    if field in NONE_IS_A_VALUE and op != "known":

        def get(facts: Any) -> Any:
            value = getattr(facts, field)
            return "" if value is None else value  # "" equals no meeting id, so eq/in tests are simply false
    elif field == "portfolio_count":

        def get(facts: Any) -> Any:
            p = facts.portfolios
            return None if p is None else len(p)
    else:

        def get(facts: Any) -> Any:
            return getattr(facts, field)

    if op == "known":
        return lambda facts, ctx: (get(facts) is not None) is arg
    if op == "on_or_before_deadline":

        def _lead(facts: Any, ctx: Any) -> Any:
            v = get(facts)
            due = None if ctx is None else ctx(arg)
            if v is None or due is None:
                return None
            return v <= due

        return _lead

    def wrap(pred: Callable[[Any], bool]) -> Evaluator:
        def _test(facts: Any, ctx: Any) -> Any:
            v = get(facts)
            return None if v is None else pred(v)

        return _test

    if op == "eq":
        if isinstance(arg, frozenset):
            return wrap(lambda v: frozenset(v) == arg)
        return wrap(lambda v: v == arg)
    if op == "ne":
        return wrap(lambda v: v != arg)
    if op == "in":
        return wrap(lambda v: v in arg)
    if op == "not_in":
        return wrap(lambda v: v not in arg)
    if op == "gt":
        return wrap(lambda v: v > arg)
    if op == "gte":
        return wrap(lambda v: v >= arg)
    if op == "lt":
        return wrap(lambda v: v < arg)
    if op == "lte":
        return wrap(lambda v: v <= arg)
    if op == "contains":
        return wrap(lambda v: arg in v)
    if op == "contains_all":
        return wrap(lambda v: arg.issubset(v))
    if op == "contains_any":
        return wrap(lambda v: not arg.isdisjoint(v))
    raise AssertionError(f"unhandled operator {op}")  # parse_condition admits no other


def render(cond: Cond) -> str:
    """A compact text form of a condition, for explanations and findings."""
    if isinstance(cond, Test):
        v = cond.value
        if isinstance(v, frozenset):
            v = "[" + ", ".join(sorted(map(str, v))) + "]"
        return f"{cond.field} {cond.op} {v}"
    if isinstance(cond, Not):
        return f"not ({render(cond.part)})"
    if not cond.parts:
        return "always"
    joiner = " and " if isinstance(cond, All) else " or "
    return joiner.join(f"({render(p)})" if not isinstance(p, Test) else render(p) for p in cond.parts)
