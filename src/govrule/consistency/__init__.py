"""Consistency checks of rulesets: references, cycles, decision tables, format 2 constructs, supplements.

``check(ruleset)`` returns a tuple of :class:`CheckFinding`, each naming its rules, their
citations, where in the file it is and, where one exists, a concrete input that shows
the problem. The checks, one module each:

* :mod:`~govrule.consistency.references`: ``undefined_reference``, a role, meeting, event or
  rule named but not defined (the loader refuses these in files; compositions and rulesets
  built in memory can have them);
* :mod:`~govrule.consistency.graphs`: ``cycle``, in who stands in for whom (acting head and
  substitutions; declared mutual AB roles are exempt), in who entrusts whom (delegations,
  meeting chair to entrusted chair), in which document supersedes which, or in a
  supplement's overrides;
* :mod:`~govrule.consistency.tables` (over :mod:`~govrule.consistency.boxes`): ``overlap`` /
  ``gap`` / ``shadowed`` in each decision table, analysed as boxes the way DMN verifiers do
  (under hit policy unique, rules with the same answer on a common input are an overlap
  warning: the citation is ambiguous), and ``too_complex`` past a work budget;
* :mod:`~govrule.consistency.format2`: ``unreachable`` rules across tables, ``contradiction``
  between a prohibition and a signing rule, ``escalation``, ``bad_reference`` (``see``),
  ``absence`` and alternatives, ``competence``, ``is_a`` and escalation cycles;
* :mod:`~govrule.consistency.meta`: ``no_deadline`` (a lead time without its deadline),
  ``dates`` (abolished before effective), ``supplement_base`` (a base named by title only),
  supersession cycles among files checked together;
* :mod:`~govrule.consistency.composition`: ``bad_override`` and ``composition_change`` for a
  supplement over its base.

A ruleset records a finding as a known ambiguity of its source by a rule ``note``
containing ``ambiguity: <kind>`` (for example ``ambiguity: overlap``); such findings are
returned with ``recorded=True`` and severity ``info``.

Messages are in Chinese for the people who keep rulesets (:mod:`~govrule.consistency.wording`:
rules by citation with the id in parentheses, roles and meetings by the ruleset's labels, inputs
by their Chinese field names with the condition as written); ``kind``, ``severity``, ``rules`` and
``witness`` stay machine-readable.

``synthetic_table(n_rules, seed)`` builds a random valid table of any size, for
benchmarks; :func:`govrule.consistency.cli.cli_check` is ``govrule check`` as text. Every
step is bounded by the budgets of :mod:`govrule.consistency.limits`.

The package is named ``consistency`` so that ``govrule.check`` stays the function.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .. import loader, model, registry
from ..engine import Ruleset
from ..errors import GovruleError
from .composition import bad_overrides, compose_for_check, composition_changes
from .findings import KINDS, SEVERITIES, CheckFinding, Raw, finish
from .format2 import format2_checks
from .graphs import delegation_cycles, override_cycles, stand_in_cycles, supersession
from .meta import lead_times, meta_dates, supersession_among, supplement_base
from .references import references, refuse_malformed_conditions
from .synthetic import synthetic_table
from .tables import analyse_table

__all__ = ["KINDS", "SEVERITIES", "CheckFinding", "RulesetLike", "check", "synthetic_table"]


RulesetLike = Ruleset | model.RulesetFile | str | os.PathLike[str]


def as_ruleset(value: RulesetLike, name: str) -> tuple[model.RulesetFile, loader.Source | None, str]:
    if isinstance(value, Ruleset):
        return value.spec, value.source, value.id
    if isinstance(value, model.RulesetFile):
        return value, None, value.id
    if isinstance(value, str | os.PathLike):
        rs = registry.load(value)
        return rs.spec, rs.source, rs.id
    raise GovruleError(f"{name}={value!r}: expected a govrule.Ruleset, a bundled id or a ruleset file path")


def check(
    ruleset: RulesetLike, *, base: RulesetLike | None = None, others: Sequence[RulesetLike] = ()
) -> tuple[CheckFinding, ...]:
    """Every consistency finding of a ruleset, or of a supplement composed over ``base``.

    ``others`` are further rulesets checked together with this one (``govrule check a.yaml
    b.yaml``): two of them that supersede each other are a cycle.
    """
    spec, source, _ = as_ruleset(ruleset, "ruleset")
    refuse_malformed_conditions(spec, source)
    together: list[model.RulesetFile] = []
    for other in others:
        try:
            together.append(as_ruleset(other, "others")[0])
        except GovruleError:
            continue  # a file that does not load is its own finding, not this ruleset's
    raws: list[Raw] = own_checks(spec)
    raws += supersession_among(spec, [o for o in together if o is not spec and o.id != spec.id])
    if base is None:
        raws += check_spec(spec, composed=False)
        raws += supersession(spec)
        raws += override_cycles(spec)
        sources = [source] if source is not None else []
        return finish(raws, spec, source, sources, [spec])
    base_spec, base_source, _ = as_ruleset(base, "base")
    refuse_malformed_conditions(base_spec, base_source)
    own = supersession(spec) + override_cycles(spec)
    bad = bad_overrides(spec, base_spec)
    for raw in (*raws, *own, *bad):
        raw.part = spec.id
    for raw in (theirs := supersession(base_spec)):
        raw.part = base_spec.id
    raws += own + theirs + bad
    composed = compose_for_check(base_spec, spec, strict=not bad)
    raws += check_spec(composed, composed=True)
    raws += composition_changes(base_spec, spec, composed)
    sources = [s for s in (source, base_source) if s is not None]
    return finish(raws, composed, None, sources, [spec, base_spec, composed])


def own_checks(spec: model.RulesetFile) -> list[Raw]:
    """Checks of one file as written (not of a composition): lead times, dates, how a supplement names its base."""
    return lead_times(spec) + meta_dates(spec) + supplement_base(spec)


def check_spec(spec: model.RulesetFile, *, composed: bool) -> list[Raw]:
    raws = references(spec, composed=composed)
    raws += stand_in_cycles(spec)
    raws += delegation_cycles(spec)
    for t, table in enumerate(spec.signing):
        raws += analyse_table(spec, t, table)
    raws += format2_checks(spec, composed=composed)
    return raws
