"""Checks of the format 2 constructs: what each can get wrong (docs/format2.md, "Defects check should report").

* ``unreachable``: a rule of a later table that an earlier table of the same purpose answers
  first for every input it matches (the engine stops at the first table that answers), and a
  rule of an ``approve`` table that only matches documents the government sends itself:
  the query of that purpose never reaches it;
* ``contradiction``: a prohibition (``forbidden: true``) and a rule with steps of the same
  purpose that match a common input where the rule with steps is consulted first;
* ``escalation``: a discretionary step that escalates to a role already signing, a rule whose
  signing steps are all discretionary, and (``cycle``) escalation chains that return to the
  signer they started from;
* ``bad_reference``: a ``see`` to a prohibition, to a rule that itself refers on (a chain), to a
  rule whose condition never holds together with the referring rule's, and ``see`` loops;
* ``absence``: an ``absent`` path for a role that is not among the rule's signers (it can
  never apply) or whose steps name the absent role itself; ``alternatives`` identical to the
  rule's own steps or to each other;
* ``competence``: two competence rules that reserve a common matter to disjoint lists of
  meetings (the matter can be decided by no meeting);
* ``cycle`` over ``is_a`` (roles built in memory; the loader refuses them in files);
* ``undefined_reference`` for the roles and meetings format 2 constructs name.

Every finding names its rules and their citations and, where one exists, a witness input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from .. import _hints, conditions, loader, model, vocabulary
from ..errors import GovruleError
from ..facts import AgendaItem
from . import limits
from .boxes import Box, Space, Sweep, TooComplex, bits, meet
from .findings import Path, Raw
from .graphs import cycles
from .tables import Evaluators, evaluators, fields_of, find_witness, parse_when
from .wording import Names, rule_name, rule_names, table_name, undefined

__all__ = ["format2_checks"]

#: Issuers that send the government's own outgoing documents (not documents sent *to* it).
OUTGOING_ISSUERS = frozenset({"government", "office", "party_group", "joint"})
#: Recipients that are this government (documents sent to it are approved, not signed).
INBOUND_RECIPIENTS = frozenset({"government", "government_office", "government_leader"})
_ACTS = {"sign": ("sign",), "approve": ("sign", "approve"), "meeting": ("sign", "approve")}


def format2_checks(spec: model.RulesetFile, *, composed: bool = False) -> list[Raw]:
    """Every format 2 finding of one ruleset (or composition: there a supplement's tables come first
    by design, and what they change is the composition checks' concern, not an unreachable rule)."""
    out = _references(spec)
    out += _is_a_cycles(spec)
    out += _escalation(spec)
    out += _see(spec)
    out += _absence_and_alternatives(spec)
    if not composed:
        for purpose in ("sign", "approve", "meeting"):
            out += _across_tables(spec, purpose)
    out += _competence(spec)
    return out


def _purpose(purpose: str) -> str:
    """A table purpose in Chinese with its id: ``签发（sign）``."""
    terms = vocabulary.terms_of("purpose", purpose)
    return f"{terms[0]}（{purpose}）" if terms else purpose


def _meetings(words: Names, meetings: Iterable[str]) -> str:
    return "或".join(words.meeting(m) for m in meetings) or "（无）"


def _rules(spec: model.RulesetFile) -> Iterable[tuple[int, int, model.DecisionTable, model.SigningRule]]:
    for t, table in enumerate(spec.signing):
        for r, rule in enumerate(table.rules):
            yield t, r, table, rule


def _signers(rule: model.SigningRule, purpose: str) -> tuple[str, ...]:
    signs = [s for s in rule.steps if s.action in _ACTS[purpose] and not s.discretionary]
    return signs[-1].roles if signs else ()


def _undefined(what: str, name: str, path: Path, anchor: str, defined: Iterable[str], words: Names) -> Raw:
    known = sorted(defined)
    if what == "rule":  # too many to list: suggest the closest
        close = _hints.close_matches(name, known)
        message = undefined(what, name, loader.format_path(path), close=close[0] if close else None)
    else:
        listed = "、".join(words.role(n) if what == "role" else words.meeting(n) for n in known) or "（无）"
        message = undefined(what, name, loader.format_path(path), defined=listed)
    return Raw(
        "undefined_reference",
        "error",
        message,
        (anchor,),
        witness={"category": what, "name": name, "path": loader.format_path(path)},
        path=path,
        anchor=anchor,
    )


# ------------------------------------------------------------------------------------- references


def _references(spec: model.RulesetFile) -> list[Raw]:
    out: list[Raw] = []
    roles, meetings = set(spec.roles), set(spec.meetings)
    words = Names(spec)

    def need(kind: str, names: Iterable[str], path: Path, anchor: str) -> None:
        defined = roles if kind == "role" else meetings
        for j, name in enumerate(names):
            if name not in defined:
                out.append(_undefined(kind, name, (*path, j), anchor, defined, words))

    for key, role in spec.roles.items():
        need("role", role.is_a, ("roles", key, "is_a"), key)
    for t, r, _, rule in _rules(spec):
        here: Path = ("signing", t, "rules", r)
        for a, alt in enumerate(rule.alternatives):
            for s, step in enumerate(alt.steps):
                need("role", step.roles, (*here, "alternatives", a, "steps", s, "roles"), rule.id)
        for a, path in enumerate(rule.absent):
            need("role", path.roles, (*here, "absent", a, "roles"), rule.id)
            for s, step in enumerate(path.steps):
                need("role", step.roles, (*here, "absent", a, "steps", s, "roles"), rule.id)
    for i, leave in enumerate(spec.leave):
        need("role", leave.roles, ("leave", i, "roles"), leave.id)
        need("meeting", leave.meetings, ("leave", i, "meetings"), leave.id)
    for key, meeting in spec.meetings.items():
        if meeting.quorum is not None:
            need("role", meeting.quorum.of, ("meetings", key, "quorum", "of"), meeting.id)
    for i, comp in enumerate(spec.competence):
        need("meeting", comp.meetings, ("competence", i, "meetings"), comp.id)
    ids = set(loader.rule_ids(spec))
    cites = {str(rule.cite) for _, _, _, rule in _rules(spec)}
    for i, sub in enumerate(spec.substitutions):
        for j, scope in enumerate(sub.applies_to):
            if scope not in ids and scope not in cites:
                out.append(
                    Raw(
                        "undefined_reference",
                        "error",
                        f"{rule_name(sub)}的适用范围（applies_to）写的是 '{scope}'，它既不是规则 id，"
                        "也不是哪条签发规则的条款号（cite）",
                        (sub.id,),
                        witness={"category": "rule", "name": scope, "path": f"substitutions[{i}].applies_to[{j}]"},
                        path=("substitutions", i, "applies_to", j),
                        anchor=sub.id,
                    )
                )
    return out


def _is_a_cycles(spec: model.RulesetFile) -> list[Raw]:
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for key, role in spec.roles.items():
        for j, parent in enumerate(role.is_a):
            graph.add_edge(key, parent, rule=None, path=("roles", key, "is_a", j))
    return cycles(graph, "is_a", Names(spec))


# ------------------------------------------------------------------------------------- escalation


def _escalation(spec: model.RulesetFile) -> list[Raw]:
    out: list[Raw] = []
    words = Names(spec)
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for t, r, table, rule in _rules(spec):
        here: Path = ("signing", t, "rules", r)
        acts = _ACTS[table.purpose]
        signing = [s for s in rule.steps if s.action in acts]
        if signing and all(s.discretionary for s in signing):
            out.append(
                Raw(
                    "escalation",
                    "error",
                    f"规则{rule_name(rule)}的签发步骤全是“必要时”报请（discretionary）的步骤，因而没有指定签发人"
                    "（必要时……由签发人自行决定；一般情况下由谁签发？）",
                    (rule.id,),
                    witness={"rule": rule.id, "signers": [], "escalation": [r for s in signing for r in s.roles]},
                    path=here,
                    anchor=rule.id,
                )
            )
            continue
        signers = _signers(rule, table.purpose)
        for s, step in enumerate(rule.steps):
            if not step.discretionary or step.action not in acts:
                continue
            already = [role for role in step.roles if role in signers]
            if already:
                out.append(
                    Raw(
                        "escalation",
                        "warning",
                        f"规则{rule_name(rule)}：“必要时”报请的{words.roles(already)}本来就是签发人，无从报请",
                        (rule.id,),
                        witness={"rule": rule.id, "signers": list(signers), "escalation": list(step.roles)},
                        path=(*here, "steps", s),
                        anchor=rule.id,
                    )
                )
            for signer in signers:
                for role in step.roles:
                    if role != signer and not graph.has_edge(signer, role):
                        graph.add_edge(signer, role, rule=rule.id, path=(*here, "steps", s))
    return out + cycles(graph, "escalation", words)


# ------------------------------------------------------------------------------------- see


def _see(spec: model.RulesetFile) -> list[Raw]:
    out: list[Raw] = []
    words = Names(spec)
    by_id = {rule.id: (t, r, table, rule) for t, r, table, rule in _rules(spec)}
    graph: nx.DiGraph[Any] = nx.DiGraph()
    for t, r, table, rule in _rules(spec):
        if rule.see is None:
            continue
        here: Path = ("signing", t, "rules", r, "see")
        graph.add_edge(rule.id, rule.see, rule=rule.id, path=here)
        target = by_id.get(rule.see)
        if target is None:
            out.append(_undefined("rule", rule.see, here, rule.id, by_id, words))
            continue
        _, _, ttable, trule = target

        def finding(
            message: str,
            severity: str = "warning",
            rule: model.SigningRule = rule,
            trule: model.SigningRule = trule,
            here: Path = here,
        ) -> Raw:
            return Raw(
                "bad_reference",
                severity,
                f"规则{rule_name(rule)}写明按{rule_name(trule)}的程序办理（see），但{rule_name(trule)}{message}",
                (rule.id, trule.id),
                witness={"rule": rule.id, "see": trule.id},
                path=here,
                anchor=rule.id,
            )

        if trule.forbidden:
            out.append(finding("是禁止性规定：请直接在本规则上写 forbidden: true"))
        elif trule.see is not None and trule.see != rule.id:
            out.append(finding(f"本身又参照{words.rule(trule.see)}：请直接参照最终的程序"))
        elif ttable.purpose == table.purpose:
            fields = fields_of(table)
            conds = [parse_when(spec, rule, fields), parse_when(spec, trule, fields)]
            try:
                space = Space(conds, tuple(spec.meetings), None, fields)
                mine, theirs = space.boxes(conds[0]), space.boxes(conds[1])
            except TooComplex:
                continue
            if mine and theirs and not any(meet(a, b) is not None for a in mine for b in theirs):
                out.append(finding("的条件对本规则适用的公文从不成立：所参照的程序是为其他公文规定的（请核对参照）"))
    out += cycles(graph, "see", words, words.rule)
    return out


# ------------------------------------------------------------------------------------- absence, alternatives


def _steps_key(steps: Sequence[model.Step]) -> tuple[Any, ...]:
    return tuple((s.action, s.roles, s.quantifier, s.discretionary) for s in steps)


def _absence_and_alternatives(spec: model.RulesetFile) -> list[Raw]:
    out: list[Raw] = []
    words = Names(spec)
    for t, r, _, rule in _rules(spec):
        here: Path = ("signing", t, "rules", r)
        roles_in_steps = {role for s in rule.steps for role in s.roles}
        for a, path in enumerate(rule.absent):
            strangers = [role for role in path.roles if role not in roles_in_steps]
            if strangers:
                out.append(
                    Raw(
                        "absence",
                        "warning",
                        f"规则{rule_name(rule)}：为{words.roles(strangers)}缺席规定的程序（absent）永远不会适用："
                        "本规则的步骤中没有这一角色",
                        (rule.id,),
                        witness={"rule": rule.id, "absent": list(path.roles)},
                        path=(*here, "absent", a),
                        anchor=rule.id,
                    )
                )
            itself = sorted({role for s in path.steps for role in s.roles} & set(path.roles))
            if itself:
                out.append(
                    Raw(
                        "absence",
                        "error",
                        f"规则{rule_name(rule)}：为{words.roles(path.roles)}缺席规定的程序（absent），"
                        f"其步骤中又写了缺席的{words.roles(itself)}",
                        (rule.id,),
                        witness={"rule": rule.id, "absent": list(path.roles)},
                        path=(*here, "absent", a),
                        anchor=rule.id,
                    )
                )
        seen: dict[tuple[Any, ...], str] = {_steps_key(rule.steps): "本规则自身的步骤"} if rule.steps else {}
        for a, alt in enumerate(rule.alternatives):
            key = _steps_key(alt.steps)
            if key in seen:
                out.append(
                    Raw(
                        "absence",
                        "warning",
                        f"规则{rule_name(rule)}：备选程序{alt.label}（{alt.name}）与{seen[key]}相同："
                        "这一备选程序不改变任何结果",
                        (rule.id,),
                        witness={"rule": rule.id, "alternative": alt.name},
                        path=(*here, "alternatives", a),
                        anchor=rule.id,
                    )
                )
            seen.setdefault(key, f"备选程序{alt.label}（{alt.name}）的步骤")
    return out


# ------------------------------------------------------------------------------------- across tables


def _across_tables(spec: model.RulesetFile, purpose: str) -> list[Raw]:
    tables = [(t, table) for t, table in enumerate(spec.signing) if table.purpose == purpose]
    prohibitions = any(rule.forbidden for _, table in tables for rule in table.rules)
    if not tables or (len(tables) == 1 and not prohibitions and purpose != "approve"):
        return []  # nothing to find: no later table, no prohibition, no approve rule to place
    fields = fields_of(tables[0][1])
    ordered: list[tuple[int, int, model.DecisionTable, model.SigningRule]] = []
    for t, table in tables:
        positions = list(range(len(table.rules)))
        if table.hit_policy == "priority":
            rank = {i: (-(rule.priority or 0), i) for i, rule in enumerate(table.rules)}
            positions.sort(key=rank.__getitem__)
        ordered += [(t, i, table, table.rules[i]) for i in positions]
    conds = [parse_when(spec, rule, fields) for _, _, _, rule in ordered]
    try:
        space = Space(conds, tuple(spec.meetings), None, fields)
        regions = [space.boxes(c) for c in conds]
        pieces = [(k, b) for k, boxes in enumerate(regions) for b in boxes]
        if len(pieces) > limits.MAX_TABLE_PIECES:
            return []  # the tables' own analysis reports them as too complex
        sweep = Sweep(space, pieces, list(range(len(ordered))))
    except TooComplex:
        return []  # reported by the table analysis
    evals = evaluators(conds)
    out: list[Raw] = []

    words = Names(spec)

    def unreachable() -> list[Raw]:
        return _unreachable(space, sweep, ordered, regions)

    def contradictions() -> list[Raw]:
        return _contradictions(space, sweep, ordered, regions, evals, words)

    def wrong_purpose() -> list[Raw]:
        return _wrong_purpose(space, ordered, regions, purpose, words)

    parts: list[tuple[str, str, Callable[[], list[Raw]]]] = [
        ("unreachable rules across tables", "跨表的不可达规则", unreachable),
        ("prohibitions against signing rules", "禁止性规定与签发规则的冲突", contradictions),
        ("approve rules for outgoing documents", "审批表中针对本级发文的规则", wrong_purpose),
    ]
    for name, said, part in parts:
        sweep.nodes = 0  # each part has the whole node budget
        try:
            out += part()
        except TooComplex as exc:
            out.append(
                Raw(
                    "too_complex",
                    "warning",
                    f"用途为{_purpose(purpose)}的决策表过于复杂，未能检查{said}：{exc}（上限 {exc.limit}，"
                    "见 govrule.consistency.limits）",
                    (),
                    witness={"purpose": purpose, "check": name, "limit": exc.limit},
                    path=("signing", tables[0][0]),
                    anchor=tables[0][1].id,
                )
            )
    return out


def _unreachable(
    space: Space,
    sweep: Sweep,
    ordered: Sequence[tuple[int, int, model.DecisionTable, model.SigningRule]],
    regions: Sequence[list[Box]],
) -> list[Raw]:
    out: list[Raw] = []
    mask = 0  # the pieces of the tables before the current one
    pending = 0  # the pieces of the current table so far
    tables_before: list[str] = []
    current = ordered[0][0] if ordered else None
    for k, (t, r, table, rule) in enumerate(ordered):
        if t != current:
            mask |= pending
            pending = 0
            tables_before.append(ordered[k - 1][2].id)
            current = t
        pending |= sweep.rule_pieces.get(k, 0)
        if not mask or not regions[k]:
            continue
        sweep.cover_work += sweep.n * len(regions[k])
        if sweep.cover_work > limits.MAX_COVER_WORK:
            break  # past the budget: further rules are not examined (the sweep itself is bounded)
        covered = True
        for box in regions[k]:
            _, gaps = sweep.first_hit(root=box, active=sweep.meeting(box) & mask, gaps=True, max_gaps=1)
            if gaps:
                covered = False
                break
        if not covered:
            continue
        by_tables = sorted(set(tables_before))
        named = {tb.id: tb for _, _, tb, _ in ordered}
        earlier = "、".join(table_name(named[b]) for b in by_tables)
        out.append(
            Raw(
                "unreachable",
                "warning",
                f"{table_name(table)}中的规则{rule_name(rule)}不可达：它适用的每一项输入都已先由用途同为"
                f"{_purpose(table.purpose)}的前面的{earlier}作答",
                (rule.id,),
                witness={"rule": rule.id, "covered_by_tables": by_tables},
                path=("signing", t, "rules", r),
                anchor=rule.id,
            )
        )
    return out


def _contradictions(
    space: Space,
    sweep: Sweep,
    ordered: Sequence[tuple[int, int, model.DecisionTable, model.SigningRule]],
    regions: Sequence[list[Box]],
    evals: Evaluators,
    words: Names,
) -> list[Raw]:
    out: list[Raw] = []
    steps_before = 0  # pieces of rules with steps consulted before the current rule
    table_steps = 0  # those of the current table (not "before" under hit policy unique)
    current = ordered[0][0] if ordered else None
    tries = 0
    for k, (t, r, table, rule) in enumerate(ordered):
        if t != current:
            steps_before |= table_steps
            table_steps = 0
            current = t
        if not rule.forbidden:
            if table.hit_policy == "unique":
                table_steps |= sweep.rule_pieces.get(k, 0)
            else:
                steps_before |= sweep.rule_pieces.get(k, 0)
            continue
        mask = steps_before
        winners: list[int] = []
        witness: dict[str, Any] | None = None
        for box in regions[k]:
            for p in bits(sweep.meeting(box) & mask):
                tries += 1
                if tries > limits.MAX_WITNESS_BOXES * 10:
                    break  # enough inputs tried for this ruleset's prohibitions
                j, other = sweep.rule_of[p], sweep.pieces[p][1]
                if j in winners:
                    continue
                both = meet(box, other)
                if both is None:
                    continue

                def matched(doc: Any, j: int = j, k: int = k) -> bool:
                    return evals[j](doc, None) is True and evals[k](doc, None) is True

                found = find_witness(space, [both], matched)
                if found is not None:
                    winners.append(j)
                    witness = witness or found
                if len(winners) >= limits.MAX_RENDERED_CONDITIONS:
                    break
        if not winners or witness is None:
            continue
        winners.sort()
        shown = rule_names([ordered[j][3] for j in winners])
        out.append(
            Raw(
                "contradiction",
                "warning",
                f"禁止性规定{rule_name(rule)}与{shown}适用于相同的输入，而后者先被查到：这样的输入会得到签发人，"
                f"尽管{rule.cite}禁止办理（请把禁止性规定放在前面，或缩小这些规则的条件）；"
                f"例如：{words.inputs(space.fields, witness)}",
                (rule.id, *(ordered[j][3].id for j in winners)),
                witness=witness,
                path=("signing", t, "rules", r),
                anchor=rule.id,
            )
        )
    return out


def _wrong_purpose(
    space: Space,
    ordered: Sequence[tuple[int, int, model.DecisionTable, model.SigningRule]],
    regions: Sequence[list[Box]],
    purpose: str,
    words: Names,
) -> list[Raw]:
    if purpose != "approve":
        return []  # a sign rule for documents sent to the government is how their sender signs (部门主要负责人签发)
    issuer = space.index.get(("issuer", None))
    recipient = space.index.get(("recipient", None))
    if issuer is None or recipient is None:
        return []
    idim, rdim = space.dims[issuer], space.dims[recipient]
    lower = idim.mask(lambda a: a not in OUTGOING_ISSUERS)
    inbound = rdim.mask(lambda a: a in INBOUND_RECIPIENTS)
    incoming = Box({issuer: lower, recipient: inbound})
    out: list[Raw] = []
    for k, (t, r, table, rule) in enumerate(ordered):
        if not regions[k]:
            continue
        touches = any(meet(b, incoming) is not None for b in regions[k])
        if purpose == "approve" and not touches:
            message = (
                f"规则{rule_name(rule)}在审批{table_name(table)}中，但只适用于本级政府自己发出的公文"
                f"（{words.region(space, regions[k][0])}）：审批（who_must_approve）问的是部门和下级机关报送本级"
                "政府的公文；请把它放入签发决策表"
            )
        else:
            continue
        out.append(
            Raw(
                "unreachable",
                "warning",
                message,
                (rule.id,),
                witness={"rule": rule.id, "purpose": purpose},
                path=("signing", t, "rules", r),
                anchor=rule.id,
            )
        )
    return out


# ------------------------------------------------------------------------------------- competence


def _competence(spec: model.RulesetFile) -> list[Raw]:
    rules = list(spec.competence)
    if len(rules) < 2:
        return []
    vocab = loader.vocabulary(spec, model.AGENDA_FIELDS)
    conds = [conditions.parse_condition(c.matters, vocab)[0] for c in rules]
    try:
        space = Space(conds, tuple(spec.meetings), None, model.AGENDA_FIELDS, roles=tuple(spec.roles))
        regions = [space.boxes(c) for c in conds]
    except TooComplex:
        return []
    evals = evaluators(conds)
    words = Names(spec)
    out: list[Raw] = []
    for i, a in enumerate(rules):
        for j in range(i + 1, len(rules)):
            b = rules[j]
            if set(a.meetings) & set(b.meetings):
                continue
            boxes = [m for x in regions[i] for y in regions[j] if (m := meet(x, y)) is not None]
            if not boxes:
                continue

            def both(item: Any, i: int = i, j: int = j) -> bool:
                return evals[i](item, None) is True and evals[j](item, None) is True

            witness = _agenda_witness(space, boxes, both)
            if witness is None:
                continue
            out.append(
                Raw(
                    "competence",
                    "error",
                    f"{rule_name(a)}把事项保留给{_meetings(words, a.meetings)}决定，{rule_name(b)}则保留给"
                    f"{_meetings(words, b.meetings)}：同时符合两者的议题（{words.region(space, boxes[0])}）"
                    "没有任何会议可以决定",
                    (a.id, b.id),
                    witness=witness,
                    path=("competence", j),
                    anchor=b.id,
                )
            )
    return out


def _agenda_witness(space: Space, boxes: Sequence[Box], accept: Callable[[Any], bool]) -> dict[str, Any] | None:
    for box in boxes[: limits.MAX_WITNESS_BOXES]:
        for doc in space.witnesses(box):
            try:
                item = AgendaItem(**doc)
            except GovruleError:  # a box value the item refuses: try the next
                continue
            if accept(item):
                return doc
    return None
