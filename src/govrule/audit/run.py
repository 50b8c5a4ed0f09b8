"""Running an audit: a file (streamed, findings written as they come) or a table in memory.

`audit_file` reads the archive in chunks, audits each with one `Auditor`, writes the
findings and keeps a `Summary` (counts by kind, rule, issuer and month) for the summary
table and the HTML report. `audit_table` audits records already in memory (a pyarrow table
or a pandas DataFrame) and returns the findings as a table.
"""

from __future__ import annotations

import collections
import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from ..engine import Ruleset
from ..registry import load
from .batch import FINDINGS_SCHEMA, Auditor, concat
from .ids import SeenIds, repeats
from .io import Chunk, FindingsWriter, count_records, read_archive, unreadable_findings
from .judge import Versions
from .records import FINDING_KINDS

__all__ = ["Summary", "audit_file", "audit_table", "versions"]

RulesetArg = Ruleset | str
_T = TypeVar("_T")


def versions(rulesets: RulesetArg | Sequence[RulesetArg] | Versions, *, ignore_dates: bool = False) -> Versions:
    """The versions an archive is judged under, from rulesets, bundled ids or file paths."""
    if isinstance(rulesets, Versions):
        return rulesets
    items = [rulesets] if isinstance(rulesets, Ruleset | str) else list(rulesets)
    return Versions([r if isinstance(r, Ruleset) else load(r) for r in items], ignore_dates=ignore_dates)


@dataclasses.dataclass
class Summary:
    """What an audit found, counted: records, findings by kind, rule, issuer and month."""

    archive: str
    rulesets: list[dict[str, Any]]
    records: int = 0
    findings: int = 0
    flagged: int = 0
    seconds: float = 0.0
    by_kind: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    records_by_kind: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    by_rule: collections.Counter[tuple[str, str, str]] = dataclasses.field(default_factory=collections.Counter)
    by_issuer: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    by_month: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    records_by_month: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)

    @property
    def compliant(self) -> int:
        """Records with no finding at all."""
        return self.records - self.flagged

    def add(self, findings: pa.Table) -> None:
        """Count a chunk's findings."""
        n = findings.num_rows
        if not n:
            return
        self.findings += n
        data = findings.select(["row", "finding", "rule", "citation", "ruleset", "issuer", "issued"]).to_pydict()
        rows = np.asarray(data["row"], dtype=np.int64)
        self.flagged += len(np.unique(rows))
        kinds = data["finding"]
        self.by_kind.update(kinds)
        kind_index = {k: i for i, k in enumerate(FINDING_KINDS)}
        pairs = np.unique(rows * 16 + np.fromiter((kind_index[k] for k in kinds), dtype=np.int64, count=n))
        for i in (pairs % 16).tolist():
            self.records_by_kind[FINDING_KINDS[i]] += 1
        self.by_rule.update(
            (r or "", c or "", s or "") for r, c, s in zip(data["rule"], data["citation"], data["ruleset"], strict=True)
        )
        self.by_issuer.update(i or "" for i in data["issuer"])
        self.by_month.update((d or "")[:7] if d and len(d) >= 7 and d[4] == "-" else "" for d in data["issued"])

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (for ``--json``)."""
        return {
            "archive": self.archive,
            "rulesets": self.rulesets,
            "records": self.records,
            "compliant": self.compliant,
            "flagged": self.flagged,
            "findings": self.findings,
            "seconds": round(self.seconds, 3),
            "by_kind": {k: {"findings": self.by_kind[k], "records": self.records_by_kind[k]} for k in FINDING_KINDS},
            "by_rule": [
                {"rule": r, "citation": c, "ruleset": s, "findings": n} for (r, c, s), n in self.by_rule.most_common()
            ],
            "by_issuer": dict(self.by_issuer.most_common()),
            "by_month": dict(sorted(self.by_month.items())),
            "records_by_month": dict(sorted(self.records_by_month.items())),
        }


def _describe(v: Versions) -> list[dict[str, Any]]:
    out = []
    for rs in v.rulesets:
        m = rs.meta
        start = m.in_force_from
        out.append(
            {
                "id": rs.id,
                "title": m.title,
                "number": m.number,
                "in_force_from": start.isoformat() if start else None,
                "abolished": m.abolished.isoformat() if m.abolished else None,
                "revision": rs.revision,
            }
        )
    return out


def audit_file(
    rulesets: RulesetArg | Sequence[RulesetArg] | Versions,
    archive: str,
    *,
    out: str | None = None,
    ignore_dates: bool = False,
    chunk_rows: int = 262_144,
    progress: Callable[[int, int | None], None] | None = None,
) -> Summary:
    """Audit the archive at ``archive``; write the findings to ``out`` (by extension) if given.

    Args:
        rulesets: The ruleset (or its versions, oldest or newest first) as objects, bundled ids or paths.
        archive: A ``.csv``, ``.jsonl`` or ``.parquet`` file of records (see `govrule.audit.records`).
        out: Where to write the findings: ``.parquet``, ``.csv`` or ``.jsonl``.
        ignore_dates: Judge every record under the first ruleset whatever its date.
        chunk_rows: Records per chunk.
        progress: Called after each chunk with (records done, records in all or None).

    Returns:
        The summary: counts by kind, rule, issuer and month.
    """
    v = versions(rulesets, ignore_dates=ignore_dates)
    auditor = Auditor(v)
    summary = Summary(archive, _describe(v))
    total = count_records(archive)
    start = time.perf_counter()
    writer = FindingsWriter(out) if out else None
    try:
        for chunk, again in _prefetch(_with_repeats(read_archive(archive, chunk_rows))):
            parts = []
            if chunk.unreadable:
                parts.append(unreadable_findings(chunk.unreadable))
                summary.records += len(chunk.unreadable)
                summary.records_by_month[""] += len(chunk.unreadable)
            if chunk.table.num_rows:
                parts.append(auditor.audit(chunk.table, chunk.rows, again))
                summary.records += chunk.table.num_rows
                summary.records_by_month.update(auditor.last_months)
            findings = concat(parts)
            if len(parts) > 1:
                findings = findings.sort_by("row")
            summary.add(findings)
            if writer is not None:
                writer.write(findings)
            if progress is not None:
                progress(summary.records, total)
    finally:
        if writer is not None:
            writer.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _with_repeats(chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, np.ndarray]]:
    """Each chunk with, per record, the row of an earlier record with its id (0: none); ids seen kept across chunks."""
    seen = SeenIds()
    for chunk in chunks:
        seen, again = repeats(seen, chunk.table, chunk.rows)
        yield chunk, again


def _prefetch(chunks: Iterator[_T]) -> Iterator[_T]:
    """The chunks, the next one read (and its ids checked) on a thread while the current one is audited.

    Reading and the array work on ids release the GIL, so on two cores they overlap the audit.
    """
    from concurrent.futures import ThreadPoolExecutor

    done = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="govrule-audit-read") as pool:
        pending = pool.submit(next, chunks, done)
        while True:
            chunk = pending.result()  # an error while reading is raised here, in the caller's thread
            if chunk is done:
                return
            pending = pool.submit(next, chunks, done)
            yield chunk  # type: ignore[misc]


def audit_table(
    rulesets: RulesetArg | Sequence[RulesetArg] | Versions,
    records: Any,
    *,
    ignore_dates: bool = False,
    first_row: int = 0,
    auditor: Auditor | None = None,
) -> pa.Table:
    """The findings of records in memory: a pyarrow table, a pandas DataFrame or a list of dicts.

    A record whose id repeats an earlier record's id (among these records) is a ``bad_row``.
    """
    if auditor is None:
        auditor = Auditor(versions(rulesets, ignore_dates=ignore_dates))
    table = _as_table(records)
    _, again = repeats(SeenIds(), table, first_row)
    return auditor.audit(table, first_row, again)


def _as_table(records: Any) -> pa.Table:
    if isinstance(records, pa.Table):
        return records
    if isinstance(records, pa.RecordBatch):
        return pa.Table.from_batches([records])
    if isinstance(records, list):
        from .io import _json_table

        return _json_table(records)
    import pandas as pd

    if isinstance(records, pd.DataFrame):
        return pa.Table.from_pandas(records, preserve_index=False)
    raise TypeError(
        f"records must be a pyarrow Table, a pandas DataFrame or a list of dicts, not {type(records).__name__}"
    )


def findings_frame(tables: Iterable[pa.Table]) -> Any:
    """Findings tables as one pandas DataFrame."""
    return concat(tables).to_pandas() if tables else FINDINGS_SCHEMA.empty_table().to_pandas()
