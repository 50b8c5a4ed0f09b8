"""check_agenda and deadline latency on the subject ruleset."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import govrule
from govrule import model

from .signing import Engine

__all__ = ["agenda_engines", "deadline_engine"]

_FLAGS = (
    "reviewed_by_leader_in_charge",
    "approved_by_head",
    "involves_other_departments",
    "consulted",
    "cosigned",
    "disagreement",
    "coordination_note",
    "within_own_authority",
    "ad_hoc",
)


def _items(seed: int = 0) -> list[dict[str, Any]]:
    """Agenda items of every kind, each with facts all true, all false, all unknown, and mixed."""
    rng = random.Random(seed)
    out = []
    for kind in model.AGENDA_KINDS:
        patterns: list[dict[str, Any]] = [
            {f: True for f in _FLAGS}
            | {"procedures_done": list(model.PROCEDURES), "materials_submitted": "2024-05-06"},
            {f: False for f in _FLAGS} | {"procedures_done": [], "materials_submitted": "2024-05-17"},
            {},
        ]
        for _ in range(5):
            patterns.append(
                {f: rng.choice((True, False, None)) for f in _FLAGS}
                | {
                    "procedures_done": rng.sample(model.PROCEDURES, rng.randint(0, len(model.PROCEDURES))),
                    "materials_submitted": rng.choice((None, "2024-05-06", "2024-05-16")),
                }
            )
        out += [{"kind": kind, **p} for p in patterns]
    return out


def agenda_engines(rs: govrule.Ruleset) -> tuple[list[Engine], int]:
    """check_agenda with a prebuilt AgendaItem and with a dict, on every meeting that has agenda rules."""
    meetings = sorted({m for rule in rs.spec.agenda for m in rule.meetings})
    day = dt.date(2024, 5, 20)
    cases = [(item, m, d) for item in _items() for m in meetings for d in (day, None)]
    built = [(govrule.AgendaItem(**item), m, d) for item, m, d in cases]
    errors = (govrule.GovruleError,)

    def ask(case: tuple[Any, str, dt.date | None]) -> Any:
        return rs.check_agenda(case[0], meeting=case[1], meeting_date=case[2])

    return [
        Engine("check_agenda(AgendaItem)", ask, built, govrule.__version__, errors),
        Engine("check_agenda(dict), validation included", ask, cases, govrule.__version__, errors),
    ], len(meetings)


def deadline_engine(rs: govrule.Ruleset) -> Engine:
    """deadline for every event the ruleset sets a time limit for, from each week's Monday of 2024."""
    starts = [dt.date(2024, 1, 1) + dt.timedelta(days=7 * i) for i in range(52)]
    cases = [(event, start) for event in rs.events for start in starts]

    def ask(case: tuple[str, dt.date]) -> Any:
        return rs.deadline(case[0], case[1])

    return Engine("deadline (working-day walk included)", ask, cases, govrule.__version__, (govrule.GovruleError,))
