"""A synthetic table, for benchmarks and for testing the analysis at scale."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Literal

from .. import model
from ..errors import GovruleError

__all__ = ["synthetic_table"]


_SYNTH_MEETINGS = ("plenary", "executive", "head_office", "topical", "study")
_SYNTH_SIGNERS = ("head", "executive_deputy_head", "deputy_head_in_charge", "secretary_general")


def synthetic_table(
    n_rules: int,
    seed: int = 0,
    *,
    hit_policy: Literal["first", "unique", "priority"] = "first",
) -> model.RulesetFile:
    """A valid ruleset with one complete signing table of ``n_rules`` random rules.

    The rules test five enumerated columns (issuer, kind, recipient, decided_by,
    meeting), a boolean (major) and an integer threshold (portfolio_count); each rule
    tests two columns chosen at random and each other column with probability 0.3,
    leaving the rest as wildcards. The same ``n_rules`` and ``seed`` always give the
    same table.
    """
    if isinstance(n_rules, bool) or not isinstance(n_rules, int) or n_rules < 1:
        raise GovruleError(f"n_rules={n_rules!r}: expected a whole number of rules, 1 or more")
    if hit_policy not in ("first", "unique", "priority"):
        raise GovruleError(f"hit_policy={hit_policy!r}: expected first, unique or priority")
    rng = random.Random(seed)
    columns: list[tuple[str, Sequence[str]]] = [
        ("issuer", model.ISSUERS),
        ("kind", model.DOCUMENT_KINDS),
        ("recipient", model.RECIPIENTS),
        ("decided_by", _SYNTH_MEETINGS),
        ("meeting", _SYNTH_MEETINGS),
    ]
    rules: list[dict[str, Any]] = []
    for i in range(n_rules):
        when: dict[str, Any] = {}
        # At least two of the seven columns are tested; the rest are wildcards.
        tested = set(rng.sample(range(7), 2)) | {c for c in range(7) if rng.random() < 0.3}
        for c, (name, values) in enumerate(columns):
            if c in tested:
                picked = rng.sample(list(values), rng.randint(1, 3))
                when[name] = picked[0] if len(picked) == 1 else picked
        if 5 in tested:
            when["major"] = rng.random() < 0.5
        if 6 in tested:
            when["portfolio_count"] = {"gte": rng.randint(1, 4)}
        rule: dict[str, Any] = {
            "id": f"synthetic.r{i}",
            "cite": f"第{i + 1}条",
            "text": f"合成规则 {i + 1}",
            "when": when,
            "steps": [{"action": "sign", "roles": [rng.choice(_SYNTH_SIGNERS)]}],
        }
        if hit_policy == "priority":
            rule["priority"] = rng.randint(1, 10)
        rules.append(rule)
    data = {
        "id": "synthetic",
        "kind": "base",
        "meta": {
            "title": f"合成决策表（{n_rules}条，种子{seed}）",
            "jurisdiction": "合成市",
            "level": "city",
            "source": "synthetic",
        },
        "roles": {r: {"label": model.ROLES[r]} for r in _SYNTH_SIGNERS},
        "meetings": {
            m: {"id": f"meeting.{m}", "cite": "一", "text": model.MEETINGS[m], "label": model.MEETINGS[m]}
            for m in _SYNTH_MEETINGS
        },
        "signing": [{"id": "synthetic", "hit_policy": hit_policy, "complete": True, "rules": rules}],
    }
    return model.RulesetFile.model_validate(data)
