"""Calendars a clerk can update: the State Council's holiday notice imported day by day, calendar files
read by the hardened loader, calendar directories, checked WorkCalendar arguments, coverage warnings."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import chinese_calendar
import pytest

import govrule
from govrule.calendar import (
    CALENDAR_DIR_ENV,
    CalendarFileError,
    WorkCalendar,
    calendar_dirs,
    default_calendar,
    load_calendar_file,
)
from govrule.calendar_notice import parse_notice, parse_notice_file, render_calendar
from govrule.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "tests" / "data" / "notices"
EXAMPLE = str(ROOT / "examples" / "minimal.yaml")


#: Nine levels of nine aliases each: 9**9 nodes once expanded.
ALIAS_BOMB = (
    "a: &a [1,1,1,1,1,1,1,1,1]\n"
    + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "year: *i\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2017, 2026])
def test_the_importer_agrees_with_the_holiday_package_on_every_day(year: int, tmp_path: Path) -> None:
    """Imported from the real notice, written as a calendar file and read back: every day of the year as the package."""
    out = tmp_path / f"{year}.yaml"
    code, _, err = run("calendar", "import", str(NOTICES / f"{year}.txt"), "-o", str(out))
    assert code == 0, err
    calendar = WorkCalendar(use_package=False, files=[out])
    for day in _days(year):
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
    code, text, _ = run("calendar", "days", str(out), "--json")
    data = json.loads(text)
    assert code == 0 and set(data) == {"schema", "year", "off", "work"} and data["year"] == year
    holidays = sorted(d.isoformat() for d in chinese_calendar.constants.holidays if d.year == year)
    workdays = sorted(d.isoformat() for d in chinese_calendar.constants.workdays if d.year == year)
    assert data["off"] == holidays and data["work"] == workdays


def test_a_traditional_full_width_copy_reads_the_same() -> None:
    import opencc

    text = (NOTICES / "2017.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(text)
    full_width = traditional.replace(":", "：").replace(",", "，").replace("(", "（").replace(")", "）")
    full_width = full_width.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert "補休" in full_width and "１月２７日" in full_width
    simplified = parse_notice(text).calendar
    other = parse_notice(full_width).calendar
    assert other.year == 2017 and other.holidays == simplified.holidays and other.workdays == simplified.workdays


def test_days_another_year_are_left_to_that_years_file_with_a_note() -> None:
    """元旦 2019 started on 30 December 2018; those days belong to the 2018 file."""
    text = (
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
        "二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。\n"
    )
    notice = parse_notice(text, "2019.txt")
    assert notice.calendar.year == 2019
    assert sorted(notice.calendar.holidays)[0] == dt.date(2019, 1, 1)
    assert notice.calendar.workdays == {dt.date(2019, 2, 2), dt.date(2019, 2, 3)}
    assert any("2018-12-29" in n and "2018" in n for n in notice.notes)
    assert "2019.txt:2: 2018-12-29（元旦，上班）属于 2018 年，请写入 2018 年的日历文件" in notice.notes
    for day in notice.calendar.holidays | notice.calendar.workdays:
        assert chinese_calendar.is_workday(day) == (day in notice.calendar.workdays)


def test_a_rendered_calendar_file_reads_back_to_the_same_year(tmp_path: Path) -> None:
    notice = parse_notice_file(NOTICES / "2026.txt")
    path = tmp_path / "2026.yaml"
    path.write_text(render_calendar(notice.calendar), encoding="utf-8")
    again = load_calendar_file(path)
    assert again.holidays == notice.calendar.holidays and again.workdays == notice.calendar.workdays
    assert dict(again.names)[dt.date(2026, 2, 15)] == "春节"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("一、元旦:1月1日放假。", "no year found"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n节假日期间要做好值班。", "no days off found"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:2月30日放假。", "is not a date"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:1月1日放假,1月6日(星期三)上班。", "is a Wednesday"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节:2月10日至2月1日放假。", "ends before it starts"),
    ],
)
def test_a_notice_that_cannot_be_read_is_one_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_notice(text, "notice.txt")
    assert fragment in str(info.value) and "notice.txt" in str(info.value)


def test_import_prints_the_file_when_no_output_is_given() -> None:
    code, out, _ = run("calendar", "import", str(NOTICES / "2026.txt"))
    assert code == 0 and out.startswith("# 2026年部分节假日安排") and "year: 2026" in out


# ---------------------------------------------------------------------------- hardened loading


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (ALIAS_BOMB, "别名"),
        ("year: " + "[" * 5000 + "]" * 5000 + "\n", "嵌套"),
        ("year: 2027\nholidays: [2027-01-01]\x07\n", "YAML"),
        ("year: !!python/object:os.system 1\nholidays: []\n", "不允许使用标签"),
        ("year: 2027\nyear: 2028\nholidays: [2027-01-01]\n", "重复的键 'year'"),
    ],
)
def test_hostile_calendar_files_end_in_a_calendar_error_with_file_and_line(
    tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(govrule.CalendarError) as info:
        load_calendar_file(path)
    message = str(info.value)
    assert f"{path}:" in message and fragment.lower() in message.lower() and len(message) < 2000
    code, out, err = run("calendar", "days", str(path), "--json")
    assert code == 1 and json.loads(out)["error"]["kind"] == "CalendarFileError" and "Traceback" not in err


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda c: c.add_working_days(dt.date(2024, 1, 2), 1.5), "whole number"),
        (lambda c: c.add_working_days(dt.date(2024, 1, 2), "3"), "whole number"),
        (lambda c: c.add_working_days("2024-01-02", 3), "date"),
        (lambda c: c.add_working_days(dt.datetime(2024, 1, 2, 9), 3), "date"),
        (lambda c: c.add_period(dt.date(2024, 1, 2), 3, None), "unit"),
        (lambda c: c.add_period(dt.date(2024, 1, 2), True, "working_days"), "whole number"),
        (lambda c: c.is_workday(None), "date"),
        (lambda c: c.is_workday("2024-01-02"), "date"),
        (lambda c: c.covered_until(20240102), "date"),
        (lambda c: WorkCalendar(files=5), "list of calendar file paths"),
        (lambda c: c.with_files(None), "named by its path"),
    ],
)
def test_work_calendar_methods_check_their_arguments(call: object, fragment: str) -> None:
    with pytest.raises(govrule.GovruleError) as info:
        call(default_calendar())  # type: ignore[operator]
    assert fragment in str(info.value)


def test_a_date_near_the_end_of_time_is_a_clear_error() -> None:
    code, _, err = run("deadline", EXAMPLE, "meeting_documents_issuance", "--from", "9999-12-15")
    assert code == 2 and "Traceback" not in err and "9999" in err
    with pytest.raises(govrule.GovruleError):
        default_calendar().add_period(dt.date(9999, 12, 15), 30, "calendar_days")


# ---------------------------------------------------------------------------- calendar directories


def test_calendar_files_in_the_calendar_directory_extend_the_default_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = parse_notice(
        "国务院办公厅关于2099年部分节假日安排的通知\n一、元旦:1月1日(周四)至3日(周六)放假调休,共3天。1月4日(周日)上班。\n"
    )
    (tmp_path / "2099.yaml").write_text(render_calendar(notice.calendar), encoding="utf-8")
    monkeypatch.setenv(CALENDAR_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert str(tmp_path) in calendar_dirs() and calendar_dirs()[0] == os.path.join(
        str(tmp_path / "config"), "govrule", "calendars"
    )
    default_calendar.cache_clear()
    from govrule import calendar as calendar_module

    calendar_module._build_default.cache_clear()
    try:
        cal = default_calendar()
        assert 2099 in cal.years and cal.is_workday(dt.date(2099, 1, 4)) and not cal.is_workday(dt.date(2099, 1, 2))
    finally:
        monkeypatch.delenv(CALENDAR_DIR_ENV)
        default_calendar.cache_clear()
        calendar_module._build_default.cache_clear()
    assert 2099 not in default_calendar().years


def test_a_deadline_warns_when_the_calendar_ends_soon_after_it() -> None:
    rs = govrule.load(EXAMPLE)
    last = max(default_calendar().years)
    late = rs.deadline("meeting_documents_issuance", dt.date(last, 12, 1))
    assert any(f"{last}-12-31" in w for w in late.warnings)
    early = rs.deadline("meeting_documents_issuance", dt.date(last, 3, 2))
    assert early.warnings == ()
    code, out, err = run("deadline", EXAMPLE, "meeting_documents_issuance", "--from", f"{last}-12-01")
    assert code == 0 and "注意" in out and err.startswith("govrule：注意：工作日历只覆盖到")


OTHER_YEARS = {
    2024: (
        "国务院办公厅关于2024年部分节假日安排的通知\n"
        "一、元旦：1月1日放假，与周末连休。\n"
        "二、春节：2月10日至17日放假调休，共8天。2月4日（周日）、2月18日（周日）上班。"
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。\n"
        "三、清明节：4月4日至6日放假调休，共3天。4月7日（周日）上班。\n"
        "四、劳动节：5月1日至5日放假调休，共5天。4月28日（周日）、5月11日（周六）上班。\n"
        "五、端午节：6月10日放假，与周末连休。\n"
        "六、中秋节：9月15日至17日放假调休，共3天。9月14日（周六）上班。\n"
        "七、国庆节：10月1日至7日放假调休，共7天。9月29日（周日）、10月12日（周六）上班。\n"
    ),
    2025: (
        "国务院办公厅关于2025年部分节假日安排的通知\n"
        "一、元旦：1月1日（周三）放假1天，不调休。\n"
        "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。"
        "1月26日（周日）、2月8日（周六）上班。\n"
        "三、清明节：4月4日（周五）至6日（周日）放假，共3天。\n"
        "四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。\n"
        "五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。\n"
        "六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。\n"
    ),
    2009: (  # the older dash style
        "國務院辦公廳關於2009年部分節假日安排的通知\n一、元旦：1月1日—3日放假調休，共3天。1月4日（星期日）上班。\n"
    ),
}


@pytest.mark.parametrize("year", sorted(OTHER_YEARS))
def test_notices_of_other_years_and_styles(year: int) -> None:
    """Full-width punctuation, 周X and 农历 notes, 不调休, an encouraged rest day in parentheses, Traditional script."""
    calendar = parse_notice(OTHER_YEARS[year], f"{year}.txt").calendar
    days = _days(year) if year != 2009 else [dt.date(2009, 1, d) for d in range(1, 8)]
    for day in days:
        worked = day in calendar.workdays or (day.weekday() < 5 and day not in calendar.holidays)
        assert worked == chinese_calendar.is_workday(day), day


def test_import_prints_its_notes_and_what_it_wrote_in_chinese(tmp_path: Path) -> None:
    """`calendar import` names the days left to another year's file and what it wrote, for a clerk."""
    notice = tmp_path / "2019.txt"
    notice.write_text(
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
        "二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。\n",
        encoding="utf-8",
    )
    output = tmp_path / "2019.yaml"
    code, _, err = run("calendar", "import", str(notice), "-o", str(output))
    assert code == 0, err
    lines = err.splitlines()
    assert f"提示：{notice}:2: 2018-12-29（元旦，上班）属于 2018 年，请写入 2018 年的日历文件" in lines
    assert lines[-1] == f"已写入 {output}：2019 年，放假 8 天，调休上班 2 天"
    assert not any(re.search(r"[A-Za-z]{4,} [a-z]{3,}", line.replace(str(tmp_path), "")) for line in lines), lines
