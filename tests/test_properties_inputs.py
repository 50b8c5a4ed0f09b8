"""Property tests of what govrule accepts: constructors, _replace, pickling, calendars, calendar files.

Each property counts the examples it has to throw away (``assume``) and keeps that share under
half, so hypothesis spends its budget on inputs that exercise the code; the share is printed.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import govrule
from govrule import AgendaItem, Document
from govrule.testing import strategies as gst

# Values of every kind a caller (or a JSON body) might pass for any field.
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, width=16),
    st.text(max_size=6),
    st.sampled_from(["government", "request", "higher_government", "yes", "1", "2024-05-01", "20240501"]),
    st.lists(st.text(max_size=4), max_size=3),
    st.dates(),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _run(prop: Callable[[Counter[str]], Callable[[], None]]) -> None:
    counts: Counter[str] = Counter()
    prop(counts)()
    share = counts["discarded"] / max(1, counts["tried"])
    print(f"{prop.__name__}: {counts['tried']} examples, {share:.0%} discarded")
    assert counts["tried"] > 0
    assert share < 0.5, f"{share:.0%} of examples discarded"


def test_a_document_is_built_or_refused_with_a_query_error() -> None:
    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=300, deadline=None)
        @given(st.dictionaries(st.sampled_from(Document._fields), ANY_VALUE, max_size=4))
        def run(fields: dict[str, Any]) -> None:
            counts["tried"] += 1
            try:
                doc = Document(**fields)
            except govrule.QueryError:
                return
            for name, value in zip(doc._fields, doc, strict=True):
                assert value is None or isinstance(value, str | bool | tuple), (name, value)
                if isinstance(value, tuple):
                    assert all(isinstance(word, str) for word in value)
            assert pickle.loads(pickle.dumps(doc)) == doc

        return run

    _run(prop)


def test_an_agenda_item_is_built_or_refused_with_a_query_error() -> None:
    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=300, deadline=None)
        @given(st.dictionaries(st.sampled_from(AgendaItem._fields), ANY_VALUE, max_size=4))
        def run(fields: dict[str, Any]) -> None:
            counts["tried"] += 1
            try:
                item = AgendaItem(**fields)
            except govrule.QueryError:
                return
            for flag in ("consulted", "ad_hoc", "cosigned", "approved_by_head"):
                assert getattr(item, flag) in (None, True, False)
            assert item.materials_submitted is None or type(item.materials_submitted) is dt.date
            assert pickle.loads(pickle.dumps(item)) == item

        return run

    _run(prop)


def test_replace_validates_like_the_constructor() -> None:
    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=200, deadline=None)
        @given(gst.documents(), st.sampled_from(Document._fields), ANY_VALUE)
        def run(doc: Document, field: str, value: Any) -> None:
            counts["tried"] += 1
            try:
                expected: Any = Document(**{**doc._asdict(), field: value})
            except govrule.QueryError as exc:
                expected = str(exc)
            try:
                got: Any = doc._replace(**{field: value})
            except govrule.QueryError as exc:
                got = str(exc)
            assert got == expected

        return run

    _run(prop)


def test_generated_documents_and_their_answers_round_trip() -> None:
    rs = govrule.load("ezhou")

    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=200, deadline=None)
        @given(gst.documents(ruleset=rs))
        def run(doc: Document) -> None:
            counts["tried"] += 1
            try:
                answer: Any = rs.who_must_sign(doc)
            except govrule.GovruleError as exc:
                answer = exc
            copy = pickle.loads(pickle.dumps(answer))
            assert str(copy) == str(answer) if isinstance(answer, Exception) else copy == answer

        return run

    _run(prop)


CAL = govrule.default_calendar()


def test_work_calendar_methods_answer_or_refuse_cleanly() -> None:
    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=300, deadline=None)
        @given(
            st.one_of(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), ANY_VALUE),
            st.one_of(st.integers(-400, 400), ANY_VALUE),
            st.one_of(st.sampled_from(govrule.model.UNITS), ANY_VALUE),
        )
        def run(start: Any, amount: Any, unit: Any) -> None:
            counts["tried"] += 1
            for call in (
                lambda: CAL.is_workday(start),
                lambda: CAL.add_working_days(start, amount),
                lambda: CAL.add_period(start, amount, unit),
                lambda: CAL.add_period(start, amount, unit, back=True),
            ):
                try:
                    result = call()
                except govrule.GovruleError:
                    continue
                assert isinstance(result, bool | dt.date)

        return run

    _run(prop)


CALENDAR_LINES = st.sampled_from(
    [
        "year: [2031]",
        "holidays:",
        "  - 2031-01-01",
        "  - {from: 2031-01-28, to: 2031-02-03, name: 春节}",
        "  - {from: 2031-02-03, to: 2031-01-28}",
        "  - 2031-02-30",
        "  - 20310101",
        "workdays:",
        "  - 2031-01-26",
        "workdays: yes",
        "name: &a [x, *a]",
        "\x07",
        "[[[[[[[[[[",
        "source: 国务院办公厅通知",
    ]
)


def test_calendar_files_load_or_name_their_problem(tmp_path_factory: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("calendars")

    def prop(counts: Counter[str]) -> Callable[[], None]:
        @settings(max_examples=150, deadline=None)
        @given(st.sampled_from(["year: 2031", "year: 2031.5", "year: '2031'", "yaer: 2031"]), st.lists(CALENDAR_LINES))
        def run(first: str, lines: list[str]) -> None:
            counts["tried"] += 1
            text = "\n".join([first, *lines]) + "\n"
            if text.count("year:") > 1:  # a duplicate key is refused by the loader before anything else
                counts["discarded"] += 1
                assume(False)
            path = folder / "2031.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                year = govrule.load_calendar_file(path)
            except govrule.GovruleError as exc:
                assert str(path) in str(exc) or path.name in str(exc)
                return
            assert year is not None

        return run

    _run(prop)
