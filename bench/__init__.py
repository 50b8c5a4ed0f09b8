"""govrule's benchmark suite: ``python bench/run.py [--quick]`` (see docs/benchmarks.md).

Peers (JsonLogic, Rego, CEL, rule-engine, z3, clingo) are benchmark-only: they come from
the ``bench`` extra and are never imported by govrule itself.
"""
