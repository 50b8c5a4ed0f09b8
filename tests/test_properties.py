"""Property checks of govrule.testing on the bundled rulesets and on generated ones; the strategies themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import govrule
import govrule.testing
from govrule import loader, model
from govrule.testing import strategies

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "examples" / "minimal.yaml"
DEFECTS = ROOT / "tests" / "data" / "defects"
KNOWN_BUNDLED = ("chongqing", "ezhou", "panjin_supplement", "rizhao", "wuhai_hainan")

# Generated rulesets draw their inputs inside the outer test (data=), not in a nested @given.
outer = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("ruleset_id", sorted(set(KNOWN_BUNDLED) | set(govrule.bundled())))
def test_bundled_ruleset_has_every_property(ruleset_id: str) -> None:
    if ruleset_id not in govrule.bundled():
        pytest.skip(f"{ruleset_id} is not bundled yet")
    strategies.check_properties(ruleset_id)


def test_the_example_ruleset_has_every_property() -> None:
    strategies.check_properties(str(MINIMAL))


def test_a_supplement_over_its_base_has_every_property() -> None:
    base = govrule.load(DEFECTS / "supplement_base.yaml")
    data = yaml.safe_load((DEFECTS / "composition_change.yaml").read_text(encoding="utf-8"))
    # The fixed supplement: its rule covers all the overridden rule answered.
    data["signing"][0]["rules"][0]["when"]["kind"] = ["request", "report"]
    sup = govrule.Ruleset(model.RulesetFile.model_validate(data))
    strategies.check_properties(sup, base=base)
    assert govrule.check(sup, base=base) == ()


@outer
@given(strategies.ruleset_texts(), st.data())
def test_generated_rulesets_have_every_property_and_check_clean(text: str, data: st.DataObject) -> None:
    rs = strategies._compile(text)
    strategies.check_properties(rs, data=data)
    errors = [f for f in govrule.check(rs) if f.severity == "error"]
    assert errors == [], "\n".join(map(str, errors))


@outer
@given(strategies.rulesets(max_rules=5), st.data())
def test_generated_supplements_change_only_what_they_override(base: govrule.Ruleset, data: st.DataObject) -> None:
    sup = data.draw(strategies.supplements(base), label="supplement")
    strategies.check_properties(sup, base=base, data=data)
    changes = [f for f in govrule.check(sup, base=base) if f.kind in ("composition_change", "bad_override")]
    assert changes == [], "\n".join(map(str, changes))


# ---------------------------------------------------------------------------- the checks have teeth


def fails(check: Callable[[st.DataObject], None]) -> str:
    """The message of the AssertionError a property check raises within 200 examples (not shrunk)."""

    @settings(max_examples=200, phases=[Phase.generate], database=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        check(data)

    with pytest.raises(AssertionError) as info:
        run()
    return str(info.value)


def test_assert_total_fails_on_an_overlap_of_a_unique_table() -> None:
    path = str(DEFECTS / "overlap.yaml")
    assert "hit policy unique" in fails(lambda data: strategies.assert_total(path, data=data))


def test_assert_composition_fails_when_an_override_leaves_answers_behind() -> None:
    base, sup = str(DEFECTS / "supplement_base.yaml"), str(DEFECTS / "composition_change.yaml")
    assert "sign.to_province" in fails(lambda data: strategies.assert_composition(base, sup, data=data))


def test_assert_roles_defined_fails_on_an_undefined_signer() -> None:
    data = yaml.safe_load((DEFECTS / "dangling_reference.yaml").read_text(encoding="utf-8"))
    rs = govrule.Ruleset(model.RulesetFile.model_validate(data))
    assert "secretary_genral" in fails(lambda d: strategies.assert_roles_defined(rs, data=d))


def test_assert_round_trip_keeps_date_literals_in_conditions() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["agenda"][0]["require"] = {"materials_submitted": {"lte": dt.date(2024, 5, 1)}}
    text = yaml.safe_dump(data, allow_unicode=True)
    rs = strategies._compile(text)
    strategies.assert_round_trip(rs)
    again = strategies._compile(strategies.dump(rs))
    item = {"involves_other_departments": True, "materials_submitted": "2024-06-01"}
    assert again.check_agenda(item, "executive").eligible is False


# ---------------------------------------------------------------------------- the strategies


@given(strategies.dates())
def test_dates_lie_inside_the_calendar(day: dt.date) -> None:
    assert day.year in govrule.default_calendar().years


@given(st.data())
def test_documents_use_the_rulesets_meetings(data: st.DataObject) -> None:
    rs = govrule.load(MINIMAL)
    doc = data.draw(strategies.documents(rs))
    assert isinstance(doc, govrule.Document)
    assert doc.decided_by in (None, *rs.meetings) and doc.meeting in (None, *rs.meetings)
    assert doc.issuer is not None and doc.kind is not None and doc.recipient is not None


@given(st.data())
def test_agenda_items_use_the_rulesets_roles(data: st.DataObject) -> None:
    rs = govrule.load(MINIMAL)
    item = data.draw(strategies.agenda_items(rs))
    assert isinstance(item, govrule.AgendaItem)
    assert item.proposed_by in (None, *rs.roles)


@given(strategies.ruleset_texts(max_rules=3))
def test_ruleset_texts_are_valid_rulesets(text: str) -> None:
    spec = loader.parse_text(text).spec
    assert spec.kind == "base" and sum(len(t.rules) for t in spec.signing) <= 6


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: strategies.documents(str(MINIMAL), allow_unknown="yes"), "allow_unknown='yes'"),
        (lambda: strategies.documents(42), "ruleset=42"),
        (lambda: strategies.dates(min_value=dt.date(1990, 1, 1)), "min_value=datetime.date(1990, 1, 1)"),
        (lambda: strategies.dates(min_value=dt.date(2024, 2, 1), max_value=dt.date(2024, 1, 1)), "max_value="),
        (lambda: strategies.rulesets(max_rules=0), "max_rules=0"),
        (lambda: strategies.assert_total(str(MINIMAL), max_examples=0), "max_examples=0"),
    ],
)
def test_bad_arguments_are_repeated_as_name_value(make: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()  # type: ignore[operator]


def test_the_lazy_names_of_govrule_testing_are_exactly_the_strategies_and_checks() -> None:
    lazy = govrule.testing._LAZY  # type: ignore[attr-defined]
    for name in lazy:
        assert getattr(govrule.testing, name) is getattr(strategies, name)
    assert lazy <= set(strategies.__all__)
