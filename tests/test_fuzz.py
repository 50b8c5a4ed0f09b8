"""Fuzzing the loader and every query: nothing but a GovruleError ever escapes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govrule
from govrule import _yaml, conditions, loader, model
from govrule.errors import GovruleError

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "examples" / "minimal.yaml"
MINIMAL_DATA = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
RS = govrule.load(MINIMAL)

T = TypeVar("T")


def only_govrule_errors(call: Callable[[], T]) -> T | GovruleError:
    """The result of ``call``, or the GovruleError it raised; any other exception fails the test."""
    try:
        return call()
    except GovruleError as exc:
        return exc
    except Exception as exc:
        raise AssertionError(f"{type(exc).__name__} escaped instead of a GovruleError: {exc!r}") from exc


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.datetimes()
    | st.binary(max_size=8)
    | st.sampled_from(
        [
            "head",
            "executive",
            "request",
            "government",
            "2024-05-20",
            "meeting_documents_issuance",
            "市长",
            "常務會議",
            "",
            " ",
            "\x00",
            "nan",
        ]
    )
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | scalars.filter(lambda v: isinstance(v, str | int | bool)), inner, max_size=4
        )
        | st.tuples(inner, inner)
    ),
    max_leaves=12,
)
plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


# ---------------------------------------------------------------------------- the loader


@given(st.binary(max_size=400))
def test_random_bytes_give_problems_not_crashes(raw: bytes) -> None:
    def load() -> loader.Source | None:
        text, problems = _yaml.decode(raw, "<bytes>")
        if text is None:
            assert problems and problems[0].line >= 1
            return None
        return loader.parse_text(text, "<bytes>")

    result = only_govrule_errors(load)
    assert result is None or isinstance(result, loader.Source | govrule.RulesetError)


@given(st.text(max_size=300))
def test_random_text_gives_problems_not_crashes(text: str) -> None:
    result = only_govrule_errors(lambda: loader.parse_text(text, "<text>"))
    assert isinstance(result, loader.Source | govrule.RulesetError)
    if isinstance(result, govrule.RulesetError):
        assert all(p.file == "<text>" and p.line >= 1 and p.column >= 1 for p in result.problems)


@given(plain)
def test_random_yaml_documents_give_problems_not_crashes(data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    result = only_govrule_errors(lambda: loader.parse_text(text, "<yaml>"))
    assert isinstance(result, govrule.RulesetError) or result.spec.id  # type: ignore[union-attr]


@st.composite
def mutated_rulesets(draw: st.DrawFn) -> Any:
    """The example ruleset with one node replaced, deleted or added somewhere inside it."""
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    node = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.integers(0, 3)) > 0:
            node = child
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            node[key] = draw(plain)
        elif action == "delete":
            del node[key]
        elif isinstance(node, dict):
            node[draw(st.text(max_size=10))] = draw(plain)
        else:
            node.append(draw(plain))
        break
    return data


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_rulesets(), st.data())
def test_mutated_rulesets_load_or_give_problems_and_then_answer(data: Any, draws: st.DataObject) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    source = only_govrule_errors(lambda: loader.parse_text(text, "<mutated>"))
    if isinstance(source, GovruleError):
        assert isinstance(source, govrule.RulesetError) and source.problems
        return
    rs = govrule.Ruleset(source.spec, source=source)
    findings = only_govrule_errors(lambda: govrule.check(rs))
    assert isinstance(findings, tuple | GovruleError)
    from govrule.testing import strategies

    only_govrule_errors(lambda: strategies.assert_total(rs, data=draws))


def test_validate_reports_a_file_of_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(b"id: x\n\xff\xfe\x00 kind: [")
    (problem,) = govrule.validate(path)
    assert problem.file == str(path) and problem.line == 2 and "UTF-8" in problem.message


# ---------------------------------------------------------------------------- the queries


@given(st.dictionaries(st.sampled_from([*govrule.Document._fields, "junk"]), values, max_size=5) | values)
def test_who_must_sign_takes_any_input(document: Any) -> None:
    result = only_govrule_errors(lambda: RS.who_must_sign(document))
    assert isinstance(result, govrule.SigningDecision | GovruleError)


@given(
    st.dictionaries(st.sampled_from([*govrule.AgendaItem._fields, "junk"]), values, max_size=5) | values,
    values | st.sampled_from(["executive", "常务会议", "plenary"]),
    values,
)
def test_check_agenda_takes_any_input(item: Any, meeting: Any, meeting_date: Any) -> None:
    result = only_govrule_errors(lambda: RS.check_agenda(item, meeting, meeting_date))
    assert isinstance(result, govrule.AgendaCheck | GovruleError)


@given(
    values | st.sampled_from(["meeting_documents_issuance", "departure_notice"]),
    values | st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
)
def test_deadline_takes_any_input(event: Any, start: Any) -> None:
    result = only_govrule_errors(lambda: RS.deadline(event, start))
    assert isinstance(result, govrule.Deadline | GovruleError)


@given(values | st.sampled_from(["executive", "常務會議"]), values | st.integers(-2, 12), values | st.integers(-2, 12))
def test_meeting_and_quorum_take_any_input(meeting: Any, present: Any, total: Any) -> None:
    info = only_govrule_errors(lambda: RS.meeting(meeting))
    assert isinstance(info, govrule.MeetingInfo | GovruleError)
    met = only_govrule_errors(lambda: RS.quorum_met(meeting, present, total))
    assert isinstance(met, bool | GovruleError)
    if isinstance(met, bool):
        assert met == (present / total > 0.5)


@given(values | st.sampled_from(["deputy_head", "副市長", "head"]), values | st.sampled_from(["travel", "absence"]))
def test_leave_approver_and_acting_head_take_any_input(role: Any, occasion: Any) -> None:
    answer = only_govrule_errors(lambda: RS.leave_approver(role, occasion))
    assert isinstance(answer, govrule.LeaveAnswer | GovruleError)
    assert RS.acting_head().roles == ("executive_deputy_head",)


@given(st.data())
def test_documents_and_agenda_items_take_any_values(data: st.DataObject) -> None:
    # A misspelt keyword is a TypeError, as for any Python call; a mapping with an unknown
    # key is a QueryError (test_who_must_sign_takes_any_input). Here: any value, known names.
    for build in (govrule.Document, govrule.AgendaItem):
        kwargs = data.draw(st.dictionaries(st.sampled_from(build._fields), values, max_size=4))
        result = only_govrule_errors(lambda build=build, kwargs=kwargs: build(**kwargs))  # type: ignore[misc]
        assert isinstance(result, build | GovruleError)


@given(values, values)
def test_load_check_and_compose_take_any_argument(first: Any, second: Any) -> None:
    for call in (
        lambda: govrule.load(first),
        lambda: govrule.check(first),
        lambda: govrule.compose(first, second),
        lambda: govrule.load(str(MINIMAL), as_of=first),
    ):
        result = only_govrule_errors(call)
        assert result is not None


def test_nan_and_huge_numbers_are_refused_politely() -> None:
    for value in (math.nan, math.inf, 10**100, -1):
        result = only_govrule_errors(lambda value=value: RS.quorum_met("executive", value, 10))  # type: ignore[misc]
        assert isinstance(result, GovruleError)


# ---------------------------------------------------------------------------- conditions, and the bugs fuzzing found

FIELDS = [
    "issuer",
    "kind",
    "recipient",
    "portfolios",
    "portfolio_count",
    "major",
    "decided_by",
    "meeting",
    "subject_matter",
    "entrusted",
    "bogus",
]
OPERATORS = [*conditions.OPERATORS, "bogus"]
arguments = (
    values
    | st.sampled_from(["government", "request", "executive", "fiscal_funds"])
    | st.lists(
        st.sampled_from(["government", "request", "executive", "fiscal_funds", 1, True, None]) | plain, max_size=3
    )
)
leaf_conditions = st.dictionaries(
    st.sampled_from(FIELDS),
    arguments | st.dictionaries(st.sampled_from(OPERATORS), arguments, min_size=1, max_size=2),
    max_size=3,
)
condition_trees = st.recursive(
    leaf_conditions,
    lambda inner: (
        st.fixed_dictionaries({"any": st.lists(inner, max_size=3)})
        | st.fixed_dictionaries({"all": st.lists(inner, max_size=3)})
        | st.fixed_dictionaries({"not": inner})
    ),
    max_leaves=6,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(condition_trees, min_size=1, max_size=4),
    st.sampled_from(["first", "unique", "priority"]),
    st.booleans(),
    st.data(),
)
def test_any_condition_loads_or_gives_problems_and_then_checks(
    whens: list[Any], policy: str, complete: bool, draws: st.DataObject
) -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    table = data["signing"][0]
    template = table["rules"][0]
    table.update(
        hit_policy=policy,
        complete=complete,
        rules=[{**template, "id": f"r{i}", "when": when, "priority": i} for i, when in enumerate(whens)],
    )
    data["coverage"] = []
    source = only_govrule_errors(lambda: loader.parse_text(yaml.safe_dump(data, allow_unicode=True), "<conditions>"))
    if isinstance(source, GovruleError):
        assert isinstance(source, govrule.RulesetError)
        return
    rs = govrule.Ruleset(source.spec, source=source)
    findings = only_govrule_errors(lambda: govrule.check(rs))
    assert isinstance(findings, tuple)
    doc = govrule.Document(
        **draws.draw(
            st.fixed_dictionaries(
                {
                    "issuer": st.sampled_from(["government", "office"]),
                    "kind": st.sampled_from(["request", "report"]),
                    "major": st.booleans(),
                }
            )
        )
    )
    answer = only_govrule_errors(lambda: rs.who_must_sign(doc))
    assert isinstance(answer, govrule.SigningDecision | GovruleError)


def with_condition(when: Any) -> str:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["signing"][0]["rules"][0]["when"] = when
    return yaml.safe_dump(data, allow_unicode=False)


def test_a_mapping_inside_a_condition_list_is_a_problem_not_a_type_error() -> None:
    # Found by fuzzing: frozenset() of the items, and `in` a set of meetings, raised
    # "unhashable type: 'mappingproxy'".
    for when in (
        {"kind": [{"a": 1}]},
        {"subject_matter": {"contains_any": [{"x": 1}]}},
        {"issuer": {"in": [{"a": 1}]}},
        {"decided_by": [{}]},
        {"meeting": {"eq": {"a": 1}}},
    ):
        with_problems = only_govrule_errors(lambda when=when: loader.parse_text(with_condition(when)))
        assert isinstance(with_problems, govrule.RulesetError), when


def test_eq_on_a_list_field_takes_words_only() -> None:
    # Found by fuzzing: {subject_matter: {eq: [[1]]}} loaded without a problem.
    with_problems = only_govrule_errors(lambda: loader.parse_text(with_condition({"subject_matter": {"eq": [[1]]}})))
    assert isinstance(with_problems, govrule.RulesetError)
    assert "subject_matter 须为词语" in str(with_problems)


def test_a_lone_surrogate_in_a_condition_word_is_a_problem() -> None:
    # Found by fuzzing: YAML "\ud800" loaded, then Ruleset() failed with UnicodeEncodeError.
    with_problems = only_govrule_errors(lambda: loader.parse_text(with_condition({"subject_matter": "\ud800"})))
    assert isinstance(with_problems, govrule.RulesetError)
    # LibYAML refuses the escape while parsing; the pure-Python parser lets it through to the checks.
    assert "不是有效的 Unicode 文字" in str(with_problems) or "无效的 Unicode 转义" in str(with_problems)


def test_a_lone_surrogate_in_a_name_is_an_unknown_term() -> None:
    # Found by fuzzing: OpenCC raised UnicodeEncodeError on the label lookup.
    assert isinstance(only_govrule_errors(lambda: RS.meeting("\ud800")), govrule.UnknownTerm)
    assert isinstance(only_govrule_errors(lambda: RS.leave_approver("\udcff")), govrule.UnknownTerm)


def test_a_quorum_that_is_not_a_share_is_refused_when_loading() -> None:
    # Found by fuzzing: quorum_met raised ZeroDivisionError for 1/0 and ValueError for 5000 digits.
    for share in ("1/0", "0/0", "3/2", "9" * 5000 + "/1"):
        data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
        quorum = data["meetings"]["executive"]["quorum"]
        quorum.pop("at_least", None)
        quorum["more_than"] = share
        result = only_govrule_errors(lambda data=data: loader.parse_text(yaml.safe_dump(data, allow_unicode=True)))
        assert isinstance(result, govrule.RulesetError) and "不是组成人员中的比例" in str(result), share


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(condition_trees, min_size=1, max_size=3), mutated_rulesets())
def test_check_takes_models_built_in_memory_without_the_loaders_checks(whens: list[Any], data: Any) -> None:
    # A program may build a RulesetFile directly; check() must report, never crash, on it.
    if isinstance(data.get("signing"), list) and data["signing"] and isinstance(data["signing"][0], dict):
        rules = data["signing"][0].get("rules")
        if isinstance(rules, list) and rules and isinstance(rules[0], dict):
            data["signing"][0]["rules"] = [{**rules[0], "id": f"r{i}", "when": w} for i, w in enumerate(whens)]
    try:
        spec = model.RulesetFile.model_validate(data)
    except pydantic.ValidationError:
        return  # not a model at all: the loader reports such files
    findings = only_govrule_errors(lambda: govrule.check(spec))
    assert isinstance(findings, tuple | GovruleError)
