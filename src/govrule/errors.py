"""The exceptions govrule raises, and the Problem record that carries a file position.

Every exception keeps the facts of what went wrong as data, beside its English message: the
field at fault and the value given, the allowed words and the closest of them, a ``reason``
naming the kind of problem, and its details in ``facts``. :mod:`govrule.messages` renders
them in Chinese for clerks; the English ``str()`` stays as it is for logs and programs.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "CalendarError",
    "GovruleError",
    "NoApplicableRule",
    "Problem",
    "QueryError",
    "RulesetError",
    "UnknownTerm",
]


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem found in a ruleset file, located at file:line:column (1-based)."""

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"（位置：{self.path}）" if self.path else ""
        text = f"{self.file}:{self.line}:{self.column}: {self.message}{where}"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """The problem as plain data, for ``--json`` output."""
        return dataclasses.asdict(self)


class GovruleError(Exception):
    """The base of every exception govrule raises on purpose.

    ``reason`` names the kind of problem (``"not_allowed"``, ``"no_quorum"``, …; None when the
    raise site gives none) and ``facts`` its details, for :mod:`govrule.messages`. Both travel
    with the exception when it is pickled.
    """

    reason: str | None = None
    facts: Mapping[str, Any] = types.MappingProxyType({})

    def __init__(self, *args: object, reason: str | None = None, **facts: Any) -> None:
        super().__init__(*args)
        if reason is not None:
            self.reason = reason
        if facts:
            self.facts = dict(facts)


class RulesetError(GovruleError):
    """A ruleset file is invalid; ``problems`` holds every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n……另有 {count - 20} 处" if count > 20 else ""
        super().__init__(f"规则集文件有误（{count} 处）：\n{head}{more}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class QueryError(GovruleError):
    """A query was malformed: wrong type, unknown field or a value outside the vocabulary.

    Where the raise site knows them: ``field`` (the input field at fault), ``value`` (what was
    given), ``allowed`` (the words it may take) and ``did_you_mean`` (the closest of them).
    """

    field: str | None = None
    value: object = None
    allowed: tuple[str, ...] = ()
    _meant: str | None = None

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        value: object = None,
        allowed: Iterable[str] = (),
        did_you_mean: str | None = None,
        reason: str | None = None,
        **facts: Any,
    ) -> None:
        super().__init__(message, reason=reason, **facts)
        if field is not None:
            self.field = field
        if value is not None:
            self.value = value
        allowed = tuple(allowed)
        if allowed:
            self.allowed = allowed
        if did_you_mean is not None:
            self._meant = did_you_mean

    @property
    def did_you_mean(self) -> str | None:
        """The allowed word closest to the value given, if one is close (given by the raise site or found here)."""
        if self._meant is not None:
            return self._meant
        if isinstance(self.value, str) and self.allowed:
            from . import _hints  # imported when asked: start-up does not pay for difflib

            return _hints.closest(self.value, self.allowed)
        return None

    def at(self, field: str) -> QueryError:
        """This error, naming ``field`` as the input at fault unless the raise site named one already."""
        if self.field is None:
            self.field = field
        return self


class UnknownTerm(QueryError):
    """A query named a word (role, meeting, event, kind) the ruleset does not define."""

    def __init__(
        self, category: str, term: object, defined: Sequence[str], labels: Mapping[str, object] | None = None
    ) -> None:
        self.category = category
        self.term = term
        self.defined = tuple(defined)
        #: The defined words' Chinese labels (id -> label) where the raise site has them.
        self.labels: dict[str, str] = {
            k: v if isinstance(v, str) else str(getattr(v, "label", "") or "") for k, v in (labels or {}).items()
        }
        super().__init__(
            f"unknown {category} {term!r}; defined {category}s: {', '.join(self.defined) or '(none)'}",
            reason="unknown_term",
        )

    @property
    def allowed(self) -> tuple[str, ...]:  # type: ignore[override]
        """The defined words."""
        return self.defined

    @property
    def value(self) -> object:  # type: ignore[override]
        """The word given."""
        return self.term

    @property
    def did_you_mean(self) -> str | None:
        """The defined word (or the id of the label) closest to the word given, if one is close."""
        if not isinstance(self.term, str):
            return None
        from . import _hints

        close = _hints.closest(self.term, self.defined)
        if close is None and self.labels:
            by_label = {label: key for key, label in self.labels.items() if label}
            label = _hints.closest(self.term, by_label)
            close = by_label[label] if label is not None else None
        return close

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.category, self.term, self.defined, self.labels), self._state())

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("category", "term", "defined", "labels")}


class NoApplicableRule(GovruleError):
    """No rule of the ruleset answers the query: the source text is silent on it."""

    def __init__(self, query: str, given: object, detail: str = "", *, reason: str | None = None, **facts: Any) -> None:
        # The message is built when shown, not here: callers that ask many questions catch
        # this for every input the text is silent on, and most never print it.
        super().__init__(query, given, detail, reason=reason, **facts)
        self.query = query
        self.given = given
        self.detail = detail

    def __str__(self) -> str:
        msg = f"no rule answers {self.query} for {_given_text(self.given)}"
        if self.detail:
            msg += f": {self.detail}"
        return msg

    def __reduce__(self) -> tuple[Any, ...]:
        state = {k: v for k, v in self.__dict__.items() if k in ("reason", "facts")}
        return (type(self), (self.query, self.given, self.detail), state or None)


def _given_text(given: object) -> str:
    """A query's input as ``issuer=government, kind=request`` (its known facts), not a Python repr."""
    to_dict = getattr(given, "to_dict", None)
    data = to_dict() if callable(to_dict) else given
    if not isinstance(data, dict):
        return str(data)
    if not data:
        return "(no facts)"

    def value(v: object) -> str:
        if isinstance(v, list | tuple | set | frozenset):
            return "[" + ", ".join(str(x) for x in v) + "]"
        return str(v)

    return ", ".join(f"{k}={value(v)}" for k, v in data.items() if v is not None)


class CalendarError(GovruleError):
    """A period reaches a year for which no working-day calendar is known."""

    def __init__(self, year: int, covered: tuple[int, int] | None = None, detail: str = "") -> None:
        self.year = year
        self.covered = covered
        self.detail = detail
        span = f" (calendars cover {covered[0]}-{covered[1]})" if covered else ""
        extra = f"; {detail}" if detail else ""
        super().__init__(f"no working-day calendar for {year}{span}; add a calendar file for {year}{extra}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.year, self.covered, self.detail))
