"""Undefined references: a role, meeting, event or rule named but not defined.

The loader refuses these in files; compositions and rulesets built in memory can have them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import _hints, conditions, loader, model
from ..errors import Problem, RulesetError
from .findings import Path, Raw
from .wording import Names, undefined


def _table_fields(table: model.DecisionTable) -> Mapping[str, str]:
    """The fields a table's conditions read: a meeting request's for ``purpose: meeting``, else a document's."""
    return model.MEETING_REQUEST_FIELDS if table.purpose == "meeting" else model.DOCUMENT_FIELDS


def refuse_malformed_conditions(spec: model.RulesetFile, source: loader.Source | None) -> None:
    """Raise RulesetError for conditions a model built in memory got wrong (the loader refuses them in files)."""
    problems: list[Problem] = []
    file = source.file if source is not None else f"<{spec.id}>"
    items: list[tuple[Any, Path, Mapping[str, str]]] = []
    for t, table in enumerate(spec.signing):
        items += [(r.when, ("signing", t, "rules", i, "when"), _table_fields(table)) for i, r in enumerate(table.rules)]
    for i, rule in enumerate(spec.agenda):
        items += [
            (c, ("agenda", i, part), model.AGENDA_FIELDS)
            for part, c in (("when", rule.when), ("require", rule.require))
            if c is not None
        ]
    for data, path, fields in items:
        _, errors = conditions.parse_condition(data, loader.vocabulary(spec, fields), path)
        for e in errors:
            if not UNDEFINED.match(e.message):  # undefined words are findings, not malformed conditions
                line, col = source.where(e.path) if source is not None else (1, 1)
                problems.append(Problem(file, line, col, loader.format_path(e.path), e.message, e.hint))
    if problems:
        raise RulesetError(problems)


UNDEFINED = re.compile(r"undefined (role|meeting|deadline event) '(.*)'")


def _ref(category: str, name: str, path: Path) -> dict[str, Any]:
    return {"category": category.replace("deadline ", ""), "name": name, "path": loader.format_path(path)}


def references(spec: model.RulesetFile, *, composed: bool) -> list[Raw]:
    out: list[Raw] = []
    roles = sorted(spec.roles)
    words = Names(spec)

    def need_role(path: Path, anchor: str, role: str | None) -> None:
        if role is not None and role not in spec.roles:
            close = _hints.close_matches(role, roles)
            out.append(
                Raw(
                    "undefined_reference",
                    "error",
                    undefined(
                        "role",
                        role,
                        loader.format_path(path),
                        close=close[0] if close else None,
                        defined=words.roles(roles),
                    ),
                    (anchor,),
                    witness=_ref("role", role, path),
                    path=path,
                    anchor=anchor,
                )
            )

    def need_roles(path: Path, anchor: str, values: Iterable[str] | None) -> None:
        for i, role in enumerate(values or ()):
            need_role((*path, i), anchor, role)

    for key, meeting in spec.meetings.items():
        here: Path = ("meetings", key)
        for part in ("members", "convener", "chair", "entrusted_chair", "observers"):
            need_roles((*here, part), meeting.id, getattr(meeting, part))
        if meeting.minutes is not None:
            need_roles((*here, "minutes", "signers"), meeting.minutes.id, meeting.minutes.signers)
    doc_vocab = loader.vocabulary(spec, model.DOCUMENT_FIELDS)
    item_vocab = loader.vocabulary(spec, model.AGENDA_FIELDS)
    request_vocab = loader.vocabulary(spec, model.MEETING_REQUEST_FIELDS)

    def condition_refs(data: Any, vocab: conditions.Vocabulary, path: Path, anchor: str) -> None:
        _, errors = conditions.parse_condition(data, vocab, path)
        for e in errors:
            found = UNDEFINED.match(e.message)
            if found:
                known = {"role": roles, "meeting": list(spec.meetings)}.get(found[1], list(vocab.events))
                close = _hints.close_matches(found[2], sorted(known))
                out.append(
                    Raw(
                        "undefined_reference",
                        "error",
                        undefined(found[1], found[2], loader.format_path(e.path), close=close[0] if close else None),
                        (anchor,),
                        witness=_ref(found[1], found[2], e.path),
                        path=e.path,
                        anchor=anchor,
                    )
                )

    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            here = ("signing", t, "rules", r)
            for s, step in enumerate(rule.steps):
                need_roles((*here, "steps", s, "roles"), rule.id, step.roles)
            vocab = request_vocab if table.purpose == "meeting" else doc_vocab
            condition_refs(rule.when, vocab, (*here, "when"), rule.id)
    events = set(model.EVENTS) | set(spec.events)
    for i, agenda in enumerate(spec.agenda):
        for j, meeting_id in enumerate(agenda.meetings):
            if meeting_id not in spec.meetings:
                out.append(
                    Raw(
                        "undefined_reference",
                        "error",
                        undefined(
                            "meeting",
                            meeting_id,
                            f"agenda[{i}].meetings[{j}]",
                            defined="、".join(words.meeting(m) for m in spec.meetings) or "（无）",
                        ),
                        (agenda.id,),
                        witness=_ref("meeting", meeting_id, ("agenda", i, "meetings", j)),
                        path=("agenda", i, "meetings", j),
                        anchor=agenda.id,
                    )
                )
        condition_refs(agenda.when, item_vocab, ("agenda", i, "when"), agenda.id)
        if agenda.require is not None:
            condition_refs(agenda.require, item_vocab, ("agenda", i, "require"), agenda.id)
    for i, deadline in enumerate(spec.deadlines):
        if deadline.event not in events:
            out.append(
                Raw(
                    "undefined_reference",
                    "error",
                    undefined("event", deadline.event, f"deadlines[{i}].event") + "；请在 events: 下声明",
                    (deadline.id,),
                    witness=_ref("event", deadline.event, ("deadlines", i, "event")),
                    path=("deadlines", i, "event"),
                    anchor=deadline.id,
                )
            )
    if spec.acting_head is not None:
        need_roles(("acting_head", "roles"), spec.acting_head.id, spec.acting_head.roles)
    for i, sub in enumerate(spec.substitutions):
        need_role(("substitutions", i, "role"), sub.id, sub.role)
        need_roles(("substitutions", i, "substitutes"), sub.id, sub.substitutes)
    for i, dele in enumerate(spec.delegations):
        need_role(("delegations", i, "role"), dele.id, dele.role)
        need_roles(("delegations", i, "delegates"), dele.id, dele.delegates)
    for i, leave in enumerate(spec.leave):
        need_role(("leave", i, "role"), leave.id, leave.role)
        need_roles(("leave", i, "approvers"), leave.id, leave.approvers)
        need_roles(("leave", i, "notify"), leave.id, leave.notify)
        need_role(("leave", i, "via"), leave.id, leave.via)
    for i, quota in enumerate(spec.quotas):
        need_roles(("quotas", i, "roles"), quota.id, quota.roles)
    if not composed:
        ids = loader.rule_ids(spec)
        for i, entry in enumerate(spec.coverage):
            for j, rid in enumerate(entry.rules):
                if rid not in ids:
                    close = _hints.close_matches(rid, list(ids))
                    out.append(
                        Raw(
                            "undefined_reference",
                            "error",
                            undefined("rule", rid, f"coverage[{i}].rules[{j}]", close=close[0] if close else None),
                            (),
                            witness=_ref("rule", rid, ("coverage", i, "rules", j)),
                            path=("coverage", i, "rules", j),
                        )
                    )
    return out
