"""What the playground's forms and ruleset browser need: the vocabulary with Chinese labels, and the tables.

Labels come from the ruleset (its roles, meetings and events) and from ``govrule.vocabulary``
(the closed words of a Document or AgendaItem); the fields of the forms are those of
`govrule.Document` and `govrule.AgendaItem`, so a field added there appears in the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import model
from ..engine import Ruleset
from ..facts import AgendaItem, Document, MeetingRequest

__all__ = ["form_vocabulary", "tables"]

_WORD_KINDS = {
    "enum:issuer": "issuer",
    "enum:document_kind": "document_kind",
    "enum:recipient": "recipient",
    "enum:agenda_kind": "agenda_kind",
    "enum:direction": "direction",
}


def _vocabularies() -> Mapping[str, Mapping[str, Any]]:
    try:
        from ..vocabulary import VOCABULARIES
    except ImportError:  # pragma: no cover - older layouts
        return {}
    return VOCABULARIES


def _fact_labels() -> Mapping[str, str]:
    """Chinese names of the facts, as the command line's text output names them."""
    from .. import cli

    labels: Mapping[str, str] = getattr(cli, "_FACT_ZH", {})
    return labels


def _word_label(vocabs: Mapping[str, Mapping[str, Any]], vocabulary: str, word: str) -> str:
    entry = vocabs.get(vocabulary, {}).get(word)
    terms = getattr(entry, "terms", ()) if entry is not None else ()
    return str(terms[0]) if terms else word


def _fields(rs: Ruleset, names: tuple[str, ...], kinds: Mapping[str, str]) -> list[dict[str, Any]]:
    vocabs = _vocabularies()
    facts = _fact_labels()
    out = []
    for name in names:
        kind = kinds.get(name, "")
        label = facts.get(name) or _word_label(vocabs, "document_field", name)
        field: dict[str, Any] = {"name": name, "label": label}
        if kind.startswith("enum:"):
            vocab = _WORD_KINDS.get(kind, kind.removeprefix("enum:"))
            words = vocabs.get(vocab) or dict.fromkeys(getattr(model, vocab.upper() + "S", ()))
            field["kind"] = "choice"
            field["options"] = [{"id": w, "label": _word_label(vocabs, vocab, w)} for w in words]
        elif kind == "bool":
            field["kind"] = "bool"
        elif kind == "meeting":
            field["kind"] = "choice"
            field["options"] = [{"id": k, "label": m.label} for k, m in rs.spec.meetings.items()]
        elif kind == "role":
            field["kind"] = "choice"
            field["options"] = [{"id": k, "label": v} for k, v in rs.roles.items()]
        elif kind == "date":
            field["kind"] = "date"
        elif kind == "int":
            field["kind"] = "number"
        elif name == "procedures_done":
            field["kind"] = "multi"
            field["options"] = [{"id": w, "label": _word_label(vocabs, "procedure", w)} for w in model.PROCEDURES]
        elif kind == "set":
            field["kind"] = "words"
        else:
            field["kind"] = "text"
        out.append(field)
    return out


def form_vocabulary(rs: Ruleset) -> dict[str, Any]:
    """The fields of each query's form with Chinese labels, and the ruleset's roles, meetings and events."""
    vocabs = _vocabularies()
    events = []
    for event in rs.events:
        label = rs.spec.events.get(event) or _word_label(vocabs, "event", event)
        events.append({"id": event, "label": label})
    return {
        "document": _fields(rs, tuple(Document._fields), model.DOCUMENT_FIELDS),
        "agenda_item": _fields(rs, tuple(AgendaItem._fields), model.AGENDA_FIELDS),
        "meeting_request": _fields(rs, tuple(MeetingRequest._fields), model.MEETING_REQUEST_FIELDS),
        "roles": [{"id": k, "label": v} for k, v in rs.roles.items()],
        "meetings": [{"id": k, "label": m.label} for k, m in rs.spec.meetings.items()],
        "events": events,
        "actions": [{"id": w, "label": _word_label(vocabs, "action", w)} for w in model.ACTIONS],
        "units": [{"id": w, "label": _word_label(vocabs, "unit", w)} for w in model.UNITS],
    }


def tables(rs: Ruleset) -> dict[str, Any]:
    """The ruleset's tables as data (signing, agenda, deadlines, meetings, leave …) and its coverage by article."""
    data = rs.spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("$schema", None)
    coverage = data.get("coverage", [])
    counts: dict[str, int] = {}
    for entry in coverage:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return {"tables": data, "coverage": {"articles": len(coverage), **counts}}
