"""The wording of ruleset-file problems, in Chinese for the people who write rulesets.

The YAML reader, the loader, the condition language and the fixture reader report a problem by
its reason and its facts (``say("undefined_role", role="secretary_genral")``); this module is the
one place that turns them into a sentence. Ids, keys and values are quoted as the file writes them
(``'secretary_genral'``, ``true``, ``null``); the key path of a problem (``signing[0].rules[4].when``)
is shown by :class:`govrule.errors.Problem` itself. Errors met while answering a query are worded by
:mod:`govrule.messages`; findings of ``govrule check`` by :mod:`govrule.consistency.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Raw", "bad_value", "expected", "hint", "kind_of", "listing", "quote", "say", "suggest", "yaml_syntax"]


class Raw(str):
    """Text inserted as it is (a path, a number already formatted, a Chinese word), never quoted."""

    __slots__ = ()


def quote(value: object) -> str:
    """A value as the file writes it: ``'text'``, ``true``, ``null``, ``5``."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return repr(value)


def listing(items: Iterable[object], *, quoted: bool = False) -> str:
    """Words joined with 、 (``（无）`` when there are none)."""
    words = [quote(i) if quoted else str(i) for i in items]
    return "、".join(words) or "（无）"


def suggest(close: Iterable[str] | str | None) -> str:
    """``是否要写 'secretary_general'？`` for the closest word, or empty text when there is none."""
    if close is None:
        return ""
    best = close if isinstance(close, str) else next(iter(close), None)
    return f"是否要写 {best!r}？" if best else ""


#: What a kind of YAML value is called.
_KINDS = {
    list: "列表",
    tuple: "列表",
    dict: "映射",
    str: "文字",
    int: "数字",
    float: "数字",
    bool: "布尔值（true/false）",
    type(None): "空值（null）",
}


def kind_of(value: object) -> Raw:
    """What a YAML value is, in words: 列表, 映射, 文字 …"""
    for cls, name in _KINDS.items():
        if type(value) is cls:
            return Raw(name)
    return Raw(type(value).__name__)


#: What a value must be, by the kind of value a field takes (pydantic's error types and the condition language's).
_EXPECTED = {
    "int": "整数",
    "bool": "布尔值 true 或 false",
    "str": "文字",
    "date": "日期（写作 YYYY-MM-DD）",
    "list": "列表",
    "mapping": "键的映射",
    "number": "数字",
    "null": "空值（null）",
    "role": "角色",
    "meeting": "会议",
    "set": "词语的列表",
}


def expected(kind: str) -> Raw:
    """What a value must be, in words (``int`` -> 整数)."""
    if kind.startswith("enum:"):
        return Raw(f"{kind[5:]} 的可选词")
    return Raw(_EXPECTED.get(kind, kind))


#: Every problem a ruleset, fixture or calendar file can have, by reason. Facts are quoted by `quote`
#: unless they are `Raw`; lists and tuples are joined with 、.
_TEXT: Mapping[str, str] = {
    # Reading the file.
    "cannot_read": "无法读取文件：{why}",
    "file_too_large": "文件有 {size} 字节，规则集文件不得超过 {limit} 字节",
    "input_too_large": "输入超过 {limit} 字节",
    "not_utf8": "不是 UTF-8 编码：字节 {byte} 无法解码",
    "not_utf8.hint": "请将文件另存为 UTF-8 编码",
    # YAML.
    "empty": "文件是空的；规则集应为一个 YAML 映射",
    "yaml_syntax": "YAML 语法错误：{what}",
    "yaml_error": "YAML 错误：{what}",
    "too_deep": "嵌套超过 {limit} 层",
    "nested_too_deeply": "文档嵌套过深，无法读取",
    "alias_bomb": "文档展开后超过 {limit} 个节点（疑为别名炸弹）",
    "alias_bomb.hint": "规则集不需要这么大规模的 YAML 别名（&锚点 / *别名）",
    "text_bomb": "文档展开后超过 {limit} 个字符的文字（疑为长字符串的别名）",
    "text_bomb.hint": "文字只写一次；规则集不需要这么大规模的 YAML 别名",
    "merge_key": "规则集中不允许使用合并键（<<）",
    "key_not_scalar": "映射的键须为普通的标量（一个词或数字）",
    "duplicate_key": "重复的键 {key}（第 {first} 行已定义）",
    "duplicate_key.hint": "同一映射中每个键只能出现一次",
    "ambiguous_number": "{value} 有歧义：YAML 1.1 会把它读成另一个数",
    "ambiguous_number.hint": "请写普通的十进制数（写 10，不写 010 或 1_0；分钟写 90，不写 1:30），或加引号作为文字",
    "invalid_value": "无效的值 {value}：{why}",
    "bad_tag": "不允许使用标签 {tag}；规则集只用普通的 YAML 值",
    # The structure of a ruleset.
    "top_not_mapping": "顶层须为键的映射，不能是{kind}",
    "top_not_mapping.hint": "规则集以 `id:`、`kind:`、`meta:` …… 开头",
    "unknown_key": "未知的键 {key}",
    "unknown_key.hint": "{suggest}可用的键：{allowed}",
    "missing_key": "缺少必填的键 {key}",
    "wrong_type": "应为{expected}，实际是 {got}",
    "not_allowed": "{value} 不能用在这里；可选：{choices}",
    "bad_date": "日期有误 {value}：{why}；日期写作 YYYY-MM-DD",
    "bad_id": "{value} 不是有效的 id",
    "bad_id.hint": "id 用 ASCII 小写字母、数字和下划线，如 executive_deputy_head；规则 id 可含点（sign.request）",
    "text_empty": "不能为空，须写出文字",
    "text_too_long": "太长：最多 {limit} 个字符",
    "list_too_short": "至少要有 {limit} 项",
    "list_too_long": "最多 {limit} 项",
    "too_small": "须不小于 {limit}，实际是 {got}",
    "not_greater": "须大于 {limit}，实际是 {got}",
    "too_large": "须不大于 {limit}，实际是 {got}",
    "not_less": "须小于 {limit}，实际是 {got}",
    "invalid": "此处的值不成立：{why}",
    "invalid_got": "{why}（实际是 {got}）",
    "label_clash": "{name} 同时指 {first}（{first_label}）和 {key}：标签按简繁两种写法匹配，每个标签只能指一个{what}",
    # Words the file uses.
    "undefined_role": "未定义的角色 {role}",
    "undefined_role.hint": "{suggest}角色定义在 {where}",
    "undefined_meeting": "未定义的会议 {meeting}；已定义：{defined}",
    "undefined_event": "未定义的事项 {event}",
    "undefined_event.hint": "{suggest}新的事项请在 `events:` 下声明",
    "undefined_rule": "未定义的规则 {rule}",
    "authorized_by_not_step": "authorized_by {role} 须是本步骤的角色之一",
    "priority_needed": "规则 {rule} 在 priority 表中，须写 `priority`",
    "unknown_domain_field": "domain 中有未知的字段 {field}；可用：{allowed}",
    "applies_to_unknown": "applies_to {target} 既不是签发规则的 id，也不是某条签发规则所在的条",
    "is_a_cycle": "角色 {role} is_a {parent} 使角色层级成环",
    "event_twice": "事项 {event} 已有时限（{first}）；每个事项只能有一条时限规则",
    "duplicate_rule_id": "重复的规则 id {rule}（首次出现在 {first}）",
    "overrides_in_base": "只有补充规定才能覆盖规则（本规则集是 kind: base）",
    "article_twice": "条 {article} 列了两次（首次在 {first}）",
    "not_covered": "规则 {rule} 没有列在 `coverage` 的任何一条之下",
    "supplement_without_base": "补充规定须在 meta.supplements 写明所补充的文件",
    "base_supplements": "基础规则不补充其他文件；如是补充规定，请写 kind: supplement",
    "format2_key": "{key} 是格式 2 的写法：请在文件开头写 `format: 2`",
    "format2_value": "{key}: {value} 是格式 2 的写法：请在文件开头写 `format: 2`",
    "see_unknown": "see: {target} 不是本规则集的签发规则",
    "see_loop": "see: 形成循环（{chain}），没有哪条规则给出步骤",
    # Conditions.
    "condition_not_mapping": "条件须为“字段: 值”的映射，不能是{kind}",
    "connective_list": "{key} 须跟一个非空的条件列表",
    "unknown_condition_field": "条件中有未知的字段 {field}；可用：{allowed}",
    "not_in_words": "{field}={value} 不是 {words} 的可选值；可选：{allowed}",
    "takes_kind": "{field} 须为{expected}，不能是 {value}",
    "unknown_procedure": "未知的程序 {value}；可选：{allowed}",
    "lone_surrogate": "{field} 中的 {value} 不是有效的 Unicode 文字（孤立的代理字符）",
    "unknown_operator": "未知的运算符 {op}；可用：{allowed}",
    "not_for_lists": "{op} 不适用于列表字段 {field}；请用 contains、contains_all、contains_any、known",
    "lists_only": "{op} 只适用于列表字段，{field} 不是列表字段",
    "orders_only": "{op} 只比较数字或日期；{field} 是{kind}",
    "deadline_dates_only": "on_or_before_deadline 只适用于日期字段，{field} 不是日期字段",
    "undefined_deadline_event": "未定义的时限事项 {event}",
    "known_bool": "known 须为 true 或 false",
    "takes_list": "{op} 须跟一个列表",
    "eq_takes_list": "列表字段 {field} 的 eq 须跟一个列表",
    "no_operator": "{field} 没有给出运算符",
    # Fixture files.
    "fixture_not_mapping": "测试用例文件须为映射，含 `ruleset` 与 `cases`",
    "fixture_unknown_key": "未知的键 {key}；可用：{allowed}",
    "fixture_ruleset": "`ruleset` 须写内置规则集的 id 或规则集文件",
    "fixture_cases": "`cases` 须为用例的列表",
    "case_not_mapping": "一个用例须为映射，含 name、query、input、expect",
    "unknown_query": "未知的查询 {query}；可用：{allowed}",
    "expect_mapping": "`expect` 须为非空的映射，列出要核对的字段",
    "cannot_check": "{query} 不能核对 {key}；可用：{allowed}",
    "input_mapping": "`input` 须为映射",
    "case_needs_meeting": "check_agenda 的 input 须写 meeting",
    "case_unknown_input": "{query} 的 input 中有未知的键 {key}；可用：{allowed}",
}


def say(reason: str, **facts: Any) -> str:
    """The sentence for a problem: ``say("duplicate_key", key="head", first=9)``."""
    shown: dict[str, str] = {}
    for name, value in facts.items():
        if isinstance(value, list | tuple | frozenset | set):
            shown[name] = listing(value)
        elif name in ("suggest", "where", "why", "what", "first", "limit", "size", "byte", "chain") or isinstance(
            value, Raw
        ):
            shown[name] = str(value)
        else:
            shown[name] = quote(value)
    return _TEXT[reason].format(**shown)


def hint(reason: str, **facts: Any) -> str | None:
    """The hint that goes with a reason, if it has one."""
    return say(f"{reason}.hint", **facts) if f"{reason}.hint" in _TEXT else None


# ---------------------------------------------------------------------------- YAML syntax

#: What PyYAML's parser and scanner report, by the shape of their problem, and how to say it.
#: PyYAML gives no reason codes; the tokens it names (',' or '}') are kept as it quotes them.
_SYNTAX = (
    (r"nesting depth", "嵌套层数过多"),
    (r"^did not find expected key", "此处应为一个键（检查上一行的缩进或引号）"),
    (r"^did not find expected (?P<what>'.+')$", "此处缺少 {what}"),
    (r"^did not find expected '-' indicator", "此处应为列表项“- ”（检查缩进）"),
    (r"^could not find expected ':'", "此处缺少 ':'（键后面要有冒号）"),
    (r"^mapping values are not allowed", "此处不能写“键: 值”（冒号后有空格的文字请加引号，或检查缩进）"),
    (r"^block sequence entries are not allowed", "此处不能开始列表项“- ”（检查缩进）"),
    (r"tab", "缩进中有制表符（Tab），请改用空格"),
    (
        r"^found character.*cannot start any token",
        "此处的字符不能作为开头（如制表符 Tab、@、`；缩进请用空格，特殊字符请加引号）",
    ),
    (r"^found undefined alias", "使用了未定义的别名（*名称 之前须有 &名称）"),
    (r"^found duplicate anchor", "重复的锚点（&名称）"),
    (r"^found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    (r"invalid Unicode character escape", "无效的 Unicode 转义（双引号中的 \\u 或 \\U 后面）"),
    (r"^found unknown escape character", "未知的转义字符（双引号中的 \\ 后面）"),
    (r"^expected a single document|found another document", "文件中只能有一个 YAML 文档（去掉多余的 ---）"),
    (r"^found unexpected ':'", "此处多了一个 ':'"),
    (r"^expected (?P<what>.+), but found (?P<found>.+)$", "此处的写法不合 YAML 语法（应为 {what}，实际是 {found}）"),
    (r"^(?:while )?scanning", "此处的写法不合 YAML 语法"),
)


def yaml_syntax(problem: str | None, context: str | None = None) -> str:
    """A YAML syntax error in Chinese; what PyYAML said is kept in quotes when there are no words for it."""
    import re  # only when a syntax error is shown

    text = (problem or context or "").strip()
    for pattern, template in _SYNTAX:
        m = re.search(pattern, text)
        if m is not None:
            tokens = {k: v.replace(" or ", " 或 ") for k, v in m.groupdict().items()}
            return say("yaml_syntax", what=template.format(**tokens))
    plain = "此处的写法不合 YAML 语法"
    return say("yaml_syntax", what=f"{plain}（解析器报告 {text!r}）" if text else plain)


def bad_value(value: str) -> str:
    """A scalar YAML resolved as a date (``YYYY-MM-DD``) that is no day of the calendar, in Chinese."""
    parts = value.split("-")
    year, month = (int(parts[0]), int(parts[1])) if len(parts) == 3 and all(p.isdigit() for p in parts) else (0, 0)
    if not 1 <= month <= 12:
        why = "月份须为 1—12" if year else "无法读取为日期"
    elif year < 1:
        why = "年份须为 1—9999"
    else:
        why = "该月没有这一天"
    return say("invalid_value", value=value, why=why)
