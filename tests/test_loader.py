"""The loader accepts valid rulesets and rejects each malformed file at the right place."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govrule
from govrule import loader
from govrule.schema import fixture_schema, ruleset_schema

ROOT = Path(__file__).resolve().parents[1]
MALFORMED = ROOT / "tests" / "data" / "malformed"
EXAMPLE = ROOT / "examples" / "minimal.yaml"

# file -> (line, column, words the message must contain)
EXPECTED = {
    "yaml_syntax_error.yaml": (4, 6, "YAML 语法错误：此处缺少 ',' 或 '}'"),
    "duplicate_key.yaml": (10, 3, "重复的键 'head'（第 9 行已定义）"),
    "unknown_key.yaml": (9, 21, "未知的键 'lable'"),
    "wrong_type.yaml": (15, 13, "应为整数，实际是 'five'"),
    "missing_required_field.yaml": (10, 1, "缺少必填的键 'cite'"),
    "undefined_role.yaml": (20, 36, "未定义的角色 'secretary_genral'"),
    "undefined_meeting.yaml": (14, 16, "未定义的会议 'excutive'"),
    "bad_date.yaml": (7, 14, "无效的值 '2018-02-30'：该月没有这一天"),
    "python_object_tag.yaml": (3, 7, "不允许使用标签 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "alias_bomb.yaml": (1, 56, "文档展开后超过 200,000 个节点（疑为别名炸弹）"),
    "deep_nesting.yaml": (2, 71, "嵌套超过 64 层"),
    "top_level_not_mapping.yaml": (1, 1, "顶层须为键的映射，不能是列表"),
    "empty_file.yaml": (1, 1, "文件是空的"),
    "not_utf8.yaml": (4, 10, "不是 UTF-8 编码：字节 0xca 无法解码"),
}


def test_every_malformed_file_has_an_expectation() -> None:
    """The corpus and the table of expected messages name the same files."""
    assert sorted(p.name for p in MALFORMED.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_is_rejected_with_its_position(name: str) -> None:
    """Each malformed file yields exactly one problem at the expected line and column."""
    line, column, words = EXPECTED[name]
    problems = govrule.validate(MALFORMED / name)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert words in problem.message
    assert problem.file.endswith(name)
    assert str(problem).startswith(f"{problem.file}:{line}:{column}: ")


def test_undefined_role_suggests_the_defined_one() -> None:
    """A misspelt role gets a did-you-mean hint and the path inside the document."""
    (problem,) = govrule.validate(MALFORMED / "undefined_role.yaml")
    assert problem.path == "signing[0].rules[0].steps[0].roles[0]"
    assert problem.hint is not None and problem.hint.startswith("是否要写 'secretary_general'？角色定义在 ")


def test_ruleset_error_carries_all_problems_sorted(tmp_path: Path) -> None:
    """Several problems in one file are all reported, sorted by position."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("secretary_general]", "secretary_genral]").replace("  level: city", "  level: city\n  foo: 1")
    text = text.replace("hit_policy: first", "hit_policy: firts")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(govrule.RulesetError) as info:
        govrule.load(str(bad))
    problems = info.value.problems
    assert len(problems) >= 2
    assert list(problems) == sorted(problems)
    assert any("未知的键 'foo'" in p.message for p in problems)
    assert any("'firts'" in p.message for p in problems)
    assert isinstance(info.value, govrule.GovruleError)


def test_fifty_megabyte_file_fails_fast_with_a_size_error(tmp_path: Path) -> None:
    """An oversize file is refused from its size, before it is read or parsed."""
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.write(b"id: big\n# " + b"x" * (50 * 1024 * 1024) + b"\n")
    started = time.perf_counter()
    (problem,) = govrule.validate(big)
    assert "规则集文件不得超过" in problem.message and "字节" in problem.message
    assert time.perf_counter() - started < 5  # generous: the point is that it does not parse 50 MB


def test_minimal_example_is_valid_and_answers() -> None:
    """The documented minimal ruleset validates and answers a signing question."""
    assert govrule.validate(EXAMPLE) == ()
    rs = govrule.load(str(EXAMPLE))
    decision = rs.who_must_sign(govrule.Document(issuer="government", kind="request", recipient="higher_government"))
    assert decision.signers == ("head",)
    assert decision.rule.citation == "二十（一）"


def test_models_are_frozen_and_strict() -> None:
    """Loaded models refuse assignment and their mappings refuse writes."""
    spec = loader.parse_file(EXAMPLE).spec
    with pytest.raises(pydantic.ValidationError):
        spec.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.roles["x"] = spec.roles["head"]  # type: ignore[index]
    assert isinstance(spec.signing, tuple)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return value


def test_committed_schemas_match_the_models() -> None:
    """schema/*.json is what the models generate now (regenerate with govrule.schema.write_schemas)."""
    committed = json.loads((ROOT / "schema" / "ruleset.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(ruleset_schema(), sort_keys=True)), "run write_schemas('schema')"
    committed_fixture = json.loads((ROOT / "schema" / "fixture.schema.json").read_text(encoding="utf-8"))
    assert committed_fixture == json.loads(json.dumps(fixture_schema(), sort_keys=True))


def test_jsonschema_accepts_valid_and_rejects_invalid_rulesets() -> None:
    """The generated schema accepts the example and rejects an unknown key and a bad condition operator."""
    validator = jsonschema.Draft202012Validator(ruleset_schema())
    data = _plain(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(data)) == []
    data["roles"]["head"]["colour"] = "red"  # type: ignore[index]
    data["signing"][0]["rules"][0]["when"]["kind"] = {"inn": ["request"]}  # type: ignore[index]
    messages = [e.message for e in validator.iter_errors(data)]
    assert any("colour" in m for m in messages)
    assert len(messages) == 2


def test_jsonschema_accepts_bundled_rulesets_and_fixtures() -> None:
    """Every bundled ruleset and every fixture file in the repository validates against the schemas."""
    rules = jsonschema.Draft202012Validator(ruleset_schema())
    fixtures = jsonschema.Draft202012Validator(fixture_schema())
    for rid in govrule.bundled():
        path = ROOT / "src" / "govrule" / "rulesets" / f"{rid}.yaml"
        data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert [e.message for e in rules.iter_errors(data)] == [], rid
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert [e.message for e in fixtures.iter_errors(data)] == [], path.name


def test_bundled_rulesets_ship_as_package_data() -> None:
    """The bundled ruleset files live inside the package, so an installed wheel can load them."""
    import importlib.resources

    folder = importlib.resources.files("govrule") / "rulesets"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert names == sorted(f"{rid}.yaml" for rid in govrule.bundled())
    for rid in govrule.bundled():
        assert (ROOT / "rulesets" / f"{rid}.yaml").is_file()  # the top-level rulesets/ view of the same files


def test_roles_in_every_meeting_and_step_field_are_checked(tmp_path: Path) -> None:
    """Undefined roles are caught in as-needed observers, participants, entrusted conveners and authorized_by."""
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace(
            "    chair: [head]\n",
            "    chair: [head]\n    observers_as_needed: [town_head]\n    participants: [unit_head]\n"
            "    entrusted_convener: [deputy_mayor]\n",
        )
        .replace(
            "          - {action: sign, roles: [head]}\n",
            "          - {action: sign, roles: [head], authorized_by: secretary_general}\n",
            1,
        )
    )
    path = tmp_path / "roles.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in govrule.validate(path)]
    assert "未定义的角色 'town_head'" in messages
    assert "未定义的角色 'unit_head'" in messages
    assert "未定义的角色 'deputy_mayor'" in messages
    assert "authorized_by 'secretary_general' 须是本步骤的角色之一" in messages


def test_structural_and_vocabulary_problems_are_reported_together() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "          - {action: sign, roles: [head]}", "          - {action: sing, roles: [head]}", 1
    )
    text = text.replace("members: [head, deputy_head, secretary_general]", "members: [head, deputy_haed]", 1)
    text = text.replace("  level: city\n", "  level: cty\n", 1).replace("    amount: 5\n", "    amount: five\n", 1)
    text = text.replace("    require: {consulted: true}", "    require: {consulted: yes}", 1)
    with pytest.raises(govrule.RulesetError) as caught:
        loader.parse_text(text, "city.yaml")
    messages = [p.message for p in caught.value.problems]
    assert any("'cty' 不能用在这里" in m for m in messages)
    assert any("'sing' 不能用在这里" in m for m in messages)
    assert any("应为整数" in m for m in messages)
    assert any("未定义的角色 'deputy_haed'" in m for m in messages)
    assert any("consulted 须为布尔值 true 或 false，不能是 'yes'" in m for m in messages)
    # the deadline that failed is not reported a second time as an undefined rule in coverage
    assert not any("deadline.meeting_documents" in m for m in messages), messages
    assert len(messages) == 5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_broken_part_ends_in_located_problems_never_an_exception(data: st.DataObject) -> None:
    """Breaking any value of a valid file (the second look at vocabulary included) gives RulesetError only."""
    tree = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            walk(child, (*path, key))

    walk(tree, ())
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths[1:]))
        parent = tree
        try:
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = data.draw(st.sampled_from([None, 5, "x", [], {}, ["head"], {"a": 1}, True]))
        except (KeyError, IndexError, TypeError):
            continue
    text = yaml.safe_dump(tree, allow_unicode=True)
    try:
        loader.parse_text(text, "broken.yaml")
    except govrule.RulesetError as exc:
        assert all(p.file == "broken.yaml" and p.line >= 1 for p in exc.problems)


# ------------------------------------------------------------------ the problems read as Chinese

#: Variations of the minimal example, each breaking it in one family of problems, with the words the
#: problem must say. Together with the malformed files they cover every family a ruleset author meets.
FAMILIES = {
    "condition operator": (
        ("portfolio_count: {gte: 2}", "portfolio_count: {gtee: 2}"),
        "未知的运算符 'gtee'；可用：",
        "是否要写 'gte'？",
    ),
    "condition value": (("portfolio_count: {gte: 2}", "portfolio_count: {gte: two}"), "portfolio_count 须为整数", None),
    "condition word": (
        ("recipient: higher_government}", "recipient: higher_governmnt}"),
        "recipient='higher_governmnt' 不是 recipient 的可选值；可选：",
        "是否要写 'higher_government'？",
    ),
    "condition field": (
        ("require: {consulted: true}", "require: {consultd: true}"),
        "条件中有未知的字段 'consultd'",
        None,
    ),
    "format 2 key in format 1": (
        ("  roles: [executive_deputy_head]", "  roles: [executive_deputy_head]\n  see_also: []"),
        "未知的键 'see_also'",
        "可用的键：",
    ),
    "format 2 construct": (
        (
            "deputy_head: {label: 副市长, aliases: [副市長]}",
            "deputy_head: {label: 副市长, aliases: [副市長], is_a: [head]}",
        ),
        "'is_a' 是格式 2 的写法：请在文件开头写 `format: 2`",
        None,
    ),
    "model rule": (
        ("    at_least: 1/2\n", "    at_least: 1/2\n      more_than: 1/2\n"),
        "more_than 与 at_least 须写且只写一个",
        None,
    ),
    "label clash": (
        ("deputy_head: {label: 副市长, aliases: [副市長]}", "deputy_head: {label: 市長}"),
        "'市長' 同时指 'head'（市长）和 'deputy_head'",
        None,
    ),
    "bad id": (("id: example_city", "id: Example-City"), "'Example-City' 不是有效的 id", "id 用 ASCII 小写字母"),
    "empty text": (("  source: example.txt", "  source: ''"), "不能为空", None),
    "ambiguous number": (("    amount: 5\n", "    amount: 010\n"), "'010' 有歧义", "请写普通的十进制数"),
    "not allowed word": (
        ("unit: working_days", "unit: workdays"),
        "'workdays' 不能用在这里；可选：",
        "是否要写 'working_days'？",
    ),
    "undefined event": (
        ("event: meeting_documents_issuance", "event: meeting_document_issuance"),
        "未定义的事项",
        "是否要写",
    ),
}


def english_sentence(text: str) -> list[str]:
    """Runs of English words left once quoted values, key paths, backticked keys and the file name are set aside."""
    text = re.sub(r"'[^']*'", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"（位置：[^）]*）", "", text)
    text = re.sub(r"\S+\.ya?ml(?::\d+)*", "", text)
    return re.findall(r"[A-Za-z]{4,} [a-z]{3,}", text)


def _broken(old: str, new: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_of_problems_is_worded_in_chinese(family: str) -> None:
    """The problem's message and hint are Chinese; ids, keys and values are quoted as the file writes them."""
    (old, new), words, hint = FAMILIES[family]
    with pytest.raises(govrule.RulesetError) as caught:
        loader.parse_text(_broken(old, new), "city.yaml")
    problems = caught.value.problems
    assert any(words in p.message for p in problems), [p.message for p in problems]
    if hint is not None:
        assert any(p.hint and hint in p.hint for p in problems), [p.hint for p in problems]
    for p in problems:
        assert not english_sentence(str(p)), str(p)
        assert "hint:" not in str(p) and " in " not in str(p)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_files_print_as_chinese_lines(name: str) -> None:
    """``file:line:col: 问题``, the key path as written, ``提示：`` for a hint, and no English sentence."""
    (problem,) = govrule.validate(MALFORMED / name)
    text = str(problem)
    first, *rest = text.split("\n")
    assert first.startswith(f"{problem.file}:{problem.line}:{problem.column}: ")
    if problem.path:
        assert first.endswith(f"（位置：{problem.path}）")
    assert rest == ([f"  提示：{problem.hint}"] if problem.hint else [])
    assert not english_sentence(text), text


def test_the_printed_problem_keeps_the_key_path_as_written() -> None:
    (problem,) = govrule.validate(MALFORMED / "undefined_role.yaml")
    assert str(problem) == (
        f"{problem.file}:20:36: 未定义的角色 'secretary_genral'（位置：signing[0].rules[0].steps[0].roles[0]）\n"
        f"  提示：是否要写 'secretary_general'？角色定义在 {problem.file}:8:1"
    )


def test_a_yaml_syntax_error_pyyaml_has_no_words_for_keeps_its_report_quoted() -> None:
    """Nothing PyYAML says is lost: an error the wording does not know is shown in quotes after a Chinese lead."""
    from govrule import problems_zh

    assert problems_zh.yaml_syntax("something new happened") == (
        "YAML 语法错误：此处的写法不合 YAML 语法（解析器报告 'something new happened'）"
    )
    (problem,) = _syntax("a: [1, 2\n")
    assert problem.message.startswith("YAML 语法错误：") and not english_sentence(problem.message)


def _syntax(text: str) -> tuple[Any, ...]:
    with pytest.raises(govrule.RulesetError) as caught:
        loader.parse_text(text, "x.yaml")
    return caught.value.problems


@pytest.mark.parametrize(
    "text",
    ["a: b: c\n", "a:\n\t- 1\n", "a: 'x\n", "a: *nope\n", "a: @x\n", "- a\nb: 1\n", "a: 1\n---\nb: 2\n", 'a: "\\q"\n'],
)
def test_common_yaml_mistakes_are_described_in_chinese(text: str) -> None:
    (problem,) = _syntax(text)
    assert problem.message.startswith(("YAML 语法错误：", "YAML 错误：")), problem.message
    assert "解析器报告" not in problem.message, problem.message  # each of these has words of its own
    assert not english_sentence(problem.message), problem.message


def test_validate_json_problems_conform_to_the_answer_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """Text and JSON carry the same Chinese message and hint; the JSON layout is the published one."""
    from govrule.cli import main

    schema = json.loads((ROOT / "schema" / "answer.schema.json").read_text(encoding="utf-8"))
    target = str(MALFORMED / "unknown_key.yaml")
    assert main(["validate", target, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator({"$ref": "#/$defs/validate", "$defs": schema["$defs"]}).validate(data)
    (found,) = data["results"][0]["problems"]
    (problem,) = govrule.validate(target)
    assert found["message"] == problem.message == "未知的键 'lable'"
    assert found["hint"] == problem.hint and problem.hint.startswith("是否要写 'label'？可用的键：label、")
    assert found["location"]["line"] == 9 and found["location"]["column"] == 21
    assert main(["validate", target]) == 1
    out = capsys.readouterr().out
    assert out.endswith("0 个文件有效，1 个有误\n") and "提示：是否要写 'label'？" in out
