"""govrule.check (govrule.consistency): the planted-defect corpus, the table analysis against brute force, the CLI."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import govrule
import govrule.consistency
from govrule import _yaml, conditions, loader, model
from govrule.cli import main
from govrule.consistency import CheckFinding, check, synthetic_table
from govrule.consistency.tables import outcome

ROOT = Path(__file__).resolve().parent.parent
DEFECTS = ROOT / "tests" / "data" / "defects"
MINIMAL = ROOT / "examples" / "minimal.yaml"
BASE = DEFECTS / "supplement_base.yaml"
KNOWN_BUNDLED = ("chongqing", "ezhou", "panjin_supplement", "rizhao", "wuhai_hainan")


def in_memory(path: Path) -> govrule.Ruleset:
    """A ruleset built from the models alone, as a program would, skipping the loader's cross-checks."""
    text = path.read_text(encoding="utf-8")
    loaded, problems = _yaml.load_text(text, str(path))
    assert loaded is not None, problems
    spec = model.RulesetFile.model_validate(yaml.safe_load(text))
    return govrule.Ruleset(spec, source=loader.Source(str(path), spec, loaded, {}))


def findings_for(name: str) -> tuple[CheckFinding, ...]:
    """Check one file of the corpus the way it is meant to be checked."""
    path = DEFECTS / name
    if name == "dangling_reference.yaml":
        return check(in_memory(path))
    if name in ("bad_override.yaml", "composition_change.yaml"):
        return check(str(path), base=str(BASE))
    return check(str(path))


# ---------------------------------------------------------------------------- the corpus

CORPUS = {
    "overlap.yaml": "overlap",
    "gap.yaml": "gap",
    "shadowed.yaml": "shadowed",
    "acting_cycle.yaml": "cycle",
    "substitution_cycle.yaml": "cycle",
    "delegation_cycle.yaml": "cycle",
    "supersession_cycle.yaml": "cycle",
    "override_cycle.yaml": "cycle",
    "dangling_reference.yaml": "undefined_reference",
    "bad_override.yaml": "bad_override",
    "composition_change.yaml": "composition_change",
}


def test_the_corpus_has_one_file_per_defect_and_nothing_unlisted() -> None:
    on_disk = {p.name for p in DEFECTS.glob("*.yaml")}
    assert on_disk == set(CORPUS) | {"recorded_overlap.yaml", "supplement_base.yaml"}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_check_finds_the_planted_defect_and_nothing_else(name: str) -> None:
    findings = findings_for(name)
    assert [f.kind for f in findings] == [CORPUS[name]], "\n".join(map(str, findings))
    (finding,) = findings
    assert finding.witness is not None
    assert finding.location is not None and finding.location.startswith(str(DEFECTS / name) + ":")
    assert not finding.recorded
    assert len(finding.citations) == len(finding.rules)


def test_overlap_witness_is_matched_by_both_rules_and_the_engine_refuses_it() -> None:
    (finding,) = findings_for("overlap.yaml")
    assert finding.rules == ("sign.request", "sign.to_province")
    assert finding.citations == ("二十（一）", "二十（二）")
    assert finding.severity == "error"
    rs = govrule.load(DEFECTS / "overlap.yaml")
    with pytest.raises(govrule.GovruleError, match="hit policy unique"):
        rs.who_must_sign(govrule.Document(**finding.witness))


def test_gap_witness_gets_no_answer() -> None:
    (finding,) = findings_for("gap.yaml")
    assert dict(finding.witness or {}) == {"issuer": "office", "major": False}
    rs = govrule.load(DEFECTS / "gap.yaml")
    with pytest.raises(govrule.NoApplicableRule):
        rs.who_must_sign(govrule.Document(**finding.witness))


def test_shadowed_rule_names_the_rule_that_covers_it() -> None:
    (finding,) = findings_for("shadowed.yaml")
    assert finding.severity == "warning"
    assert dict(finding.witness or {}) == {"rule": "sign.to_province", "covered_by": ("sign.request_report",)}
    assert finding.rules == ("sign.to_province", "sign.request_report")


@pytest.mark.parametrize(
    ("name", "graph", "cycle"),
    [
        ("acting_cycle.yaml", "acting-for", ["head", "executive_deputy_head", "head"]),
        (
            "delegation_cycle.yaml",
            "delegation",
            ["executive_deputy_head", "secretary_general", "head", "executive_deputy_head"],
        ),
        (
            "substitution_cycle.yaml",
            "acting-for",
            ["deputy_secretary_general", "office_director", "secretary_general", "deputy_secretary_general"],
        ),
        ("supersession_cycle.yaml", "supersession", ["缺陷〔2024〕8号", "缺陷〔2024〕8号"]),
        ("override_cycle.yaml", "override", ["sup.report", "sup.request", "sup.report"]),
    ],
)
def test_cycle_witness_is_the_cycle(name: str, graph: str, cycle: list[str]) -> None:
    (finding,) = findings_for(name)
    witness = finding.witness or {}
    assert witness["graph"] == graph
    nodes = list(witness["cycle"])
    assert nodes[0] == nodes[-1]
    # The same cycle, whichever node it is reported from.
    assert set(nodes) == set(cycle) and len(nodes) == len(cycle)


def test_declared_mutual_ab_roles_are_not_a_cycle() -> None:
    (finding,) = findings_for("substitution_cycle.yaml")
    assert "substitution.ab_deputies" not in finding.rules


def test_dangling_reference_names_the_role_and_suggests_the_right_one() -> None:
    (finding,) = findings_for("dangling_reference.yaml")
    assert "secretary_genral" in finding.message and "secretary_general" in finding.message
    assert finding.rules == ("sign.office",)
    assert finding.location == f"{DEFECTS / 'dangling_reference.yaml'}:23:40"


def test_bad_override_points_at_the_override() -> None:
    (finding,) = findings_for("bad_override.yaml")
    assert (finding.witness or {})["overrides"] == "sign.to_provinec"
    assert "是否应为 'sign.to_province'" in finding.message
    assert finding.location == f"{DEFECTS / 'bad_override.yaml'}:24:21"


def test_composition_change_witness_lost_its_answer() -> None:
    (finding,) = findings_for("composition_change.yaml")
    doc = govrule.Document(**finding.witness)
    base = govrule.load(BASE)
    both = govrule.compose(base, govrule.load(DEFECTS / "composition_change.yaml"))
    assert base.who_must_sign(doc).rule.id == "sign.to_province"
    with pytest.raises(govrule.NoApplicableRule):
        both.who_must_sign(doc)


def test_unique_rules_that_agree_on_the_signers_still_overlap_as_a_warning() -> None:
    """CONTRACT section 6: under hit policy unique the answer's citation would be ambiguous."""
    data = yaml.safe_load((DEFECTS / "overlap.yaml").read_text(encoding="utf-8"))
    rules = data["signing"][0]["rules"]
    rules[1]["steps"] = rules[0]["steps"]
    (finding,) = check(model.RulesetFile.model_validate(data))
    assert (finding.kind, finding.severity) == ("overlap", "warning")
    assert finding.rules == ("sign.request", "sign.to_province")
    assert "答案引用哪一条规定不明确" in finding.message
    doc = govrule.Document(**finding.witness)
    assert finding.witness["kind"] == "request" and doc.recipient == "higher_government"


def test_a_recorded_ambiguity_is_info_and_marked_recorded() -> None:
    (finding,) = check(str(DEFECTS / "recorded_overlap.yaml"))
    assert (finding.kind, finding.severity, finding.recorded) == ("overlap", "info", True)


@pytest.mark.parametrize("path", [MINIMAL, BASE], ids=lambda p: p.name)
def test_a_clean_ruleset_has_no_findings(path: Path) -> None:
    assert check(str(path)) == ()


@pytest.mark.parametrize("ruleset_id", sorted(set(KNOWN_BUNDLED) | set(govrule.bundled())))
def test_bundled_ruleset_is_clean_or_records_its_ambiguities(ruleset_id: str) -> None:
    if ruleset_id not in govrule.bundled():
        pytest.skip(f"{ruleset_id} is not bundled yet")
    findings = check(ruleset_id)
    unrecorded = [f for f in findings if not f.recorded and f.kind not in REVIEW_KINDS]
    assert unrecorded == [], "\n".join(map(str, unrecorded))
    rs = govrule.load(ruleset_id)
    for f in findings:
        if f.kind == "contradiction" and not f.recorded:
            # A finding for the ruleset's reviewers: true of the witness, which the engine answers
            # with a signer although the prohibition matches it too.
            purpose = next(t.purpose for t in rs.spec.signing for r in t.rules if r.id == f.rules[0])
            ask = rs.who_must_approve if purpose == "approve" else rs.who_must_sign
            decision = ask(govrule.Document(**f.witness))
            assert not decision.forbidden and decision.rule.id in f.rules[1:], str(f)


#: Format 2 review findings (warnings) the bundled rulesets are being re-read for; every other kind
#: must be absent or recorded as an ambiguity of the source.
REVIEW_KINDS = ("contradiction", "unreachable")


# ---------------------------------------------------------------------------- the API


def test_finding_is_immutable_and_serialises() -> None:
    (finding,) = findings_for("overlap.yaml")
    with pytest.raises(AttributeError):
        finding.kind = "gap"  # type: ignore[misc]
    with pytest.raises(TypeError):
        finding.witness["issuer"] = "office"  # type: ignore[index]
    data = json.loads(json.dumps(finding.to_dict()))
    assert data["kind"] == "overlap" and data["witness"]["kind"] == "request"
    text = str(finding)
    assert text.startswith(f"{finding.location}: 错误：规则重叠（overlap）：")
    assert "二十（一）（sign.request）" in text and "二十（二）（sign.to_province）" in text
    assert "发文机关=人民政府（issuer=government）" in text


def test_govrule_check_is_a_plain_function_after_the_package_is_imported() -> None:
    import inspect

    import govrule.consistency.cli  # importing the package must not replace the function

    assert inspect.isfunction(govrule.check)
    assert govrule.check(str(MINIMAL)) == ()
    assert inspect.signature(govrule.check).return_annotation == "tuple[CheckFinding, ...]"
    assert "Finding" not in dir(govrule.consistency)  # one class per name: the agenda's Finding is another


def test_check_takes_a_ruleset_an_id_a_path_or_a_model() -> None:
    rs = govrule.load(MINIMAL)
    assert check(rs) == check(str(MINIMAL)) == check(rs.spec) == ()
    with pytest.raises(govrule.GovruleError, match="ruleset=42"):
        check(42)  # type: ignore[arg-type]


def test_a_rule_that_can_never_match_is_reported() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["signing"][0]["rules"][0]["when"] = {"kind": "request", "not": {"kind": {"in": ["request", "report"]}}}
    (finding,) = check(model.RulesetFile.model_validate(data))
    assert finding.kind == "shadowed" and "永远不会适用" in finding.message


def test_priority_table_shadowing_follows_priorities() -> None:
    data = yaml.safe_load((DEFECTS / "shadowed.yaml").read_text(encoding="utf-8"))
    table = data["signing"][0]
    table["hit_policy"] = "priority"
    for rule, priority in zip(table["rules"], (1, 5, 0), strict=True):
        rule["priority"] = priority
    assert check(model.RulesetFile.model_validate(data)) == ()
    table["rules"][1]["priority"] = 0
    (finding,) = check(model.RulesetFile.model_validate(data))
    assert finding.kind == "shadowed" and finding.rules[0] == "sign.to_province"


def test_undefined_references_of_a_composition_are_found() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["leave"][0]["approvers"] = ["mayor"]
    data["meetings"]["executive"]["chair"] = ["chairman"]
    kinds = {(f.kind, f.rules) for f in check(model.RulesetFile.model_validate(data))}
    assert kinds == {("undefined_reference", ("leave.deputy_head",)), ("undefined_reference", ("meeting.executive",))}


# ---------------------------------------------------------------------------- analysis vs brute force

ISSUERS = ["government", "office"]
KINDS = ["request", "report", "minutes"]
RECIPIENTS = ["higher_government", "subordinate"]
MEETINGS = ["executive", "topical"]
COUNTS = [0, 1, 2, 3]


@st.composite
def small_conditions(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    when: dict[str, Any] = {}
    for field, values in (("issuer", ISSUERS), ("kind", KINDS), ("recipient", RECIPIENTS), ("decided_by", MEETINGS)):
        if draw(st.integers(0, 2)) == 0:
            picked = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
            when[field] = picked[0] if len(picked) == 1 else picked
        elif draw(st.integers(0, 5)) == 0:
            when[field] = {"ne": draw(st.sampled_from(values))}
    if draw(st.booleans()):
        when["major"] = draw(st.booleans())
    if draw(st.booleans()):
        op = draw(st.sampled_from(["gte", "gt", "lt", "lte", "eq", "ne"]))
        when["portfolio_count"] = {op: draw(st.integers(0, 3))}
    if depth == 0 and draw(st.integers(0, 3)) == 0:
        when[draw(st.sampled_from(["any", "not"]))] = (
            draw(st.lists(small_conditions(depth=1), min_size=1, max_size=2))
            if draw(st.booleans())
            else draw(small_conditions(depth=1))
        )
        if "any" in when and isinstance(when["any"], dict):
            when["any"] = [when["any"]]
        if "not" in when and isinstance(when["not"], list):
            when["not"] = when["not"][0]
    return when


@st.composite
def small_tables(draw: st.DrawFn) -> model.RulesetFile:
    policy = draw(st.sampled_from(["first", "unique", "priority"]))
    rules = []
    for i in range(draw(st.integers(1, 7))):
        rule = {
            "id": f"r{i}",
            "cite": str(i),
            "text": "t",
            "when": draw(small_conditions()),
            "steps": [{"action": "sign", "roles": [draw(st.sampled_from(["head", "secretary_general"]))]}],
        }
        if policy == "priority":
            rule["priority"] = draw(st.integers(0, 3))
        rules.append(rule)
    data = {
        "id": "small",
        "kind": "base",
        "meta": {"title": "t", "jurisdiction": "j", "level": "city", "source": "s"},
        "roles": {"head": {"label": "市长"}, "secretary_general": {"label": "秘书长"}},
        "meetings": {m: {"id": f"m.{m}", "cite": "一", "text": "t", "label": m} for m in MEETINGS},
        "signing": [
            {
                "id": "t",
                "hit_policy": policy,
                "complete": True,
                "domain": {
                    "issuer": ISSUERS,
                    "kind": KINDS,
                    "recipient": RECIPIENTS,
                    "decided_by": MEETINGS,
                    "major": [False, True],
                    "portfolio_count": COUNTS,
                },
                "rules": rules,
            }
        ],
    }
    return model.RulesetFile.model_validate(data)


def brute_force(spec: model.RulesetFile) -> tuple[bool, set[str], dict[frozenset[str], bool]]:
    """Gap?, rules never first, and maximal sets of rules sharing an input (True: their answers differ)."""
    table = spec.signing[0]
    rules = list(table.rules)
    if table.hit_policy == "priority":
        rules.sort(key=lambda r: -(r.priority or 0))
    vocab = loader.vocabulary(spec, model.DOCUMENT_FIELDS)
    tests = [conditions.compile_condition(conditions.parse_condition(r.when, vocab)[0]) for r in rules]
    gap, fired, sets = False, set(), set()
    for issuer, kind, recipient, decided_by, major, count in itertools.product(
        ISSUERS, KINDS, RECIPIENTS, MEETINGS, [False, True], COUNTS
    ):
        doc = govrule.Document(
            issuer=issuer,
            kind=kind,
            recipient=recipient,
            decided_by=decided_by,
            major=major,
            portfolios=[f"p{i}" for i in range(count)],
        )
        hits = [i for i, test in enumerate(tests) if test(doc, None) is True]
        if not hits:
            gap = True
            continue
        fired.add(hits[0])
        sets.add(frozenset(hits))
    answers = [outcome(r) for r in rules]
    # Under hit policy unique: maximal sets of rules with different answers sharing an input are
    # errors; rules with the same answer sharing an input are warnings (the citation is ambiguous),
    # one per group connected by such pairs.
    differing = {s for s in sets if len({answers[i] for i in s}) > 1}
    overlaps = {frozenset(rules[i].id for i in s): True for s in differing if not any(s < t for t in differing)}
    group = {i: {i} for i in range(len(rules))}
    for s in sets:
        for a, b in itertools.combinations(sorted(s), 2):
            if answers[a] == answers[b] and group[a] is not group[b]:
                merged = group[a] | group[b]
                for m in merged:
                    group[m] = merged
    for g in {frozenset(g) for g in group.values() if len(g) > 1}:
        overlaps[frozenset(rules[i].id for i in g)] = False
    return gap, {rules[i].id for i in range(len(rules)) if i not in fired}, overlaps


@given(small_tables())
def test_table_analysis_agrees_with_brute_force(spec: model.RulesetFile) -> None:
    findings = check(spec)
    gap, never_first, overlaps = brute_force(spec)
    assert any(f.kind == "gap" for f in findings) == gap
    if spec.signing[0].hit_policy == "unique":
        found = {frozenset(f.rules): f.severity == "error" for f in findings if f.kind == "overlap"}
        assert found == overlaps
    else:
        assert {f.rules[0] for f in findings if f.kind == "shadowed"} == never_first
    for f in findings:
        if f.kind in ("gap", "overlap"):
            doc = govrule.Document(**f.witness)  # every witness is a real input
            assert all(getattr(doc, k) == (tuple(v) if isinstance(v, tuple) else v) for k, v in f.witness.items())


# ---------------------------------------------------------------------------- scale


def test_synthetic_table_is_valid_and_reproducible() -> None:
    spec = synthetic_table(50, seed=3)
    assert spec == synthetic_table(50, seed=3) != synthetic_table(50, seed=4)
    assert len(spec.signing[0].rules) == 50 and spec.signing[0].complete
    govrule.Ruleset(spec)  # compiles
    with pytest.raises(govrule.GovruleError, match="n_rules=0"):
        synthetic_table(0)


@pytest.mark.parametrize("hit_policy", ["first", "priority", "unique"])
def test_a_thousand_rule_table_is_analysed_within_the_budgets(hit_policy: str) -> None:
    """Speed is measured in bench/ (docs/benchmarks.md); here: a large table is analysed, not refused."""
    spec = synthetic_table(1000, seed=1, hit_policy=hit_policy)  # type: ignore[arg-type]
    findings = check(spec)
    assert findings and all(f.kind in ("gap", "shadowed", "overlap") for f in findings)


# ---------------------------------------------------------------------------- the command line


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_reports_findings_with_a_summary_and_exit_1() -> None:
    code, out, err = run(str(DEFECTS / "overlap.yaml"), str(MINIMAL))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{DEFECTS / 'overlap.yaml'}:14:9: 错误：规则重叠（overlap）：")
    assert lines[1] == f"{DEFECTS / 'overlap.yaml'}: 1 个错误，0 个警告，0 条提示"
    assert lines[2] == f"{MINIMAL}: 未发现问题"


def test_cli_exits_0_on_warnings_and_recorded_ambiguities() -> None:
    assert run(str(DEFECTS / "shadowed.yaml"))[0] == 0
    code, out, _ = run(str(DEFECTS / "recorded_overlap.yaml"))
    assert code == 0 and "1 条提示（其中 1 条为已记录的原文歧义）" in out
    assert "提示：规则重叠（overlap）：" in out and out.splitlines()[0].endswith("（已记录为原文歧义）")


def test_cli_json_lists_findings_per_target() -> None:
    code, out, _ = run(str(DEFECTS / "bad_override.yaml"), "--base", str(BASE), "--json")
    data = json.loads(out)
    assert code == 1
    (target,) = data["targets"]
    assert [f["kind"] for f in target["findings"]] == ["bad_override"]
    assert target["base"] == str(BASE)


def test_cli_missing_file_and_bad_ruleset_are_messages_not_tracebacks() -> None:
    code, out, err = run("no/such/file.yaml")
    assert code == 2 and "no/such/file.yaml" in err and "Traceback" not in err + out
    code, out, err = run(str(DEFECTS / "dangling_reference.yaml"))
    assert code == 1 and "Traceback" not in err + out
    assert err.startswith(f"{DEFECTS / 'dangling_reference.yaml'}:23:40: 未定义的角色 'secretary_genral'")
