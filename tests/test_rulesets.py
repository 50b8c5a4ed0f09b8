"""The bundled rulesets: valid, faithful to their sources, fully covered, and giving the expected answers."""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path

import pytest
import yaml

import govrule
from govrule import loader
from govrule.segment import chinese_numeral, segment_file
from govrule.testing import run_file
from govrule.testing.fixtures import read_fixture, run_case

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOURCES = SHARED / "sources"
RULESETS = ROOT / "src" / "govrule" / "rulesets"
EXPECTED_IDS = ("chongqing", "ezhou", "panjin_supplement", "rizhao", "wuhai_hainan")

needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="the shared source texts are not beside this checkout")


def test_all_five_documents_are_bundled() -> None:
    """The five source documents are bundled, in a stable order."""
    assert govrule.bundled() == EXPECTED_IDS


@pytest.mark.parametrize("rid", EXPECTED_IDS)
def test_bundled_ruleset_validates(rid: str) -> None:
    """Each bundled ruleset file has no problems."""
    assert govrule.validate(RULESETS / f"{rid}.yaml") == ()


def _article_number(cite: str) -> int:
    match = re.match(r"第?([一二三四五六七八九十百零〇]+)条?", cite)
    assert match, f"citation {cite!r} does not start with an article number"
    return chinese_numeral(match.group(1))


@needs_sources
@pytest.mark.parametrize("rid", EXPECTED_IDS)
def test_coverage_lists_exactly_the_articles_of_the_source(rid: str) -> None:
    """Every article the segmenter finds in the source is in coverage, once, and nothing else is."""
    spec = govrule.load(rid).spec
    seg = segment_file(SOURCES / spec.meta.source)
    assert [a.label for a in seg.articles] == [c.article for c in spec.coverage]


@pytest.mark.parametrize("rid", EXPECTED_IDS)
def test_every_rule_cites_an_article_that_lists_it(rid: str) -> None:
    """A rule's citation names the article whose coverage entry lists the rule."""
    spec = govrule.load(rid).spec
    by_rule = {r: _article_number(c.article) for c in spec.coverage for r in c.rules}
    for _path, rule in loader._rules(spec):
        assert rule.text.strip() and rule.cite.strip(), rule.id
        assert by_rule.get(rule.id) == _article_number(rule.cite), (
            f"{rule.id} cites {rule.cite} but coverage lists it under article {by_rule.get(rule.id)}"
        )


def _plain(text: str) -> str:
    text = re.sub(r"\((?:[a-zü]+)\)", "", text)  # the (fā) artifacts of the Panjin capture
    return re.sub(r"[\s，,。.;；:：、“”\"'‘’《》〈〉()（）\[\]【】！!？?…—\-·]", "", text)


@needs_sources
@pytest.mark.parametrize("rid", EXPECTED_IDS)
def test_rule_texts_are_copied_from_their_articles(rid: str) -> None:
    """Each rule's text is the cited article's wording; where repair changed it, the rule has a note."""
    spec = govrule.load(rid).spec
    seg = segment_file(SOURCES / spec.meta.source)
    whole = _plain("".join(a.text for a in seg.articles))
    for _path, rule in loader._rules(spec):
        article = _plain(seg.article(_article_number(rule.cite)).text)
        for fragment in re.split(r"[…]+|\.{3,}", rule.text):
            frag = _plain(fragment)
            if not frag:
                continue
            matched = sum(
                b.size for b in difflib.SequenceMatcher(None, frag, article, autojunk=False).get_matching_blocks()
            )
            if matched < len(frag):
                wider = sum(
                    b.size for b in difflib.SequenceMatcher(None, frag, whole, autojunk=False).get_matching_blocks()
                )
                matched = max(matched, wider)
            share = matched / len(frag)
            assert share >= 0.85, f"{rid} {rule.id} ({rule.cite}): text not found in the source: {fragment[:40]}"
            if share < 1.0:
                assert rule.note, f"{rid} {rule.id}: text departs from the capture ({share:.0%}) without a note"


SHARED_CASES = sorted((SHARED / "cases").glob("*.yaml")) if (SHARED / "cases").is_dir() else []
OWN_CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


DISPUTES = yaml.safe_load((ROOT / "tests" / "disputes.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHARED_CASES + OWN_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_expected_answers_hold(path: Path) -> None:
    """Every case of the shared and the project's own fixture files passes, but for recorded disputes."""
    disputed = {d["case"]: d for d in DISPUTES if path.parent == SHARED / "cases" and d["file"] == path.name}
    results = run_file(path)
    failures = [r.describe() for r in results if not r.passed and r.case.name not in disputed]
    assert results, f"{path} has no cases"
    assert not failures, "\n".join(failures)
    for result in results:
        dispute = disputed.get(result.case.name)
        if dispute is None:
            continue
        assert not result.passed, f"disputed case now passes as shared: remove it from tests/disputes.yaml: {result}"
        ours = run_case(
            govrule.load(read_fixture(path).ruleset), dataclasses.replace(result.case, expect=dispute["instead"])
        )
        assert ours.passed, f"the answer the dispute records no longer holds: {ours.describe()}"


def test_every_dispute_names_a_shared_case() -> None:
    """A dispute names a case that exists, a reason, and the answer given instead."""
    for dispute in DISPUTES:
        assert dispute["reason"].strip() and dispute["instead"]
        if SHARED_CASES:
            names = [c.name for c in read_fixture(SHARED / "cases" / dispute["file"]).cases]
            assert dispute["case"] in names, dispute["case"]


@pytest.mark.parametrize("rid", [r for r in EXPECTED_IDS if r != "panjin_supplement"])
def test_each_document_has_at_least_25_own_cases(rid: str) -> None:
    """The project's own fixtures read at least 25 cases per document from its text."""
    path = ROOT / "tests" / "cases" / f"{rid}.yaml"
    assert path.exists()
    assert len(run_file(path)) >= 25


def test_panjin_has_at_least_25_own_cases() -> None:
    """The short Panjin supplement gets at least 25 cases too."""
    assert len(run_file(ROOT / "tests" / "cases" / "panjin_supplement.yaml")) >= 25
