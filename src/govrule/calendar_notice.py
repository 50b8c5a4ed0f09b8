"""Read the State Council's annual holiday notice into a calendar file.

Each year the General Office of the State Council publishes 《国务院办公厅关于YYYY年部分节假日安排的通知》
in a fixed style: one numbered item per holiday, the days off (放假, 放假调休, 补休) and the
weekend days worked (上班), for example::

    二、春节:1月27日至2月2日放假调休,共7天。1月22日(星期日)、2月4日(星期六)上班。
    二、春节:2月15日(农历腊月二十八、周日)至23日(农历正月初七、周一)放假调休,共9天。2月14日(周六)、2月28日(周六)上班。

:func:`parse_notice` reads that text (older style with 星期X, current style with 周X and
农历 notes, Simplified or Traditional script, full- or half-width punctuation) and returns
the year's days off and adjusted workdays; :func:`render_calendar` writes them as a calendar
file (docs/calendar.md). Days the notice dates in another year (元旦 sometimes starts on 30
December) belong to that year's file and are reported as notes, not kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import unicodedata

from .calendar import CalendarFileError, CalendarYear, _parse_calendar

__all__ = ["ImportedNotice", "parse_notice", "parse_notice_file", "render_calendar"]

_MAX_NOTICE_BYTES = 200_000

_YEAR = (
    re.compile(r"关于\s*(\d{4})\s*年[^\n]{0,8}节假日安排"),
    re.compile(r"现将\s*(\d{4})\s*年"),
)
_ITEM = re.compile(r"^[ \t]*[一二三四五六七八九十]+、\s*([^:\n]{1,30}?)\s*:", re.MULTILINE)
_PAREN = re.compile(r"\([^()\n]*\)")
_TOKEN = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日|(?P<to>至|到|-|~|—|–)")
_OFF = ("放假", "补休", "休息", "调休", "公休")
_WORK = ("上班",)


@dataclasses.dataclass(frozen=True, slots=True)
class ImportedNotice:
    """A notice's year as a calendar, with notes on what was left out (days of another year)."""

    calendar: CalendarYear
    notes: tuple[str, ...] = ()


def _simplified(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), then Traditional to Simplified where OpenCC is there."""
    text = unicodedata.normalize("NFKC", text)
    try:
        import opencc
    except ImportError:  # pragma: no cover - OpenCC is a dependency; the keywords below still cover both scripts
        return text.replace("補", "补").replace("調", "调").replace("週", "周").replace("關於", "关于")
    converted: str = opencc.OpenCC("t2s").convert(text)
    return converted


def parse_notice(text: str, name: str = "<notice>") -> ImportedNotice:
    """The days off and adjusted workdays a holiday notice sets for its year.

    Raises:
        CalendarFileError: The text names no year, sets no holidays, or its days contradict
            each other (a day both off and worked, a weekday declared worked).
    """
    if not isinstance(text, str):
        raise CalendarFileError(
            f"notice {name}: expected text, not {type(text).__name__}", name, reason="notice_not_text"
        )
    text = _simplified(text)
    year = None
    for pattern in _YEAR:
        m = pattern.search(text)
        if m:
            year = int(m.group(1))
            break
    if year is None:
        raise CalendarFileError(
            f"notice {name}: no year found; expected a title such as 国务院办公厅关于2027年部分节假日安排的通知",
            name,
            reason="notice_no_year",
        )
    off: dict[dt.date, str] = {}
    work: dict[dt.date, str] = {}
    notes: list[str] = []
    items = list(_ITEM.finditer(text))
    for item in items:
        holiday = item.group(1).strip()
        line_no = text.count("\n", 0, item.start()) + 1
        end = text.find("\n", item.end())
        body = _PAREN.sub("", text[item.end() : end if end >= 0 else len(text)])
        for clause in re.split(r"[,;。]", body):
            kind = "work" if any(k in clause for k in _WORK) else "off" if any(k in clause for k in _OFF) else None
            days = _clause_days(clause, year, f"{name}:{line_no}")
            if kind is None or not days:
                continue
            for day in days:
                if day.year != year:
                    notes.append(
                        f"{name}:{line_no}: {day.isoformat()}（{holiday}，{'上班' if kind == 'work' else '放假'}）"
                        f"属于 {day.year} 年，请写入 {day.year} 年的日历文件"
                    )
                    continue
                (work if kind == "work" else off).setdefault(day, holiday)
    if not off:
        raise CalendarFileError(
            f"notice {name}: no days off found; expected items such as 一、元旦:1月1日放假",
            name,
            year=year,
            reason="notice_no_holidays",
        )
    calendar = _parse_calendar(_render(year, off, work, name), name)
    return ImportedNotice(calendar, tuple(notes))


def _clause_days(clause: str, year: int, where: str) -> list[dt.date]:
    """Every day a clause names: single days and ``A至B`` ranges; a day without a month takes the previous one's."""
    days: list[dt.date] = []
    month: int | None = None
    current_year = year
    pending_range = False
    for tok in _TOKEN.finditer(clause):
        if tok.group("to"):
            pending_range = bool(days)
            continue
        if tok.group("y"):
            current_year = int(tok.group("y"))
        if tok.group("m"):
            month = int(tok.group("m"))
        if month is None:
            continue
        try:
            day = dt.date(current_year, month, int(tok.group("d")))
        except ValueError:
            raise CalendarFileError(
                f"notice {where}: {current_year}年{month}月{tok.group('d')}日 is not a date",
                where.rsplit(":", 1)[0],
                reason="notice_bad_day",
                where=where,
                text=f"{current_year}年{month}月{tok.group('d')}日",
            ) from None
        if pending_range and days:
            first = days[-1]
            if day < first:
                raise CalendarFileError(
                    f"notice {where}: range {first.isoformat()} to {day.isoformat()} ends before it starts",
                    where.rsplit(":", 1)[0],
                    reason="notice_bad_range",
                    where=where,
                    text=f"{first.isoformat()}至{day.isoformat()}",
                )
            if (day - first).days > 60:
                raise CalendarFileError(
                    f"notice {where}: range {first.isoformat()} to {day.isoformat()} is longer than any holiday",
                    where.rsplit(":", 1)[0],
                    reason="notice_long_range",
                    where=where,
                    text=f"{first.isoformat()}至{day.isoformat()}",
                )
            days.extend(first + dt.timedelta(days=i) for i in range(1, (day - first).days + 1))
        else:
            days.append(day)
        pending_range = False
    return days


def parse_notice_file(path: str | os.PathLike[str]) -> ImportedNotice:
    """:func:`parse_notice` on a UTF-8 text file."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(_MAX_NOTICE_BYTES + 1)
    except OSError as exc:
        raise CalendarFileError(
            f"notice {name}: cannot read it: {exc.strerror or exc}", name, reason="notice_unreadable"
        ) from None
    if len(raw) > _MAX_NOTICE_BYTES:
        raise CalendarFileError(
            f"notice {name}: longer than {_MAX_NOTICE_BYTES:,} bytes; not a holiday notice",
            name,
            reason="notice_too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise CalendarFileError(
                f"notice {name}: neither UTF-8 nor GB18030 text", name, reason="notice_not_text"
            ) from None
    return parse_notice(text, name)


def _runs(days: dict[dt.date, str]) -> list[tuple[dt.date, dt.date, str]]:
    """Consecutive days with the same name as (first, last, name)."""
    runs: list[tuple[dt.date, dt.date, str]] = []
    for day in sorted(days):
        name = days[day]
        if runs and runs[-1][2] == name and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, name)
        else:
            runs.append((day, day, name))
    return runs


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render(year: int, off: dict[dt.date, str], work: dict[dt.date, str], source: str) -> str:
    lines = [
        f"# {year}年部分节假日安排: days off (放假) and weekend days worked (调休上班).",
        f"# Imported from {os.path.basename(source)} by `govrule calendar import`; format: docs/calendar.md",
        f"year: {year}",
        "holidays:",
    ]
    for first, last, name in _runs(off):
        lines.append(f'  - {{from: "{first.isoformat()}", to: "{last.isoformat()}", name: {_quote(name)}}}')
    lines.append("workdays:" if work else "workdays: []")
    for first, last, name in _runs(work):
        lines.append(f'  - {{from: "{first.isoformat()}", to: "{last.isoformat()}", name: {_quote(name)}}}')
    return "\n".join(lines) + "\n"


def render_calendar(calendar: CalendarYear, source: str = "") -> str:
    """A calendar year as the text of a calendar file (YAML; days named by their holiday)."""
    names = dict(calendar.names)
    off = {d: names.get(d, "放假") for d in calendar.holidays}
    work = {d: names.get(d, "上班") for d in calendar.workdays}
    return _render(calendar.year, off, work, source or calendar.source)
