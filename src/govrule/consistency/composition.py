"""A supplement over its base: overrides naming missing rules, answers changed by no supplement rule."""

from __future__ import annotations

from typing import Any

from .. import _hints, loader, model, registry
from ..engine import Ruleset
from ..errors import GovruleError, NoApplicableRule
from . import limits
from .boxes import Box, Space, TooComplex, minus
from .findings import Raw
from .tables import parse_when
from .wording import Names, rule_name, rule_names


def compose_for_check(base: model.RulesetFile, sup: model.RulesetFile, *, strict: bool) -> model.RulesetFile:
    if strict:
        return registry.compose(Ruleset(base), Ruleset(sup)).spec
    # Some overrides name rules the base lacks (reported as bad_override): compose the rest.
    base_ids = set(loader.rule_ids(base))
    targets = {t for _, rule in loader._rules(sup) for t in getattr(rule, "overrides", ()) if t in base_ids}
    return registry._compose_specs(base, sup, targets)


def bad_overrides(sup: model.RulesetFile, base: model.RulesetFile) -> list[Raw]:
    base_ids = loader.rule_ids(base)
    out: list[Raw] = []
    rules = list(loader._rules(sup))
    rules += [(("meetings", k), m) for k, m in sup.meetings.items()]
    seen: set[tuple[str, str]] = set()
    for path, rule in rules:
        for j, target in enumerate(getattr(rule, "overrides", ())):
            if target in base_ids or (rule.id, target) in seen:
                continue
            seen.add((rule.id, target))
            close = _hints.close_matches(target, list(base_ids))
            hint = f"（是否应为 '{close[0]}'？）" if close else ""
            out.append(
                Raw(
                    "bad_override",
                    "error",
                    f"{rule_name(rule)}替代（overrides）'{target}'，但基础规则集 {base.id} 中没有这条规则{hint}",
                    (rule.id,),
                    witness={"rule": rule.id, "overrides": target, "base": base.id},
                    path=(*path, "overrides", j),
                    anchor=rule.id,
                )
            )
    return out


def composition_changes(base: model.RulesetFile, sup: model.RulesetFile, composed: model.RulesetFile) -> list[Raw]:
    overridden: dict[str, list[model.Provision]] = {}
    for _, rule in loader._rules(sup):
        for target in getattr(rule, "overrides", ()):
            overridden.setdefault(target, []).append(rule)
    base_tables = [table for table in base.signing if getattr(table, "purpose", "sign") == "sign"]
    base_signing = [(t, r) for t, table in enumerate(base_tables) for r in table.rules]
    if not any(r.id in overridden for _, r in base_signing):
        return []
    sup_rules = [r for table in sup.signing if getattr(table, "purpose", "sign") == "sign" for r in table.rules]
    all_rules = [r for _, r in base_signing] + sup_rules
    conds = {id(r): parse_when(base if i < len(base_signing) else sup, r) for i, r in enumerate(all_rules)}
    meetings = tuple(dict.fromkeys((*base.meetings, *sup.meetings)))
    space = Space(list(conds.values()), meetings)
    try:
        region = {id(r): space.boxes(conds[id(r)]) for r in all_rules}
    except TooComplex:
        return []  # the table's own analysis reports it as too complex
    answered_by_sup = [b for r in sup_rules for b in region[id(r)]]
    base_rs, composed_rs = Ruleset(base), Ruleset(composed)
    sup_ids = {r.id for _, r in loader._rules(sup)}
    words = Names(composed, base, sup)
    out: list[Raw] = []
    earlier_tables: list[Box] = []
    for table in base_tables:
        order = list(table.rules)
        if table.hit_policy == "priority":
            order.sort(key=lambda r: -(r.priority or 0))
        for pos, rule in enumerate(order):
            if rule.id not in overridden:
                continue
            before = earlier_tables + (
                [b for e in order[:pos] for b in region[id(e)]] if table.hit_policy != "unique" else []
            )
            effective = minus(list(region[id(rule)]), before, space.fulls)
            changed = minus(effective, answered_by_sup, space.fulls) if effective else effective
            if not changed:
                continue
            found = _changed_witness(space, changed, base_rs, composed_rs, rule.id, sup_ids)
            if found is None:
                continue
            witness, now = found
            by = overridden[rule.id]
            now_text = f"合并后的规则集按{rule_name(now)}作答" if now is not None else "合并后的规则集没有答案"
            rules = (*(r.id for r in by), rule.id, *((now.id,) if now is not None else ()))
            out.append(
                Raw(
                    "composition_change",
                    "warning",
                    f"{rule_names(by)}替代了{rule_name(rule)}，但对{words.region(space, changed[0])}的公文，"
                    f"补充规定中没有规则作答：{now_text}",
                    tuple(dict.fromkeys(rules)),
                    witness=witness,
                    anchor=by[0].id,
                )
            )
        earlier_tables += [b for r in table.rules for b in region[id(r)]]
    return out


def _changed_witness(
    space: Space, boxes: list[Box], base_rs: Ruleset, composed_rs: Ruleset, old: str, sup_ids: set[str]
) -> tuple[dict[str, Any], Any] | None:
    for box in boxes[: limits.MAX_WITNESS_BOXES]:
        for doc in space.witnesses(box):
            try:
                before = base_rs.who_must_sign(doc)
            except GovruleError:
                continue
            if before.rule.id != old:
                continue
            try:
                after = composed_rs.who_must_sign(doc)
            except NoApplicableRule:
                return doc, None
            except GovruleError:
                continue
            if after.rule.id in sup_ids:
                continue
            rule = next((r for t in composed_rs.spec.signing for r in t.rules if r.id == after.rule.id), None)
            return doc, rule
    return None
