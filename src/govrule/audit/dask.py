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

__all__ = ["audit", "audit_parquet", "findings_meta"]

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


def _row_group(fs: Any, path: str, index: int, offset: int, v: Versions) -> Any:
    """The findings of one row group of a Parquet file, read with pyarrow (no pandas in between)."""
    import pyarrow.parquet as pq

    from .records import COLUMN_BY_NAME

    with fs.open_input_file(path) as handle:
        schema = pq.read_schema(handle)
        names = schema.names
        text = [
            n
            for n in names
            if n in COLUMN_BY_NAME and n not in ("id", "title") and pa.types.is_string(schema.field(n).type)
        ]
        parquet = pq.ParquetFile(handle, read_dictionary=text)
        table = parquet.read_row_group(index, columns=[n for n in names if n in COLUMN_BY_NAME])
    auditor = _auditor(v)
    with _lock:
        findings = auditor.audit(table, offset)
    return findings.to_pandas()


def audit_parquet(
    ruleset: Ruleset | str | Sequence[Ruleset | str] | Versions,
    path: str,
    *,
    ignore_dates: bool = False,
    filesystem: Any = None,
) -> Any:
    """The findings of a Parquet archive (a file or a directory of files, local or in object storage), lazily.

    One task per row group reads it with pyarrow and audits it, with no pandas DataFrame of the
    records in between (faster than `audit` on ``dd.read_parquet``). Row numbers count records in
    file order (files sorted by name), from the row counts in the files' metadata.

    Args:
        ruleset: The ruleset (or its versions) as objects, bundled ids or paths.
        path: A ``.parquet`` file or a directory; a URI (``s3://…``, ``gs://…``) for object storage.
        ignore_dates: Judge every record under the first ruleset whatever its date.
        filesystem: A ``pyarrow.fs`` filesystem (default: from the path or URI).

    Returns:
        A Dask DataFrame of findings, one partition per row group.
    """
    import dask.dataframe as dd
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq
    from dask.delayed import delayed

    v = _versions(ruleset, ignore_dates=ignore_dates)
    if filesystem is None:
        filesystem, path = pafs.FileSystem.from_uri(path) if "://" in path else (pafs.LocalFileSystem(), path)
    info = filesystem.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        found = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
        files = sorted(f.path for f in found if f.type == pafs.FileType.File and f.path.endswith(".parquet"))
    else:
        files = [path]
    shared = delayed(v, pure=True)
    out = []
    offset = 0
    for file in files:
        with filesystem.open_input_file(file) as handle:
            meta = pq.ParquetFile(handle).metadata
        for i in range(meta.num_row_groups):
            out.append(delayed(_row_group)(filesystem, file, i, offset, shared))
            offset += meta.row_group(i).num_rows
    if not out:
        out.append(delayed(findings_meta)())
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)
