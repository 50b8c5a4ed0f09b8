"""Signing and approval outcomes beyond the plain procedure (format 2).

The engine finds the deciding rule of a signing, approval or meeting-approval table; this
module turns a rule into its answer and adjusts an answer for a named alternative path
(``path="urgent"``) or for absent roles (``absent={"head"}``), and answers who stands in for
a role. Nothing here invents a signer: a role that is away is replaced only by what a rule
of the text says (an absence path of the rule, or a substitution scoped to it or general).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .answers import AlternativeAnswer, RuleRef, SigningDecision, StandIn, StepAnswer
from .errors import GovruleError, NoApplicableRule

if TYPE_CHECKING:
    from . import model

__all__ = ["RoleHierarchy", "SigningRules", "article_of"]

RefMaker = Callable[[Any], RuleRef]


class RoleHierarchy:
    """The ``is_a`` relation between a ruleset's roles, transitively closed."""

    def __init__(self, roles: Mapping[str, model.Role]) -> None:
        ancestors: dict[str, tuple[str, ...]] = {}
        for key in roles:
            seen: list[str] = []
            todo = list(roles[key].is_a)
            while todo:
                parent = todo.pop(0)
                if parent in seen or parent == key:
                    continue
                seen.append(parent)
                todo.extend(roles[parent].is_a if parent in roles else ())
            ancestors[key] = tuple(seen)
        self._ancestors = ancestors
        descendants: dict[str, list[str]] = {}
        for key, ups in ancestors.items():
            for up in ups:
                descendants.setdefault(up, []).append(key)
        self._descendants = {k: tuple(v) for k, v in descendants.items()}

    def ancestors(self, role: str) -> tuple[str, ...]:
        """The roles ``role`` is a case of, nearest first (empty when none)."""
        return self._ancestors.get(role, ())

    def descendants(self, role: str) -> tuple[str, ...]:
        """The roles that are a case of ``role``."""
        return self._descendants.get(role, ())

    def is_a(self, role: str, ancestor: str) -> bool:
        """Whether ``role`` is ``ancestor`` or a case of it."""
        return role == ancestor or ancestor in self._ancestors.get(role, ())

    @property
    def empty(self) -> bool:
        """True when no role declares ``is_a``."""
        return not self._descendants


def _steps(steps: Iterable[model.Step]) -> tuple[StepAnswer, ...]:
    return tuple(StepAnswer(s.action, s.roles, s.quantifier, s.note, s.authorized_by, s.discretionary) for s in steps)


def _outcome(steps: tuple[StepAnswer, ...], purpose: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Signers (the last non-discretionary signing step), co-signers and the discretionary escalation."""
    acts = ("sign",) if purpose == "sign" else ("sign", "approve")
    firm = [s for s in steps if not s.discretionary]
    deciding = [s for s in firm if s.action in acts]
    signers = deciding[-1].roles if deciding else ()
    cosigners = tuple(dict.fromkeys(r for s in firm if s.action == "cosign" for r in s.roles))
    escalation = tuple(dict.fromkeys(r for s in steps if s.discretionary for r in s.roles))
    return signers, cosigners, escalation


class SigningRules:
    """Every rule of the signing, approval and meeting tables, by id, for building and adjusting answers."""

    def __init__(
        self,
        spec: model.RulesetFile,
        rule_ref: RefMaker,
        labels: Mapping[str, str],
        hierarchy: RoleHierarchy,
    ) -> None:
        self._spec = spec
        self._ref = rule_ref
        self._labels = labels
        self._hierarchy = hierarchy
        self._rules: dict[str, tuple[model.SigningRule, model.DecisionTable]] = {}
        for table in spec.signing:
            for rule in table.rules:
                self._rules.setdefault(rule.id, (rule, table))

    # ------------------------------------------------------------------ building answers

    def _target(self, rule: model.SigningRule) -> tuple[model.SigningRule, RuleRef | None]:
        """The rule whose outcome ``rule`` has: itself, or what its ``see:`` chain ends at."""
        seen = {rule.id}
        current = rule
        first_ref: RuleRef | None = None
        while current.see is not None:
            entry = self._rules.get(current.see)
            if entry is None or entry[0].id in seen:
                raise GovruleError(f"rule {rule.id}: see: {current.see!r} does not lead to a procedure")
            current = entry[0]
            seen.add(current.id)
            if first_ref is None:
                first_ref = self._ref(current)
        return current, first_ref

    def decision(self, rule: model.SigningRule, table: model.DecisionTable) -> SigningDecision:
        """The answer a rule gives when it decides."""
        target, see = self._target(rule)
        ref = self._ref(rule)
        if target.forbidden:
            return SigningDecision(
                (), (), (), ref, table.id, labels=self._labels, forbidden=True, see=see, purpose=table.purpose
            )
        steps = _steps(target.steps)
        signers, cosigners, escalation = _outcome(steps, table.purpose)
        alternatives = tuple(
            AlternativeAnswer(a.name, a.label, _steps(a.steps), self._path_ref(target, a.cite, a.text, a.note))
            for a in (rule.alternatives or target.alternatives)
        )
        return SigningDecision(
            signers,
            cosigners,
            steps,
            ref,
            table.id,
            labels=self._labels,
            escalation=escalation,
            alternatives=alternatives,
            see=see,
            purpose=table.purpose,
        )

    def _path_ref(self, rule: model.SigningRule, cite: str | None, text: str | None, note: str | None) -> RuleRef:
        ref = self._ref(rule)
        if cite is None and text is None and note is None:
            return ref
        return dataclasses.replace(
            ref, citation=cite or ref.citation, text=text or ref.text, note=note or ref.note, also_cite=()
        )

    # ------------------------------------------------------------------ adjusting answers

    def adjust(
        self, decision: SigningDecision, query: str, given: Any, absent: frozenset[str], path: str | None
    ) -> SigningDecision:
        """The answer along a named alternative path and/or with some roles away."""
        if decision.forbidden:
            return decision  # a prohibition holds whoever is away and whatever the urgency
        if path is not None:
            alt = next((a for a in decision.alternatives if a.name == path), None)
            if alt is None:
                have = ", ".join(a.name for a in decision.alternatives) or "none"
                raise NoApplicableRule(
                    query,
                    given,
                    f"rule {decision.rule.id} ({decision.rule.citation}) has no path {path!r}; its paths: {have}",
                    reason="no_path",
                    rule=decision.rule,
                    path=path,
                    paths=tuple(a.name for a in decision.alternatives),
                )
            steps = alt.steps
            signers, cosigners, escalation = _outcome(steps, decision.purpose)
            entry = self._rules.get(decision.rule.id)
            if not signers and decision.also and entry is not None:
                # A supplement's path that names no signer, in a composed answer: the base's steps that
                # followed the supplement's own procedure (who signs) still follow the path.
                steps = (*steps, *decision.steps[len(entry[0].steps) :])
                signers, cosigners, escalation = _outcome(steps, decision.purpose)
            decision = dataclasses.replace(
                decision, steps=steps, signers=signers, cosigners=cosigners, escalation=escalation, path=path
            )
        if absent:
            decision = self._without(decision, query, given, absent)
        return decision

    def _without(self, decision: SigningDecision, query: str, given: Any, absent: frozenset[str]) -> SigningDecision:
        entry = self._rules.get(decision.rule.id)
        involved = {r for s in decision.steps if not s.discretionary for r in s.roles}
        away = tuple(sorted(r for r in absent if r in involved))
        if not away or entry is None:
            return decision
        rule, _ = entry
        target, _ = self._target(rule)
        # 1. The rule's own absence path (州长外出时由常务副州长签发); in the normal procedure only.
        if decision.path is None:
            for own in (rule, target):
                for p in own.absent:
                    if any(self._hierarchy.is_a(a, r) for a in away for r in p.roles):
                        steps = _steps(p.steps)
                        signers, cosigners, escalation = _outcome(steps, decision.purpose)
                        ref = self._path_ref(own, p.cite, p.text, p.note)
                        adjusted = dataclasses.replace(
                            decision,
                            steps=steps,
                            signers=signers,
                            cosigners=cosigners,
                            escalation=escalation,
                            absent=away,
                            absence=ref,
                        )
                        still = {r for s in steps if not s.discretionary for r in s.roles} & absent
                        if still:  # the path names someone who is away too: replace them as below
                            return self._replace(adjusted, rule, query, given, absent)
                        return adjusted
        return self._replace(dataclasses.replace(decision, absent=away), rule, query, given, absent)

    def _substitution(self, role: str, rule: model.SigningRule) -> model.SubstitutionRule | None:
        """The substitution for ``role`` that applies to ``rule``: scoped to it (its id or article) before
        general ones, and within each, one written for the role itself before one for a broader role."""
        ranked = self._substitutions(role, rule)
        return ranked[0] if ranked else None

    def _substitutions(self, role: str, rule: model.SigningRule | None) -> list[model.SubstitutionRule]:
        """The substitutions for ``role``, most specific first; with ``rule``, those scoped elsewhere are left out.

        With a rule: scoped to it, then general. Without: general, then scoped ones. Within each,
        those written for the role itself come before those for a broader role (``is_a``).
        """
        ranked = []
        for order, sub in enumerate(self._spec.substitutions):
            if not self._hierarchy.is_a(role, sub.role):
                continue
            if sub.applies_to and rule is not None and not _scoped_to(sub, rule):
                continue
            scoped_first = bool(sub.applies_to) == (rule is not None)
            ranked.append(((0 if scoped_first else 2) + (0 if sub.role == role else 1), order, sub))
        return [sub for _, _, sub in sorted(ranked, key=lambda x: (x[0], x[1]))]

    def _replace(
        self, decision: SigningDecision, rule: model.SigningRule, query: str, given: Any, absent: frozenset[str]
    ) -> SigningDecision:
        steps = []
        used: RuleRef | None = decision.absence
        for step in decision.steps:
            gone = [r for r in step.roles if r in absent]
            if not gone or step.discretionary:
                steps.append(step)
                continue
            roles: list[str] = []
            missing: list[str] = []
            for r in step.roles:
                if r not in absent:
                    roles.append(r)
                    continue
                sub = self._substitution(r, rule)
                stand = [s for s in sub.substitutes if s not in absent] if sub is not None else []
                if stand:
                    roles.extend(stand)
                    used = used or self._ref(sub)
                else:
                    missing.append(r)
            roles = list(dict.fromkeys(roles))
            if missing and (step.mode == "all" or not roles):
                who = ", ".join(missing)
                raise NoApplicableRule(
                    query,
                    given,
                    f"rule {decision.rule.id} ({decision.rule.citation}) needs {who} to {step.action}, who is away, "
                    "and the text does not say who acts instead",
                    reason="absent_no_substitute",
                    rule=decision.rule,
                    who=tuple(missing),
                    who_labels={r: self._labels.get(r, "") for r in missing},
                    action=step.action,
                )
            authorized_by = step.authorized_by if step.authorized_by in roles else None
            steps.append(dataclasses.replace(step, roles=tuple(roles), authorized_by=authorized_by))
        new_steps = tuple(steps)
        signers, cosigners, escalation = _outcome(new_steps, decision.purpose)
        return dataclasses.replace(
            decision, steps=new_steps, signers=signers, cosigners=cosigners, escalation=escalation, absence=used
        )

    # ------------------------------------------------------------------ stand-ins

    def stand_in(self, role: str, rule_id: str | None) -> StandIn:
        """Who stands in for ``role``: substitutions (scoped to ``rule_id`` first), delegations, acting head."""
        rule = self._rules[rule_id][0] if rule_id is not None else None
        found = [
            StandIn(role, sub.substitutes, sub.kind, self._ref(sub), sub.applies_to, labels=self._labels)
            for sub in self._substitutions(role, rule)
        ]
        for dele in self._spec.delegations:
            if self._hierarchy.is_a(role, dele.role):
                found.append(StandIn(role, dele.delegates, "delegation", self._ref(dele), labels=self._labels))
        acting = self._spec.acting_head
        if acting is not None and self._hierarchy.is_a(role, "head"):
            found.append(StandIn(role, acting.roles, "acting_head", self._ref(acting), labels=self._labels))
        if not found:
            raise NoApplicableRule(
                "stand_in",
                {"role": role, "rule": rule_id},
                "the text does not say who stands in for this role",
                reason="no_stand_in",
                role_label=self._labels.get(role),
            )
        return dataclasses.replace(found[0], others=tuple(found[1:]))


def _scoped_to(sub: model.SubstitutionRule, rule: model.SigningRule) -> bool:
    """Whether a substitution's ``applies_to`` names the rule (its id) or its article."""
    return rule.id in sub.applies_to or article_of(rule.cite) in {article_of(a) for a in sub.applies_to}


def article_of(cite: str) -> str:
    """The article part of a cite (五十六（一） -> 五十六; 第三十二条第二款 -> 三十二)."""
    head = cite.split("（", 1)[0].split("(", 1)[0]
    head = head.removeprefix("第")
    return head.split("条", 1)[0]
