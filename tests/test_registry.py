"""Bundled documents, as-of loading, the supersession graph and label lookup on the real rulesets."""

from __future__ import annotations

import datetime as dt

import pytest

import govrule


def test_in_force_on_the_day_loads() -> None:
    """Rizhao's rules were in force on 2018-01-01."""
    assert govrule.load("rizhao", as_of=dt.date(2018, 1, 1)).id == "rizhao"


def test_before_effect_names_the_superseded_document() -> None:
    """Before 2017-04-11 Rizhao's 2017 rules were not in force; the 2012 rules were."""
    with pytest.raises(govrule.NotInForce, match=r"2017-04-11.*日政发〔2012〕8号"):
        govrule.load("rizhao", as_of=dt.date(2013, 1, 1))


def test_wuhai_before_effect_names_the_2021_rules() -> None:
    """Before its 2023 publication the Wuhai Hainan district was under 海南政发〔2021〕18号."""
    with pytest.raises(govrule.NotInForce, match="海南政发〔2021〕18号"):
        govrule.load("wuhai_hainan", as_of=dt.date(2022, 6, 1))


def test_unknown_in_force_date_is_never_guessed() -> None:
    """Chongqing's text gives no dates: as_of cannot be confirmed, and says so."""
    with pytest.raises(govrule.NotInForce, match="no date"):
        govrule.load("chongqing", as_of=dt.date(2020, 1, 1))
    assert govrule.load("chongqing").meta.effective is None


def test_abolished_on_an_unknown_date_cannot_be_confirmed_in_force() -> None:
    """The Panjin supplement is marked abolished without a date."""
    meta = govrule.load("panjin_supplement").meta
    assert meta.status == "abolished" and meta.abolished is None
    with pytest.raises(govrule.NotInForce, match="abolished"):
        govrule.load("panjin_supplement", as_of=dt.date(2016, 6, 1))


def test_supersession_graph_links_document_numbers() -> None:
    """Edges run from a document to what it supersedes or supplements."""
    graph = govrule.supersession_graph()
    assert graph.edges["日政发〔2017〕6号", "日政发〔2012〕8号"]["relation"] == "supersedes"
    assert graph.edges["海南政办发〔2023〕8号", "海南政发〔2021〕18号"]["relation"] == "supersedes"
    assert graph.edges["盘政办发〔2015〕142号", "盘政发〔2014〕5号"]["relation"] == "supplements"


def test_supplement_loads_alone_and_refuses_a_base_it_does_not_supplement() -> None:
    """The Panjin supplement is kind supplement; composing it over Ezhou is an error naming its base."""
    sup = govrule.load("panjin_supplement")
    assert sup.kind == "supplement" and sup.meta.supplements is not None
    with pytest.raises(govrule.CompositionError, match="盘政发〔2014〕5号"):
        govrule.compose("ezhou", sup)


def test_unknown_ruleset_lists_the_bundled_ones() -> None:
    """An unknown id is an UnknownTerm listing the bundled rulesets."""
    with pytest.raises(govrule.UnknownTerm, match="ezhou"):
        govrule.load("shanghai")


@pytest.mark.parametrize("rid", ["ezhou", "rizhao", "chongqing", "wuhai_hainan"])
def test_head_is_found_by_label_in_either_script(rid: str) -> None:
    """The head's label finds the head in Simplified and Traditional script."""
    rs = govrule.load(rid)
    label = rs.roles["head"]
    import opencc

    assert rs.role(label) == "head"
    assert rs.role(opencc.OpenCC("s2t").convert(label)) == "head"
    assert rs.role(opencc.OpenCC("t2s").convert(label)) == "head"


def test_loading_is_cached_and_immutable() -> None:
    """Loading the same bundled id twice gives the same compiled object."""
    assert govrule.load("ezhou") is govrule.load("ezhou")
