"""govrule: Chinese government work rules (政府工作规则) as declarative, checkable, queryable rulesets.

>>> import govrule
>>> rs = govrule.load("ezhou")
>>> rs.who_must_sign(govrule.Document(issuer="government", kind="request", recipient="higher_government")).signers
('head', 'executive_deputy_head')
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy treats the name as true)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .answers import (
        ActingHead,
        AgendaCheck,
        AlternativeAnswer,
        Deadline,
        Finding,
        LeaveAnswer,
        MeetingInfo,
        QuotaAnswer,
        RuleRef,
        SigningDecision,
        StandIn,
        StepAnswer,
    )
    from .calendar import WorkCalendar, default_calendar, load_calendar_file
    from .consistency import CheckFinding, RulesetLike
    from .engine import Meta, MissingFact, Ruleset
    from .errors import (
        CalendarError,
        GovruleError,
        NoApplicableRule,
        Problem,
        QueryError,
        RulesetError,
        UnknownTerm,
    )
    from .facts import AgendaItem, Document, MeetingRequest
    from .loader import validate
    from .registry import CompositionError, NotInForce, bundled, compose, load, supersession_graph
    from .wire import jsonable

# Each public name and the module that defines it. They are imported on first use (PEP 562),
# so `import govrule` stays cheap for a command line or a hook that needs one of them.
_EXPORTS = {
    "ActingHead": "answers",
    "AgendaCheck": "answers",
    "AlternativeAnswer": "answers",
    "Deadline": "answers",
    "Finding": "answers",
    "LeaveAnswer": "answers",
    "MeetingInfo": "answers",
    "QuotaAnswer": "answers",
    "RuleRef": "answers",
    "SigningDecision": "answers",
    "StandIn": "answers",
    "StepAnswer": "answers",
    "WorkCalendar": "calendar",
    "default_calendar": "calendar",
    "load_calendar_file": "calendar",
    "Meta": "engine",
    "MissingFact": "engine",
    "Ruleset": "engine",
    "CalendarError": "errors",
    "GovruleError": "errors",
    "NoApplicableRule": "errors",
    "Problem": "errors",
    "QueryError": "errors",
    "RulesetError": "errors",
    "UnknownTerm": "errors",
    "AgendaItem": "facts",
    "Document": "facts",
    "MeetingRequest": "facts",
    "validate": "loader",
    "CompositionError": "registry",
    "NotInForce": "registry",
    "bundled": "registry",
    "compose": "registry",
    "load": "registry",
    "supersession_graph": "registry",
    "jsonable": "wire",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'govrule' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "ActingHead",
    "AgendaCheck",
    "AgendaItem",
    "AlternativeAnswer",
    "CalendarError",
    "CompositionError",
    "Deadline",
    "Document",
    "Finding",
    "GovruleError",
    "LeaveAnswer",
    "MeetingInfo",
    "MeetingRequest",
    "Meta",
    "MissingFact",
    "NoApplicableRule",
    "NotInForce",
    "Problem",
    "QueryError",
    "QuotaAnswer",
    "RuleRef",
    "Ruleset",
    "RulesetError",
    "SigningDecision",
    "StandIn",
    "StepAnswer",
    "UnknownTerm",
    "WorkCalendar",
    "__version__",
    "bundled",
    "check",
    "compose",
    "default_calendar",
    "jsonable",
    "load",
    "load_calendar_file",
    "supersession_graph",
    "validate",
]


def check(
    ruleset: RulesetLike, *, base: RulesetLike | None = None, others: Sequence[RulesetLike] = ()
) -> tuple[CheckFinding, ...]:
    """Every consistency finding of a ruleset, or of a supplement composed over ``base``.

    ``ruleset``, ``base`` and each of ``others`` (rulesets checked together with it, for
    supersession between them) are a :class:`Ruleset`, a bundled id, a ruleset file path or a
    :class:`govrule.model.RulesetFile`. The checks are described in :mod:`govrule.consistency`.
    """
    from .consistency import check as _check

    return _check(ruleset, base=base, others=others)
