"""The audit on a Dask DataFrame: the same per-chunk function, one partition at a time, on any cluster.

>>> import dask.dataframe as dd, govrule.audit.dask
>>> records = dd.read_parquet("s3://bucket/archive/")                     # doctest: +SKIP
>>> findings = govrule.audit.dask.audit("ezhou", records)                 # a lazy Dask DataFrame
>>> findings.to_parquet("s3://bucket/findings/")                          # doctest: +SKIP

The ruleset versions go into the task graph once (as one delayed object), so each worker
receives them once; a ruleset pickles by its content and is validated and compiled once per
worker process, where one `Auditor` serves every partition that process runs (its cache of
judgements grows across partitions). Row numbers are the records' positions in the whole
DataFrame: each partition's findings are numbered from its start and shifted by the lengths of
the partitions before it, in the same pass (each partition is read once).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from ..engine import Ruleset
from .batch import FINDINGS_SCHEMA, Auditor
from .judge import Versions
from .run import versions as _versions

__all__ = ["audit", "findings_meta"]

_auditors: dict[tuple[Any, ...], Auditor] = {}
_lock = threading.Lock()


def findings_meta() -> Any:
    """An empty pandas DataFrame with the findings' columns and types (Dask's ``meta``)."""
    return FINDINGS_SCHEMA.empty_table().to_pandas()


def _auditor(v: Versions) -> Auditor:
    key = (tuple(rs.revision for rs in v.rulesets), v.ignore_dates)
    hit = _auditors.get(key)
    if hit is None:
        with _lock:
            hit = _auditors.get(key)
            if hit is None:
                hit = _auditors[key] = Auditor(v)
    return hit


def _partition(frame: Any, v: Versions) -> Any:
    """A partition's findings, rows counted from the partition's start."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    auditor = _auditor(v)
    with _lock:  # an Auditor's caches are per process; threads of one worker take turns
        findings = auditor.audit(table, 0)
    return findings.to_pandas()


def _shift(findings: Any, offset: int) -> Any:
    """Row numbers counted from the start of the whole DataFrame."""
    if offset:
        findings = findings.assign(row=findings["row"] + offset)
    return findings


def audit(
    ruleset: Ruleset | str | Sequence[Ruleset | str] | Versions,
    dataframe: Any,
    *,
    ignore_dates: bool = False,
) -> Any:
    """The findings of the records in a Dask DataFrame, as a (lazy) Dask DataFrame.

    Args:
        ruleset: The ruleset (or its versions) as objects, bundled ids or paths.
        dataframe: A Dask DataFrame of records in the archive format (e.g. ``dd.read_parquet``).
        ignore_dates: Judge every record under the first ruleset whatever its date.

    Returns:
        A Dask DataFrame with the findings' columns, one partition per input partition,
        each ordered by row; the same findings `govrule.audit.audit_file` gives for the same records.
    """
    import operator

    import dask.dataframe as dd
    from dask.delayed import delayed

    v = _versions(ruleset, ignore_dates=ignore_dates)
    shared = delayed(v, pure=True)
    parts = dataframe.to_delayed()
    # Each partition is read once: its length and its findings come from the same task's output, and
    # the row offsets are a running sum of the lengths (cheap integers).
    offset: Any = 0
    out = []
    for part in parts:
        found = delayed(_partition)(part, shared)
        out.append(delayed(_shift)(found, offset))
        offset = delayed(operator.add)(offset, delayed(len)(part))
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)
