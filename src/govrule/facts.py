"""The inputs of queries: ``Document`` and ``AgendaItem``, immutable and validated.

Both are named tuples underneath, so building one costs little, comparing and hashing
are done in C, and a prebuilt input can key a cache. Fields left as ``None`` are
*unknown*: the engine never assumes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from . import _hints, vocabulary
from ._dates import iso_date
from .errors import QueryError
from .literals import AgendaKind, Direction, DocumentKind, Issuer, Procedure, Recipient  # resolvable hints

__all__ = ["AgendaItem", "Document", "MeetingRequest", "as_agenda_item", "as_document", "as_meeting_request"]

_ISSUERS = frozenset(vocabulary.ISSUERS)
_KINDS = frozenset(vocabulary.DOCUMENT_KINDS)
_RECIPIENTS = frozenset(vocabulary.RECIPIENTS)
_AGENDA_KINDS = frozenset(vocabulary.VOCABULARIES["agenda_kind"])
_PROCEDURES = frozenset(vocabulary.PROCEDURES)
_DIRECTIONS = frozenset(vocabulary.DIRECTIONS)
#: Document facts (format 2) whose default is unknown, so False is information to keep.
_TRISTATE = frozenset({"skips_level", "within_department_authority", "assigned_by_leader"})
_SCOPES = frozenset(vocabulary.MEETING_SCOPES)
#: The closed vocabulary each word field takes, for reading Chinese terms in place of ids.
_VOCABULARY_OF = {
    _ISSUERS: "issuer",
    _KINDS: "document_kind",
    _RECIPIENTS: "recipient",
    _AGENDA_KINDS: "agenda_kind",
    _PROCEDURES: "procedure",
    _DIRECTIONS: "direction",
    _SCOPES: "meeting_scope",
}


def _bad(field: str, value: object, allowed: Iterable[str] | str, reason: str = "not_allowed") -> QueryError:
    if isinstance(allowed, str):
        return QueryError(f"{field}={value!r}: {allowed}", field=field, value=value, reason=reason)
    words = sorted(allowed)
    close = _hints.close_matches(str(value), words) if isinstance(value, str) else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return QueryError(
        f"{field}={value!r} is not allowed; allowed: {', '.join(words)}{hint}",
        field=field,
        value=value,
        allowed=words,
        did_you_mean=close[0] if close else None,
        reason=reason,
    )


def _enum(field: str, value: Any, allowed: frozenset[str]) -> Any:
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    if isinstance(value, str) and allowed in _VOCABULARY_OF:
        # A usual Chinese term of the word (Simplified or Traditional script): the id is kept.
        word = vocabulary.lookup(_VOCABULARY_OF[allowed], value)
        if word is not None:
            return word
    raise _bad(field, value, allowed)


def _flag(field: str, value: Any, *, unknown_ok: bool) -> Any:
    if value is True or value is False or (value is None and unknown_ok):
        return value
    raise _bad(field, value, "expected true or false" + (" or null (unknown)" if unknown_ok else ""), "not_bool")


def _words(field: str, value: Any, allowed: frozenset[str] | None = None, *, unknown_ok: bool = False) -> Any:
    if value is None and unknown_ok:
        return None
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise _bad(field, value, "expected a list of words", "not_words")
    out = tuple(value)
    for word in out:
        if not isinstance(word, str):
            raise _bad(field, word, "expected a list of words", "not_words")
        if allowed is not None and word not in allowed:
            return tuple(_enum(field, w, allowed) for w in out)
    return out


def _is_text_list(value: Any) -> bool:
    return type(value) in (tuple, list) and (not value or all(type(word) is str for word in value))


def _name(field: str, value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    raise _bad(field, value, "expected an id (text) or null", "not_text")


class _DocumentFields(NamedTuple):
    issuer: str | None
    kind: str | None
    recipient: str | None
    portfolios: tuple[str, ...]
    major: bool
    important: bool
    broad_scope: bool
    decided_by: str | None
    routine_approval: bool
    meeting: str | None
    entrusted: bool
    subject_matter: tuple[str, ...]
    direction: str | None
    skips_level: bool | None
    within_department_authority: bool | None
    assigned_by_leader: bool | None


class Document(_DocumentFields):
    """A document whose signing or approval is asked about (fields as in the contract, section 3).

    Word fields take the vocabulary's id or one of its usual Chinese terms in either script
    (``kind="請示"`` is ``kind="request"``); the Document keeps the id. The format 2 facts
    ``direction``, ``skips_level``, ``within_department_authority`` and ``assigned_by_leader``
    default to unknown (None).
    """

    __slots__ = ()

    def __new__(
        cls,
        *,
        issuer: Issuer | None = None,
        kind: DocumentKind | None = None,
        recipient: Recipient | None = None,
        portfolios: Iterable[str] = (),
        major: bool = False,
        important: bool = False,
        broad_scope: bool = False,
        decided_by: str | None = None,
        routine_approval: bool = False,
        meeting: str | None = None,
        entrusted: bool = False,
        subject_matter: Iterable[str] = (),
        direction: Direction | None = None,
        skips_level: bool | None = None,
        within_department_authority: bool | None = None,
        assigned_by_leader: bool | None = None,
        **unknown: Any,
    ) -> Document:
        if unknown:
            raise _unknown_field(cls, "document", unknown)
        # The usual input (vocabulary words or None, real booleans, tuples or lists of text) passes
        # this one expression; anything else takes the field-by-field checks that explain the error.
        if (
            (issuer is None or (type(issuer) is str and issuer in _ISSUERS))
            and (kind is None or (type(kind) is str and kind in _KINDS))
            and (recipient is None or (type(recipient) is str and recipient in _RECIPIENTS))
            and (major is True or major is False)
            and (important is True or important is False)
            and (broad_scope is True or broad_scope is False)
            and (routine_approval is True or routine_approval is False)
            and (entrusted is True or entrusted is False)
            and (decided_by is None or type(decided_by) is str)
            and (meeting is None or type(meeting) is str)
            and _is_text_list(portfolios)
            and _is_text_list(subject_matter)
            and direction is None
            and skips_level is None
            and within_department_authority is None
            and assigned_by_leader is None
        ):
            return tuple.__new__(
                cls,
                (
                    issuer,
                    kind,
                    recipient,
                    tuple(portfolios),
                    major,
                    important,
                    broad_scope,
                    decided_by,
                    routine_approval,
                    meeting,
                    entrusted,
                    tuple(subject_matter),
                    None,
                    None,
                    None,
                    None,
                ),
            )
        return super().__new__(
            cls,
            _enum("issuer", issuer, _ISSUERS),
            _enum("kind", kind, _KINDS),
            _enum("recipient", recipient, _RECIPIENTS),
            portfolios
            if type(portfolios) is tuple and all(type(p) is str for p in portfolios)
            else _words("portfolios", portfolios),
            _flag("major", major, unknown_ok=False),
            _flag("important", important, unknown_ok=False),
            _flag("broad_scope", broad_scope, unknown_ok=False),
            _name("decided_by", decided_by),
            _flag("routine_approval", routine_approval, unknown_ok=False),
            _name("meeting", meeting),
            _flag("entrusted", entrusted, unknown_ok=False),
            _words("subject_matter", subject_matter) if subject_matter != () else (),
            _enum("direction", direction, _DIRECTIONS),
            _flag("skips_level", skips_level, unknown_ok=True),
            _flag("within_department_authority", within_department_authority, unknown_ok=True),
            _flag("assigned_by_leader", assigned_by_leader, unknown_ok=True),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by field name and rebuilt through the constructor, so a copy is validated like the original.
        return (_rebuild, (type(self), self._asdict()))

    def _replace(self, /, **changes: Any) -> Any:
        """A copy with some fields changed, validated like the constructor (unknown fields are refused)."""
        return type(self)(**{**self._asdict(), **changes})

    def __repr__(self) -> str:
        # Spelled out rather than `v not in (None, (), False)`: this repr is in every NoApplicableRule message.
        given = ", ".join(
            [
                f"{k}={v!r}"
                for k, v in zip(self._fields, self, strict=True)
                if v is not None and (v is not False or k in _TRISTATE) and v != ()
            ]
        )
        return f"Document({given})"

    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from their defaults, as plain data."""
        return {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in zip(self._fields, self, strict=True)
            if v is not None and v != () and (v is not False or k in _TRISTATE)
        }


class _AgendaFields(NamedTuple):
    title: str | None
    kind: str | None
    proposed_by: str | None
    reviewed_by_leader_in_charge: bool | None
    approved_by_head: bool | None
    involves_other_departments: bool | None
    consulted: bool | None
    cosigned: bool | None
    disagreement: bool | None
    coordination_note: bool | None
    within_own_authority: bool | None
    procedures_done: tuple[str, ...] | None
    materials_submitted: dt.date | None
    ad_hoc: bool | None
    subject_matter: tuple[str, ...] | None


class AgendaItem(_AgendaFields):
    """An item proposed for a meeting's agenda; every fact defaults to unknown (None)."""

    __slots__ = ()

    def __new__(
        cls,
        *,
        title: str | None = None,
        kind: AgendaKind | None = None,
        proposed_by: str | None = None,
        reviewed_by_leader_in_charge: bool | None = None,
        approved_by_head: bool | None = None,
        involves_other_departments: bool | None = None,
        consulted: bool | None = None,
        cosigned: bool | None = None,
        disagreement: bool | None = None,
        coordination_note: bool | None = None,
        within_own_authority: bool | None = None,
        procedures_done: Iterable[Procedure] | None = None,
        materials_submitted: dt.date | str | None = None,
        ad_hoc: bool | None = None,
        subject_matter: Iterable[str] | None = None,
        **unknown: Any,
    ) -> AgendaItem:
        if unknown:
            raise _unknown_field(cls, "agenda item", unknown)
        if isinstance(materials_submitted, str):
            day = iso_date(materials_submitted)
            if day is None:
                raise _bad("materials_submitted", materials_submitted, "expected a date YYYY-MM-DD", "not_date")
            materials_submitted = day
        elif isinstance(materials_submitted, dt.datetime) or not (
            materials_submitted is None or isinstance(materials_submitted, dt.date)
        ):
            raise _bad("materials_submitted", materials_submitted, "expected a date YYYY-MM-DD", "not_date")
        if title is not None and not isinstance(title, str):
            raise _bad("title", title, "expected text", "not_text")
        return super().__new__(
            cls,
            title,
            _enum("kind", kind, _AGENDA_KINDS),
            _name("proposed_by", proposed_by),
            _flag("reviewed_by_leader_in_charge", reviewed_by_leader_in_charge, unknown_ok=True),
            _flag("approved_by_head", approved_by_head, unknown_ok=True),
            _flag("involves_other_departments", involves_other_departments, unknown_ok=True),
            _flag("consulted", consulted, unknown_ok=True),
            _flag("cosigned", cosigned, unknown_ok=True),
            _flag("disagreement", disagreement, unknown_ok=True),
            _flag("coordination_note", coordination_note, unknown_ok=True),
            _flag("within_own_authority", within_own_authority, unknown_ok=True),
            _words("procedures_done", procedures_done, _PROCEDURES, unknown_ok=True),
            materials_submitted,
            _flag("ad_hoc", ad_hoc, unknown_ok=True),
            _words("subject_matter", subject_matter, unknown_ok=True),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by field name and rebuilt through the constructor, so a copy is validated like the original.
        return (_rebuild, (type(self), self._asdict()))

    def _replace(self, /, **changes: Any) -> Any:
        """A copy with some fields changed, validated like the constructor (unknown fields are refused)."""
        return type(self)(**{**self._asdict(), **changes})

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True) if v is not None)
        return f"AgendaItem({given})"

    def to_dict(self) -> dict[str, Any]:
        """The facts that are known, as plain data."""
        out: dict[str, Any] = {}
        for k, v in zip(self._fields, self, strict=True):
            if v is None:
                continue
            out[k] = list(v) if isinstance(v, tuple) else v.isoformat() if isinstance(v, dt.date) else v
        return out


class _MeetingRequestFields(NamedTuple):
    convened_by: str | None
    in_name_of: str | None
    scope: str | None
    invites: tuple[str, ...] | None
    half_days: int | None
    attendees: int | None


class MeetingRequest(_MeetingRequestFields):
    """A request to convene a meeting (召开会议), for ``who_must_approve_meeting``; every fact defaults to unknown.

    ``convened_by`` and ``in_name_of`` take issuer words (``department``, ``government`` …),
    ``scope`` a meeting scope (``jurisdiction_wide`` 全县性会议 …), ``invites`` role ids or labels of
    the leaders invited, ``half_days`` the length in half days (半天 = 1) and ``attendees`` the
    number of participants. Chinese terms are accepted for the words.
    """

    __slots__ = ()

    def __new__(
        cls,
        *,
        convened_by: str | None = None,
        in_name_of: str | None = None,
        scope: str | None = None,
        invites: Iterable[str] | None = None,
        half_days: int | None = None,
        attendees: int | None = None,
        **unknown: Any,
    ) -> MeetingRequest:
        if unknown:
            raise _unknown_field(cls, "meeting request", unknown)
        for name, value in (("half_days", half_days), ("attendees", attendees)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise _bad(name, value, "expected a whole number, 0 or more, or null (unknown)", "not_whole_number")
        return super().__new__(
            cls,
            _enum("convened_by", convened_by, _ISSUERS),
            _enum("in_name_of", in_name_of, _ISSUERS),
            _enum("scope", scope, _SCOPES),
            _words("invites", invites, unknown_ok=True),
            half_days,
            attendees,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._asdict()))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True) if v is not None)
        return f"MeetingRequest({given})"

    def to_dict(self) -> dict[str, Any]:
        """The facts that are known, as plain data."""
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in zip(self._fields, self, strict=True) if v is not None
        }


_DOCUMENT_KEYS = frozenset(_DocumentFields._fields)
_MEETING_REQUEST_KEYS = frozenset(_MeetingRequestFields._fields)
_AGENDA_KEYS = frozenset(_AgendaFields._fields)


def _rebuild(cls: type[Any], fields: Mapping[str, Any]) -> Any:
    """Unpickle a Document or AgendaItem through its validating constructor."""
    return cls(**fields)


def _unknown_field(cls: type[Any], what: str, unknown: Mapping[str, Any]) -> QueryError:
    key = next(iter(unknown))
    close = _hints.close_matches(str(key), list(cls._fields))
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return QueryError(
        f"unknown {what} field {key!r}{hint}; allowed: {', '.join(cls._fields)}",
        value=key,
        allowed=cls._fields,
        did_you_mean=close[0] if close else None,
        reason="unknown_field",
        where=what,
    )


def _from_mapping(cls: type[Any], keys: frozenset[str], data: Any, what: str) -> Any:
    if isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise QueryError(f"a {what} is a govrule.{cls.__name__} or a mapping of its fields, not {type(data).__name__}")
    unknown = {k: data[k] for k in data if k not in keys}
    if unknown:
        raise _unknown_field(cls, what, unknown)
    return cls(**data)


def as_document(data: Document | Mapping[str, Any]) -> Document:
    """A Document from a Document or a plain mapping, refusing unknown fields."""
    if type(data) is Document:
        return data
    if type(data) is dict and _DOCUMENT_KEYS.issuperset(data):
        return Document(**data)
    result: Document = _from_mapping(Document, _DOCUMENT_KEYS, data, "document")
    return result


def as_agenda_item(data: AgendaItem | Mapping[str, Any]) -> AgendaItem:
    """An AgendaItem from an AgendaItem or a plain mapping, refusing unknown fields."""
    if type(data) is AgendaItem:
        return data
    result: AgendaItem = _from_mapping(AgendaItem, _AGENDA_KEYS, data, "agenda item")
    return result


def as_meeting_request(data: MeetingRequest | Mapping[str, Any]) -> MeetingRequest:
    """A MeetingRequest from a MeetingRequest or a plain mapping, refusing unknown fields."""
    if type(data) is MeetingRequest:
        return data
    result: MeetingRequest = _from_mapping(MeetingRequest, _MEETING_REQUEST_KEYS, data, "meeting request")
    return result
