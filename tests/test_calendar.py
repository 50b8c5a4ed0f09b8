"""Working-day arithmetic against the official schedule shipped in chinesecalendar."""

from __future__ import annotations

import pickle
import random
import threading
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from govrule.calendar import (
    UNITS,
    CalendarYear,
    WorkCalendar,
    default_calendar,
    load_calendar_file,
)
from govrule.errors import CalendarError, GovruleError

DATA = Path(__file__).parent / "data" / "calendars"
BAD = DATA / "bad"
CAL = default_calendar()
PACKAGE_COVERS_2027 = 2027 in CAL.years


# --- the real schedule -------------------------------------------------------------------


def test_five_working_days_after_2024_09_27_is_2024_10_10() -> None:
    """National Day 2024: Sun 09-29 worked (1), Mon 09-30 (2), 10-01..10-07 off, 10-08 (3),
    10-09 (4), 10-10 (5); a weekend-only count would give 10-04."""
    assert CAL.add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 10)
    assert CAL.add_period(date(2024, 9, 27), 5, "working_days") == date(2024, 10, 10)


def test_seven_working_days_before_2024_05_20_is_2024_05_10() -> None:
    """Back from Mon 05-20: 05-17, 16, 15, 14, 13 (5), Sat 05-11 worked for Labour Day (6),
    Fri 05-10 (7); without the adjusted Saturday the answer would be 05-09."""
    assert CAL.is_workday(date(2024, 5, 11))  # the package lists it among the workdays
    assert CAL.add_working_days(date(2024, 5, 20), -7) == date(2024, 5, 10)
    assert CAL.add_period(date(2024, 5, 20), 7, "working_days", back=True) == date(2024, 5, 10)


def test_a_deadline_started_before_spring_festival_2024_skips_the_holiday() -> None:
    """Thu 02-08 + 2: Fri 02-09 (除夕 was a working day in 2024) is the 1st, 02-10..02-17 are
    off, and Sun 02-18 is an adjusted workday, so it is the 2nd."""
    assert CAL.add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert CAL.add_working_days(date(2024, 2, 8), 2) == date(2024, 2, 18)


def test_an_adjusted_saturday_workday_is_counted() -> None:
    """Sat 2024-10-12 was worked in exchange for National Day, so it is Fri 10-11's next one."""
    assert CAL.add_working_days(date(2024, 10, 11), 1) == date(2024, 10, 12)


def test_counting_back_across_a_holiday_skips_it_and_counts_the_worked_sunday() -> None:
    """Back from Tue 10-08: 10-07..10-01 are off, so Mon 09-30 is the 1st and the worked
    Sun 09-29 the 2nd; Sat 09-28 is an ordinary weekend day, so the 3rd is Fri 09-27."""
    assert CAL.add_working_days(date(2024, 10, 8), -1) == date(2024, 9, 30)
    assert CAL.add_working_days(date(2024, 10, 8), -2) == date(2024, 9, 29)
    assert CAL.add_working_days(date(2024, 10, 8), -3) == date(2024, 9, 27)


def test_a_start_day_on_a_holiday_is_not_counted_either_way() -> None:
    """The start day never counts, so starting inside the holiday gives its first or last
    neighbouring working day."""
    assert CAL.add_working_days(date(2024, 10, 1), 1) == date(2024, 10, 8)
    assert CAL.add_working_days(date(2024, 10, 3), -1) == date(2024, 9, 30)


def test_a_working_start_day_is_not_counted() -> None:
    assert CAL.add_working_days(date(2024, 6, 3), 1) == date(2024, 6, 4)
    assert CAL.add_working_days(date(2024, 6, 4), -1) == date(2024, 6, 3)


def test_zero_working_days_is_the_start_day_even_on_a_holiday() -> None:
    assert CAL.add_working_days(date(2024, 10, 1), 0) == date(2024, 10, 1)
    assert CAL.add_period(date(2024, 10, 1), 0, "working_days", back=True) == date(2024, 10, 1)


def test_working_days_cross_the_year_boundary() -> None:
    """2025-01-01 is off, so Tue 2024-12-31 + 1 is 2025-01-02, and back again."""
    assert CAL.add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 2)
    assert CAL.add_working_days(date(2025, 1, 2), -1) == date(2024, 12, 31)


def test_a_new_year_holiday_spanning_two_years_is_skipped() -> None:
    """2019 New Year: Sat 2018-12-29 worked, 12-30..2019-01-01 off."""
    assert CAL.add_working_days(date(2018, 12, 28), 1) == date(2018, 12, 29)
    assert CAL.add_working_days(date(2018, 12, 29), 1) == date(2019, 1, 2)
    assert CAL.add_working_days(date(2019, 1, 2), -1) == date(2018, 12, 29)


def test_the_first_working_day_of_2026_is_sunday_january_4() -> None:
    """2026-01-01..03 are off and Sun 01-04 is worked for them."""
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_is_workday_is_true_on_an_adjusted_weekend_day_and_false_on_a_weekday_holiday() -> None:
    assert date(2024, 10, 12).weekday() == 5 and CAL.is_workday(date(2024, 10, 12))
    assert date(2024, 10, 1).weekday() == 1 and not CAL.is_workday(date(2024, 10, 1))
    assert CAL.is_workday(date(2024, 6, 3))  # an ordinary Monday
    assert not CAL.is_workday(date(2024, 6, 2))  # an ordinary Sunday


def test_is_workday_agrees_with_the_package_on_every_covered_day() -> None:
    """The precomputed tables must say exactly what chinesecalendar's own function says."""
    day, end = date(CAL.years[0], 1, 1), date(CAL.years[-1], 12, 31)
    disagreements = []
    while day <= end:
        if CAL.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


def _walk(start: date, n: int) -> date | int:
    """Reference answer by walking day by day with the package; an int is a missing year."""
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        try:
            worked = chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.year
        left -= worked
    return day


def test_add_working_days_agrees_with_a_day_by_day_walk_on_random_cases() -> None:
    """The bisect shortcut must match the slow walk, including where the walk leaves the data."""
    rng = random.Random(20240927)
    first, last = date(CAL.years[0], 1, 1).toordinal(), date(CAL.years[-1], 12, 31).toordinal()
    mismatches = []
    for _ in range(1500):
        start = date.fromordinal(rng.randint(first - 20, last + 20))
        n = rng.randint(-40, 40)
        if n == 0 or not first <= start.toordinal() <= last:
            continue
        expected = _walk(start, n)
        try:
            got: date | int = CAL.add_working_days(start, n)
        except CalendarError as exc:
            got = exc.year
        if got != expected:
            mismatches.append((start, n, got, expected))
    assert mismatches == []


# --- calendar periods ----------------------------------------------------------------------


def test_five_years_from_2020_03_01_is_2025_03_01() -> None:
    assert CAL.add_period(date(2020, 3, 1), 5, "years") == date(2025, 3, 1)


def test_one_month_from_january_31_is_the_last_day_of_february() -> None:
    assert CAL.add_period(date(2024, 1, 31), 1, "months") == date(2024, 2, 29)
    assert CAL.add_period(date(2025, 1, 31), 1, "months") == date(2025, 2, 28)


def test_one_year_from_february_29_is_february_28() -> None:
    assert CAL.add_period(date(2024, 2, 29), 1, "years") == date(2025, 2, 28)
    assert CAL.add_period(date(2024, 2, 29), 4, "years") == date(2028, 2, 29)


def test_months_and_years_count_back() -> None:
    assert CAL.add_period(date(2024, 3, 31), 1, "months", back=True) == date(2024, 2, 29)
    assert CAL.add_period(date(2024, 1, 15), 2, "months", back=True) == date(2023, 11, 15)
    assert CAL.add_period(date(2025, 3, 1), 5, "years", back=True) == date(2020, 3, 1)


def test_calendar_days_are_plain_arithmetic_with_no_holiday_roll_over() -> None:
    """09-27 + 4 days lands on National Day 10-01 and stays there."""
    assert CAL.add_period(date(2024, 9, 27), 4, "calendar_days") == date(2024, 10, 1)
    assert CAL.add_period(date(2024, 10, 8), 10, "calendar_days", back=True) == date(2024, 9, 28)


def test_calendar_months_and_years_need_no_holiday_data() -> None:
    """Only working days need the schedule, so years no calendar covers are fine here."""
    assert CAL.add_period(date(2026, 12, 20), 30, "calendar_days") == date(2027, 1, 19)
    assert CAL.add_period(date(2004, 1, 10), 30, "calendar_days", back=True) == date(2003, 12, 11)
    assert CAL.add_period(date(2030, 1, 31), 1, "months") == date(2030, 2, 28)
    assert CAL.add_period(date(2000, 6, 1), 50, "years") == date(2050, 6, 1)
    empty = WorkCalendar(use_package=False)
    assert empty.add_period(date(2024, 1, 1), 3, "months") == date(2024, 4, 1)


def test_an_unknown_unit_raises_govrule_error_naming_it_and_the_allowed_units() -> None:
    with pytest.raises(GovruleError) as info:
        CAL.add_period(date(2024, 1, 1), 3, "weeks")
    message = str(info.value)
    assert "'weeks'" in message
    assert all(unit in message for unit in UNITS)
    assert not isinstance(info.value, ValueError)


def test_a_period_beyond_year_9999_raises_govrule_error() -> None:
    with pytest.raises(GovruleError, match="outside the years"):
        CAL.add_period(date(9999, 12, 1), 1, "months")
    with pytest.raises(GovruleError, match="outside the years"):
        CAL.add_period(date(1, 1, 5), 10, "calendar_days", back=True)


# --- years no calendar covers --------------------------------------------------------------


def test_the_covered_years_are_those_the_package_has_holidays_for() -> None:
    expected = tuple(sorted({d.year for d in chinese_calendar.constants.holidays}))
    assert CAL.years == expected
    assert CAL.years[0] == 2004
    assert list(CAL.years) == list(range(CAL.years[0], CAL.years[-1] + 1))


@pytest.mark.skipif(PACKAGE_COVERS_2027, reason="chinesecalendar now publishes 2027")
def test_a_period_reaching_2027_raises_calendar_error_naming_2027() -> None:
    with pytest.raises(CalendarError) as info:
        CAL.add_working_days(date(2026, 12, 20), 10)
    assert info.value.year == 2027
    assert "2027" in str(info.value)
    assert info.value.covered == (CAL.years[0], CAL.years[-1])
    with pytest.raises(CalendarError, match="2027"):
        CAL.add_period(date(2026, 12, 31), 1, "working_days")
    with pytest.raises(CalendarError, match="2027"):
        CAL.is_workday(date(2027, 1, 4))


def test_a_period_reaching_before_2004_raises_calendar_error_naming_2003() -> None:
    with pytest.raises(CalendarError) as info:
        CAL.add_working_days(date(2004, 1, 5), -10)
    assert info.value.year == 2003
    assert "2003" in str(info.value)
    with pytest.raises(CalendarError, match="2003"):
        CAL.is_workday(date(2003, 12, 31))


def test_a_start_day_in_an_uncovered_year_is_fine_when_the_count_stays_covered() -> None:
    """The start day is never counted, so only 2004 is consulted from 2003-12-31."""
    assert CAL.add_working_days(date(2003, 12, 31), 1) == date(2004, 1, 2)


def test_a_calendar_without_years_raises_for_the_start_year() -> None:
    empty = WorkCalendar(use_package=False)
    assert empty.years == ()
    with pytest.raises(CalendarError) as info:
        empty.add_working_days(date(2024, 3, 1), 1)
    assert info.value.year == 2024 and info.value.covered is None


# --- calendar files ------------------------------------------------------------------------


def test_a_calendar_file_makes_2027_computable() -> None:
    """The fixture has 2027-01-01 and 02-05..02-11 off and Sat 02-20 worked."""
    cal = WorkCalendar(files=[DATA / "2027.yaml"])
    assert 2027 in cal.years
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert cal.add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 20)
    assert cal.add_working_days(date(2027, 2, 22), -2) == date(2027, 2, 19)
    assert cal.is_workday(date(2027, 2, 20)) and not cal.is_workday(date(2027, 2, 8))


def test_with_files_layers_a_file_on_a_new_calendar_and_leaves_the_old_one_alone() -> None:
    before = CAL.years
    cal = CAL.with_files(DATA / "2027.yaml")
    assert cal is not CAL and CAL.years == before
    assert set(cal.years) == set(before) | {2027}
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)


def test_the_walk_past_the_last_file_year_raises_for_the_next_year() -> None:
    only_2027 = WorkCalendar(use_package=False, files=[str(DATA / "2027.yaml")])
    assert only_2027.years == (2027,)
    with pytest.raises(CalendarError) as info:
        only_2027.add_working_days(date(2027, 12, 31), 1)
    assert info.value.year == 2028
    with pytest.raises(CalendarError) as info:
        only_2027.add_working_days(date(2027, 1, 4), -2)
    assert info.value.year == 2026


def test_a_gap_between_covered_years_raises_for_the_gap_year() -> None:
    """With the package's years and a later file year, the year between them is still unknown."""
    only_new_year = CalendarYear(2029, frozenset({date(2029, 1, 1)}), frozenset(), source="test")
    later = WorkCalendar._from_layers([*CAL.layers.values(), only_new_year])
    with pytest.raises(CalendarError) as info:
        later.add_working_days(date(CAL.years[-1], 12, 31), 1)
    assert info.value.year == CAL.years[-1] + 1
    assert "2029" in str(info.value)  # the message lists the covered years, gap included
    assert later.add_working_days(date(2029, 1, 1), 1) == date(2029, 1, 2)


def test_a_file_year_replaces_the_package_year_entirely() -> None:
    """The fixture keeps only 2024-01-01 off, so National Day becomes ordinary weekdays and
    the package's adjusted Sunday 09-29 an ordinary Sunday."""
    cal = WorkCalendar(files=[DATA / "2024-correction.yaml"])
    assert cal.is_workday(date(2024, 10, 1))
    assert not cal.is_workday(date(2024, 9, 29))
    assert cal.add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 4)
    assert cal.layers[2024].source.endswith("2024-correction.yaml")
    assert cal.layers[2023].source.startswith("chinesecalendar")


def test_load_calendar_file_expands_ranges_and_keeps_names() -> None:
    year = load_calendar_file(DATA / "2027.yaml")
    assert year.year == 2027
    assert year.holidays == {date(2027, 1, 1)} | {date(2027, 2, d) for d in range(5, 12)}
    assert year.workdays == {date(2027, 2, 20)}
    assert dict(year.names)[date(2027, 2, 8)] == "春节"


def test_two_files_for_the_same_year_in_one_call_are_refused() -> None:
    path = DATA / "2027.yaml"
    with pytest.raises(GovruleError, match="both give 2027"):
        WorkCalendar(files=[path, path])


def test_a_lone_path_string_is_taken_as_one_file() -> None:
    cal = WorkCalendar(use_package=False, files=str(DATA / "2027.yaml"))
    assert cal.years == (2027,)


@pytest.mark.parametrize(
    ("name", "line", "fragment"),
    [
        ("outside-year.yaml", 4, "2028-02-05 is outside the file's year 2027"),
        ("holiday-and-workday.yaml", 5, "2027-02-06 is listed both as a holiday"),
        ("not-yaml.yaml", 3, "YAML 语法错误"),
        ("weekday-workday.yaml", 5, "is a Wednesday"),
        ("unknown-key.yaml", 2, "unknown key 'holiday'"),
        ("impossible-date.yaml", 4, "无效的值 '2027-02-30'"),
        ("no-holidays.yaml", 1, "missing key 'holidays'"),
        ("reversed-range.yaml", 3, "ends before it starts"),
        ("not-a-mapping.yaml", 1, "must be a mapping"),
    ],
)
def test_a_bad_calendar_file_raises_govrule_error_naming_file_line_and_problem(
    name: str, line: int, fragment: str
) -> None:
    path = BAD / name
    with pytest.raises(GovruleError) as info:
        load_calendar_file(path)
    message = str(info.value)
    assert f"{path}:{line}: " in message
    assert fragment in message
    with pytest.raises(GovruleError):
        WorkCalendar(files=[path])  # the constructor refuses it the same way


def test_a_missing_calendar_file_raises_govrule_error_naming_it() -> None:
    path = DATA / "no-such-file.yaml"
    with pytest.raises(GovruleError, match=r"no-such-file\.yaml"):
        load_calendar_file(path)


# --- sharing ------------------------------------------------------------------------------


def test_default_calendar_is_built_once() -> None:
    assert default_calendar() is default_calendar()


def test_threads_racing_for_the_first_default_calendar_all_get_the_same_one() -> None:
    import govrule.calendar as module

    module.default_calendar.cache_clear()
    module._build_default.cache_clear()
    barrier = threading.Barrier(8)
    seen: list[WorkCalendar] = []

    def grab() -> None:
        barrier.wait()
        seen.append(default_calendar())

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(cal is seen[0] for cal in seen)


def test_a_calendar_refuses_attribute_changes() -> None:
    with pytest.raises(AttributeError):
        setattr(CAL, "_years", ())  # noqa: B010 - setattr keeps mypy from flagging the deliberate misuse
    assert CAL.years[0] == 2004


def test_a_calendar_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(CAL))
    assert copy.years == CAL.years
    assert copy.add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 10)
