"""Working days for Chinese government time limits, from the official holiday schedule.

The schedule (statutory holidays and the weekend days worked in exchange, 调休上班) comes
from the maintained ``chinesecalendar`` package; calendar files can add years it does not
cover yet or correct a year.  A year that no calendar covers is never guessed from
weekends alone: anything that needs it raises :class:`~govrule.errors.CalendarError`.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from ._dates import iso_date
from .errors import CalendarError, GovruleError, QueryError

__all__ = [
    "CALENDAR_DIR_ENV",
    "UNITS",
    "CalendarFileError",
    "CalendarYear",
    "WorkCalendar",
    "calendar_dirs",
    "coverage_warnings",
    "default_calendar",
    "load_calendar_file",
]

UNITS: tuple[str, ...] = ("working_days", "calendar_days", "months", "years")
"""The period units :meth:`WorkCalendar.add_period` understands."""

_FILE_KEYS = ("year", "holidays", "workdays")
_RANGE_KEYS = ("from", "to", "name")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_ORDINAL = date.max.toordinal()

_Path = str | os.PathLike[str]

#: An environment variable naming directories (``os.pathsep``-separated) of calendar files to use.
CALENDAR_DIR_ENV = "GOVRULE_CALENDAR_DIR"


class CalendarFileError(CalendarError):
    """A calendar file is unreadable or invalid; the message starts with ``calendar file FILE:LINE``."""

    def __init__(
        self, message: str, file: str = "", line: int = 0, year: int = 0, *, reason: str | None = None, **facts: Any
    ) -> None:
        GovruleError.__init__(self, message, reason=reason, **facts)
        self.year = year
        self.covered = None
        self.detail = message
        self.file = file
        self.line = line

    @property
    def location(self) -> str | None:
        """``file:line`` of the (first) problem, None when not known."""
        return f"{self.file}:{self.line}" if self.file and self.line else self.file or None

    def __reduce__(self) -> tuple[Any, ...]:
        state = {k: v for k, v in self.__dict__.items() if k in ("reason", "facts")}
        return (type(self), (str(self), self.file, self.line, self.year), state or None)


def _day_arg(value: object, name: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise QueryError(f"{name}={value!r}: expected a datetime.date", field=name, value=value, reason="not_date")


def _int_arg(value: object, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise QueryError(f"{name}={value!r}: expected a whole number", field=name, value=value, reason="not_whole_number")


@dataclasses.dataclass(frozen=True, slots=True)
class CalendarYear:
    """One year's official schedule: the days off and the weekend days worked."""

    year: int
    holidays: frozenset[date]
    """Days off; weekend days inside a holiday block may be listed too (the package does)."""
    workdays: frozenset[date]
    """Weekend days that are adjusted workdays (调休上班)."""
    names: tuple[tuple[date, str], ...] = ()
    """(day, name) for the days whose source gave a name, sorted by day."""
    source: str = ""
    """Where the year came from: a file path or the package and its version."""

    def working_ordinals(self) -> tuple[int, ...]:
        """The ordinals (``date.toordinal()``) of the year's working days, ascending."""
        first = date(self.year, 1, 1).toordinal()
        last = date(self.year, 12, 31).toordinal()
        off = {d.toordinal() for d in self.holidays}
        on = {d.toordinal() for d in self.workdays}
        # (ordinal + 6) % 7 is date.weekday() without building a date per day.
        return tuple(o for o in range(first, last + 1) if o in on or ((o + 6) % 7 < 5 and o not in off))


class WorkCalendar:
    """Immutable; safe to share between threads.

    Built from the package's schedule (unless ``use_package=False``) with each calendar
    file's year replacing whatever the package says about that year.
    """

    __slots__ = ("_layers", "_segments", "_workday_sets", "_years")

    _layers: Mapping[int, CalendarYear]
    _years: tuple[int, ...]
    _workday_sets: Mapping[int, frozenset[int]]
    # (first ordinal, last ordinal, first year, last year, working-day ordinals) per run of
    # consecutive covered years, so one bisect answers any count inside a run.
    _segments: tuple[tuple[int, int, int, int, tuple[int, ...]], ...]

    def __init__(self, *, use_package: bool = True, files: Sequence[_Path] = ()) -> None:
        """Build the calendar from the package schedule and the given calendar files."""
        layers: dict[int, CalendarYear] = dict(_package_layers()) if use_package else {}
        layers.update(_load_files(files))
        self._setup(layers)

    @classmethod
    def _from_layers(cls, layers: Iterable[CalendarYear]) -> WorkCalendar:
        """A calendar made of exactly these years, skipping the package and the files."""
        cal = object.__new__(cls)
        cal._setup({layer.year: layer for layer in layers})
        return cal

    def _setup(self, layers: Mapping[int, CalendarYear]) -> None:
        years = tuple(sorted(layers))
        per_year = {y: layers[y].working_ordinals() for y in years}
        runs: list[list[int]] = []
        for y in years:
            if runs and runs[-1][-1] == y - 1:
                runs[-1].append(y)
            else:
                runs.append([y])
        segments = tuple(
            (
                date(run[0], 1, 1).toordinal(),
                date(run[-1], 12, 31).toordinal(),
                run[0],
                run[-1],
                tuple(o for y in run for o in per_year[y]),
            )
            for run in runs
        )
        # object.__setattr__ because __setattr__ below refuses every assignment.
        object.__setattr__(self, "_layers", MappingProxyType({y: layers[y] for y in years}))
        object.__setattr__(self, "_years", years)
        object.__setattr__(self, "_workday_sets", MappingProxyType({y: frozenset(o) for y, o in per_year.items()}))
        object.__setattr__(self, "_segments", segments)

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse: a calendar is shared between threads and must not change."""
        raise AttributeError(f"WorkCalendar is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        """Refuse: a calendar is shared between threads and must not change."""
        raise AttributeError(f"WorkCalendar is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[tuple[CalendarYear, ...]]]:
        """Pickle as the list of years, since the slots cannot be set back one by one."""
        return (_rebuild, (tuple(self._layers.values()),))

    def __repr__(self) -> str:
        return f"WorkCalendar(years={_spans(self._years) or 'none'})"

    @property
    def years(self) -> tuple[int, ...]:
        """The covered years, sorted."""
        return self._years

    @property
    def layers(self) -> Mapping[int, CalendarYear]:
        """The schedule of each covered year, with its source."""
        return self._layers

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day; raises CalendarError outside the covered years."""
        day = _day_arg(day, "day")
        days = self._workday_sets.get(day.year)
        if days is None:
            raise self._missing(day.year)
        return day.toordinal() in days

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

        ``start`` itself is never counted, whether or not it is a working day, because the
        day on which a period begins does not count (期间开始的日，不计算在内).  ``n == 0``
        returns ``start`` unchanged.  Only the days strictly between ``start`` and the answer
        (and the answer) are consulted, so CalendarError names the first uncovered year the
        count actually runs into.
        """
        start = _day_arg(start, "start")
        n = _int_arg(n, "n")
        if n == 0:
            return start
        s = start.toordinal()
        if n > 0:
            probe = s + 1
            for lo, hi, _first, last, ords in self._segments:
                if lo <= probe <= hi:
                    i = bisect.bisect_right(ords, s) + n - 1
                    if i < len(ords):
                        return date.fromordinal(ords[i])
                    raise self._missing(last + 1)
        else:
            probe = s - 1
            for lo, hi, first, _last, ords in self._segments:
                if lo <= probe <= hi:
                    i = bisect.bisect_left(ords, s) + n
                    if i >= 0:
                        return date.fromordinal(ords[i])
                    raise self._missing(first - 1)
        raise self._missing(_year_of_ordinal(probe))

    def add_period(self, start: date, amount: int, unit: str, *, back: bool = False) -> date:
        """The day ``amount`` ``unit`` after ``start``, or before it when ``back`` is true.

        ``working_days`` counts as :meth:`add_working_days`.  ``calendar_days`` is plain
        arithmetic: the rules that say 天 do not roll a deadline off a holiday.  ``months``
        and ``years`` land on the same day of the month, or on the month's last day when it
        has no such day (Jan 31 + 1 month = Feb 28/29).  Only ``working_days`` needs the
        holiday schedule, so only it can raise CalendarError.
        """
        start = _day_arg(start, "start")
        amount = _int_arg(amount, "amount")
        if not isinstance(unit, str) or unit not in UNITS:
            raise QueryError(
                f"unit={unit!r} is not a period unit; allowed units: {', '.join(UNITS)}",
                field="unit",
                value=unit,
                allowed=UNITS,
                reason="not_allowed",
            )
        n = -amount if back else amount
        if unit == "working_days":
            return self.add_working_days(start, n)
        if unit == "calendar_days":
            try:
                return start + timedelta(days=n)
            except OverflowError:
                raise _out_of_range(start, n, unit) from None
        if unit == "months":
            return _add_months(start, n, unit)
        if unit == "years":
            return _add_months(start, 12 * n, unit)
        raise GovruleError(f"unknown period unit {unit!r}; allowed units: {', '.join(UNITS)}")

    def covered_until(self, day: date) -> date | None:
        """The last day of the run of covered years that holds ``day`` (None when its year is not covered)."""
        day = _day_arg(day, "day")
        o = day.toordinal()
        for lo, hi, _first, last, _ords in self._segments:
            if lo <= o <= hi:
                return date(last, 12, 31)
        return None

    def with_files(self, *files: _Path) -> WorkCalendar:
        """A new calendar with these calendar files layered on top; each file's year replaces."""
        layers = dict(self._layers)
        layers.update(_load_files(files))
        return WorkCalendar._from_layers(layers.values())

    def _missing(self, year: int) -> CalendarError:
        """The CalendarError for an uncovered ``year``, describing what is covered."""
        if not self._years:
            return CalendarError(year, detail="no calendar years are loaded")
        covered = (self._years[0], self._years[-1])
        contiguous = len(self._segments) == 1
        detail = "" if contiguous else f"covered years: {_spans(self._years)}"
        return CalendarError(year, covered=covered, detail=detail)


#: How close to the end of the covered years a due date draws a warning.
COVERAGE_MARGIN_DAYS = 60


def coverage_warnings(calendar: WorkCalendar, due: date) -> tuple[str, ...]:
    """A warning when the calendar's coverage ends within COVERAGE_MARGIN_DAYS after ``due``.

    A deadline near the end of the covered years is right, but the next one may not be
    computable: the warning says which year's calendar file to add.
    """
    end = calendar.covered_until(due)
    if end is None or (end - due).days >= COVERAGE_MARGIN_DAYS:
        return ()
    return (
        f"工作日历只覆盖到{end.isoformat()}，距截止日期不足{COVERAGE_MARGIN_DAYS}天；"
        f"请添加{end.year + 1}年的日历文件（govrule calendar import 国务院节假日安排通知 -o {end.year + 1}.yaml，"
        f"放入日历目录或用 --calendar 指定）",
    )


def _rebuild(layers: tuple[CalendarYear, ...]) -> WorkCalendar:
    """Unpickle a WorkCalendar."""
    return WorkCalendar._from_layers(layers)


def _year_of_ordinal(ordinal: int) -> int:
    """The year of a day ordinal, also for the one day past either end of ``date``'s range."""
    if ordinal < 1:
        return 0
    if ordinal > _MAX_ORDINAL:
        return date.max.year + 1
    return date.fromordinal(ordinal).year


def _spans(years: Sequence[int]) -> str:
    """Years as ``2004-2026, 2028``."""
    parts: list[str] = []
    i = 0
    while i < len(years):
        j = i
        while j + 1 < len(years) and years[j + 1] == years[j] + 1:
            j += 1
        parts.append(str(years[i]) if i == j else f"{years[i]}-{years[j]}")
        i = j + 1
    return ", ".join(parts)


def _add_months(start: date, months: int, unit: str) -> date:
    """``start`` moved by whole months, clamped to the last day of a shorter month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    if not date.min.year <= year <= date.max.year:
        amount = months // 12 if unit == "years" else months
        raise _out_of_range(start, amount, unit)
    month = month0 + 1
    last = _DAYS_IN_MONTH[month]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return start.replace(year=year, month=month, day=min(start.day, last))


def _out_of_range(start: date, amount: int, unit: str) -> GovruleError:
    return GovruleError(
        f"{start.isoformat()} {'+' if amount >= 0 else '-'} {abs(amount)} {unit} "
        f"falls outside the years {date.min.year}-{date.max.year}",
        reason="out_of_range",
        start=start.isoformat(),
        amount=amount,
        unit=unit,
    )


@functools.cache
def _package_layers() -> Mapping[int, CalendarYear]:
    """The package's schedule, one CalendarYear per year it has holidays for."""
    import chinese_calendar  # type: ignore[import-untyped]
    from chinese_calendar import constants

    holidays: Mapping[date, str] = constants.holidays
    workdays: Mapping[date, str] = constants.workdays
    # Every published year has at least 元旦, so the years with holidays are exactly the
    # years the package covers; this follows package updates without a hard-coded range.
    years = sorted({d.year for d in holidays})
    source = f"chinesecalendar {chinese_calendar.__version__}"

    def chinese_name(english: str) -> str:
        # The package stores English names; its Holiday enum knows the Chinese ones that
        # calendar files use, so both kinds of year read alike.
        try:
            return str(constants.Holiday(english).chinese)
        except (ValueError, AttributeError):
            return english

    by_year: dict[int, tuple[set[date], set[date], dict[date, str]]] = {y: (set(), set(), {}) for y in years}
    for day, name in holidays.items():
        by_year[day.year][0].add(day)
        by_year[day.year][2][day] = chinese_name(name)
    for day, name in workdays.items():
        if day.year in by_year:
            by_year[day.year][1].add(day)
            by_year[day.year][2][day] = chinese_name(name)
    return MappingProxyType(
        {
            y: CalendarYear(
                year=y,
                holidays=frozenset(off),
                workdays=frozenset(on),
                names=tuple(sorted(names.items())),
                source=source,
            )
            for y, (off, on, names) in by_year.items()
        }
    )


_DEFAULT_LOCK = threading.Lock()


@functools.cache
def default_calendar() -> WorkCalendar:
    """The package's schedule as a WorkCalendar, built once and shared."""
    # functools.cache alone may run the body twice when two threads miss at once; the lock
    # and the inner cache make every caller get the very same instance.
    with _DEFAULT_LOCK:
        return _build_default()


@functools.cache
def _build_default() -> WorkCalendar:
    cal = WorkCalendar()
    for folder in calendar_dirs():
        files = sorted(str(f) for f in _calendar_files(folder))
        if files:
            cal = cal.with_files(*files)
    return cal


def calendar_dirs() -> tuple[str, ...]:
    """The directories whose calendar files (``*.yaml``) the default calendar adds, later ones winning.

    First the user's directory (``$XDG_CONFIG_HOME/govrule/calendars``, by default
    ``~/.config/govrule/calendars``), then each directory listed in ``$GOVRULE_CALENDAR_DIR``.
    They are read once per process, when a deadline first needs the calendar.
    """
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    dirs = [os.path.join(config, "govrule", "calendars")]
    dirs.extend(d for d in os.environ.get(CALENDAR_DIR_ENV, "").split(os.pathsep) if d)
    return tuple(dirs)


def _calendar_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(".")]


def _load_files(files: Sequence[_Path] | _Path) -> dict[int, CalendarYear]:
    """Parse calendar files; two files for one year in the same batch is an error."""
    # A lone path is a Sequence[str] too; iterating it would open one-letter files.
    if isinstance(files, (str, os.PathLike)):
        files = (files,)
    if not isinstance(files, list | tuple):
        raise QueryError(f"files={files!r}: expected a list of calendar file paths")
    loaded: dict[int, CalendarYear] = {}
    for path in files:
        cal = load_calendar_file(path)
        if cal.year in loaded:
            raise GovruleError(
                f"calendar files {loaded[cal.year].source} and {cal.source} both give {cal.year}; keep one"
            )
        loaded[cal.year] = cal
    return loaded


def load_calendar_file(path: _Path) -> CalendarYear:
    """Parse and validate one calendar file; raises CalendarFileError naming the file, line and problem.

    The file is YAML with ``year``, ``holidays`` (days or ``{from, to, name}`` ranges off
    work) and ``workdays`` (weekend days worked).  It describes its year completely.  It is
    read by the same hardened loader as ruleset files (size, depth and alias limits, plain
    YAML values only); see docs/calendar.md.
    """
    from . import _yaml

    if not isinstance(path, str | os.PathLike):
        raise QueryError(f"a calendar file is named by its path, not {type(path).__name__}")
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise CalendarFileError(f"calendar file {name}: no such file", name, reason="no_such_file")
    text, problems = _yaml.read_source(name)
    if text is None:
        p = problems[0]
        raise CalendarFileError(
            f"calendar file {name}:{p.line}: {p.message}", name, p.line, reason="calendar_unreadable"
        )
    return _parse_calendar(text, name)


def _parse_calendar(text: str, name: str) -> CalendarYear:
    """Parse one calendar file's text; ``name`` is used in messages."""
    from . import _yaml

    loaded, problems = _yaml.load_text(text, name)
    if loaded is None:
        p = problems[0]
        raise CalendarFileError(f"calendar file {name}:{p.line}: {p.message}", name, p.line, reason="calendar_yaml")
    return _Checker(name, loaded).calendar()


@dataclasses.dataclass(slots=True)
class _Entry:
    """One item of a holidays or workdays list, with the line it was written on."""

    first: date
    last: date
    name: str | None
    line: int


class _Checker:
    """Checks the plain data of a calendar file, reporting each problem at its line."""

    def __init__(self, name: str, loaded: Any) -> None:
        self.name = name
        self.loaded = loaded
        # (line, English message, reason, facts) for each problem; govrule.messages renders the reason.
        self.problems: list[tuple[int, str, str, tuple[tuple[str, Any], ...]]] = []

    def line(self, path: tuple[str | int, ...], key: bool = False) -> int:
        return int(self.loaded.where(path, key=key)[0])

    def problem(
        self, path: tuple[str | int, ...], message: str, key: bool = False, reason: str = "", **facts: Any
    ) -> None:
        self.add(self.line(path, key), message, reason, **facts)

    def add(self, line: int, message: str, reason: str, **facts: Any) -> None:
        self.problems.append((line, message, reason, tuple(sorted(facts.items()))))

    def day(self, value: object, path: tuple[str | int, ...], what: str) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        day = iso_date(value)
        if day is not None:
            return day
        shown = value if isinstance(value, str | int | float | bool | None) else type(value).__name__
        self.problem(path, f"{what} must be a date written YYYY-MM-DD, not {shown!r}", reason="bad_date", value=shown)
        return None

    def entries(self, value: object, key: str) -> list[_Entry]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(
                (key,), f"{key} must be a list of dates or {{from, to, name}} ranges", reason="not_list", word=key
            )
            return []
        found: list[_Entry] = []
        for i, item in enumerate(value):
            path: tuple[str | int, ...] = (key, i)
            if isinstance(item, dict):
                entry = self.range_entry(item, path, key)
            else:
                day = self.day(item, path, f"an item of {key}")
                entry = None if day is None else _Entry(day, day, None, self.line(path))
            if entry is not None:
                found.append(entry)
        return found

    def range_entry(self, item: dict[str, Any], path: tuple[str | int, ...], key: str) -> _Entry | None:
        for k in item:
            if k not in _RANGE_KEYS:
                self.problem(
                    (*path, k),
                    f"unknown key {k!r} in a range in {key}; allowed: {', '.join(_RANGE_KEYS)}",
                    True,
                    reason="unknown_range_key",
                    word=str(k),
                    allowed=_RANGE_KEYS,
                )
        for required in ("from", "to"):
            if required not in item:
                self.problem(path, f"a range in {key} needs '{required}'", reason="range_needs", word=required)
        if "from" not in item or "to" not in item:
            return None
        first = self.day(item["from"], (*path, "from"), "'from'")
        last = self.day(item["to"], (*path, "to"), "'to'")
        label: str | None = None
        if "name" in item:
            raw = item["name"]
            if isinstance(raw, str) and raw.strip():
                label = raw.strip()
            else:
                self.problem((*path, "name"), "'name' must be a non-empty text", reason="bad_name")
        if first is None or last is None:
            return None
        if first > last:
            self.problem(
                path,
                f"range from {first} to {last} ends before it starts",
                reason="range_backwards",
                first=first,
                last=last,
            )
            return None
        if last.toordinal() - first.toordinal() > 366:
            self.problem(
                path,
                f"range from {first} to {last} is longer than a year",
                reason="range_too_long",
                first=first,
                last=last,
            )
            return None
        return _Entry(first, last, label, self.line(path))

    def error(self) -> CalendarFileError:
        problems = sorted(set(self.problems))
        line, message = problems[0][:2]
        found = tuple({"line": n, "reason": r, **dict(f)} for n, _, r, f in problems)
        if len(problems) == 1:
            return CalendarFileError(
                f"calendar file {self.name}:{line}: {message}", self.name, line, reason="calendar_problems", found=found
            )
        lines = "\n".join(f"{self.name}:{n}: {m}" for n, m, _, _ in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        return CalendarFileError(
            f"calendar file {self.name} has {len(problems)} problems:\n{lines}{more}",
            self.name,
            line,
            reason="calendar_problems",
            found=found,
        )

    def calendar(self) -> CalendarYear:
        data = self.loaded.data
        if not isinstance(data, dict):
            self.problem((), f"must be a mapping with the keys {', '.join(_FILE_KEYS)}", reason="not_mapping")
            raise self.error()
        for k in data:
            if k not in _FILE_KEYS:
                self.problem(
                    (k,),
                    f"unknown key {k!r} in a calendar file; allowed: {', '.join(_FILE_KEYS)}",
                    True,
                    reason="unknown_key",
                    word=str(k),
                    allowed=_FILE_KEYS,
                )
        year: int | None = None
        if "year" not in data:
            self.problem((), "missing key 'year'", reason="missing_key", word="year")
        else:
            raw = data["year"]
            if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= date.max.year:
                year = raw
            else:
                shown = raw if isinstance(raw, str | int | float | bool | None) else type(raw).__name__
                self.problem(
                    ("year",), f"year must be a whole year such as 2027, not {shown!r}", reason="bad_year", value=shown
                )
        reported = len(self.problems)
        holidays = self.entries(data.get("holidays"), "holidays")
        # Every published schedule has at least 元旦; a year without holidays would be a
        # weekend-only guess under another name.
        if "holidays" not in data:
            self.problem((), "missing key 'holidays' (the year's days off)", reason="missing_key", word="holidays")
        elif not holidays and len(self.problems) == reported:
            self.problem(("holidays",), "holidays must list at least one day", reason="no_holidays")
        workdays = self.entries(data.get("workdays"), "workdays")

        off: dict[date, _Entry] = {}
        on: dict[date, _Entry] = {}
        names: dict[date, str] = {}
        for entries, days in ((holidays, off), (workdays, on)):
            for entry in entries:
                if year is not None and (entry.first.year != year or entry.last.year != year):
                    outside = entry.first if entry.first.year != year else entry.last
                    self.add(
                        entry.line,
                        f"{outside} is outside the file's year {year}",
                        "outside_year",
                        day=outside,
                        year=year,
                    )
                    continue
                for ordinal in range(entry.first.toordinal(), entry.last.toordinal() + 1):
                    day = date.fromordinal(ordinal)
                    days.setdefault(day, entry)
                    if entry.name is not None:
                        names[day] = entry.name
        for day, entry in sorted(on.items()):
            if day in off:
                self.add(
                    entry.line,
                    f"{day} is listed both as a holiday (line {off[day].line}) and as a workday",
                    "both",
                    day=day,
                    other_line=off[day].line,
                )
            elif day.weekday() < 5:
                self.add(
                    entry.line,
                    f"workday {day} is a {_WEEKDAY_NAMES[day.weekday()]}; workdays lists only "
                    "weekend days that are worked (调休上班)",
                    "weekday_workday",
                    day=day,
                    weekday=day.weekday(),
                )
        if self.problems or year is None:
            raise self.error()
        return CalendarYear(
            year=year,
            holidays=frozenset(off),
            workdays=frozenset(on),
            names=tuple(sorted(names.items())),
            source=self.name,
        )
