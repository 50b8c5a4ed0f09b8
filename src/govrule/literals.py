"""Literal types of the closed vocabularies, for type checkers: ``mypy`` catches ``issuer="goverment"``.

Each alias lists the ids of one closed vocabulary of :mod:`govrule.vocabulary` (the one source of
the words; a test keeps these lists equal to it). At run time the constructors also take a
word's Chinese terms (``kind="请示"``); typed code writes the ids. Roles, meetings and events
are not closed (a ruleset defines its own), so they stay ``str``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "VOCABULARY_OF",
    "AgendaKind",
    "Direction",
    "DocumentKind",
    "Issuer",
    "LeaveOccasion",
    "Procedure",
    "Recipient",
]

LeaveOccasion: TypeAlias = Literal["absence", "travel", "meeting_absence", "outbound_travel", "leave_meeting_proxy"]
"""When a leave rule applies (``occasion:`` of a leave rule; ``rs.leave_approver(role, occasion)``)."""

Issuer: TypeAlias = Literal[
    "government",
    "office",
    "party_group",
    "joint",
    "department",
    "lower_government",
    "subdistrict_office",
    "development_zone",
    "coordination_body",
    "department_agency",
    "other_unit",
]
"""Who issues or submits a document (``Document.issuer``)."""

Recipient: TypeAlias = Literal[
    "state_council",
    "state_council_department",
    "higher_government",
    "higher_government_department",
    "party_committee",
    "people_congress",
    "cppcc",
    "peer_government_office",
    "subordinate",
    "public",
    "government",
    "government_office",
    "government_leader",
    "lower_government",
    "department",
]
"""To whom a document goes (``Document.recipient``)."""

DocumentKind: TypeAlias = Literal[
    "request",
    "report",
    "motion",
    "regulation",
    "normative_document",
    "decision",
    "order",
    "personnel_appointment",
    "outbound_travel_approval",
    "minutes",
    "work_bulletin",
    "routine",
    "consultation",
    "reply",
    "other",
    "notice",
    "opinion",
    "circular",
    "letter",
    "telegram",
    "official_reply",
    "administrative_review_decision",
    "contract",
    "transmittal",
]
"""The kind of a document (``Document.kind``)."""

AgendaKind: TypeAlias = Literal[
    DocumentKind,  # every kind of document, then the kinds only an agenda item has
    "major_decision",
    "funding",
    "staffing",
    "briefing",
]
"""The kind of an agenda item (``AgendaItem.kind``): the document kinds and four more."""

Direction: TypeAlias = Literal[
    "upward",
    "parallel",
    "downward",
]
"""Upward, parallel or downward (``Document.direction``)."""

Procedure: TypeAlias = Literal[
    "public_participation",
    "expert_review",
    "risk_assessment",
    "legality_review",
    "fair_competition_review",
    "social_stability_assessment",
]
"""A procedure done before a decision (``AgendaItem.procedures_done``)."""

#: The vocabulary (a key of ``govrule.vocabulary.VOCABULARIES``) each alias lists.
VOCABULARY_OF = {
    "Issuer": "issuer",
    "Recipient": "recipient",
    "DocumentKind": "document_kind",
    "AgendaKind": "agenda_kind",
    "Direction": "direction",
    "Procedure": "procedure",
}
