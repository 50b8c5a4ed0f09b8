"""A synthetic archive with violations of every kind planted at known rows.

Built from a ruleset's own answers, with the vocabulary the hypothesis strategies draw from
(`govrule.model`'s issuers, kinds and recipients, the ruleset's roles and meetings, and the
strategies' portfolio words): every document shape the ruleset answers is a candidate; a
clean record follows the answer exactly (signed by a signer, co-signed and reviewed by the
roles its steps name, issued on time); a planted record breaks exactly one thing. The audit
of such an archive must report exactly the planted findings: `Archive.planted` lists them
as (row, kind).

Columns are built as dictionary arrays from index vectors, so millions of records take
seconds (the benchmarks use this).

Run as a module to write an archive (and a CSV of the planted findings next to it)::

    python -m govrule.audit.synth ezhou archive.parquet --records 100000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .. import model
from ..answers import SigningDecision
from ..engine import MissingFact, Ruleset
from ..errors import GovruleError, NoApplicableRule
from ..facts import AgendaItem, Document
from ..registry import load
from .records import FINDING_KINDS

__all__ = ["Archive", "generate", "write"]

_PORTFOLIOS = ((), ("portfolio_a", "portfolio_b"))  # words of govrule.testing.strategies: none, or two portfolios
_BOOLS = ("major", "important", "broad_scope", "routine_approval", "entrusted")
_AGENDA_FLAGS = tuple(n for n, k in model.AGENDA_FIELDS.items() if k == "bool")
_FIRST_DAY = dt.date(2019, 1, 1)
_LAST_DAY = dt.date(2025, 10, 31)


@dataclasses.dataclass(frozen=True)
class Archive:
    """A generated archive: the records and the findings planted in them, as (row, kind), rows 1-based."""

    table: pa.Table
    planted: tuple[tuple[int, str], ...]
    kinds: tuple[str, ...]  # the kinds this ruleset allowed planting


@dataclasses.dataclass
class _Variant:
    """One kind of record: its facts and what happened, except the dates."""

    facts: dict[str, Any]
    planted: str | None = None
    meeting: bool = False  # decided at a meeting: has a meeting date, issued on time unless planted late
    date: str = "in_force"  # in_force | before | unreadable
    day: int | None = None  # a fixed meeting day (ordinal), for agenda records checked on that day
    repeat: bool = False  # takes the id of the record before it (a bad row; the earlier record is judged)


def _steps(d: SigningDecision) -> tuple[list[str], list[str], list[str], str | None]:
    signers: list[str] = []
    cosigners: list[str] = []
    reviewers: list[str] = []
    authorizer = None
    for step in d.steps:
        if getattr(step, "discretionary", False):
            continue  # taken only 必要时: a clean record may leave it out, and leaving it out is no violation
        roles = list(step.roles) if step.mode == "all" else list(step.roles[:1])
        if step.action == "sign":
            signers = roles
            authorizer = step.authorized_by
        elif step.action == "cosign":
            cosigners += roles
        elif step.action in ("review", "approve"):
            reviewers += roles
    return signers, cosigners, reviewers, authorizer


_shape_cache: dict[tuple[str, str | None], dict[str, list[tuple[dict[str, Any], Any]]]] = {}


def _shapes(rs: Ruleset, meeting: str | None) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    """Document shapes by what the ruleset answers for them (computed once per ruleset revision)."""
    hit = _shape_cache.get((rs.revision, meeting))
    if hit is None:
        hit = _shape_cache[(rs.revision, meeting)] = _enumerate_shapes(rs, meeting)
    return hit


def _enumerate_shapes(rs: Ruleset, meeting: str | None) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    out: dict[str, list[tuple[dict[str, Any], Any]]] = {"ok": [], "forbidden": [], "no_rule": []}
    for issuer, kind, recipient, portfolios, major, broad, decided in itertools.product(
        model.ISSUERS,
        model.DOCUMENT_KINDS,
        model.RECIPIENTS,
        _PORTFOLIOS,
        (False, True),
        (False, True),
        (None, meeting),
    ):
        facts: dict[str, Any] = {
            "issuer": issuer,
            "kind": kind,
            "recipient": recipient,
            "portfolios": portfolios,
            "decided_by": decided,
            **dict.fromkeys(_BOOLS, False),
            "major": major,
            "broad_scope": broad,
        }
        if decided is not None and kind == "minutes":
            continue
        try:
            d = rs.who_must_sign(Document(**facts))
        except MissingFact:
            continue
        except NoApplicableRule:
            out["no_rule"].append((facts, None))
            continue
        except GovruleError:
            continue
        if getattr(d, "forbidden", False):
            out["forbidden"].append((facts, d))
        elif getattr(d, "requirements", ()):
            continue  # e.g. content only certain meetings may decide: not a clean shape as it stands
        elif any(s.action == "sign" for s in d.steps):
            out["ok"].append((facts, d))
    # A document decided by a meeting not entitled to decide its content (format 2 competence): forbidden.
    competence = frozenset(c.id for c in getattr(rs.spec, "competence", ()))
    others = [m for m in rs.meetings if m != meeting]
    for facts, _ in out["ok"]:
        if len(out["forbidden"]) >= 3:
            break
        if facts["decided_by"] is not None or facts["kind"] == "minutes":
            continue
        for other in others:
            try:
                d = rs.who_must_sign({**facts, "decided_by": other})
            except GovruleError:
                continue
            reqs: tuple[Any, ...] = getattr(d, "requirements", ())
            if len(reqs) == 1 and reqs[0].rule.id in competence and not getattr(d, "forbidden", False):
                out["forbidden"].append(({**facts, "decided_by": other}, d))
                break
    # Facts a Document may leave unknown (format 2's true/false facts): set one on a few answered shapes;
    # where that makes the text forbid the document, a forbidden shape is found.
    optional = [n for n, k in model.DOCUMENT_FIELDS.items() if k == "bool" and n not in _BOOLS]
    for name in optional:
        for facts, _ in out["ok"][:300]:
            if len(out["forbidden"]) >= 3:
                break
            try:
                d = rs.who_must_sign({**facts, name: True})
            except GovruleError:
                continue
            if getattr(d, "forbidden", False):
                out["forbidden"].append(({**facts, name: True}, d))
    return out


def _role_name(rs: Ruleset, role: str, i: int) -> str:
    """Alternately the role's id and its Chinese label (where the label names only this role), so both are read."""
    label = rs.roles.get(role)
    if i % 2 and label is not None and rs.role(label) == role:
        return label
    return role


def _record(rs: Ruleset, facts: dict[str, Any], d: SigningDecision, i: int) -> dict[str, Any]:
    signers, cosigners, reviewers, _ = _steps(d)
    return {
        **facts,
        "record": "document",
        "signed_by": [_role_name(rs, r, i) for r in signers],
        "cosigned_by": [_role_name(rs, r, i) for r in cosigners],
        "reviewed_by": [_role_name(rs, r, i) for r in reviewers],
        "authorized": True,
    }


def _outsider(rs: Ruleset, d: SigningDecision) -> str | None:
    named = {r for s in d.steps for r in s.roles}
    for role in rs.roles:
        if role not in named and role not in model.RELATIONAL_ROLES:
            return role
    return None


def _agenda_variants(rs: Ruleset, meeting: str, day: dt.date) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A clean agenda record and one missing a step, for ``meeting``, where the ruleset allows."""
    base: dict[str, Any] = {
        "kind": "report",
        **dict.fromkeys(_AGENDA_FLAGS, True),
        "disagreement": False,
        "ad_hoc": False,
        "procedures_done": tuple(model.PROCEDURES),
        "materials_submitted": day - dt.timedelta(days=30),
        "subject_matter": (),
    }
    candidates = [base, {**base, "within_own_authority": False}, {**base, "kind": "major_decision"}]
    clean = None
    for c in candidates:
        try:
            a = rs.check_agenda(AgendaItem(**c), meeting, day)
        except GovruleError:
            return None, None
        if a.eligible:
            clean = c
            break
    if clean is None:
        return None, None
    for flag in _AGENDA_FLAGS:
        if flag in ("disagreement", "ad_hoc"):
            continue
        broken = {**clean, flag: False}
        a = rs.check_agenda(AgendaItem(**broken), meeting, day)
        if a.failures and all(not f.missing and not getattr(f, "competence", False) for f in a.failures):
            return clean, broken
    return clean, None


def generate(
    ruleset: Ruleset | str,
    records: int = 10_000,
    *,
    every: int = 97,
    seed: int = 0,
    lists: str = "native",
) -> Archive:
    """An archive of ``records`` records with one planted finding every ``every`` rows.

    Args:
        ruleset: The ruleset the archive is judged under (its in-force date must be known).
        records: How many records.
        every: A planted record every this many rows (the kinds take turns).
        seed: Random seed; the same arguments give the same archive.
        lists: ``native`` (list columns) or ``text`` (``;``-separated text, as in CSV).
    """
    rs = ruleset if isinstance(ruleset, Ruleset) else load(ruleset)
    rng = np.random.default_rng(seed)
    start = max(rs.meta.in_force_from or _FIRST_DAY, _FIRST_DAY)
    meeting = "executive" if "executive" in rs.meetings else (rs.meetings[0] if rs.meetings else None)
    has_deadline = "meeting_documents_issuance" in rs.events
    shapes = _shapes(rs, meeting)
    ok = shapes["ok"]
    if not ok:
        raise GovruleError(f"{rs.id}: no document shape has a signing answer to build records from")
    plain = [(f, d) for f, d in ok if f["decided_by"] is None]
    at_meeting = [(f, d) for f, d in ok if f["decided_by"] is not None]
    # A few hundred shapes are plenty; keep them in a stable random order so every kind of answer is drawn.
    plain = [plain[i] for i in sorted(rng.permutation(len(plain))[:400].tolist())]
    at_meeting = [at_meeting[i] for i in sorted(rng.permutation(len(at_meeting))[:100].tolist())]

    variants: list[_Variant] = [_Variant(_record(rs, f, d, i)) for i, (f, d) in enumerate(plain)]
    if has_deadline:
        variants += [_Variant(_record(rs, f, d, i), meeting=True) for i, (f, d) in enumerate(at_meeting)]
    clean_count = len(variants)

    planted_variants: dict[str, list[_Variant]] = {}

    def plant(kind: str, v: _Variant) -> None:
        v.planted = kind
        planted_variants.setdefault(kind, []).append(v)

    for i, (f, d) in enumerate(plain):
        rec = _record(rs, f, d, i)
        _, cosigners, reviewers, _ = _steps(d)
        outsider = _outsider(rs, d)
        if outsider is not None and len(planted_variants.get("wrong_signer", [])) < 5:
            plant("wrong_signer", _Variant({**rec, "signed_by": [_role_name(rs, outsider, i)]}))
        if cosigners and len(planted_variants.get("missing_cosigner", [])) < 5:
            plant("missing_cosigner", _Variant({**rec, "cosigned_by": []}))
        if reviewers and len(planted_variants.get("missing_step", [])) < 5:
            plant("missing_step", _Variant({**rec, "reviewed_by": []}))
        if len(planted_variants.get("unknown_fact", [])) < 3:
            plant("unknown_fact", _Variant({**rec, "signed_by": None}))
    if has_deadline and at_meeting:
        f, d = at_meeting[0]
        plant("late", _Variant(_record(rs, f, d, 0), meeting=True))
    # A document a meeting decided carries the meeting's date (issued on time), so its time limit can be checked.
    for i, (f, d) in enumerate(shapes["forbidden"][:3]):
        plant("forbidden", _Variant(_record(rs, f, d, i), meeting=has_deadline and f["decided_by"] is not None))
    for f, _ in shapes["no_rule"][:3]:
        plant(
            "no_rule",
            _Variant(
                {**f, "record": "document", "signed_by": ["head"], "cosigned_by": [], "reviewed_by": []},
                meeting=has_deadline and f["decided_by"] is not None,
            ),
        )
    first = variants[0].facts
    if rs.meta.in_force_from is not None:
        plant("not_in_force", _Variant(dict(first), date="before"))
    plant("bad_row", _Variant(dict(first), date="unreadable"))
    plant("bad_row", _Variant({**first, "signed_by": ["不存在的职务"]}))
    plant("bad_row", _Variant(dict(first), repeat=True))
    if meeting is not None:
        day = start + dt.timedelta(days=400)
        clean_item, broken_item = _agenda_variants(rs, meeting, day)
        if clean_item is not None:
            agenda = {**clean_item, "record": "agenda", "meeting": meeting}
            variants.append(_Variant(agenda, meeting=True, day=day.toordinal()))
            clean_count += 1
        if broken_item is not None:
            agenda = {**broken_item, "record": "agenda", "meeting": meeting}
            plant("missing_step", _Variant(agenda, meeting=True, day=day.toordinal()))

    kinds = tuple(k for k in FINDING_KINDS if k in planted_variants)
    planted_list = [v for k in kinds for v in planted_variants[k]]
    all_variants = variants + planted_list

    # Which variant each row is: clean ones at random, a planted one every `every` rows, the kinds in turn.
    which = rng.integers(0, clean_count, size=records)
    planted_rows = np.arange(every - 1, records, every)
    by_kind: dict[str, list[int]] = {}
    for idx in range(clean_count, len(all_variants)):
        by_kind.setdefault(all_variants[idx].planted or "", []).append(idx)
    turn = [
        by_kind[kinds[j % len(kinds)]][(j // len(kinds)) % len(by_kind[kinds[j % len(kinds)]])]
        for j in range(len(planted_rows))
    ]
    which[planted_rows] = np.asarray(turn, dtype=np.int64)

    # Dates: issued on a random day in force; a meeting 3-11 days before, its documents issued on time.
    day0 = start.toordinal()
    issued = day0 + 20 + rng.integers(0, (_LAST_DAY - start).days - 40, size=records)
    meeting_day = issued - rng.integers(3, 12, size=records)
    kind_of = np.array([v.planted or "" for v in all_variants], dtype=object)
    at_meeting_v = np.array([v.meeting for v in all_variants])
    fixed = np.array([v.day or 0 for v in all_variants], dtype=np.int64)[which]
    meeting_day = np.where(fixed > 0, fixed, meeting_day)
    issued = np.where(fixed > 0, fixed + 2, issued)
    is_document = np.array([v.facts["record"] == "document" for v in all_variants])[which]
    row_meeting = at_meeting_v[which]
    if has_deadline:
        due_of: dict[int, int] = {}
        for md in np.unique(meeting_day[row_meeting & is_document]).tolist():
            due_of[md] = rs.deadline("meeting_documents_issuance", dt.date.fromordinal(md)).due.toordinal()
        rows = np.nonzero(row_meeting & is_document)[0]
        due = np.array([due_of[m] for m in meeting_day[rows].tolist()], dtype=np.int64)
        late = kind_of[which[rows]] == "late"
        issued[rows] = np.where(late, due + 9, np.minimum(issued[rows], due))
    date_mode = np.array([v.date for v in all_variants], dtype=object)[which]
    issued[date_mode == "before"] = (rs.meta.in_force_from or _FIRST_DAY).toordinal() - 400
    issued_col = _date_text(issued)
    issued_col[date_mode == "unreadable"] = "2024-02-30"
    md_col = _date_text(meeting_day)
    md_col[~row_meeting] = None

    table = _columns(all_variants, which, lists)
    cols = dict(zip(table.column_names, table.columns, strict=True))
    ids = [f"D{i + 1:08d}" for i in range(records)]
    for r in np.nonzero(np.array([v.repeat for v in all_variants])[which])[0].tolist():
        if r:
            ids[r] = ids[r - 1]
    cols["id"] = pa.array(ids, pa.string())
    cols["issued"] = pa.array(issued_col, pa.string()).dictionary_encode()
    cols["meeting_date"] = pa.array(md_col, pa.string()).dictionary_encode()
    names = ["id", "record", "issued", *[n for n in cols if n not in ("id", "record", "issued")]]
    out = pa.table({n: cols[n] for n in names})
    planted = tuple((int(r) + 1, str(kind_of[which[r]])) for r in planted_rows.tolist())
    return Archive(out, planted, kinds)


def _date_text(days: np.ndarray) -> np.ndarray:
    """Ordinal days as YYYY-MM-DD text (an object array), each distinct day formatted once."""
    low = int(days.min()) if len(days) else 0
    high = int(days.max()) if len(days) else 0
    text = np.array([dt.date.fromordinal(x).isoformat() for x in range(low, high + 1)], dtype=object)
    out: np.ndarray = text[days - low].astype(object)
    return out


def _dictionary(values: Sequence[Any], which: np.ndarray) -> pa.DictionaryArray:
    """A dictionary-encoded text column: ``values`` per variant, picked by ``which``; None stays null."""
    words = sorted({v for v in values if v is not None})
    position = {w: i for i, w in enumerate(words)}
    per_variant = np.array([position[v] if v is not None else -1 for v in values], dtype=np.int32)
    codes = per_variant[which]
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(words, pa.string()))


def _columns(variants: Sequence[_Variant], which: np.ndarray, lists: str) -> pa.Table:
    names: list[str] = []
    for v in variants:
        for k in v.facts:
            if k not in names:
                names.append(k)
    idx = pa.array(which, pa.int32())
    cols: dict[str, pa.Array] = {}
    for name in names:
        values = [v.facts.get(name) for v in variants]
        if name in ("materials_submitted",):
            values = [x.isoformat() if isinstance(x, dt.date) else x for x in values]
        if any(isinstance(x, list | tuple) for x in values):
            if lists == "text":
                text = [None if x is None else (";".join(x) if x else "-") for x in values]
                cols[name] = _dictionary(text, which)
            else:
                cols[name] = pa.array([None if x is None else list(x) for x in values], pa.list_(pa.string())).take(idx)
        elif all(x is None or isinstance(x, bool) for x in values):
            cols[name] = pa.array(values, pa.bool_()).take(idx)
        else:
            cols[name] = _dictionary(values, which)
    return pa.table(cols)


def write(archive: Archive, path: str, *, row_group_size: int = 262_144) -> None:
    """Write the archive by extension: ``.parquet`` (in row groups of this size), ``.csv`` or ``.jsonl``."""
    ext = os.path.splitext(path)[1].lower()
    table = archive.table
    if ext in (".parquet", ".pq"):
        pq.write_table(table, path, row_group_size=row_group_size)
    elif ext == ".csv":
        plain = {}
        for name, col in zip(table.column_names, table.columns, strict=True):
            t = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
            if pa.types.is_list(t):
                from .batch import as_text

                col = as_text(col)
                plain[name] = pa.array([None if x is None else (x or "-") for x in col.to_pylist()], pa.string())
            else:
                plain[name] = col.cast(t) if pa.types.is_dictionary(col.type) else col
        pacsv.write_csv(pa.table(plain), path)
    else:
        import json

        with open(path, "w", encoding="utf-8") as handle:
            for row in table.to_pylist():
                handle.write(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m govrule.audit.synth RULESET OUT [--records N]``: write an archive and its planted findings."""
    p = argparse.ArgumentParser(prog="python -m govrule.audit.synth", description=__doc__.split("\n")[0])
    p.add_argument("ruleset")
    p.add_argument("output", metavar="ARCHIVE", help=".parquet, .csv or .jsonl")
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--every", type=int, default=97, help="a planted finding every N rows")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    archive = generate(args.ruleset, args.records, every=args.every, seed=args.seed)
    write(archive, args.output)
    planted = os.path.splitext(args.output)[0] + ".planted.csv"
    pacsv.write_csv(
        pa.table({"row": [r for r, _ in archive.planted], "finding": [k for _, k in archive.planted]}), planted
    )
    sys.stdout.write(
        f"wrote {args.output}: {args.records} records, {len(archive.planted)} planted findings ({planted})\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
