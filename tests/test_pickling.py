"""Everything govrule accepts, returns or raises crosses a process boundary intact."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import pickle
from pathlib import Path
from typing import Any

import pytest

import govrule
from govrule import Document

REQUEST = {"issuer": "government", "kind": "request", "recipient": "higher_government"}


def _answers(rs: govrule.Ruleset) -> list[Any]:
    """One answer of each query the ruleset can give, and the errors its silent queries raise."""
    out: list[Any] = []

    def ask(call: Any) -> None:
        try:
            out.append(call())
        except govrule.GovruleError as exc:
            out.append(exc)

    ask(lambda: rs.who_must_sign(REQUEST))
    ask(lambda: rs.who_must_sign({"issuer": "office", "kind": "minutes", "recipient": "public"}))
    for meeting in rs.meetings:
        ask(lambda meeting=meeting: rs.meeting(meeting))
        ask(lambda meeting=meeting: rs.check_agenda({"kind": "report"}, meeting, dt.date(2024, 5, 20)))
        ask(lambda meeting=meeting: rs.quorum_met(meeting, 6, 10))
    for event in rs.events:
        ask(lambda event=event: rs.deadline(event, dt.date(2024, 5, 20)))
    ask(rs.acting_head)
    for role in rs.roles:
        ask(lambda role=role: rs.leave_approver(role))
    ask(lambda: rs.meeting("no_such_meeting"))
    return out


@pytest.mark.parametrize("name", govrule.bundled())
def test_every_answer_and_error_round_trips_with_the_same_text(name: str) -> None:
    rs = govrule.load(name)
    answers = _answers(rs)
    assert len(answers) > 5
    for answer in answers:
        copy = pickle.loads(pickle.dumps(answer))
        assert type(copy) is type(answer)
        if isinstance(answer, BaseException):
            assert str(copy) == str(answer)
            assert copy.args == answer.args
        else:
            assert copy == answer
            explain = getattr(answer, "explain", None)
            if explain is not None:
                assert copy.explain() == explain()


@pytest.mark.parametrize("name", govrule.bundled())
def test_a_ruleset_pickles_by_content_and_answers_alike(name: str) -> None:
    rs = govrule.load(name)
    copy = pickle.loads(pickle.dumps(rs))
    assert copy.revision == rs.revision and copy.meta.title == rs.meta.title
    assert pickle.loads(pickle.dumps(rs)) is copy, "a second copy in the same process is not compiled again"
    assert repr(_answers(copy)) == repr(_answers(rs))


def test_inputs_round_trip_and_replace_validates() -> None:
    doc = Document(**REQUEST, portfolios=("教育",), major=True)
    item = govrule.AgendaItem(kind="report", consulted=True, materials_submitted="2024-05-01")
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert pickle.loads(pickle.dumps(item)) == item
    assert doc._replace(major=False).major is False
    with pytest.raises(govrule.QueryError, match="major"):
        doc._replace(major="yes")
    with pytest.raises(govrule.QueryError, match="unknown document field"):
        doc._replace(mayor=True)
    with pytest.raises(govrule.QueryError, match="materials_submitted"):
        item._replace(materials_submitted="20240501")


def _sign(doc: Document) -> Any:
    rs = govrule.load("ezhou")
    return rs.who_must_sign(doc)


def _sign_with(args: tuple[govrule.Ruleset, dict[str, Any]]) -> Any:
    rs, fields = args
    return rs.who_must_sign(fields)


def _unknown(_: int) -> Any:
    return govrule.load("ezhou").meeting("no_such_meeting")


def _silent(_: int) -> Any:
    return govrule.load("ezhou").who_must_sign({"issuer": "office", "kind": "minutes", "recipient": "public"})


def test_a_process_pool_takes_documents_and_returns_answers_or_errors() -> None:
    docs = [Document(**REQUEST), Document(issuer="office", kind="other", recipient="subordinate")]
    expected = [_sign(d) for d in docs]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(_sign, docs, chunksize=1) == expected
        rs = govrule.load("ezhou")
        assert pool.map(_sign_with, [(rs, REQUEST)] * 4) == [expected[0]] * 4
        with pytest.raises(govrule.UnknownTerm) as caught:
            pool.map(_unknown, [1], chunksize=1)
        assert "no_such_meeting" in str(caught.value)
        with pytest.raises(govrule.NoApplicableRule) as silent:
            pool.map(_silent, [1], chunksize=1)
        assert "who_must_sign" in str(silent.value)


def test_a_process_pool_executor_does_the_same() -> None:
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        answer = pool.submit(_sign, Document(**REQUEST)).result(timeout=120)
        assert answer.signers == ("head", "executive_deputy_head")
        failing = pool.submit(_unknown, 1)
        with pytest.raises(govrule.UnknownTerm):
            failing.result(timeout=120)


def test_a_composition_pickles_by_its_parts_and_is_rebuilt_once() -> None:
    base = govrule.load(str(Path(__file__).resolve().parents[1] / "examples" / "minimal.yaml"))
    sup = govrule.load(str(Path(__file__).resolve().parents[1] / "examples" / "supplement.yaml"))
    both = govrule.compose(base, sup)
    data = pickle.dumps(both)
    copy = pickle.loads(data)
    assert copy.revision == both.revision and copy.meta.title == both.meta.title
    assert pickle.loads(data) is copy
    assert copy.who_must_sign(REQUEST) == both.who_must_sign(REQUEST)
