"""Finding, loading and composing rulesets: bundled ids, files, as-of dates, supplements.

The bundled documents form a supersession graph over document numbers (文号): an edge
runs from a document to each one it supersedes, and from a supplement to its base.
``load(..., as_of=day)`` refuses a document that was not in force that day and says
when it took effect and, where known, which document was in force instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
from typing import TYPE_CHECKING, Any

from . import _compiled
from ._text import read_source
from .calendar import WorkCalendar
from .engine import Ruleset, normalize_label
from .errors import GovruleError, QueryError, RulesetError, UnknownTerm

if TYPE_CHECKING:
    import networkx as nx

    from . import model

__all__ = ["CompositionError", "NotInForce", "bundled", "compose", "load", "supersession_graph"]


class NotInForce(GovruleError):
    """A document was loaded for a day on which it was not in force."""


class CompositionError(GovruleError):
    """A supplement cannot be composed over this base; ``problems`` lists why."""

    def __init__(self, problems: list[str], found: list[dict[str, Any]] | tuple[dict[str, Any], ...] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__("cannot compose: " + "; ".join(problems), reason="cannot_compose", found=tuple(found))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self.problems), self.facts.get("found", ())))


def _bundled_dir() -> str:
    # The rulesets ship as files inside the package (not zip-safe by design: they are read by path).
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "rulesets")


_BUNDLED_DIR = _bundled_dir()


def bundled() -> tuple[str, ...]:
    """The ids of the bundled rulesets, sorted."""
    return tuple(sorted(name[:-5] for name in os.listdir(_BUNDLED_DIR) if name.endswith(".yaml")))


_cache: dict[tuple[str, bytes], Ruleset] = {}
_CACHE_SIZE = 64
_cache_lock = threading.Lock()


def _load_path(path: str) -> Ruleset:
    # Keyed by what the file holds, not by its size and modification time: a rewrite that keeps both
    # (cp -p, a fast editor, a coarse file system clock) must not answer from the old rules.
    text, problems = read_source(path)
    if text is None:
        raise RulesetError(problems)
    digest = _compiled.content_digest(text)
    key = (os.path.realpath(path), digest)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    # The compiled form of the same text, validated by an earlier process (see govrule._compiled), or the text
    # validated now (and its compiled form kept for the next process).
    rs = _compiled.load(path, text, digest)
    if rs is None:
        from . import loader

        source = loader.parse_text(text, path)
        rs = Ruleset(source.spec, source=source)
        _compiled.store(text, rs, digest)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = rs
    return rs


def load(
    id_or_path: str | os.PathLike[str], as_of: dt.date | None = None, *, calendar: WorkCalendar | None = None
) -> Ruleset:
    """Load a bundled ruleset by id, or any ruleset file by path; optionally only if in force on ``as_of``.

    Loading validates and compiles the file; a file already loaded (same path, size and
    modification time) is served from a cache, so loading is cheap after the first time.

    Args:
        id_or_path: A bundled id (see `bundled()`) or the path of a ruleset file.
        as_of: Refuse a document that was not in force on this day (not yet effective,
            superseded, or abolished), with a message saying what was in force instead.
        calendar: The working-day calendar for deadlines, e.g. one with added calendar
            files (`default_calendar().with_files(...)`).

    Returns:
        The compiled, immutable ruleset.

    Raises:
        RulesetError: The file is invalid; every problem is listed with file, line and column.
        UnknownTerm: No bundled ruleset has this id (the message lists the bundled ids).
        QueryError: The name is a path (it has a directory or a .yaml/.yml/.json ending) and no such file exists.
        NotInForce: ``as_of`` was given and the document was not in force that day.
    """
    if not isinstance(id_or_path, str | os.PathLike):
        raise GovruleError(f"load() takes a bundled id or a file path, not {type(id_or_path).__name__}")
    if calendar is not None and not isinstance(calendar, WorkCalendar):
        raise QueryError(
            f"calendar={calendar!r:.60} is not a WorkCalendar; for calendar files write "
            "calendar=govrule.default_calendar().with_files(PATH, ...)"
        )
    if as_of is not None and (type(as_of) is not dt.date):
        raise QueryError(f"as_of={as_of!r:.60} is not a date (datetime.date)")
    name = os.fspath(id_or_path)
    if name in bundled():
        rs = _load_path(os.path.join(_BUNDLED_DIR, f"{name}.yaml"))
    elif os.path.exists(name):
        rs = _load_path(name)
    elif os.sep in name or "/" in name or name.lower().endswith((".yaml", ".yml", ".json")):
        # A path, not an id: say the file is missing rather than list the bundled ids.
        raise QueryError(
            f"{name}: no such ruleset file", field="ruleset", reason="no_such_file", kind="ruleset", path=name
        )
    else:
        raise UnknownTerm("ruleset", name, bundled())
    if as_of is not None:
        _check_in_force(rs, as_of)
    if calendar is not None:
        rs = rs.with_calendar(calendar)
    return rs


def _norm_number(number: str | None) -> str | None:
    if number is None:
        return None
    text = normalize_label(number)
    return re.sub(r"[〔\[［【(（]", "〔", re.sub(r"[〕\]］】)）]", "〕", text))


@functools.cache
def supersession_graph() -> nx.DiGraph[str]:
    """Document numbers of the bundled rulesets and what they supersede or supplement (edges new -> old)."""
    import networkx  # imported here: it costs start-up time and only this graph needs it

    graph: nx.DiGraph[str] = networkx.DiGraph()
    for rid in bundled():
        spec = load(rid).spec
        me = _norm_number(spec.meta.number) or f"<{rid}>"
        graph.add_node(
            me,
            ruleset=rid,
            title=spec.meta.title,
            effective=load(rid).meta.in_force_from,
            abolished=spec.meta.abolished,
            status=spec.meta.status,
        )
        for old in spec.meta.supersedes:
            key = _norm_number(old.number) or f"<{old.title}>"
            graph.add_node(key, **({"title": old.title, "date": old.date} if key not in graph else {}))
            graph.add_edge(me, key, relation="supersedes")
        if spec.meta.supplements is not None:
            key = _norm_number(spec.meta.supplements.number) or f"<{spec.meta.supplements.title}>"
            if key not in graph:
                graph.add_node(key, title=spec.meta.supplements.title)
            graph.add_edge(me, key, relation="supplements")
    # Cached and shared: frozen, so a caller cannot change what load(as_of=) reads (copy it to edit).
    frozen: nx.DiGraph[str] = networkx.freeze(graph)
    return frozen


def _describe(ref: model.DocumentRef) -> str:
    parts = [p for p in (ref.title and f"《{ref.title}》", ref.number) if p]
    if ref.date:
        parts.append(f"dated {ref.date.isoformat()}")
    return " ".join(parts) or "an earlier document"


def _check_in_force(rs: Ruleset, day: dt.date) -> None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise GovruleError(f"as_of={day!r}: expected a date")
    meta = rs.meta
    name = f"{meta.title} ({meta.number or 'number not given'})"
    start = meta.in_force_from
    if start is None:
        raise NotInForce(
            f"{name}: the text gives no date from which it is in force, so it cannot be "
            f"confirmed in force on {day.isoformat()}; load it without as_of",
            reason="no_start",
            title=meta.title,
            number=meta.number,
            day=day.isoformat(),
        )
    if day < start:
        earlier = [_describe(r) for r in meta.supersedes if r.date is None or r.date <= day]
        instead = f"; in force instead: {', '.join(earlier)}" if earlier else ""
        basis = (
            "took effect"
            if meta.effective
            else next(
                f"is taken to be in force from its {k} date (the text gives no effective date)"
                for k in ("published", "signed", "adopted")
                if getattr(meta, k) == start
            )
        )
        raise NotInForce(
            f"{name} {basis}: {start.isoformat()}, after {day.isoformat()}{instead}",
            reason="not_yet",
            title=meta.title,
            number=meta.number,
            start=start.isoformat(),
            day=day.isoformat(),
            basis=None
            if meta.effective
            else next(k for k in ("published", "signed", "adopted") if getattr(meta, k) == start),
            instead=tuple(
                (r.title, r.number, r.date.isoformat() if r.date else None)
                for r in meta.supersedes
                if r.date is None or r.date <= day
            ),
        )
    if meta.abolished is not None and day >= meta.abolished:
        raise NotInForce(
            f"{name} was abolished on {meta.abolished.isoformat()}, before {day.isoformat()}",
            reason="abolished",
            title=meta.title,
            number=meta.number,
            abolished=meta.abolished.isoformat(),
            day=day.isoformat(),
        )
    number = _norm_number(meta.number)
    if number is not None and meta.id in bundled():
        graph = supersession_graph()
        for newer, _, data in graph.in_edges(number, data=True):
            if data.get("relation") != "supersedes":
                continue
            since = graph.nodes[newer].get("effective")
            if since is not None and day >= since:
                raise NotInForce(
                    f"{name} was superseded by {newer} on {since.isoformat()}; "
                    f"on {day.isoformat()} that document was in force",
                    reason="superseded",
                    title=meta.title,
                    number=meta.number,
                    newer=newer,
                    since=since.isoformat(),
                    day=day.isoformat(),
                )
    if meta.status == "abolished" and meta.abolished is None:
        raise NotInForce(
            f"{name} is marked abolished on a date the text does not give, so it cannot be "
            f"confirmed in force on {day.isoformat()}; load it without as_of",
            reason="abolished_undated",
            title=meta.title,
            number=meta.number,
            day=day.isoformat(),
        )


def compose(base: Ruleset | str, supplement: Ruleset | str) -> Ruleset:
    """The supplement over its base: the supplement wins where both speak; the rest falls through.

    Rules of the supplement that name base rules under ``overrides`` replace them; its
    signing tables are consulted before the base's, and a meeting described by both
    documents is merged field by field.

    Args:
        base: The base ruleset (`kind: base`), or its bundled id or path.
        supplement: The supplement (`kind: supplement`), or its bundled id or path.

    Returns:
        A new ruleset answering for both documents; its ``meta.parts`` names them.

    Raises:
        CompositionError: The supplement does not supplement this base, overrides a rule the
            base lacks, or reuses a base rule's id.
    """
    base_rs = base if isinstance(base, Ruleset) else load(base)
    sup_rs = supplement if isinstance(supplement, Ruleset) else load(supplement)
    b, s = base_rs.spec, sup_rs.spec
    problems = []
    found: list[dict[str, Any]] = []  # each problem's kind and facts, for govrule.messages
    if s.kind != "supplement":
        problems.append(f"{s.id} is kind: {s.kind}, not a supplement")
        found.append({"reason": "not_supplement", "id": s.id, "kind": s.kind})
    if b.kind != "base":
        problems.append(f"{b.id} is kind: {b.kind}; compose a supplement over a base document")
        found.append({"reason": "not_base", "id": b.id, "kind": b.kind})
    target = s.meta.supplements
    if target is not None and target.number is None:
        problems.append(
            f"{s.id} names the document it supplements only by title ({target.title or 'no title'}); "
            "a title does not identify a document: give its number (文号) under meta.supplements.number"
        )
        found.append({"reason": "title_only", "id": s.id, "title": target.title})
    elif target is not None and _norm_number(target.number) != _norm_number(b.meta.number):
        problems.append(f"{s.id} supplements {target.number or target.title}, not {b.meta.number or b.id}")
        found.append(
            {"reason": "wrong_base", "id": s.id, "target": target.number or target.title, "base": b.meta.number or b.id}
        )
    from . import loader

    base_ids = set(loader.rule_ids(b))
    sup_ids = loader.rule_ids(s)
    overridden: set[str] = set()
    for rid, path in sup_ids.items():
        if path[0] == "meetings" and path[1] in b.meetings:
            continue  # the same meeting, described by both documents: merged field by field below
        if rid in base_ids:
            problems.append(f"rule id {rid} is used by both documents; a supplement's rules need their own ids")
            found.append({"reason": "shared_id", "rule": rid})
    for _path, rule in loader._rules(s):
        for target_id in getattr(rule, "overrides", ()):
            if target_id not in base_ids:
                problems.append(f"{rule.id} ({rule.cite}) overrides {target_id}, which {b.id} does not have")
                found.append(
                    {
                        "reason": "override_missing",
                        "rule": rule.id,
                        "cite": rule.cite,
                        "target": target_id,
                        "base": b.id,
                    }
                )
            overridden.add(target_id)
    if overridden and s.meta.precedence is not None and s.meta.precedence.prevails == "base":
        problems.append(
            f"{s.id} overrides base rules ({', '.join(sorted(overridden))}) but its precedence clause "
            f"{s.meta.precedence.id} ({s.meta.precedence.cite}) says the base prevails"
        )
        found.append(
            {
                "reason": "precedence_base",
                "id": s.id,
                "overridden": tuple(sorted(overridden)),
                "clause": s.meta.precedence.id,
                "cite": s.meta.precedence.cite,
            }
        )
    if problems:
        raise CompositionError(problems, found)
    spec = _compose_specs(b, s, overridden)
    return Ruleset(
        spec,
        calendar=base_rs._calendar,
        parts=(b.meta, s.meta),
        supplement_tables=len(s.signing),
        supplement_rules=frozenset(sup_ids) - base_ids,
        composed_of=(b, s),
    )


#: Statuses from the strongest to the weakest: a composition is as weak as its weakest part.
_STATUS_ORDER = ("in_force", "unknown", "abolished")


def _composed_status(*metas: model.Meta) -> str:
    return max((m.status for m in metas), key=_STATUS_ORDER.index)


def _compose_specs(b: model.RulesetFile, s: model.RulesetFile, overridden: set[str]) -> model.RulesetFile:
    def keep(rules: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(r for r in rules if r.id not in overridden)

    meetings = dict(b.meetings)
    for key, sm in s.meetings.items():
        bm = meetings.get(key)
        if bm is None or bm.id in overridden or key not in b.meetings:
            meetings[key] = sm
        else:
            update = {
                f: getattr(sm, f)
                for f in ("members", "convener", "chair", "frequency", "quorum", "minutes")
                if getattr(sm, f) is not None
            }
            update.update({f: getattr(sm, f) for f in ("entrusted_chair", "observers") if getattr(sm, f)})
            meetings[key] = bm.model_copy(update=update)
    base_tables = []
    for table in b.signing:
        rules = keep(table.rules)
        if rules:
            base_tables.append(table.model_copy(update={"rules": rules}))
    sup_events = {d.event for d in s.deadlines}
    deadlines = (*s.deadlines, *(d for d in keep(b.deadlines) if d.event not in sup_events))
    acting = s.acting_head or (b.acting_head if b.acting_head and b.acting_head.id not in overridden else None)
    meta = b.meta.model_copy(
        update={
            "notes": (*b.meta.notes, f"composed with the supplement {s.meta.number or s.id}: {s.meta.title}"),
            "status": _composed_status(b.meta, s.meta),
        }
    )
    from . import model

    return model.RulesetFile.model_construct(
        id=f"{b.id}+{s.id}",
        kind="base",
        meta=meta,
        roles={**b.roles, **s.roles},
        meetings=meetings,
        signing=(*s.signing, *base_tables),
        # The supplement's agenda rules first (its precedence clause); base rules it overrides are dropped.
        agenda=(*s.agenda, *keep(b.agenda)),
        competence=(*s.competence, *keep(b.competence)),
        deadlines=deadlines,
        acting_head=acting,
        substitutions=(*s.substitutions, *keep(b.substitutions)),
        delegations=(*s.delegations, *keep(b.delegations)),
        leave=(*s.leave, *keep(b.leave)),
        quotas=(*s.quotas, *keep(b.quotas)),
        events={**b.events, **s.events},
        coverage=(),
        format=max(b.format, s.format),
        schema_=None,
    )
