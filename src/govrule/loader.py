"""Reading a ruleset file: YAML, the models, then the cross-references, all located.

``parse_file`` returns a validated ``RulesetFile`` or raises ``RulesetError`` carrying
every problem found, each at ``file:line:column`` with its path inside the document.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any

import pydantic

from . import _hints, _yaml, conditions, model
from . import problems_zh as zh
from .errors import Problem, RulesetError
from .signing import article_of

__all__ = ["Source", "format_path", "parse_file", "parse_text", "validate"]


@dataclasses.dataclass(frozen=True)
class Source:
    """A validated ruleset file and where its parts are, for later findings."""

    file: str
    spec: model.RulesetFile
    loaded: _yaml.Loaded
    conditions: Mapping[tuple[str | int, ...], conditions.Cond]

    def where(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """Line and column of a path inside the file."""
        return self.loaded.where(path)


def format_path(path: tuple[str | int, ...]) -> str:
    """``('signing', 0, 'rules', 4)`` -> ``signing[0].rules[4]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate(file: str | FsPath) -> tuple[Problem, ...]:
    """Every problem in a ruleset file, sorted; ``()`` when it is valid.

    Unlike `load`, this never raises for a bad file: YAML errors, schema errors and
    undefined words all come back as `Problem` records with file, line and column.
    """
    try:
        parse_file(file)
    except RulesetError as exc:
        return exc.problems
    return ()


def parse_file(file: str | FsPath) -> Source:
    """Read and validate one ruleset file."""
    name = str(file)
    text, problems = _yaml.read_source(name)
    if text is None:
        raise RulesetError(problems)
    return parse_text(text, name)


def parse_text(text: str, file: str = "<string>") -> Source:
    """Validate ruleset text; ``file`` is the name problems will carry."""
    loaded, problems = _yaml.load_text(text, file)
    if loaded is None:
        raise RulesetError(problems)
    if not isinstance(loaded.data, dict):
        line, col = loaded.where(())
        raise RulesetError(
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    zh.say("top_not_mapping", kind=zh.kind_of(loaded.data)),
                    zh.hint("top_not_mapping"),
                )
            ]
        )
    try:
        # Strict: a count is an int (not true, 5.0 or "5"), a flag a bool, a date a YAML date, text is text.
        # Lists become tuples first, since strict validation takes a tuple field only as a tuple.
        data = _tuples(loaded.data)
        spec = model.RulesetFile.model_validate(data, strict=True)
    except pydantic.ValidationError as exc:
        structural = _model_problems(exc, loaded, file)
        # Report the vocabulary problems too (undefined roles, bad conditions …), found on a copy of the
        # file whose broken parts are stood in for by valid siblings; problems inside those parts are
        # the structural ones already reported.
        try:
            patched = _stand_in(loaded.data, data, exc)
            if patched is None:
                raise RulesetError(structural) from None
            partial, replaced = patched
            more = _semantic_problems(partial, loaded, file)[1] + _label_clashes(partial, loaded, file)
        except RulesetError:
            raise
        except Exception:  # a best-effort second look must never hide the first: the structural problems stand
            raise RulesetError(structural) from None
        prefixes = tuple(format_path(p) for p in replaced)
        ids = {f"{i!r}" for i in (_id_at(loaded.data, p) for p in replaced) if i}
        extra = [
            p
            for p in more
            if not any(p.path == q or p.path.startswith((q + ".", q + "[")) for q in prefixes)
            and not any(i in p.message for i in ids)
        ]
        raise RulesetError([*structural, *extra]) from None
    conds, problems = _semantic_problems(spec, loaded, file)
    problems += _label_clashes(spec, loaded, file)
    if problems:
        raise RulesetError(problems)
    return Source(file, spec, loaded, types.MappingProxyType(conds))


def _stand_in(
    data: Any, tuples: Any, exc: pydantic.ValidationError
) -> tuple[model.RulesetFile, list[tuple[Any, ...]]] | None:
    """A valid model of the file with each broken list element or mapping entry replaced by a valid sibling.

    Indices are kept (nothing is removed where a sibling can stand in), so every path found on the
    result is a path of the file. The stand-in keeps the broken element's own ``id`` where it had a
    usable one, so references to it still resolve. None when a broken part has no sibling to borrow.
    ``data`` is the file's plain data (which error locations index) and ``tuples`` the same with lists
    made tuples (what is validated); replacements build new containers and never change ``tuples``.
    """
    replaced: list[tuple[Any, ...]] = []
    for _ in range(6):
        errors = exc.errors()
        for err in errors:
            target = _replaceable(err["loc"], data)
            if target is None:
                return None
            if target not in replaced:
                replaced.append(target)
        work = tuples
        for target in replaced:
            work = _replace_at(work, target)
            if work is None:
                return None
        try:
            return model.RulesetFile.model_validate(work, strict=True), replaced
        except pydantic.ValidationError as again:
            exc = again
    return None


def _id_at(data: Any, path: tuple[Any, ...]) -> str | None:
    """The ``id`` of the mapping at ``path`` in plain data, if it has a text one."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    found = node.get("id") if isinstance(node, dict) else None
    return found if isinstance(found, str) else None


#: Valid values that stand in for a broken metadata field while the rest of the file is checked.
_META_STAND_INS: dict[str, Any] = {
    "title": "—",
    "jurisdiction": "—",
    "source": "—",
    "level": "city",
    "script": "simplified",
    "status": "unknown",
    **dict.fromkeys(("number", "issuer", "adopted", "signed", "published", "effective", "abolished"), None),
}


def _replaceable(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...] | None:
    """The deepest list element or ``roles``/``meetings``/``events`` entry on the path of an error."""
    path = _data_path(tuple(loc), data)
    if len(path) == 2 and path[0] == "meta" and path[1] in _META_STAND_INS:
        return path
    if len(loc) == 2 and loc[0] == "meta" and loc[1] in _META_STAND_INS:  # a missing metadata key
        return ("meta", loc[1])
    best: tuple[Any, ...] | None = None
    for i in range(1, len(path) + 1):
        if isinstance(path[i - 1], int) or (i == 2 and path[0] in ("roles", "meetings", "events")):
            best = tuple(path[:i])
    return best


def _replace_at(work: Any, target: tuple[Any, ...]) -> Any:
    """``work`` with the element at ``target`` replaced by a sibling (or dropped when it is the only one)."""
    parent_path, last = target[:-1], target[-1]
    parent = work
    for part in parent_path:
        parent = parent[part] if isinstance(parent, dict | tuple) else None
        if parent is None:
            return None
    if isinstance(parent, tuple) and isinstance(last, int) and last < len(parent):
        siblings = [x for j, x in enumerate(parent) if j != last]
        if not siblings:
            fresh: Any = ()
        else:
            fresh = siblings[0]
            own = parent[last]
            if isinstance(fresh, dict) and isinstance(own, dict) and isinstance(own.get("id"), str):
                fresh = {**fresh, "id": own["id"]}
        new_parent: Any = (*parent[:last], fresh, *parent[last + 1 :]) if siblings else ()
    elif parent_path == ("meta",) and isinstance(parent, dict) and last in _META_STAND_INS:
        new_parent = {**parent, last: _META_STAND_INS[last]}
    elif isinstance(parent, dict) and last in parent:
        others = [v for k, v in parent.items() if k != last]
        if not others:
            return None
        fresh = others[0]
        if isinstance(fresh, dict) and "label" in fresh:  # a role or meeting: its own label, none borrowed
            fresh = {**fresh, "label": str(last), "aliases": ()}
        new_parent = {**parent, last: fresh}
    else:
        return None

    def put(node: Any, path: tuple[Any, ...]) -> Any:
        if not path:
            return new_parent
        head, rest = path[0], path[1:]
        if isinstance(node, dict):
            return {**node, head: put(node[head], rest)}
        return (*node[:head], put(node[head], rest), *node[head + 1 :])

    return put(work, parent_path)


def _label_clashes(spec: model.RulesetFile, loaded: _yaml.Loaded, file: str) -> list[Problem]:
    """Two roles (or two meetings) whose labels or aliases are the same word in either script.

    Queries take labels in Simplified or Traditional script (市長 finds 市长), so 市长 on one role and
    市長 on another would make a lookup pick one of them silently.
    """
    from .engine import normalize_label  # OpenCC, which compiling the ruleset loads anyway

    problems: list[Problem] = []
    for section, entries in (("roles", spec.roles), ("meetings", spec.meetings)):
        owner: dict[str, tuple[str, str]] = {}
        for key, entry in entries.items():
            for field, names in (("label", (entry.label,)), ("aliases", entry.aliases)):
                for i, name in enumerate(names):
                    folded = normalize_label(name)
                    first = owner.setdefault(folded, (key, name))
                    if first[0] == key:
                        continue
                    path: tuple[str | int, ...] = (section, key, field) + ((i,) if field == "aliases" else ())
                    line, col = loaded.where(path)
                    problems.append(
                        Problem(
                            file,
                            line,
                            col,
                            format_path(path),
                            zh.say(
                                "label_clash",
                                name=name,
                                first=repr(first[0]),
                                first_label=zh.Raw(first[1]),
                                key=key,
                                what=zh.Raw("角色" if section == "roles" else "会议"),
                            ),
                        )
                    )
    return problems


def _tuples(value: Any) -> Any:
    """Plain YAML data with every list made a tuple (recursively: the YAML loader bounds the depth)."""
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


#: What a pydantic error type says a value must be (the kinds of `problems_zh.expected`).
_EXPECTED = {
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "string_type": "str",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_inexact": "date",
    "tuple_type": "list",
    "list_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "float_type": "number",
    "none_required": "null",
}

#: Pydantic's constraint errors, by type: the reason in `problems_zh` and the context value it names.
_BOUNDS = {
    "string_too_long": ("text_too_long", "max_length"),
    "too_short": ("list_too_short", "min_length"),
    "too_long": ("list_too_long", "max_length"),
    "greater_than_equal": ("too_small", "ge"),
    "greater_than": ("not_greater", "gt"),
    "less_than_equal": ("too_large", "le"),
    "less_than": ("not_less", "lt"),
}


# --------------------------------------------------------------------------------------
# Model errors -> located problems
# --------------------------------------------------------------------------------------


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic location that index into the data (drops union tags)."""
    path: list[str | int] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and part == "in_" and "in" in cur:
            path.append("in")
            cur = cur["in"]
    return tuple(path)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, pydantic.BaseModel)]
            if models:
                tp = models[0]
                continue
            return args[0] if len(args) == 1 else tp
        return tp


def _model_at(path: tuple[str | int, ...]) -> type[pydantic.BaseModel] | None:
    """The model class that describes the mapping at ``path``, if there is one."""
    tp: Any = model.RulesetFile
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                field = next((f for f in tp.model_fields.values() if f.alias == part), None)
            if field is None:
                return None
            tp = field.annotation
            continue
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is tuple and args:
            tp = args[0]
        elif origin is dict and len(args) == 2:
            tp = args[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel) else None


def _allowed_keys(cls: type[pydantic.BaseModel]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def _model_problems(exc: pydantic.ValidationError, loaded: _yaml.Loaded, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        path = _data_path(loc, loaded.data)
        hint = None
        if kind == "extra_forbidden":
            key = loc[-1]
            parent = path[:-1] if path and path[-1] == key else path
            cls = _model_at(parent)
            allowed = _allowed_keys(cls) if cls else []
            message = zh.say("unknown_key", key=key)
            if allowed:
                close = _hints.close_matches(str(key), allowed)
                hint = zh.say("unknown_key.hint", suggest=zh.suggest(close), allowed=allowed)
            line, col = loaded.where((*parent, key), key=True)
            problems.append(Problem(file, line, col, format_path((*parent, key)), message, hint))
            continue
        if kind == "missing":
            key = loc[-1]
            line, col = loaded.where(path, key=True)
            problems.append(Problem(file, line, col, format_path(path), zh.say("missing_key", key=key)))
            continue
        value = err.get("input")
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        got = zh.kind_of(value) if isinstance(value, dict | list | tuple) else zh.Raw(zh.quote(value))
        if kind in _EXPECTED:
            message = zh.say("wrong_type", expected=zh.expected(_EXPECTED[kind]), got=got)
        elif kind in ("literal_error", "enum") and ctx:
            expected = str(ctx.get("expected", ""))
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",") if c.strip()]
            message = zh.say("not_allowed", value=value, choices=zh.Raw(zh.listing(choices, quoted=True)))
            close = _hints.close_matches(str(value), choices)
            hint = zh.suggest(close) or None
        elif kind.startswith(("date", "datetime")):
            message = zh.say("bad_date", value=value, why=zh.expected("date"))
        elif kind == "string_pattern_mismatch":
            message = zh.say("bad_id", value=value)
            hint = zh.hint("bad_id")
        elif kind == "string_too_short":
            message = zh.say("text_empty")
        elif kind in _BOUNDS:
            reason, bound = _BOUNDS[kind]
            message = zh.say(reason, limit=ctx.get(bound), got=got)
        elif kind == "value_error":
            # A model validator's own message (written in Chinese in govrule.model).
            why = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
            scalar = isinstance(value, str | int | float | bool)  # a whole mapping is the model's own input
            message = zh.say("invalid_got", why=why, got=got) if scalar else why
        else:
            message = zh.say("invalid", why=f"{kind}，实际是 {got}")
        line, col = loaded.where(path)
        problems.append(Problem(file, line, col, format_path(path), message, hint))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    # A value that fits no branch of a union yields one error per branch at the same
    # place; one message per place is enough for a person to act on.
    seen: dict[tuple[int, int, str], Problem] = {}
    for p in problems:
        seen.setdefault((p.line, p.column, p.path), p)
    return sorted(seen.values())


# --------------------------------------------------------------------------------------
# Cross-references and conditions
# --------------------------------------------------------------------------------------


def _rules(spec: model.RulesetFile) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every rule of the file (anything with an id and a citation) with its path."""
    for key, meeting in spec.meetings.items():
        yield ("meetings", key), meeting
        for part in ("frequency", "quorum", "minutes"):
            sub = getattr(meeting, part)
            if sub is not None:
                yield ("meetings", key, part), sub
    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            yield ("signing", t, "rules", r), rule
    for section in ("agenda", "deadlines", "substitutions", "delegations", "leave", "quotas", "competence"):
        for i, rule in enumerate(getattr(spec, section)):
            yield (section, i), rule
    if spec.acting_head is not None:
        yield ("acting_head",), spec.acting_head
    if spec.meta.precedence is not None:
        yield ("meta", "precedence"), spec.meta.precedence


def rule_ids(spec: model.RulesetFile) -> dict[str, tuple[str | int, ...]]:
    """Rule id -> path of its first definition."""
    out: dict[str, tuple[str | int, ...]] = {}
    for path, rule in _rules(spec):
        out.setdefault(rule.id, path)
    return out


#: The words conditions of a ruleset may use over some input fields (defined beside the condition language).
vocabulary = conditions.words_of


def _semantic_problems(
    spec: model.RulesetFile, loaded: _yaml.Loaded, file: str
) -> tuple[dict[tuple[str | int, ...], conditions.Cond], list[Problem]]:
    problems: list[Problem] = []
    roles = sorted(spec.roles)
    meetings = sorted(spec.meetings)
    events = sorted(set(model.EVENTS) | set(spec.events))

    def add(path: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        line, col = loaded.where(path)
        problems.append(Problem(file, line, col, format_path(path), message, hint))

    roles_at = loaded.where(("roles",), key=True)

    def need_role(path: tuple[str | int, ...], role: str) -> None:
        if role not in spec.roles:
            close = _hints.close_matches(role, roles)
            hint = zh.say("undefined_role.hint", suggest=zh.suggest(close), where=f"{file}:{roles_at[0]}:{roles_at[1]}")
            add(path, zh.say("undefined_role", role=role), hint)

    def need_meeting(path: tuple[str | int, ...], meeting: str) -> None:
        if meeting not in spec.meetings:
            close = _hints.close_matches(meeting, meetings)
            add(
                path,
                zh.say("undefined_meeting", meeting=meeting, defined=meetings),
                zh.suggest(close) or None,
            )

    def need_roles(path: tuple[str | int, ...], values: tuple[str, ...] | None) -> None:
        for i, role in enumerate(values or ()):
            need_role((*path, i), role)

    # Roles referenced anywhere.
    for key, meeting in spec.meetings.items():
        base = ("meetings", key)
        for part in (
            "members",
            "convener",
            "chair",
            "entrusted_chair",
            "entrusted_convener",
            "observers",
            "observers_as_needed",
            "participants",
        ):
            need_roles((*base, part), getattr(meeting, part))
        if meeting.minutes is not None:
            need_roles((*base, "minutes", "signers"), meeting.minutes.signers)
    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            for s, step in enumerate(rule.steps):
                need_roles(("signing", t, "rules", r, "steps", s, "roles"), step.roles)
                if step.authorized_by is not None:
                    need_role(("signing", t, "rules", r, "steps", s, "authorized_by"), step.authorized_by)
                    if step.authorized_by not in step.roles:
                        add(
                            ("signing", t, "rules", r, "steps", s, "authorized_by"),
                            zh.say("authorized_by_not_step", role=step.authorized_by),
                        )
            if table.hit_policy == "priority" and rule.priority is None:
                add(("signing", t, "rules", r), zh.say("priority_needed", rule=rule.id))
            _signing_rule_problems(spec, ("signing", t, "rules", r), rule, need_role, need_roles, add)
        table_fields = model.MEETING_REQUEST_FIELDS if table.purpose == "meeting" else model.DOCUMENT_FIELDS
        for field in table.domain:
            if field not in table_fields:
                add(
                    ("signing", t, "domain", field),
                    zh.say("unknown_domain_field", field=field, allowed=table_fields),
                )
    if spec.acting_head is not None:
        need_roles(("acting_head", "roles"), spec.acting_head.roles)
    for i, sub in enumerate(spec.substitutions):
        need_role(("substitutions", i, "role"), sub.role)
        need_roles(("substitutions", i, "substitutes"), sub.substitutes)
        signing_ids = {rule.id for table in spec.signing for rule in table.rules}
        signing_articles = {article_of(rule.cite) for table in spec.signing for rule in table.rules}
        for j, target in enumerate(sub.applies_to):
            if target not in signing_ids and article_of(target) not in signing_articles:
                add(
                    ("substitutions", i, "applies_to", j),
                    zh.say("applies_to_unknown", target=target),
                )
    for key, role_def in spec.roles.items():
        for j, parent in enumerate(role_def.is_a):
            need_role(("roles", key, "is_a", j), parent)
            if parent == key or key in _role_ancestors(spec, parent):
                add(("roles", key, "is_a", j), zh.say("is_a_cycle", role=key, parent=parent))
    for i, dele in enumerate(spec.delegations):
        need_role(("delegations", i, "role"), dele.role)
        need_roles(("delegations", i, "delegates"), dele.delegates)
    for i, leave in enumerate(spec.leave):
        if leave.role is not None:
            need_role(("leave", i, "role"), leave.role)
        need_roles(("leave", i, "roles"), leave.roles)
        for j, meeting_id in enumerate(leave.meetings):
            need_meeting(("leave", i, "meetings", j), meeting_id)
        need_roles(("leave", i, "approvers"), leave.approvers)
        need_roles(("leave", i, "notify"), leave.notify)
        if leave.via is not None:
            need_role(("leave", i, "via"), leave.via)
    for i, quota in enumerate(spec.quotas):
        need_roles(("quotas", i, "roles"), quota.roles)
    for i, agenda_rule in enumerate(spec.agenda):
        for j, meeting_id in enumerate(agenda_rule.meetings):
            need_meeting(("agenda", i, "meetings", j), meeting_id)
    for i, competence in enumerate(spec.competence):
        for j, meeting_id in enumerate(competence.meetings):
            need_meeting(("competence", i, "meetings", j), meeting_id)
    for key, meeting in spec.meetings.items():
        if meeting.quorum is not None:
            need_roles(("meetings", key, "quorum", "of"), meeting.quorum.of)
    problems.extend(_format2_problems(spec, loaded, file))

    # Events.
    seen_events: dict[str, int] = {}
    for i, deadline in enumerate(spec.deadlines):
        if deadline.event not in events:
            close = _hints.close_matches(deadline.event, events)
            add(
                ("deadlines", i, "event"),
                zh.say("undefined_event", event=deadline.event),
                zh.hint("undefined_event", suggest=zh.suggest(close)),
            )
        if deadline.event in seen_events:
            add(
                ("deadlines", i, "event"),
                zh.say("event_twice", event=deadline.event, first=f"deadlines[{seen_events[deadline.event]}]"),
            )
        seen_events.setdefault(deadline.event, i)

    # Rule ids are unique; coverage and overrides name real rules.
    ids: dict[str, tuple[str | int, ...]] = {}
    for path, rule in _rules(spec):
        if rule.id in ids:
            add((*path, "id"), zh.say("duplicate_rule_id", rule=rule.id, first=format_path(ids[rule.id])))
        else:
            ids[rule.id] = path
        if getattr(rule, "overrides", ()) and spec.kind != "supplement":
            add((*path, "overrides"), zh.say("overrides_in_base"))
    covered: set[str] = set()
    articles: dict[str, int] = {}
    for i, entry in enumerate(spec.coverage):
        if entry.article in articles:
            add(
                ("coverage", i, "article"),
                zh.say("article_twice", article=entry.article, first=f"coverage[{articles[entry.article]}]"),
            )
        articles.setdefault(entry.article, i)
        for j, rid in enumerate(entry.rules):
            covered.add(rid)
            if rid not in ids:
                close = _hints.close_matches(rid, list(ids))
                add(
                    ("coverage", i, "rules", j),
                    zh.say("undefined_rule", rule=rid),
                    zh.suggest(close) or None,
                )
    if spec.coverage:
        for rid, path in ids.items():
            if rid not in covered:
                add((*path, "id"), zh.say("not_covered", rule=rid))

    # Supplements name their base; bases name none.
    if spec.kind == "supplement" and spec.meta.supplements is None:
        add(("meta",), zh.say("supplement_without_base"))
    if spec.kind == "base" and spec.meta.supplements is not None:
        add(("meta", "supplements"), zh.say("base_supplements"))

    # Conditions.
    conds: dict[tuple[str | int, ...], conditions.Cond] = {}
    doc_vocab = vocabulary(spec, model.DOCUMENT_FIELDS)
    item_vocab = vocabulary(spec, model.AGENDA_FIELDS)
    request_vocab = vocabulary(spec, model.MEETING_REQUEST_FIELDS)

    def condition(data: Any, vocab: conditions.Vocabulary, path: tuple[str | int, ...]) -> None:
        cond, errs = conditions.parse_condition(data, vocab, path)
        conds[path] = cond
        for e in errs:
            add(e.path, e.message, e.hint)

    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            condition(
                rule.when,
                request_vocab if table.purpose == "meeting" else doc_vocab,
                ("signing", t, "rules", r, "when"),
            )
        for field, values in table.domain.items():
            for k, value in enumerate(values):
                _, errs = conditions.parse_condition(
                    {field: value},
                    request_vocab if table.purpose == "meeting" else doc_vocab,
                    ("signing", t, "domain", field, k),
                )
                for e in errs:
                    add(e.path[:-1], e.message, e.hint)
    for i, agenda_rule in enumerate(spec.agenda):
        for part in ("when", "require"):
            if getattr(agenda_rule, part) is not None:
                condition(getattr(agenda_rule, part), item_vocab, ("agenda", i, part))
    for i, competence in enumerate(spec.competence):
        for part, vocab in (("matters", item_vocab), ("documents", doc_vocab)):
            if getattr(competence, part) is not None:
                condition(getattr(competence, part), vocab, ("competence", i, part))
    return conds, problems


def _format2_problems(spec: model.RulesetFile, loaded: _yaml.Loaded, file: str) -> list[Problem]:
    """In a file that does not say ``format: 2``, every format 2 construct it uses, located."""
    if spec.format >= 2:
        return []
    out: list[Problem] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, pydantic.BaseModel):
            fields = type(node).model_fields
            for name in node.model_fields_set:
                info = fields.get(name)
                if info is None:
                    continue
                key = info.alias or name
                extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
                value = getattr(node, name)
                if extra.get("x-format") == 2 and value != info.get_default(call_default_factory=True):
                    # A format 2 key left at its default (forbidden: false, also_cite: []) changes nothing.
                    line, col = loaded.where((*path, key), key=True)
                    out.append(
                        Problem(
                            file,
                            line,
                            col,
                            format_path((*path, key)),
                            zh.say("format2_key", key=key),
                        )
                    )
                    continue
                new_values = extra.get("x-format2-values")
                if isinstance(new_values, list) and isinstance(value, str) and value in new_values:
                    line, col = loaded.where((*path, key))
                    out.append(
                        Problem(
                            file,
                            line,
                            col,
                            format_path((*path, key)),
                            zh.say("format2_value", key=zh.Raw(key), value=zh.Raw(value)),
                        )
                    )
                    continue
                walk(value, (*path, key))
        elif isinstance(node, tuple):
            for i, part in enumerate(node):
                walk(part, (*path, i))
        elif isinstance(node, Mapping):
            for k, part in node.items():
                if isinstance(part, pydantic.BaseModel):
                    walk(part, (*path, k))

    walk(spec, ())
    return out


def _role_ancestors(spec: model.RulesetFile, role: str) -> set[str]:
    """Every role ``role`` is_a, transitively (stops at cycles, which are reported elsewhere)."""
    seen: set[str] = set()
    todo = [role]
    while todo:
        current = spec.roles.get(todo.pop())
        for parent in current.is_a if current is not None else ():
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _signing_rule_problems(
    spec: model.RulesetFile,
    path: tuple[str | int, ...],
    rule: model.SigningRule,
    need_role: Any,
    need_roles: Any,
    add: Any,
) -> None:
    """Roles, authorizations and cross-references of a signing rule's format 2 parts."""
    for part in ("alternatives", "absent"):
        for a, alt in enumerate(getattr(rule, part)):
            if part == "absent":
                need_roles((*path, part, a, "roles"), alt.roles)
            for s, step in enumerate(alt.steps):
                need_roles((*path, part, a, "steps", s, "roles"), step.roles)
                if step.authorized_by is not None and step.authorized_by not in step.roles:
                    add(
                        (*path, part, a, "steps", s, "authorized_by"),
                        zh.say("authorized_by_not_step", role=step.authorized_by),
                    )
    if rule.see is not None:
        targets = {r.id: r for table in spec.signing for r in table.rules}
        target = targets.get(rule.see)
        if target is None:
            close = _hints.close_matches(rule.see, list(targets))
            add(
                (*path, "see"),
                zh.say("see_unknown", target=rule.see),
                zh.suggest(close) or None,
            )
        else:
            chain = [rule.id]
            while target is not None and target.id not in chain:
                chain.append(target.id)
                target = targets.get(target.see) if target.see is not None else None
            if target is not None:
                add((*path, "see"), zh.say("see_loop", chain=" -> ".join([*chain, target.id])))
