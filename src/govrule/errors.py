"""The exceptions govrule raises, and the Problem record that carries a file position."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
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
        where = f" in {self.path}" if self.path else ""
        text = f"{self.file}:{self.line}:{self.column}: {self.message}{where}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """The problem as plain data, for ``--json`` output."""
        return dataclasses.asdict(self)


class GovruleError(Exception):
    """The base of every exception govrule raises on purpose."""


class RulesetError(GovruleError):
    """A ruleset file is invalid; ``problems`` holds every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n... and {count - 20} more" if count > 20 else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in ruleset:\n{head}{more}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class QueryError(GovruleError):
    """A query was malformed: wrong type, unknown field or a value outside the vocabulary."""


class UnknownTerm(QueryError):
    """A query named a word (role, meeting, event, kind) the ruleset does not define."""

    def __init__(self, category: str, term: object, defined: Sequence[str]) -> None:
        self.category = category
        self.term = term
        self.defined = tuple(defined)
        super().__init__(f"unknown {category} {term!r}; defined {category}s: {', '.join(self.defined) or '(none)'}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.category, self.term, self.defined))


class NoApplicableRule(GovruleError):
    """No rule of the ruleset answers the query: the source text is silent on it."""

    def __init__(self, query: str, given: object, detail: str = "") -> None:
        # The message is built when shown, not here: callers that ask many questions catch
        # this for every input the text is silent on, and most never print it.
        super().__init__(query, given, detail)
        self.query = query
        self.given = given
        self.detail = detail

    def __str__(self) -> str:
        msg = f"no rule answers {self.query} for {_given_text(self.given)}"
        if self.detail:
            msg += f": {self.detail}"
        return msg

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.query, self.given, self.detail))


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
