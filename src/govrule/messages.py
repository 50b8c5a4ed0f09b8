"""Errors in Chinese for clerks: one place that turns an exception's facts into one or two lines.

The exceptions keep what went wrong as data (:mod:`govrule.errors`: the field at fault, the
value given, the allowed words, the closest of them, a ``reason``); this module renders them.
Words are shown with their Chinese labels (``government（人民政府）``): the ruleset's own labels
where the exception carries them, else the usual terms of :mod:`govrule.vocabulary`.

``render(exc, flag=...)`` takes how the caller names a field (the command line passes
``issuer -> --issuer``); without it the field's name is shown. Nothing here is English except
ids, values, file names and flags; an error this module has no words for is shown with its
English message after a Chinese lead, so it is never lost.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["FACT_NAMES", "FIELD_NAMES", "OCCASION_NAMES", "field_name", "render", "usage", "word"]

#: Chinese names of the facts a caller may have to supply (document facts also come from the vocabulary).
FACT_NAMES: Mapping[str, str] = {
    "title": "议题名称",
    "kind": "类别",
    "proposed_by": "提出人",
    "reviewed_by_leader_in_charge": "是否经分管领导协调或审核",
    "approved_by_head": "是否经市长（区长）同意",
    "involves_other_departments": "是否涉及其他部门",
    "consulted": "是否已与有关部门协商",
    "cosigned": "是否已会签",
    "disagreement": "部门间是否有分歧",
    "coordination_note": "是否附协调情况说明",
    "within_own_authority": "是否属于部门自身职权范围",
    "procedures_done": "已履行的程序",
    "materials_submitted": "材料报送日期",
    "ad_hoc": "是否临时动议",
    "meeting_date": "会议日期",
    "subject_matter": "事项类别",
    "portfolios": "分管范围",
}

#: Chinese names of every input field and command argument an error can name.
FIELD_NAMES: Mapping[str, str] = {
    **FACT_NAMES,
    "meeting": "会议",
    "role": "角色",
    "event": "事项",
    "start": "起算日期",
    "from": "起算日期",
    "present": "实到人数",
    "total": "应到人数",
    "occasion": "情形",
    "absent": "不在岗的领导",
    "ruleset": "规则集",
    "as_of": "日期",
    "day": "日期",
    "amount": "期限",
    "unit": "期限单位",
    "input": "输入文件",
    "convened_by": "会议召集单位",
    "in_name_of": "会议名义",
    "scope": "会议范围",
    "invites": "邀请对象",
    "half_days": "会期（半天数）",
    "attendees": "参会人数",
    "signing rule": "签发规则",
    "path": "办理途径",
}

#: What each occasion of a leave rule means (``leave --occasion``).
OCCASION_NAMES: Mapping[str, str] = {
    "absence": "离开工作岗位（出访、出差、休假）",
    "travel": "外出",
    "meeting_absence": "不能出席会议",
    "outbound_travel": "出国（境）",
    "leave_meeting_proxy": "不能出席会议、委托他人代会",
}

#: The closed vocabulary whose terms label the words of a field or category.
_VOCABULARY_OF_FIELD = {
    "issuer": "issuer",
    "convened_by": "issuer",
    "in_name_of": "issuer",
    "kind": "agenda_kind",
    "recipient": "recipient",
    "direction": "direction",
    "procedures_done": "procedure",
    "scope": "meeting_scope",
    "role": "role",
    "proposed_by": "role",
    "absent": "role",
    "meeting": "meeting",
    "decided_by": "meeting",
    "event": "event",
    "unit": "unit",
}

#: What each kind of file is called, for "no such file".
_FILE_KINDS = {
    "ruleset": "规则集文件",
    "input": "输入文件",
    "fixture": "测试用例文件",
    "calendar": "日历文件",
    "notice": "节假日安排通知",
    "source": "规则原文文件",
}

#: What the text is silent on, by the reason a query raises NoApplicableRule (or its query).
_SILENT = {
    "no_signing_rule": "本规则未规定此类公文由谁签发",
    "no_approval_rule": "本规则未规定此类公文由谁审批",
    "no_meeting_approval_rule": "本规则未规定此类会议由谁批准",
    "no_agenda_rule": "本规则未规定{meeting}的议题条件",
    "no_time_limit": "本规则未规定{event}的时限",
    "no_quorum": "本规则未规定{meeting}的法定人数",
    "no_acting_head": "本规则未规定{head}不在时由谁主持工作",
    "no_leave_rule": "本规则未规定{role}向谁请假或报告",
    "no_stand_in": "本规则未规定{role}不在时由谁代行",
    "no_path": "规则{rule}没有“{path}”这一办理途径；可选：{paths}",
    "absent_no_substitute": "规则{rule}须由{who}{action}，其不在时由谁代行，原文未作规定",
}
_SILENT_BY_QUERY = {
    "who_must_sign": "no_signing_rule",
    "who_must_approve": "no_approval_rule",
    "who_must_approve_meeting": "no_meeting_approval_rule",
    "check_agenda": "no_agenda_rule",
    "deadline": "no_time_limit",
    "quorum_met": "no_quorum",
    "acting_head": "no_acting_head",
    "leave_approver": "no_leave_rule",
    "stand_in": "no_stand_in",
}

#: What holds the fields of an unknown-field error.
_WHERE = {"input": "输入文件", "document": "公文", "agenda item": "议题", "meeting request": "会议申请"}

#: What a value must be, by the reason a QueryError gives.
_EXPECTED = {
    "not_bool": "须为 true 或 false（是/否）",
    "not_whole_number": "须为不小于 0 的整数",
    "not_date": "须为日期，写作 YYYY-MM-DD（如 2024-09-27）",
    "not_words": "须为一组词语",
    "not_text": "须为文字（id 或中文名称）",
}

Flag = Callable[[str], str]


def _no_flag(field: str) -> str:
    return field


def field_name(field: str) -> str:
    """A field's Chinese name (``issuer`` -> 发文机关); the field itself when none is known."""
    name = FIELD_NAMES.get(field)
    if name is not None:
        return name
    from .vocabulary import terms_of

    terms = terms_of("document_field", field)
    return terms[0] if terms else field


def _named(field: str | None, flag: Flag) -> str:
    """``发文机关（--issuer）``: the field's Chinese name with the flag the caller typed."""
    if not field:
        return ""
    zh = field_name(field)
    shown = flag(field)
    return f"{zh}（{shown}）" if shown and shown != zh else zh


def _label(item: str, vocab_key: str | None, labels: Mapping[str, str]) -> str:
    label = labels.get(item, "")
    if not label and vocab_key:
        from .vocabulary import VOCABULARIES

        vocab = "document_kind" if vocab_key == "agenda_kind" and item not in VOCABULARIES["agenda_kind"] else vocab_key
        entry = VOCABULARIES[vocab].get(item)
        label = entry.terms[0] if entry and entry.terms else ""
    return label


def word(item: object, key: str | None = None, labels: Mapping[str, str] | None = None) -> str:
    """A word with its Chinese label: ``government（人民政府）``; the word alone when it has none."""
    text = str(item)
    label = _label(text, _VOCABULARY_OF_FIELD.get(key or ""), labels or {})
    return f"{text}（{label}）" if label and label != text else text


def _words(items: Iterable[str], key: str | None, labels: Mapping[str, str] | None = None) -> str:
    return "、".join(word(i, key, labels) for i in items) or "（无）"


def _value(value: object) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, list | tuple):
        return "“" + "、".join(str(v) for v in value) + "”"
    if value is None:
        return "空值"
    return f"“{value}”"


def _suggest(meant: str | None, key: str | None, labels: Mapping[str, str] | None = None) -> str:
    return f"，是否要写 {word(meant, key, labels)}？" if meant else "。"


# ---------------------------------------------------------------------------- rendering


def render(exc: BaseException, flag: Flag | None = None) -> str:
    """One or two lines of Chinese for an error a clerk can meet, naming field, value and what is allowed."""
    flag = flag or _no_flag
    from .errors import CalendarError, NoApplicableRule, QueryError, RulesetError, UnknownTerm

    if isinstance(exc, UnknownTerm):
        return _unknown_term(exc, flag)
    if isinstance(exc, QueryError):
        return _query_error(exc, flag)
    if isinstance(exc, NoApplicableRule):
        return _no_rule(exc, flag)
    if isinstance(exc, RulesetError):
        count = len(exc.problems)
        head = f"规则集文件有误（{count} 处），请按以下位置修改："
        more = [f"……另有 {count - 20} 处"] if count > 20 else []
        return "\n".join([head, *(str(p) for p in exc.problems[:20]), *more])
    if type(exc).__name__ == "CalendarFileError":
        return _calendar_file(exc)
    if isinstance(exc, CalendarError):
        return _calendar(exc)
    if type(exc).__name__ == "NotInForce":
        return _not_in_force(exc)
    if type(exc).__name__ == "CompositionError":
        found = getattr(exc, "facts", {}).get("found") or ()
        parts = [_COMPOSITION.get(str(p.get("reason")), "{text}").format_map(_Missing(p)) for p in found]
        return "补充规定不能与该规则合并：" + "；".join(parts or [str(p) for p in getattr(exc, "problems", ())])
    if isinstance(exc, OSError):
        return _os_error(exc)
    if isinstance(exc, UnicodeError):
        return "文件不是 UTF-8 编码的文本，请另存为 UTF-8 后重试"
    if isinstance(exc, RecursionError):
        return "输入嵌套过深，无法读取"
    if getattr(exc, "reason", None) == "out_of_range":
        facts = getattr(exc, "facts", {})
        period = f"{facts.get('amount')}{_unit(facts.get('unit'))}"
        return f"自{facts.get('start')}起{period}超出了可以计算的年份（1—9999 年）"
    return f"出错了：{exc}"


def _term(vocabulary: str, item: object) -> str:
    """The usual Chinese term of a word (the word itself when the vocabulary has none)."""
    from .vocabulary import terms_of

    terms = terms_of(vocabulary, str(item))
    return terms[0] if terms else str(item)


def _unit(unit: object) -> str:
    """A period unit as counted: 个工作日, 日, 个月, 年 (the vocabulary's counting term where it has one)."""
    from .vocabulary import terms_of

    terms = terms_of("unit", str(unit))
    return next((t for t in terms if t.startswith("个")), terms[0] if terms else str(unit))


def _unknown_term(exc: Any, flag: Flag) -> str:
    category = str(exc.category)
    labels: Mapping[str, str] = exc.labels
    key = category if category in _VOCABULARY_OF_FIELD else None
    if category == "ruleset":
        return (
            f"没有名为{_value(exc.term)}的规则集（{flag(exc.field or 'ruleset')}）{_suggest(exc.did_you_mean, None)}\n"
            f"内置规则集：{'、'.join(exc.defined) or '（无）'}；也可以给出规则集文件的路径"
        )
    what = FIELD_NAMES.get(category, category)
    head = f"本规则集没有{what}{_value(exc.term)}（{flag(exc.field or category)}）"
    return f"{head}{_suggest(exc.did_you_mean, key, labels)}\n已定义的{what}：{_words(exc.defined, key, labels)}"


def _query_error(exc: Any, flag: Flag) -> str:
    reason = exc.reason
    facts: Mapping[str, Any] = exc.facts
    field = exc.field
    named = _named(field, flag)
    key = field if field in _VOCABULARY_OF_FIELD else None
    if reason == "not_allowed":
        labels = OCCASION_NAMES if field == "occasion" else None
        head = f"{named}不能是{_value(exc.value)}{_suggest(exc.did_you_mean, key, labels)}"
        return f"{head}\n可选：{_words(exc.allowed, key, labels)}"
    if reason == "unknown_field":
        where = _WHERE.get(str(facts.get("where")), "查询")
        if facts.get("where") == "input":
            where += f"（{flag('input')}）"
        meant = exc.did_you_mean
        hint = f"，是否要写 {meant}（{field_name(meant)}）？" if meant else "。"
        return f"{where}中没有{_value(exc.value)}这一项{hint}\n可用的项：{'、'.join(exc.allowed)}"
    if reason in _EXPECTED:
        return f"{named}{_EXPECTED[reason]}，收到的是{_value(exc.value)}"
    if reason == "missing":
        head = f"缺少{named}"
        example = facts.get("example")
        if example:
            head += f"，例如：{example}"
        if exc.allowed:
            return f"{head}\n可选：{_words(exc.allowed, field, facts.get('labels'))}"
        return head
    if reason == "quorum_counts":
        return (
            f"{_named('present', flag)}为{facts.get('present')}、{_named('total', flag)}为{facts.get('total')}，"
            "不合理：实到人数须在 0 与应到人数之间，应到人数须大于 0"
        )
    if reason == "no_such_file":
        kind = _FILE_KINDS.get(str(facts.get("kind") or ""), "文件")
        extra = "（也不是内置规则集的 id）" if facts.get("kind") == "ruleset" and facts.get("or_id") else ""
        return f"找不到{kind}：{facts.get('path')}{extra}"
    if reason == "not_mapping":
        return f"{facts.get('path')}：输入文件须为一个 JSON 或 YAML 对象，各项为查询的字段（如 issuer、kind）"
    if reason == "bad_input_file":
        place = facts.get("location") or facts.get("path")
        return f"{place}：输入文件不是有效的 JSON 或 YAML，请检查该位置"
    if reason == "fixture_is_ruleset":
        path = facts.get("path")
        return f"{path} 是规则集文件，不是测试用例文件：检查它请用 govrule validate 或 check，测试请给出测试用例文件"
    if reason == "output_exists":
        return f"{facts.get('path')} 已存在；如要覆盖，请加 --force"
    if reason == "too_large":
        return f"{facts.get('path')}：文件过大，不是规则集或输入文件"
    lead = f"{named}有误" if named else "查询有误"
    return f"{lead}：{exc}"


def _no_rule(exc: Any, flag: Flag) -> str:
    missing = getattr(exc, "missing", None)
    rule = getattr(exc, "rule", None)
    if isinstance(missing, tuple) and rule is not None:
        need = "、".join(_named(m, flag) for m in missing) or "某项事实"
        return f"无法回答：{_cite(rule)}取决于尚未提供的事实，需提供：{need}。"
    reason = exc.reason or _SILENT_BY_QUERY.get(exc.query)
    facts: dict[str, Any] = {**_given(exc.given), **exc.facts}
    template = _SILENT.get(reason or "")
    if template is None:
        return f"没有规则回答这个问题：{exc.detail or exc}"
    values = {
        "meeting": _thing(facts, "meeting", "该会议"),
        "event": _thing(facts, "event", "该事项"),
        "role": _thing(facts, "role", "该角色"),
        "head": facts.get("head_label") or "市长",
        "rule": _cite(facts["rule"]) if facts.get("rule") is not None else "",
        "path": facts.get("path", ""),
        "paths": "、".join(facts.get("paths") or ()) or "（无）",
        "who": "、".join(word(w, "role", facts.get("who_labels")) for w in facts.get("who") or ()),
        "action": _term("action", facts["action"]) if facts.get("action") else "办理",
    }
    text = "没有规则回答这个问题：" + template.format(**values)
    base = facts.get("supplement_of")
    if facts.get("supplement_alone"):
        whole = f"《{base}》" if base else "其所补充的规则"
        text += f"\n本补充规定单独加载时只回答其自身规定的事项，请与{whole}合并使用"
    return text


def _thing(facts: Mapping[str, Any], category: str, fallback: str) -> str:
    """``常务会议（executive）``: the word the query named, with its label (the ruleset's, else the usual term)."""
    key = facts.get(category)
    label = facts.get(f"{category}_label")
    if key is None:
        return str(label or fallback)
    return word(key, category, {str(key): label} if label else None)


def _given(given: object) -> dict[str, Any]:
    if isinstance(given, Mapping):
        return {str(k): v for k, v in given.items() if v is not None}
    return {}


def _cite(rule: Any) -> str:
    doc = f"《{rule.document}》" if getattr(rule, "document", "") else ""
    return f"{doc}{rule.citation}（{rule.id}）"


def _calendar(exc: Any) -> str:
    covered = exc.covered
    span = f"（现有日历覆盖 {covered[0]}—{covered[1]} 年）" if covered else ""
    return (
        f"没有 {exc.year} 年的工作日历{span}，无法按工作日计算\n"
        f"请用 govrule calendar import 将《国务院办公厅关于{exc.year}年部分节假日安排的通知》转为日历文件，"
        "再用 --calendar 文件 指定"
    )


def _calendar_file(exc: Any) -> str:
    reason = exc.reason or ""
    facts: Mapping[str, Any] = exc.facts
    what = "节假日安排通知" if reason.startswith("notice") else "日历文件"
    where = facts.get("where") or exc.location or exc.file or ""
    text = facts.get("text", "")
    texts = {
        "no_such_file": f"找不到{what}：{exc.file}",
        "notice_unreadable": f"无法读取{what}：{exc.file}",
        "notice_not_text": f"{where}：{what}须为 UTF-8 或 GB18030 编码的文本",
        "notice_too_large": f"{where}：文件过大，不是{what}",
        "notice_no_year": f"{where}：{what}中找不到年份，标题应如“国务院办公厅关于2027年部分节假日安排的通知”",
        "notice_no_holidays": f"{where}：{what}中找不到放假安排，应有如“一、元旦：1月1日放假”的条目",
        "notice_bad_day": f"{where}：{what}中的“{text}”不是一个日期",
        "notice_bad_range": f"{where}：{what}中的“{text}”结束早于开始",
        "notice_long_range": f"{where}：{what}中的“{text}”比任何假期都长，请核对",
    }
    if reason in texts:
        return texts[reason]
    if reason in ("calendar_unreadable", "calendar_yaml"):
        return f"{exc.file}:{exc.line}：{what}不是有效的 YAML，或其中的值不成立，请检查这一行"
    found = facts.get("found") or ()
    if reason == "calendar_problems" and found:
        lines = [f"{exc.file}:{p['line']}：{_calendar_problem(p)}" for p in found[:20]]
        if len(found) == 1:
            return f"日历文件有误：{lines[0]}"
        more = [f"……另有 {len(found) - 20} 处"] if len(found) > 20 else []
        return "\n".join([f"日历文件有误（{len(found)} 处），请按以下位置修改：", *lines, *more])
    return f"{what}有误：{where}"


_CALENDAR_PROBLEMS = {
    "not_mapping": "日历文件须为一个对象，键为 year（年份）、holidays（放假日期）、workdays（调休上班日期）",
    "unknown_key": "未知的键“{word}”，可用：{allowed}",
    "unknown_range_key": "区间中未知的键“{word}”，可用：{allowed}",
    "missing_key": "缺少 {word}（{word_zh}）",
    "bad_year": "year 须为整年，如 2027，收到的是“{value}”",
    "no_holidays": "holidays 至少须列出一天",
    "not_list": "{word} 须为日期的列表，或 {{from, to, name}} 区间的列表",
    "bad_date": "日期须写作 YYYY-MM-DD，收到的是“{value}”",
    "range_needs": "区间缺少 {word}（{word_zh}）",
    "bad_name": "name（假日名称）须为非空文字",
    "range_backwards": "区间 {first} 至 {last} 结束早于开始",
    "range_too_long": "区间 {first} 至 {last} 超过一年",
    "outside_year": "{day} 不在本文件的年份 {year} 年内",
    "both": "{day} 既列为放假（第 {other_line} 行）又列为调休上班",
    "weekday_workday": "{day} 是星期{weekday_zh}；workdays 只列调休上班的周末",
}
_CALENDAR_WORDS = {"year": "年份", "holidays": "放假日期", "workdays": "调休上班日期", "from": "起", "to": "止"}


def _calendar_problem(problem: Mapping[str, Any]) -> str:
    template = _CALENDAR_PROBLEMS.get(str(problem.get("reason")))
    if template is None:
        return "此处有误"
    values = {k: v for k, v in problem.items()}
    values["word_zh"] = _CALENDAR_WORDS.get(str(values.get("word")), "")
    values["allowed"] = "、".join(values.get("allowed") or ())
    values["weekday_zh"] = "一二三四五六日"[int(values.get("weekday", 0))]
    return template.format_map(_Missing(values))


class _Missing(dict[str, Any]):
    """Format values where a template's field is absent: an empty text rather than a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


_COMPOSITION = {
    "not_supplement": "{id} 不是补充规定（kind: {kind}）",
    "not_base": "{id} 不是基础规则（kind: {kind}），补充规定只能合并到基础规则之上",
    "title_only": (
        "{id} 只写了所补充规则的标题（{title}），标题不能确定是哪一份文件，请在 meta.supplements.number 写明文号"
    ),
    "wrong_base": "{id} 补充的是 {target}，不是 {base}",
    "shared_id": "两份文件都用了规则 id {rule}，补充规定的规则须有自己的 id",
    "override_missing": "{rule}（{cite}）要覆盖 {target}，但 {base} 没有这条规则",
    "precedence_base": "{id} 覆盖了基础规则，但其效力条款 {clause}（{cite}）规定以基础规则为准",
}

_IN_FORCE = {
    "not_yet": "{name}自{start}起施行{basis}，{day}尚未施行{instead}",
    "abolished": "{name}已于{abolished}废止，{day}已不再有效",
    "superseded": "{name}已于{since}被{newer}取代，{day}有效的是后者",
    "no_start": "{name}原文未写施行日期，无法确认其在{day}有效；请不带 --as-of 加载",
    "abolished_undated": "{name}已标明废止但原文未写废止日期，无法确认其在{day}有效；请不带 --as-of 加载",
}
_BASIS = {"published": "发布", "signed": "签发", "adopted": "通过"}


def _not_in_force(exc: Any) -> str:
    facts: Mapping[str, Any] = exc.facts
    template = _IN_FORCE.get(exc.reason or "")
    if template is None:
        return f"该规则在所给日期不在有效期内：{exc}"
    number = facts.get("number")
    basis = facts.get("basis")
    instead = [_document(*ref) for ref in facts.get("instead") or ()]
    values = {
        "name": f"《{facts.get('title', '')}》" + (f"（{number}）" if number else ""),
        "start": facts.get("start", ""),
        "basis": f"（原文未写施行日期，按{_BASIS[basis]}日期计）" if basis in _BASIS else "",
        "day": facts.get("day", ""),
        "instead": f"\n当日有效的是：{'、'.join(instead)}" if instead else "",
        "abolished": facts.get("abolished", ""),
        "since": facts.get("since", ""),
        "newer": facts.get("newer", ""),
    }
    return template.format(**values)


def _document(title: str | None, number: str | None, date: str | None) -> str:
    parts = [f"《{title}》" if title else "", number or "", f"（{date}）" if date else ""]
    return "".join(parts) or "此前的文件"


def _os_error(exc: OSError) -> str:
    name = exc.filename
    if name is None:  # some libraries (pyarrow) put the path only in the message
        quoted = re.search(r"'([^']+)'", str(exc))
        name = quoted.group(1) if quoted else ""
    if exc.errno == errno.ENOENT:
        return f"找不到文件：{name}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有读写该文件的权限：{name}"
    if exc.errno == errno.EISDIR:
        return f"{name} 是目录，不是文件"
    if exc.errno == errno.ENOSPC:
        return f"磁盘已满，无法写入：{name}"
    return f"无法读写文件：{name}（{exc.strerror or exc}）"


# ---------------------------------------------------------------------------- command-line usage

#: argparse's messages (patterns, compiled only when a usage error is shown) and their Chinese.
_USAGE = (
    (r"^the following arguments are required: (?P<what>.+)$", "缺少参数：{what}"),
    (r"^unrecognized arguments: (?P<what>.+)$", "无法识别的参数：{what}"),
    (
        r"^argument (?P<arg>[^:]+): invalid choice: (?P<value>'[^']*') \(choose from (?P<choices>.+)\)$",
        "{arg} 不能是 {value}\n可选：{choices}",
    ),
    (
        r"^argument (?P<arg>[^:]+): (?P<value>'.*') is not a date; write YYYY-MM-DD$",
        "{arg} 须为日期，写作 YYYY-MM-DD（如 2024-09-27），收到的是 {value}",
    ),
    (
        r"^argument (?P<arg>[^:]+): invalid (?P<type>int|float) value: (?P<value>'.*')$",
        "{arg} 须为数字，收到的是 {value}",
    ),
    (r"^argument (?P<arg>[^:]+): expected one argument$", "{arg} 后面需要一个值"),
    (r"^argument (?P<arg>[^:]+): expected at most one argument$", "{arg} 后面最多一个值"),
    (
        r"^argument (?P<arg>[^:]+): not allowed with argument (?P<other>.+)$",
        "{arg} 不能与 {other} 同时使用",
    ),
    (r"^argument (?P<arg>[^:]+): (?P<text>.*[^\x00-\x7f].*)$", "{arg}：{text}"),
    (
        r"^ambiguous option: (?P<what>\S+) could match (?P<choices>.+)$",
        "选项 {what} 有歧义，可能是：{choices}",
    ),
)


def usage(message: str) -> str:
    """An argparse error (``prog: message``) in Chinese, for the usage errors it reports."""
    prog, sep, text = message.partition(": ")
    if not sep:
        prog, text = "", message
    for pattern, template in _USAGE:
        m = re.match(pattern, text)  # compiled on first use and cached by re
        if m is not None:
            parts = {k: v.replace("'", "") if k == "choices" else v for k, v in m.groupdict().items()}
            if parts.get("value", "").startswith("'"):
                parts["value"] = f"“{parts['value'][1:-1]}”"
            if "choices" in parts:
                parts["choices"] = "、".join(c.strip() for c in parts["choices"].split(","))
            body = template.format(**parts)
            return f"{prog}：{body}" if prog else body
    return f"{prog}：命令行有误（{text}）" if prog else f"命令行有误（{text}）"
