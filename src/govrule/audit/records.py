"""The archive record format: its columns, what each holds, and how a cell's value is read.

One record per issued document (``record: document``, the default) or per agenda item a
meeting took (``record: agenda``). Columns a file lacks are unknown facts; columns it has
beyond these are ignored. A cell that cannot be read (an unparseable date, a word outside
the vocabulary) is a ``bad_row`` finding with its column and value; the row is still
reported, never dropped. Ids are unique: a record repeating an earlier record's id is a
``bad_row`` too (`govrule.audit.ids`).

Reading a value here needs no ruleset: role and meeting names (ids or Chinese labels in
either script) are resolved later against the ruleset version that judges the record.
This module imports nothing beyond the standard library and govrule's own vocabulary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .. import model

__all__ = [
    "COLUMNS",
    "FINDINGS_COLUMNS",
    "FINDING_KINDS",
    "FINDING_LABELS",
    "RECORD_TYPES",
    "Bad",
    "Column",
    "json_schema",
    "parse",
]

RECORD_TYPES = ("document", "agenda", "approval")

#: The kinds of finding, in the order reports list them (CONTRACT section 8).
FINDING_KINDS = (
    "wrong_signer",
    "missing_cosigner",
    "missing_step",
    "late",
    "forbidden",
    "no_rule",
    "unknown_fact",
    "not_in_force",
    "bad_row",
)

#: Each kind of finding in Chinese, for the summary and the HTML report.
FINDING_LABELS: Mapping[str, str] = {
    "wrong_signer": "签发人不符",
    "missing_cosigner": "缺少会签",
    "missing_step": "缺少程序环节",
    "late": "超过时限印发",
    "forbidden": "规则禁止",
    "no_rule": "规则未作规定",
    "unknown_fact": "事实不明（无法判断）",
    "not_in_force": "不在规则施行期内",
    "bad_row": "记录无法读取",
}

#: The columns of the findings table: the contract's six, then the clause text, the bad cell and context.
FINDINGS_COLUMNS = (
    "id",
    "row",
    "finding",
    "rule",
    "citation",
    "detail",
    "text",
    "column",
    "value",
    "issuer",
    "issued",
    "ruleset",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """A column of the record format: its name, what it holds, and which records use it."""

    name: str
    #: id, record, date, bool, issuer, kind, recipient, words, procedures, roles, role, meeting or text
    kind: str
    used_by: tuple[str, ...]
    description: str


_LISTED_DOCUMENT_FIELDS = frozenset(
    {
        "issuer",
        "kind",
        "recipient",
        "portfolios",
        "major",
        "important",
        "broad_scope",
        "decided_by",
        "routine_approval",
        "meeting",
        "entrusted",
        "subject_matter",
    }
)


def _kind_of(field_kind: str) -> str:
    """A column kind for a Document field of the vocabulary's kind (``bool``, ``set``, ``enum:…``, ``meeting``)."""
    if field_kind == "set":
        return "words"
    if field_kind.startswith("enum:"):
        return field_kind  # a closed vocabulary of govrule.model, read by _word
    return field_kind


_DOC = ("document",)
_AGENDA = ("agenda",)
_BOTH = ("document", "agenda")

COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "id",
        _BOTH,
        "The record's id in the archive (required, unique: a record repeating an earlier record's id is a bad_row).",
    ),
    Column(
        "record",
        "record",
        _BOTH,
        "`document` (the default when empty), `agenda`, or `approval` (a document sent to the government, "
        "judged by who_must_approve).",
    ),
    Column("issued", "date", _BOTH, "Date issued (印发), YYYY-MM-DD (required); picks the ruleset version in force."),
    Column("issuer", "issuer", _DOC, "Document: in whose name it went out (id or Chinese name)."),
    Column("kind", "kind", _BOTH, "Document kind (请示, 报告, …) or, for an agenda record, the item's kind."),
    Column("recipient", "recipient", _DOC, "Document: to whom it went."),
    Column("portfolios", "words", _DOC, "Document: portfolios the content touches (a list)."),
    Column("major", "bool", _DOC, "Document: 涉及重大方针政策/重大事项."),
    Column("important", "bool", _DOC, "Document: 涉及重要事项."),
    Column("broad_scope", "bool", _DOC, "Document: 涉及面广."),
    Column("decided_by", "meeting", _DOC, "Document: the meeting that decided the content; empty: none."),
    Column("routine_approval", "bool", _DOC, "Document: 属于例行批准手续."),
    Column("meeting", "meeting", _BOTH, "Minutes: the meeting they record. Agenda record: the meeting that took it."),
    Column("entrusted", "bool", _DOC, "Minutes of a meeting held on a leader's entrustment."),
    Column("subject_matter", "words", _BOTH, "Subject tags where a rule depends on them (a list)."),
    *(
        # Document facts the format adds beyond the contract's list (format 2), read by their vocabulary kind.
        Column(name, _kind_of(kind), _DOC, f"Document: the fact {name}.")
        for name, kind in model.DOCUMENT_FIELDS.items()
        if name not in _LISTED_DOCUMENT_FIELDS and name != "portfolio_count"
    ),
    Column("signed_by", "roles", _DOC, "Who actually signed (签发): roles, ids or labels (a list)."),
    Column("cosigned_by", "roles", _DOC, "Who co-signed (会签) (a list; empty list: nobody)."),
    Column("reviewed_by", "roles", _DOC, "Who reviewed or approved before signing (审核/审定) (a list)."),
    Column("authorized", "bool", _DOC, "The signer acted on the authorization the rule requires (授权)."),
    Column("meeting_date", "date", _BOTH, "Date of the meeting (deciding meeting; for agenda records, the meeting)."),
    Column("signed", "date", _DOC, "Date signed (签发日期); read and checked, not otherwise judged."),
    Column("title", "text", _BOTH, "Title; carried, not judged."),
    Column("proposed_by", "role", _AGENDA, "Agenda record: the role that proposed the item."),
    *(
        Column(name, "bool", _AGENDA, f"Agenda record: the AgendaItem fact {name}.")
        for name, kind in model.AGENDA_FIELDS.items()
        if kind == "bool"
    ),
    Column("procedures_done", "procedures", _AGENDA, "Agenda record: procedures done (a list)."),
    Column("materials_submitted", "date", _AGENDA, "Agenda record: date the materials were submitted."),
)

COLUMN_BY_NAME: Mapping[str, Column] = {c.name: c for c in COLUMNS}


@dataclasses.dataclass(frozen=True, slots=True)
class Bad:
    """A cell that cannot be read: why, in Chinese."""

    message: str


_TRUE = frozenset({"true", "yes", "y", "1", "t", "是", "真", "对"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "否", "假", "不"})
_NONE_WORDS = frozenset({"-", "无", "none", "[]"})
_SPLIT = re.compile(r"[;；、]")

#: Chinese names accepted for the closed vocabularies (contract section 3), besides the ids.
_ISSUER_NAMES = {
    "政府": "government",
    "市政府": "government",
    "区政府": "government",
    "人民政府": "government",
    "办公室": "office",
    "办公厅": "office",
    "政府办公室": "office",
    "政府办公厅": "office",
    "党组": "party_group",
    "政府党组": "party_group",
    "党政联合": "joint",
    "联合": "joint",
    "部门": "department",
}
_KIND_NAMES = {
    "请示": "request",
    "报告": "report",
    "议案": "motion",
    "规章": "regulation",
    "政府规章": "regulation",
    "规范性文件": "normative_document",
    "决定": "decision",
    "命令": "order",
    "人事任免": "personnel_appointment",
    "出国审批": "outbound_travel_approval",
    "出国（境）审批": "outbound_travel_approval",
    "纪要": "minutes",
    "会议纪要": "minutes",
    "工作通报": "work_bulletin",
    "事务性公文": "routine",
    "商洽": "consultation",
    "答复": "reply",
    "其他": "other",
    "重大决策": "major_decision",
    "资金": "funding",
    "编制": "staffing",
    "通报": "briefing",
}
_RECIPIENT_NAMES = {
    "国务院": "state_council",
    "国务院部门": "state_council_department",
    "上级政府": "higher_government",
    "省政府": "higher_government",
    "市政府": "higher_government",
    "党委": "party_committee",
    "人大": "people_congress",
    "人大常委会": "people_congress",
    "政协": "cppcc",
    "平级政府办公室": "peer_government_office",
    "下级": "subordinate",
    "下级机关": "subordinate",
    "社会": "public",
    "社会公众": "public",
    "本级政府": "government",
}
_RECORD_NAMES = {"公文": "document", "文件": "document", "议题": "agenda", "审批": "approval", "呈批": "approval"}
_VOCAB: Mapping[str, tuple[frozenset[str], Mapping[str, str]]] = {
    "issuer": (frozenset(model.ISSUERS), _ISSUER_NAMES),
    "kind": (frozenset(model.AGENDA_KINDS), _KIND_NAMES),
    "recipient": (frozenset(model.RECIPIENTS), _RECIPIENT_NAMES),
    "record": (frozenset(RECORD_TYPES), _RECORD_NAMES),
}
_PROCEDURES = frozenset(model.PROCEDURES)
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _text(value: Any) -> str | None:
    """A cell as stripped text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN: pandas' empty cell
        return None
    text = str(value).strip()
    return text or None


def parse_date(value: Any) -> dt.date | Bad | None:
    """A date cell: a date, ``YYYY-MM-DD`` (also ``/``, ``.`` or 年月日); None when empty."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    if "T" in text or " " in text.strip():
        text = text.replace("T", " ").split(" ")[0]
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return Bad("不是有效日期（应写作 YYYY-MM-DD）")


def parse_bool(value: Any) -> bool | Bad | None:
    """A true/false cell (true/false, 1/0, 是/否); None when empty."""
    if value is True or value is False:
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = _text(value)
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return Bad("不是是/否值（应写作 true/false、1/0 或 是/否）")


def parse_list(value: Any) -> tuple[str, ...] | None:
    """A list cell: a list, or text separated by ``;`` (also ；、); ``-`` or 无 for an empty list; None when empty."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return tuple(t for t in (_text(v) for v in value) if t is not None)
    text = _text(value)
    if text is None:
        return None
    if text.lower() in _NONE_WORDS:
        return ()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].replace('"', "").replace("'", "").replace(",", ";")
    return tuple(t for t in (p.strip() for p in _SPLIT.split(text)) if t)


def _word(column: str, value: Any) -> str | Bad | None:
    text = _text(value)
    if text is None:
        return None
    words, names = _VOCAB[column]
    if text in words:
        return text
    from ..engine import normalize_label

    hit = names.get(normalize_label(text))
    if hit is not None:
        return hit
    return Bad(f"不是可用的词（可用：{', '.join(sorted(words))}）")


def _enum(vocabulary: str, value: Any) -> str | Bad | None:
    text = _text(value)
    if text is None:
        return None
    words = getattr(model, vocabulary.upper() + "S", None)
    if words is None or text in words:
        return text
    return Bad(f"不是可用的词（可用：{', '.join(sorted(words))}）")


def parse(column: str, value: Any) -> Any:
    """A cell of a column of the record format, read: its value, None (unknown or empty), or `Bad`.

    Role and meeting names come back as given (stripped); they are resolved against the ruleset later.
    """
    col = COLUMN_BY_NAME[column]
    kind = col.kind
    if kind == "date":
        return parse_date(value)
    if kind == "bool":
        return parse_bool(value)
    if kind in ("issuer", "kind", "recipient", "record"):
        return _word(kind, value)
    if kind.startswith("enum:"):
        return _enum(kind[5:], value)
    if kind in ("words", "roles"):
        return parse_list(value)
    if kind == "procedures":
        words = parse_list(value)
        if words is None:
            return None
        wrong = [w for w in words if w not in _PROCEDURES]
        if wrong:
            return Bad(f"未知的程序 {'、'.join(wrong)}（可用：{', '.join(sorted(_PROCEDURES))}）")
        return tuple(sorted(set(words)))
    return _text(value)  # id, text, role, meeting


_JSON_TYPES: Mapping[str, dict[str, Any]] = {
    "id": {"type": ["string", "integer"]},
    "record": {"type": ["string", "null"], "enum": [*RECORD_TYPES, None]},
    "date": {"type": ["string", "null"], "format": "date"},
    "bool": {"type": ["boolean", "null"]},
    "issuer": {"type": ["string", "null"]},
    "kind": {"type": ["string", "null"]},
    "recipient": {"type": ["string", "null"]},
    "words": {"type": ["array", "string", "null"], "items": {"type": "string"}},
    "procedures": {"type": ["array", "string", "null"], "items": {"type": "string", "enum": list(model.PROCEDURES)}},
    "roles": {"type": ["array", "string", "null"], "items": {"type": "string"}},
    "role": {"type": ["string", "null"]},
    "meeting": {"type": ["string", "null"]},
    "text": {"type": ["string", "null"]},
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one archive record (a JSON Lines line), as shipped in ``schema/archive.schema.json``."""
    props: dict[str, Any] = {}
    for col in COLUMNS:
        kind = "issuer" if col.kind.startswith("enum:") else col.kind  # any closed vocabulary: a word
        prop = {"description": col.description, **_JSON_TYPES[kind]}
        if col.kind in ("issuer", "kind", "recipient"):
            words, _ = _VOCAB[col.kind]
            prop["examples"] = sorted(words)[:6]
        elif col.kind.startswith("enum:"):
            prop["examples"] = sorted(getattr(model, col.kind[5:].upper() + "S", ()))[:6]
        props[col.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govrule.invalid/schema/archive.schema.json",
        "title": "govrule archive record",
        "description": (
            "One record of an archive for `govrule audit`: an issued document (record: document) or an agenda "
            "item a meeting took (record: agenda). Lists may be arrays or text separated by ; (- for an empty "
            "list); an empty cell is an unknown fact. Role and meeting names are ids or Chinese labels in either "
            "script. Other properties are ignored."
        ),
        "type": "object",
        "required": ["id", "issued"],
        "properties": props,
        "additionalProperties": True,
    }
