"""The benchmark's peers give govrule's answers, so their timings compare like with like.

No timing here: each installed peer (the bench extra) is run on every input of the
benchmark's subject table and must answer what govrule answers; a peer that is not
installed is skipped.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ lives beside src/, not in the package

from bench import analysis, peers
from bench.subject import Subject, load_subject


@pytest.fixture(scope="module")
def subject() -> Subject:
    return load_subject()


def test_the_subject_domain_has_answers_of_every_kind(subject: Subject) -> None:
    """The domain reaches every rule of the table that can fire, and inputs no rule answers."""
    decided = {e for e in subject.expected if e is not None and not e.startswith("missing:")}
    assert len(decided) >= subject.n_rules // 2
    assert None in subject.expected


@pytest.mark.parametrize("peer", peers.PEERS, ids=lambda p: p.name)
def test_each_peer_answers_like_govrule_on_the_whole_domain(subject: Subject, peer: peers.Peer) -> None:
    """Every input of the domain gets the same deciding rule (or none) from the peer as from govrule."""
    try:
        decide = peer.build(subject)
    except peers.PeerUnavailable as exc:
        pytest.skip(f"{peer.name}: {exc}")
    wrong: list[tuple[dict[str, Any], str | None, Any]] = []
    for x, want in zip(subject.inputs, subject.expected, strict=True):
        got = decide(x)
        if got != want:
            wrong.append((x, want, got))
    assert not wrong, f"{len(wrong)} of {len(subject.inputs)} differ; first: {wrong[0]}"


@pytest.mark.parametrize(
    ("name", "solve"), [(n, s) for n, _, s in analysis.PEERS], ids=[n for n, _, _ in analysis.PEERS]
)
def test_symbolic_peers_find_the_shadowed_rules_and_gap_govrule_finds(name: str, solve: Any) -> None:
    """On a synthetic first-hit table, z3 and clingo report exactly govrule check's shadowed rules and gap."""
    pytest.importorskip(name)
    checker = importlib.import_module("govrule.consistency")
    spec = checker.synthetic_table(60, 3)
    findings = checker.check(spec)
    shadowed = frozenset(f.witness["rule"] for f in findings if f.kind == "shadowed" and f.witness)
    assert solve(spec) == (shadowed, any(f.kind == "gap" for f in findings))
