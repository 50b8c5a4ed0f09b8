"""Answers and a ruleset's public views cannot be changed, so a ruleset is safe to share.

``load()`` returns one cached object per file: if an answer handed out a live part of it, a write
there would change every later answer in the process. Each public attribute of each answer (and
of what it holds) is tried for assignment, item assignment and in-place growth.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pydantic
import pytest

import govrule

REQUEST = {"issuer": "government", "kind": "request", "recipient": "higher_government"}


def _answers(rs: govrule.Ruleset) -> Iterator[Any]:
    def ask(call: Any) -> Iterator[Any]:
        try:
            yield call()
        except govrule.GovruleError:
            return

    yield from ask(lambda: rs.who_must_sign(REQUEST))
    for meeting in rs.meetings:
        yield from ask(lambda meeting=meeting: rs.meeting(meeting))
        yield from ask(lambda meeting=meeting: rs.check_agenda({"kind": "report"}, meeting, dt.date(2024, 5, 20)))
    for event in rs.events:
        yield from ask(lambda event=event: rs.deadline(event, dt.date(2024, 5, 20)))
    yield from ask(rs.acting_head)
    for role in rs.roles:
        yield from ask(lambda role=role: rs.leave_approver(role))


def _public(obj: Any) -> Iterator[tuple[str, Any]]:
    for name in dir(obj):
        if name.startswith("_") or (isinstance(obj, pydantic.BaseModel) and name.startswith("model_")):
            continue  # pydantic's class-level machinery, not the model's data
        try:
            value = getattr(obj, name)
        except Exception:
            continue
        if callable(value) and not isinstance(value, Mapping):
            continue
        yield name, value


def _assert_frozen(value: Any, where: str, depth: int = 0) -> None:
    """``value`` and everything reachable through its public attributes refuse every write."""
    if depth > 6 or value is None or isinstance(value, str | int | float | bool | dt.date):
        return
    assert not isinstance(value, list | dict | set | bytearray), f"{where} is a mutable {type(value).__name__}"
    if isinstance(value, Mapping):
        with pytest.raises(TypeError):
            value["__probe__"] = 1  # type: ignore[index]
        for key, item in value.items():
            _assert_frozen(item, f"{where}[{key!r}]", depth + 1)
        return
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            _assert_frozen(item, f"{where}[{i}]", depth + 1)
        if not hasattr(value, "_fields"):
            return
    for name, attr in _public(value):
        # dataclasses raise FrozenInstanceError, pydantic models a ValidationError (a ValueError)
        with pytest.raises((AttributeError, TypeError, ValueError, dataclasses.FrozenInstanceError)):
            setattr(value, name, attr)
        _assert_frozen(attr, f"{where}.{name}", depth + 1)


@pytest.mark.parametrize("name", govrule.bundled())
def test_every_answer_is_deeply_immutable(name: str) -> None:
    rs = govrule.load(name)
    answers = list(_answers(rs))
    assert answers
    for answer in answers:
        _assert_frozen(answer, type(answer).__name__)


@pytest.mark.parametrize("name", govrule.bundled())
def test_the_rulesets_public_views_are_read_only(name: str) -> None:
    rs = govrule.load(name)
    for attr, value in _public(rs):
        with pytest.raises((AttributeError, TypeError)):
            setattr(rs, attr, value)
    _assert_frozen(rs.roles, "roles")
    _assert_frozen(rs.meetings, "meetings")
    _assert_frozen(rs.meta, "meta")
    graph = govrule.supersession_graph()
    with pytest.raises(Exception, match=r"[Ff]rozen"):
        graph.add_node("x")


def test_an_answers_labels_cannot_rewrite_later_explanations() -> None:
    rs = govrule.load("ezhou")
    decision = rs.who_must_sign(REQUEST)
    before = decision.explain()
    for mapping in (getattr(decision, "labels", None), rs.roles):
        if isinstance(mapping, Mapping):
            with pytest.raises(TypeError):
                mapping["head"] = "皇帝"  # type: ignore[index]
    assert "皇帝" not in rs.who_must_sign(REQUEST).explain()
    assert rs.who_must_sign(REQUEST).explain() == before


def test_mutation_attempts_in_one_thread_do_not_change_anothers_answers() -> None:
    rs = govrule.load("ezhou")
    expected = rs.who_must_sign(REQUEST).explain()
    seen: list[str] = []
    stop = threading.Event()

    def vandal() -> None:
        while not stop.is_set():
            answer = rs.who_must_sign(REQUEST)
            for target in (getattr(answer, "labels", None), rs.roles):
                try:
                    target["head"] = "皇帝"  # type: ignore[index]
                except TypeError:
                    pass
            for attr in ("signers", "rule", "steps"):
                try:
                    setattr(answer, attr, ())
                except (AttributeError, TypeError, dataclasses.FrozenInstanceError):
                    pass

    def reader() -> None:
        for _ in range(300):
            seen.append(rs.who_must_sign(REQUEST).explain())

    vandals = [threading.Thread(target=vandal) for _ in range(4)]
    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in vandals + readers:
        t.start()
    for t in readers:
        t.join(timeout=60)
    stop.set()
    for t in vandals:
        t.join(timeout=60)
    assert len(seen) == 1200 and set(seen) == {expected}
