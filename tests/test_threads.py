"""One ruleset shared by eight threads gives every thread the answers a single thread gets."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import govrule
from govrule import model

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "examples" / "minimal.yaml"
THREADS = 8
ROUNDS = 3


def fresh(name: str) -> govrule.Ruleset:
    """A newly compiled copy, so its lazily filled indexes start empty in the threads."""
    rs = govrule.load(name)
    return govrule.Ruleset(rs.spec, source=rs.source)


def questions(rs: govrule.Ruleset) -> list[tuple[str, Callable[[], Any]]]:
    """Many questions of every kind, each as (description, ask)."""
    out: list[tuple[str, Callable[[], Any]]] = []
    for issuer, kind, recipient, major, portfolios in itertools.product(
        model.ISSUERS, model.DOCUMENT_KINDS, model.RECIPIENTS, (False, True), ((), ("a", "b"))
    ):
        doc = govrule.Document(issuer=issuer, kind=kind, recipient=recipient, major=major, portfolios=portfolios)
        out.append((f"sign {doc!r}", lambda doc=doc: rs.who_must_sign(doc)))
    for meeting in rs.meetings:
        for consulted, involves in itertools.product((None, False, True), repeat=2):
            item = govrule.AgendaItem(kind="report", consulted=consulted, involves_other_departments=involves)
            out.append((f"agenda {meeting} {item!r}", lambda m=meeting, i=item: rs.check_agenda(i, m)))
        out.append((f"meeting {meeting}", lambda m=meeting: rs.meeting(m)))
    for event in rs.events:
        for day in (dt.date(2024, 9, 27), dt.date(2025, 1, 20), dt.date(2024, 4, 30)):
            out.append((f"deadline {event} {day}", lambda e=event, d=day: rs.deadline(e, d)))
    for role in rs.roles:
        out.append((f"leave {role}", lambda r=role: rs.leave_approver(r)))
    out.append(("acting head", rs.acting_head))
    return out


def answer(ask: Callable[[], Any]) -> Any:
    """The answer as comparable data, or the error it raised."""
    try:
        result = ask()
    except govrule.GovruleError as exc:
        return (type(exc).__name__, str(exc))
    return result.to_dict() if hasattr(result, "to_dict") else result


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Switch threads far more often than usual, to make interleavings likely."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("busy_switching")
@pytest.mark.parametrize("name", [str(MINIMAL), "ezhou"])
def test_eight_threads_get_identical_answers(name: str) -> None:
    if not Path(name).exists() and name not in govrule.bundled():
        pytest.skip(f"{name} is not bundled yet")
    expected = {text: answer(ask) for text, ask in questions(fresh(name))}
    shared = fresh(name)
    asked = questions(shared)
    results: list[dict[str, Any] | BaseException] = [{} for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        try:
            order = list(asked)
            random.Random(n).shuffle(order)  # each thread fills the indexes in another order
            start.wait()
            seen: dict[str, Any] = {}
            for _ in range(ROUNDS):
                for text, ask in order:
                    got = answer(ask)
                    if seen.setdefault(text, got) != got:
                        raise AssertionError(f"thread {n}: {text} changed its answer")
            results[n] = seen
        except BaseException as exc:
            results[n] = exc

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, result in enumerate(results):
        assert not isinstance(result, BaseException), f"thread {n}: {result!r}"
        assert result == expected


@pytest.mark.usefixtures("busy_switching")
def test_eight_threads_checking_one_ruleset_get_identical_findings() -> None:
    rs = fresh(str(ROOT / "tests" / "data" / "defects" / "shadowed.yaml"))
    expected = govrule.check(rs)
    found: list[Any] = [None] * THREADS
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        start.wait()
        found[n] = [govrule.check(rs) for _ in range(5)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert expected and all(runs == [expected] * 5 for runs in found)
