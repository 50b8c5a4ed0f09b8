"""The YAML fixture format of the contract (section 5): reading files and running their cases.

A fixture file names a ruleset and lists cases; each case names a query, its input
and the fields of the answer it expects. ``run_file`` runs every case and returns one
``CaseResult`` each; ``govrule test`` and the pytest plugin are thin layers over it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .. import _yaml
from ..conditions import as_date
from ..engine import Ruleset
from ..errors import GovruleError, Problem, RulesetError
from ..loader import format_path
from ..problems_zh import say

__all__ = ["QUERIES", "Case", "CaseResult", "FixtureFile", "parse_fixture", "read_fixture", "run_case", "run_file"]

QUERIES: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    # query: (input keys, expect keys)
    # who_must_sign / who_must_approve input: the Document's fields, plus `absent: [roles]` and `path: NAME`.
    "who_must_sign": (
        frozenset(),
        frozenset({"signers", "cosigners", "steps", "rule", "forbidden", "escalation", "alternatives"}),
    ),
    "who_must_approve": (
        frozenset(),
        frozenset({"signers", "cosigners", "steps", "rule", "forbidden", "escalation", "alternatives"}),
    ),
    "who_must_approve_meeting": (frozenset(), frozenset({"signers", "steps", "rule", "forbidden", "escalation"})),
    "stand_in": (frozenset({"role", "rule"}), frozenset({"roles", "kind"})),
    "check_agenda": (
        frozenset({"meeting", "meeting_date", "item"}),
        frozenset({"eligible", "failures", "requirements"}),
    ),
    "deadline": (
        frozenset({"event", "start"}),
        frozenset({"due", "amount", "unit", "max_due", "silence_means_consent"}),
    ),
    "meeting": (
        frozenset({"meeting"}),
        frozenset(
            {
                "members",
                "convener",
                "chair",
                "observers",
                "frequency",
                "quorum",
                "minutes_signers",
                "entrusted_chair",
                "entrusted_convener",
                "observers_as_needed",
                "participants",
                "minutes_formed",
            }
        ),
    ),
    "quorum_met": (frozenset({"meeting", "present", "total"}), frozenset({"result"})),
    "acting_head": (frozenset(), frozenset({"roles"})),
    "leave_approver": (frozenset({"role", "occasion", "meeting"}), frozenset({"roles", "notify", "mode"})),
    "quotas": (frozenset({"role"}), frozenset({"quotas"})),
}
_ALWAYS_EXPECT = frozenset({"error", "rule"})


@dataclasses.dataclass(frozen=True)
class Case:
    """One case of a fixture file."""

    name: str
    query: str
    input: Mapping[str, Any]
    expect: Mapping[str, Any]
    line: int


@dataclasses.dataclass(frozen=True)
class FixtureFile:
    """A parsed fixture file."""

    file: str
    ruleset: str
    cases: tuple[Case, ...]
    line: int = 1


@dataclasses.dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed, or what differed, with the citation of the answer."""

    file: str
    case: Case
    passed: bool
    differences: tuple[str, ...] = ()
    citation: str | None = None

    def describe(self) -> str:
        """One line for a failing case: where, name, expected vs actual, citation."""
        cite = f"（答案依据：{self.citation}）" if self.citation else ""
        return f"{self.file}:{self.case.line}: 用例 {self.case.name!r} 未通过：{'；'.join(self.differences)}{cite}"


def read_fixture(file: str | os.PathLike[str]) -> FixtureFile:
    """Read and check the shape of one fixture file; RulesetError with positions if malformed."""
    name = os.fspath(file)
    text, problems = _yaml.read_source(name)
    if text is None:
        raise RulesetError(problems)
    return parse_fixture(text, name)


def parse_fixture(text: str, name: str = "<fixture>") -> FixtureFile:
    """Check the shape of fixture text (``name``: the file it came from); RulesetError with positions if malformed."""
    loaded, problems = _yaml.load_text(text, name)
    if loaded is None:
        raise RulesetError(problems)
    data = loaded.data

    def problem(path: tuple[str | int, ...], message: str) -> Problem:
        line, col = loaded.where(path)
        return Problem(name, line, col, format_path(path), message)

    errors: list[Problem] = []
    if not isinstance(data, dict):
        raise RulesetError([problem((), say("fixture_not_mapping"))])
    for key in data:
        if key not in ("ruleset", "cases", "$schema", "compose", "calendar"):
            errors.append(problem((key,), say("fixture_unknown_key", key=key, allowed=("ruleset", "cases"))))
    ruleset = data.get("ruleset")
    if not isinstance(ruleset, str):
        errors.append(problem(("ruleset",), say("fixture_ruleset")))
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list):
        errors.append(problem(("cases",), say("fixture_cases")))
        raw_cases = []
    cases = []
    for i, raw in enumerate(raw_cases):
        here: tuple[str | int, ...] = ("cases", i)
        if not isinstance(raw, dict):
            errors.append(problem(here, say("case_not_mapping")))
            continue
        for key in raw:
            if key not in ("name", "query", "input", "expect", "note"):
                allowed_keys = ("name", "query", "input", "expect", "note")
                errors.append(problem((*here, key), say("fixture_unknown_key", key=key, allowed=allowed_keys)))
        query = raw.get("query")
        if not isinstance(query, str) or query not in QUERIES:
            errors.append(problem((*here, "query"), say("unknown_query", query=query, allowed=tuple(QUERIES))))
            continue
        expect = raw.get("expect")
        if not isinstance(expect, dict) or not expect:
            errors.append(problem((*here, "expect"), say("expect_mapping")))
            continue
        allowed = QUERIES[query][1] | _ALWAYS_EXPECT
        for key in expect:
            if key not in allowed:
                errors.append(
                    problem(
                        (*here, "expect", key),
                        say("cannot_check", query=query, key=key, allowed=tuple(sorted(allowed))),
                    )
                )
        inp = raw.get("input") or {}
        if not isinstance(inp, dict):
            errors.append(problem((*here, "input"), say("input_mapping")))
            continue
        line, _ = loaded.where(here)
        cases.append(Case(str(raw.get("name") or f"case {i + 1}"), query, inp, expect, line))
    if errors:
        raise RulesetError(errors)
    line, _ = loaded.where(("ruleset",))
    return FixtureFile(name, str(ruleset), tuple(cases), line)


def _resolve_ruleset(fixture: FixtureFile, load: Callable[[str], Ruleset]) -> Ruleset:
    target = fixture.ruleset
    candidate = os.path.join(os.path.dirname(fixture.file), target)
    if not target.endswith((".yaml", ".yml")) or not os.path.exists(candidate):
        return load(target)
    return load(candidate)


def run_file(file: str | os.PathLike[str], *, load: Callable[[str], Ruleset] | None = None) -> list[CaseResult]:
    """Run every case of a fixture file against its ruleset."""
    from ..registry import load as default_load

    fixture = read_fixture(file)
    rs = _resolve_ruleset(fixture, load or default_load)
    return [run_case(rs, case, fixture.file) for case in fixture.cases]


def iter_cases(files: Sequence[str]) -> Iterator[tuple[FixtureFile, Case]]:
    """Every case of several fixture files, for parametrised tests."""
    for f in files:
        fixture = read_fixture(f)
        for case in fixture.cases:
            yield fixture, case


def _call(rs: Ruleset, case: Case) -> Any:
    inp = dict(case.input)
    q = case.query
    if q in ("who_must_sign", "who_must_approve"):
        absent, path = inp.pop("absent", None), inp.pop("path", None)
        if isinstance(absent, str):
            absent = [absent]  # one role written without brackets
        ask = rs.who_must_sign if q == "who_must_sign" else rs.who_must_approve
        return ask(inp, absent=absent, path=path)
    if q == "who_must_approve_meeting":
        absent = inp.pop("absent", None)
        return rs.who_must_approve_meeting(inp, absent=[absent] if isinstance(absent, str) else absent)
    if q == "stand_in":
        _only(inp, QUERIES[q][0], q)
        return rs.stand_in(inp.get("role"), inp.get("rule"))  # type: ignore[arg-type]
    if q == "check_agenda":
        _only(inp, QUERIES[q][0], q)
        if "meeting" not in inp:
            raise GovruleError(say("case_needs_meeting"))
        return rs.check_agenda(inp.get("item") or {}, inp["meeting"], as_date(inp.get("meeting_date")))
    if q == "deadline":
        _only(inp, QUERIES[q][0], q)
        return rs.deadline(inp.get("event"), as_date(inp.get("start")))  # type: ignore[arg-type]
    if q == "meeting":
        _only(inp, QUERIES[q][0], q)
        return rs.meeting(inp.get("meeting"))  # type: ignore[arg-type]
    if q == "quorum_met":
        _only(inp, QUERIES[q][0], q)
        return rs.quorum_met(inp.get("meeting"), inp.get("present"), inp.get("total"))  # type: ignore[arg-type]
    if q == "acting_head":
        _only(inp, QUERIES[q][0], q)
        return rs.acting_head()
    if q == "leave_approver":
        _only(inp, QUERIES[q][0], q)
        return rs.leave_approver(inp.get("role"), inp.get("occasion"), inp.get("meeting"))  # type: ignore[arg-type]
    if q == "quotas":
        _only(inp, QUERIES[q][0], q)
        return rs.quotas(inp.get("role"))
    raise GovruleError(say("unknown_query", query=q, allowed=tuple(QUERIES)))


def _only(inp: Mapping[str, Any], allowed: frozenset[str], query: str) -> None:
    extra = sorted(set(inp) - allowed)
    if extra:
        raise GovruleError(say("case_unknown_input", query=query, key=extra[0], allowed=tuple(sorted(allowed))))


def _error_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _set(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(map(str, value))
    return value


_NUMERAL = "[一二三四五六七八九十百零〇0-9]+"
_CITATION = re.compile(
    rf"^第?(?P<article>{_NUMERAL})条?"
    rf"(?:第?(?P<paragraph>{_NUMERAL})款)?"
    rf"(?:第?[（(](?P<item>{_NUMERAL})[)）]项?)?$"
)


def _citation_key(text: str) -> tuple[str, str | None, str | None] | None:
    """(article, paragraph, item) of a citation in any of the usual spellings, or None.

    五十六（一）, 五十六(一), 第五十六条第（一）项 and 第五十六条第(一)项 all give ('五十六', None, '一').
    """
    match = _CITATION.match("".join(text.split()))
    if match is None:
        return None
    return match["article"], match["paragraph"], match["item"]


def _rule_matches(expected: Any, rule: Any) -> bool:
    """An expected rule given by id or by citation, at the article level or finer (五十 is not 五十一)."""
    if not isinstance(expected, str) or not expected:
        return False
    if expected in (rule.id, rule.citation):
        return True
    want, got = _citation_key(expected), _citation_key(rule.citation)
    if want is None or got is None or want[0] != got[0]:
        return False
    # A part the expectation leaves out matches any; a part it names must be the rule's.
    return all(w is None or w == g for w, g in zip(want[1:], got[1:], strict=True))


_QUORUM_ZH = {
    "过半数": "more than 1/2",
    "超过半数": "more than 1/2",
    "半数以上": "at least 1/2",
    "三分之二以上": "at least 2/3",
    "超过三分之二": "more than 2/3",
}


def _finding_matches(expected: Any, finding: Any) -> bool:
    """A finding expected as a rule (id or citation), or as ``{rule: ..., status: met|unmet|unknown}``."""
    if isinstance(expected, Mapping):
        if "rule" not in expected or not _rule_matches(expected["rule"], finding.rule):
            return False
        return "status" not in expected or expected["status"] == finding.status
    return _rule_matches(expected, finding.rule)


def _quota_matches(expected: Any, quota: Any) -> bool:
    """A quota expected as a rule, or as a mapping of its fields (roles compare as sets, rule by id or citation)."""
    if not isinstance(expected, Mapping):
        return _rule_matches(expected, quota.rule)
    for k, v in expected.items():
        if k == "rule":
            if not _rule_matches(v, quota.rule):
                return False
        elif k == "roles":
            if _set(v if isinstance(v, list) else [v]) != _set(quota.roles):
                return False
        elif getattr(quota, k, ...) != v:
            return False
    return True


def _quorum_text(text: str) -> str:
    """One spelling of a quorum: 'more_than 1/2', 'more than 1/2', 'more_than_half' and 过半数 compare equal."""
    text = text.strip()
    if text in _QUORUM_ZH:
        return _QUORUM_ZH[text]
    text = text.lower().replace("_", " ").replace("two thirds", "2/3")
    return " ".join("1/2" if w == "half" else w for w in text.split())


_PERIOD_WORDS = {
    ("weeks", 1): ("weekly", "每周"),
    ("weeks", 2): ("biweekly", "fortnightly", "每两周", "每2周"),
    ("months", 1): ("monthly", "每月"),
    ("quarters", 1): ("quarterly", "每季度"),
    ("years", 1): ("yearly", "annually", "每年"),
}


def _frequency_names(freq: Mapping[str, Any] | None) -> set[str]:
    """The spellings a fixture may use for a meeting frequency: 'every 2 weeks', 'biweekly', 每两周一次, as_needed..."""
    if not freq:
        return set()
    if freq.get("as_needed"):
        return {"as needed", "根据需要", "不定期"}
    every, unit = int(freq.get("every") or 0), str(freq.get("unit"))
    names = {f"every {every} {unit}", f"every {every} {unit.rstrip('s')}"}
    if every == 1:
        names.add(f"every {unit.rstrip('s')}")
    times, most = int(freq.get("times") or 1), freq.get("times_max")
    words = _PERIOD_WORDS.get((unit, every), ())
    if most is not None:  # a range: 每月1至2次, 1-2 times a month
        span = {f"{times}至{most}次", f"{times}-{most}次", f"{times}到{most}次"}
        names = {f"{times}-{most} times every {every} {unit}", f"{times}-{most} times every {every} {unit.rstrip('s')}"}
        if every == 1:
            names.add(f"{times}-{most} times a {unit.rstrip('s')}")
        for word in words:
            names |= {f"{word}{s}" for s in span} | {f"{word}召开{s}" for s in span}
        return names
    for word in words:
        names |= {word, f"{word}一次"}
        if times > 1:
            names |= {f"{word}{times}次"}
    return names


def _frequency_text(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def _compare(query: str, expect: Mapping[str, Any], answer: Any, rule: Any) -> list[str]:
    diffs: list[str] = []

    def shown(value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else repr(value)

    def differ(key: str, want: Any, got: Any) -> None:
        diffs.append(f"{key}：应为 {shown(want)}，实际为 {shown(got)}")

    for key, want in expect.items():
        if key == "error":
            continue
        if key == "rule":
            if rule is None or not _rule_matches(want, rule):
                differ("rule", want, f"{rule.id} ({rule.citation})" if rule is not None else None)
            continue
        if query == "quorum_met":
            if answer is not want:
                differ("result", want, answer)
            continue
        if key == "steps":
            got_steps = [(s.action, sorted(s.roles)) for s in answer.steps]
            got_auth = [getattr(s, "authorized_by", None) for s in answer.steps]
            if not isinstance(want, list):
                differ("steps", want, got_steps)
                continue
            want_steps: list[tuple[Any, Any]] = []
            want_auth: list[Any] = []  # a step's `authorized_by`, compared only where the case gives it
            for s in want:
                if isinstance(s, str):
                    want_steps.append((s, None))
                    want_auth.append(...)
                elif isinstance(s, dict):
                    want_steps.append((s.get("action"), sorted(s["roles"]) if "roles" in s else None))
                    want_auth.append(s.get("authorized_by") if "authorized_by" in s else ...)
            same = len(want_steps) == len(got_steps) and all(
                wa == ga and (wr is None or wr == gr) and (w_auth is ... or w_auth == g_auth)
                for (wa, wr), (ga, gr), w_auth, g_auth in zip(want_steps, got_steps, want_auth, got_auth, strict=True)
            )
            if not same:
                shown_steps = [
                    {"action": a, "roles": r, **({"authorized_by": au} if au else {})}
                    for (a, r), au in zip(got_steps, got_auth, strict=True)
                ]
                differ("steps", want, shown_steps)
            continue
        if key == "alternatives":
            names = [a.name for a in answer.alternatives]
            if _set(want if isinstance(want, list) else [want]) != _set(names):
                differ(key, want, names)
            continue
        if key in ("failures", "requirements"):
            got = getattr(answer, key)
            wanted = want if isinstance(want, list) else [want]
            unmatched = [w for w in wanted if not any(_finding_matches(w, f) for f in got)]
            extra = [f for f in got if not any(_finding_matches(w, f) for w in wanted)]
            if unmatched or extra:
                differ(
                    key,
                    wanted,
                    [f"{f.rule.id} ({f.rule.citation})" + (f" {f.status}" if f.status else "") for f in got],
                )
            continue
        if key == "quotas":
            wanted = want if isinstance(want, list) else [want]
            unmatched = [w for w in wanted if not any(_quota_matches(w, q) for q in answer)]
            extra = [q for q in answer if not any(_quota_matches(w, q) for w in wanted)]
            if unmatched or extra:
                differ(key, wanted, [f"{q.rule.id}：{q.bound} {q.amount} {q.unit}/{q.per}" for q in answer])
            continue
        got = getattr(answer, key, None)
        if isinstance(got, dt.date):
            if as_date(want) != got:
                differ(key, want, got.isoformat())
            continue
        if key == "frequency" and isinstance(want, dict):
            got_map = dict(got or {})
            if any(got_map.get(k) != v for k, v in want.items()):
                differ(key, want, got_map)
            continue
        if key == "frequency" and isinstance(want, str):
            if _frequency_text(want) not in _frequency_names(got):
                differ(key, want, dict(got) if got else None)
            continue
        if key == "quorum" and isinstance(want, str) and got is not None:
            if _quorum_text(want) != _quorum_text(got):
                differ(key, want, got)
            continue
        if isinstance(want, list) or isinstance(got, tuple):
            if isinstance(want, str) and isinstance(got, tuple):
                want = [want]  # one role written without brackets
            if _set(want) != _set(got):
                differ(key, want, list(got) if isinstance(got, tuple) else got)
            continue
        if want != got:
            differ(key, want, got)
    return diffs


def run_case(rs: Ruleset, case: Case, file: str = "<fixture>") -> CaseResult:
    """Run one case and compare the answer with what it expects."""
    want_error = case.expect.get("error")
    try:
        answer = _call(rs, case)
    except GovruleError as exc:
        if want_error and want_error in _error_names(exc):
            return CaseResult(file, case, True)
        from ..messages import render

        wanted = f"应报错 {want_error!r}" if want_error else "应得到答案"
        detail = render(exc).replace("\n", "；")
        return CaseResult(file, case, False, (f"{wanted}，实际出错 {type(exc).__name__!r}：{detail}",))
    rule = getattr(answer, "rule", None)
    if case.query == "quorum_met":
        try:
            rule = rs.quorum_rule(case.input.get("meeting"))  # type: ignore[arg-type]
        except GovruleError:
            rule = None
    citation = f"{rule.id} {rule.citation}" if rule is not None else None
    if want_error:
        got = answer.to_dict() if hasattr(answer, "to_dict") else answer
        return CaseResult(file, case, False, (f"应报错 {want_error!r}，实际得到答案 {got!r}",), citation)
    diffs = _compare(case.query, case.expect, answer, rule)
    return CaseResult(file, case, not diffs, tuple(diffs), citation)
