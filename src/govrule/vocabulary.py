"""The closed vocabulary: every word a ruleset or a query may use, with its usual Chinese terms and meaning.

This module is the one source of truth for the words of the file format and of the query
inputs (`Document`, `AgendaItem`, `MeetingRequest`): ``govrule.model`` derives its constants
from it, the loader and the conditions check words against it, queries accept the Chinese
terms listed here (in Simplified or Traditional script) in place of the ids, and the docs'
vocabulary page is generated from it.

Each entry is ``id -> (terms, meaning)``: ``terms`` are the usual Chinese words for it (the
first is the main one), ``meaning`` says in English what the word covers and how it differs
from its neighbours. Rulesets may define more roles, meetings and events (with their local
labels); the other vocabularies are closed.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Mapping
from typing import NamedTuple

__all__ = [
    "AGENDA_FIELD_KINDS",
    "DOCUMENT_FIELD_KINDS",
    "MEETING_REQUEST_FIELD_KINDS",
    "VOCABULARIES",
    "Word",
    "lookup",
    "terms_of",
]


class Word(NamedTuple):
    """One word of a closed vocabulary: its usual Chinese terms (main one first) and what it means."""

    terms: tuple[str, ...]
    meaning: str


def _v(entries: dict[str, tuple[tuple[str, ...], str]]) -> Mapping[str, Word]:
    return types.MappingProxyType({k: Word(*v) for k, v in entries.items()})


ISSUERS = _v(
    {
        "government": (
            ("人民政府", "本级政府", "市政府", "区政府", "县政府", "州政府", "盟行政公署", "旗政府", "政府"),
            "The government itself (本级人民政府) issues the document in its own name.",
        ),
        "office": (
            ("政府办公室", "政府办公厅", "办公室", "办公厅", "市政府办公室", "县政府办公室", "区政府办公室"),
            "The government's general office (办公室/办公厅) issues the document in its own name.",
        ),
        "party_group": (("政府党组", "党组"), "The government's Party leadership group (党组)."),
        "joint": (
            ("联合发文", "联合行文"),
            "Issued jointly by the government (or its office) with another body (联合行文).",
        ),
        "department": (
            ("政府部门", "部门", "工作部门", "政府各部门", "各部门"),
            "A working department of this government (局、委、办), writing to the government or in its own name.",
        ),
        "lower_government": (
            (
                "下级人民政府",
                "下级政府",
                "县（市、区）人民政府",
                "各县（市、区）人民政府",
                "乡镇人民政府",
                "镇人民政府",
            ),
            "A government one level below (各县(市、区)人民政府, 乡镇人民政府), writing up to this government.",
        ),
        "subdistrict_office": (("街道办事处", "街道"), "A subdistrict office (街道办事处), the district's agency."),
        "development_zone": (
            ("开发区管委会", "园区管委会", "管委会", "开发区", "园区"),
            "The administrative committee of a development zone or industrial park (开发区/园区管委会).",
        ),
        "coordination_body": (
            ("议事协调机构", "议事协调机构办公室", "领导小组", "指挥部"),
            "A deliberative and coordinating body (议事协调机构: 领导小组, 委员会, 指挥部) or its office.",
        ),
        "department_agency": (
            ("部门管理机构", "部门管理的机构"),
            "A body administered by a department (部门管理机构), not itself a working department.",
        ),
        "other_unit": (
            ("其他单位", "企事业单位", "其他企事业单位"),
            "Any other unit: enterprises, public institutions (企事业单位) and bodies not listed above.",
        ),
    }
)

RECIPIENTS = _v(
    {
        "state_council": (("国务院",), "The State Council itself."),
        "state_council_department": (
            ("国务院部门", "国务院各部委", "国家部委"),
            "A ministry or commission of the State Council.",
        ),
        "higher_government": (
            ("上级人民政府", "上级政府", "省政府", "省人民政府", "市人民政府（上级）"),
            "The government one level up (for a city, the province), as a body.",
        ),
        "higher_government_department": (
            ("上级政府部门", "省政府各部门", "省直部门", "上级部门"),
            "A department of the government one level up (省政府各部门), not that government itself.",
        ),
        "party_committee": (
            ("党委", "市委", "县委", "区委", "州委", "同级党委"),
            "The Party committee at the same level.",
        ),
        "people_congress": (
            ("人大常委会", "人大", "人民代表大会常务委员会"),
            "The people's congress or its standing committee.",
        ),
        "cppcc": (("政协", "人民政协"), "The CPPCC committee at the same level."),
        "peer_government_office": (
            ("同级政府办公室", "平级机关"),
            "An office or body of equal rank elsewhere (平行文 to a peer).",
        ),
        "subordinate": (
            ("下级单位", "下级机关", "所属部门和下级政府"),
            "This government's own departments and lower governments together, as addressees of a downward document.",
        ),
        "public": (("社会公众", "社会", "公众"), "The public: a document published for everyone."),
        "government": (
            ("本级政府", "人民政府", "市政府", "区政府", "县政府", "州政府", "政府"),
            "This government, as the addressee of a document sent up to it (by a department or lower body).",
        ),
        "government_office": (
            ("本级政府办公室", "政府办公室", "政府办公厅", "办公室", "办公厅"),
            "This government's general office, as the addressee.",
        ),
        "government_leader": (
            ("政府领导同志", "领导同志个人", "市政府领导同志", "州政府领导同志", "县政府领导同志"),
            "A leader of this government personally (报送领导同志个人), not the government as a body.",
        ),
        "lower_government": (
            ("下级人民政府", "下级政府", "各县（市、区）人民政府", "乡镇人民政府"),
            "One or more governments one level below, as addressees.",
        ),
        "department": (
            ("政府部门", "部门", "各部门", "政府各部门"),
            "One or more working departments of this government, as addressees.",
        ),
    }
)

DOCUMENT_KINDS = _v(
    {
        "request": (("请示",), "A request for instructions or approval sent up (请示); one matter per request."),
        "report": (("报告",), "A report sent up (报告): informs, asks for no approval."),
        "motion": (("议案",), "A motion to the people's congress (议案)."),
        "regulation": (("规章", "政府规章"), "A government regulation (规章), made under the Legislation Law."),
        "normative_document": (
            ("规范性文件", "行政规范性文件"),
            "A normative document (行政规范性文件): binding on the public, generally applicable, repeatedly applied.",
        ),
        "decision": (("决定",), "A decision (决定) on an important matter or arrangement."),
        "order": (("命令", "令"), "An order (命令/令), e.g. promulgating a regulation."),
        "personnel_appointment": (
            ("人事任免", "任免", "任免文件"),
            "An appointment or removal of personnel (人事任免).",
        ),
        "outbound_travel_approval": (("出国（境）审批", "因公出国（境）审批"), "Approval of official travel abroad."),
        "minutes": (("会议纪要", "纪要"), "Minutes of a meeting (会议纪要)."),
        "work_bulletin": (
            ("工作简报", "简报", "政务信息"),
            "An internal bulletin or information sheet on work (简报/政务信息); not a formal 通报.",
        ),
        "routine": (
            ("事务性公文", "一般性事务文件", "日常事务文件"),
            "A routine document on day-to-day business (事务性); compare the flag routine_approval, which marks "
            "a routine approval (例行审批) of any kind.",
        ),
        "consultation": (("征求意见", "征求意见函"), "A request for comments (征求意见) sent to other bodies."),
        "reply": (("复函", "答复", "回复"), "A reply (复函/答复) to another body's letter or request for comments."),
        "other": (("其他公文", "其他"), "Any other document."),
        "notice": (("通知",), "A notice (通知): publishes, transmits or arranges matters."),
        "opinion": (("意见",), "An opinion (意见): views and measures on an important issue."),
        "circular": (
            ("通报",),
            "A circular (通报): commends, criticises or conveys important information formally; compare "
            "work_bulletin (简报), which is informal.",
        ),
        "letter": (("函",), "A letter (函) between bodies not in a line of authority, or asking approval thereof."),
        "telegram": (("电报", "明传电报", "密码电报"), "A telegram (电报)."),
        "official_reply": (("批复",), "An official reply (批复) to a lower body's request (请示)."),
        "administrative_review_decision": (
            ("行政复议决定书", "行政复议决定"),
            "A decision on an application for administrative review (行政复议决定书).",
        ),
        "contract": (("合同", "协议", "合同协议"), "A contract or agreement (合同/协议) signed for the government."),
        "transmittal": (
            ("批转", "转发", "批转文件", "转发文件"),
            "A document that transmits (批转/转发) another body's document under the government's name.",
        ),
    }
)

AGENDA_EXTRA_KINDS = _v(
    {
        "major_decision": (("重大决策", "重大事项"), "A major administrative decision (重大行政决策/重大事项)."),
        "funding": (("资金", "资金安排", "财政资金"), "An allocation of funds."),
        "staffing": (("机构编制", "编制"), "A matter of organisation and staffing (机构编制)."),
        "briefing": (("通报情况", "汇报"), "A briefing to the meeting: no decision asked."),
    }
)

DIRECTIONS = _v(
    {
        "upward": (("上行文",), "Sent up the line of authority (to a higher body)."),
        "parallel": (("平行文",), "Sent to a body of equal rank or outside the line of authority."),
        "downward": (("下行文",), "Sent down the line of authority (to lower bodies)."),
    }
)

LEVELS = _v(
    {
        "province": (("省", "自治区"), "A province or autonomous region."),
        "municipality": (("直辖市",), "A municipality directly under the central government (直辖市)."),
        "city": (("市", "地级市", "设区的市"), "A prefecture-level city (设区的市)."),
        "prefecture": (("地区", "自治州", "州", "盟"), "A prefecture-level area that is not a city: 地区, 自治州, 盟."),
        "district": (("区", "市辖区"), "A district of a city (市辖区)."),
        "county": (("县", "县级市", "自治县"), "A county, county-level city or autonomous county."),
        "banner": (("旗", "自治旗"), "A banner or autonomous banner (旗/自治旗, Inner Mongolia)."),
        "township": (("乡", "镇", "乡镇", "民族乡"), "A township or town."),
    }
)

ROLES = _v(
    {
        "head": (("市长", "区长", "县长", "州长", "旗长", "盟长", "省长"), "The head of the government (正职)."),
        "executive_deputy_head": (
            ("常务副市长", "常务副区长", "常务副县长", "常务副州长"),
            "The executive deputy head (负责常务工作的副职).",
        ),
        "deputy_head": (("副市长", "副区长", "副县长", "副州长", "副旗长"), "A deputy head."),
        "deputy_head_in_charge": (
            ("分管副市长", "分管副区长", "分管副县长", "分管副州长"),
            "The deputy head in charge of the matter's portfolio (分管): relational, depends on the matter.",
        ),
        "deputy_head_foreign_affairs": (("分管外事工作的副市长",), "The deputy head in charge of foreign affairs."),
        "leader_in_charge": (
            ("分管领导同志", "分管领导"),
            "The leader in charge of the matter, whoever it is (relational).",
        ),
        "secretary_general": (("秘书长",), "The government's secretary-general."),
        "deputy_secretary_general": (("副秘书长",), "A deputy secretary-general."),
        "office_director": (("办公室主任", "办公厅主任"), "The director of the general office."),
        "office_deputy_director": (("办公室副主任", "办公厅副主任"), "A deputy director of the general office."),
        "department_head": (("部门主要负责人", "部门主要负责同志"), "The principal leader of a department."),
        "meeting_chair": (("会议主持人",), "Whoever chairs the meeting in question (relational)."),
        "entrusting_leader": (("委托召开会议的领导同志",), "The leader who entrusted the meeting (relational)."),
        "inspector": (("巡视员",), "An inspector (巡视员), a non-leading post of department rank."),
        "deputy_inspector": (("副巡视员",), "A deputy inspector (副巡视员)."),
        "head_assistant": (("市长助理", "县长助理", "区长助理"), "An assistant to the head (市长助理)."),
        "party_group_member": (("党组成员",), "A member of the government's Party group who is not a deputy head."),
    }
)

#: Canonical roles whose holder depends on the matter at hand.
RELATIONAL_ROLES = frozenset(
    {"deputy_head_in_charge", "deputy_head_foreign_affairs", "leader_in_charge", "meeting_chair", "entrusting_leader"}
)

MEETINGS = _v(
    {
        "plenary": (("全体会议", "政府全体会议"), "The plenary meeting of the government (全体会议)."),
        "executive": (("常务会议", "政府常务会议"), "The executive meeting of the government (常务会议)."),
        "head_office": (("市长办公会议", "区长办公会议", "县长办公会议", "州长办公会议"), "The head's office meeting."),
        "topical": (("专题会议", "专题会"), "A topical meeting on one matter (专题会议)."),
        "study": (("学习会", "常务会议学习会"), "A study session."),
    }
)

EVENTS = _v(
    {
        "meeting_documents_issuance": (("会议文件印发",), "Issuing a meeting's documents (minutes, decisions)."),
        "revised_documents_issuance": (("修改后文件印发",), "Issuing documents revised after a meeting."),
        "consultation_reply": (("征求意见答复", "回复意见"), "Replying to a request for comments."),
        "agenda_materials_submission": (
            ("会议材料报送", "上会材料报送"),
            "Submitting materials for a meeting's agenda.",
        ),
        "departure_notice": (("外出报告",), "Reporting a departure (外出) in advance."),
        "implementing_document_draft": (("配套文件起草",), "Drafting implementing documents."),
        "normative_document_validity": (("规范性文件有效期",), "The validity period of a normative document."),
        "provisional_normative_document_validity": (
            ("暂行规范性文件有效期", "试行规范性文件有效期"),
            "The validity period of a provisional (暂行/试行) normative document.",
        ),
        "normative_document_cleanup": (("规范性文件清理",), "The periodic clean-up of normative documents."),
        "monthly_report": (("月度报告", "每月报告"), "A report due every month."),
    }
)

UNITS = _v(
    {
        "working_days": (("工作日", "个工作日"), "Working days on the official calendar (调休 included)."),
        "calendar_days": (("日", "天", "自然日"), "Calendar days."),
        "months": (("个月", "月"), "Calendar months."),
        "years": (("年",), "Calendar years."),
    }
)

ACTIONS = _v(
    {
        "review": (("审核", "审签", "核稿"), "Review before signing (审核/核稿): no signature that issues."),
        "cosign": (("会签",), "Co-signature by another body or leader before issue (会签)."),
        "approve": (("审定", "审批", "批准"), "Approval (审定/审批) that does not itself issue the document."),
        "sign": (("签发",), "Signature that issues the document (签发)."),
        "report": (("报", "报送", "报告"), "Reporting the document to someone (报…)."),
        "file": (("备案",), "Filing for the record (备案)."),
    }
)

PROCEDURES = _v(
    {
        "public_participation": (("公众参与",), "Public participation in a major decision."),
        "expert_review": (("专家论证",), "Expert review."),
        "risk_assessment": (("风险评估",), "Risk assessment."),
        "legality_review": (("合法性审查",), "Legality review."),
        "fair_competition_review": (("公平竞争审查",), "Fair-competition review."),
        "social_stability_assessment": (("社会稳定风险评估",), "Assessment of social-stability risk."),
    }
)

PURPOSES = _v(
    {
        "sign": (("签发",), "A table of who signs outgoing documents (who_must_sign)."),
        "approve": (
            ("审批", "呈批", "核报"),
            "A table of who approves documents sent to the government by departments and lower bodies "
            "(who_must_approve).",
        ),
        "meeting": (("会议审批",), "A table of who approves convening a meeting (who_must_approve_meeting)."),
    }
)

MEETING_SCOPES = _v(
    {
        "jurisdiction_wide": (
            ("全市性会议", "全县性会议", "全区性会议", "全州性会议", "全旗性会议", "全局性会议"),
            "A meeting for the whole jurisdiction (全市/全县性会议).",
        ),
        "department_system": (
            ("全系统会议", "系统会议", "行业会议"),
            "A meeting of one department's system or sector.",
        ),
        "cross_department": (("跨部门会议", "多部门会议"), "A meeting of several departments."),
        "internal": (("内部会议", "部门内部会议"), "A meeting inside one body."),
    }
)

#: Document fields: what each means (the flags differ in ways that matter).
DOCUMENT_FIELDS = _v(
    {
        "issuer": (("发文机关", "发文单位"), "Who issues or submits the document (a word of the issuer vocabulary)."),
        "kind": (("文种",), "The kind of document (a word of the document kind vocabulary)."),
        "recipient": (("主送机关", "收文机关"), "To whom it goes (a word of the recipient vocabulary)."),
        "portfolios": (("分管范围", "分管工作"), "The deputies' portfolios (分管领域) the document touches."),
        "major": (
            ("重大", "重大事项"),
            "A major matter (重大事项/重大决策) in the text's sense: what the rules reserve to a meeting "
            "or to the head. Stronger than important.",
        ),
        "important": (
            ("重要", "重要文件", "重要事项"),
            "An important document or matter (重要公文/重要事项) the text singles out, short of major.",
        ),
        "broad_scope": (
            ("涉及面广", "全局性", "涉及全局"),
            "Touches many areas or the whole jurisdiction (涉及面广/全局性) — about reach, not weight.",
        ),
        "decided_by": (("会议决定", "经会议讨论决定"), "The meeting that decided the matter, if any (a meeting id)."),
        "routine_approval": (
            ("例行审批", "常规审批", "日常审批"),
            "The document only grants a routine approval (例行/日常审批); compare kind routine (事务性公文).",
        ),
        "meeting": (("会议", "会议纪要所属会议"), "The meeting the document belongs to (e.g. its minutes), if any."),
        "entrusted": (("受委托", "委托"), "The meeting or task was held on someone's entrustment (受委托)."),
        "subject_matter": (("事项", "内容"), "Words naming what the document is about (规划, 预算 …)."),
        "direction": (("行文方向",), "upward 上行文, parallel 平行文 or downward 下行文; None when unknown."),
        "skips_level": (("越级行文", "越级"), "Sent past the next level up (越级行文); None when unknown."),
        "within_department_authority": (
            ("属于部门职权范围内的事务", "部门职权范围内"),
            "The matter lies within a department's own powers (部门职权范围内的事务); None when unknown.",
        ),
        "assigned_by_leader": (
            ("领导同志直接交办", "领导交办"),
            "A leader of the government assigned the matter directly (领导同志直接交办); None when unknown.",
        ),
    }
)

#: Every closed vocabulary by name (the names the conditions' ``enum:`` kinds use).
VOCABULARIES: Mapping[str, Mapping[str, Word]] = types.MappingProxyType(
    {
        "issuer": ISSUERS,
        "recipient": RECIPIENTS,
        "document_kind": DOCUMENT_KINDS,
        "agenda_kind": types.MappingProxyType({**DOCUMENT_KINDS, **AGENDA_EXTRA_KINDS}),
        "direction": DIRECTIONS,
        "level": LEVELS,
        "role": ROLES,
        "meeting": MEETINGS,
        "event": EVENTS,
        "unit": UNITS,
        "action": ACTIONS,
        "procedure": PROCEDURES,
        "purpose": PURPOSES,
        "meeting_scope": MEETING_SCOPES,
        "document_field": DOCUMENT_FIELDS,
    }
)


def terms_of(vocabulary: str, word: str) -> tuple[str, ...]:
    """The usual Chinese terms of a word (empty when the word is not in that vocabulary)."""
    entry = VOCABULARIES[vocabulary].get(word)
    return entry.terms if entry else ()


_index: dict[str, Mapping[str, str]] = {}
_index_lock = threading.Lock()


def lookup(vocabulary: str, text: str) -> str | None:
    """The id a Chinese term (Simplified or Traditional, any spacing) or an id names, or None.

    A term listed for two words of the same vocabulary names neither (None), so a query never
    picks one of two readings silently.
    """
    words = VOCABULARIES[vocabulary]
    if text in words:
        return text
    index = _index.get(vocabulary)
    if index is None:
        from .engine import normalize_label  # imported late: the engine imports the facts, which import this

        with _index_lock:
            built: dict[str, str] = {}
            clash: set[str] = set()
            for key, entry in words.items():
                for term in entry.terms:
                    norm = normalize_label(term)
                    if built.get(norm, key) != key:
                        clash.add(norm)
                    built[norm] = key
            for norm in clash:
                del built[norm]
            index = _index[vocabulary] = types.MappingProxyType(built)
    from .engine import normalize_label

    return index.get(normalize_label(text))


# Field name -> kind of value, for the condition language. "enum:<name>" fields take
# one word of a closed vocabulary; "set" fields are tuples of words; "bool" and "int"
# are what they say; "role" and "meeting" take ids the ruleset defines.
DOCUMENT_FIELD_KINDS: Mapping[str, str] = types.MappingProxyType(
    {
        "issuer": "enum:issuer",
        "kind": "enum:document_kind",
        "recipient": "enum:recipient",
        "portfolios": "set",
        "portfolio_count": "int",
        "major": "bool",
        "important": "bool",
        "broad_scope": "bool",
        "decided_by": "meeting",
        "routine_approval": "bool",
        "meeting": "meeting",
        "entrusted": "bool",
        "subject_matter": "set",
        "direction": "enum:direction",
        "skips_level": "bool",
        "within_department_authority": "bool",
        "assigned_by_leader": "bool",
    }
)
#: The facts of a request to convene a meeting (purpose: meeting tables, who_must_approve_meeting).
MEETING_REQUEST_FIELD_KINDS: Mapping[str, str] = types.MappingProxyType(
    {
        "convened_by": "enum:issuer",
        "in_name_of": "enum:issuer",
        "scope": "enum:meeting_scope",
        "invites": "set",
        "half_days": "int",
        "attendees": "int",
    }
)
AGENDA_FIELD_KINDS: Mapping[str, str] = types.MappingProxyType(
    {
        "title": "str",
        "kind": "enum:agenda_kind",
        "proposed_by": "role",
        "reviewed_by_leader_in_charge": "bool",
        "approved_by_head": "bool",
        "involves_other_departments": "bool",
        "consulted": "bool",
        "cosigned": "bool",
        "disagreement": "bool",
        "coordination_note": "bool",
        "within_own_authority": "bool",
        "procedures_done": "set",
        "materials_submitted": "date",
        "ad_hoc": "bool",
        "subject_matter": "set",
    }
)
