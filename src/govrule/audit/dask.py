"""The audit on a Dask DataFrame: the same per-chunk function, one partition at a time, on any cluster.

>>> import dask.dataframe as dd, govrule.audit.dask
>>> records = dd.read_parquet("s3://bucket/archive/")                     # doctest: +SKIP
>>> findings = govrule.audit.dask.audit("ezhou", records)                 # a lazy Dask DataFrame
>>> findings.to_parquet("s3://bucket/findings/")                          # doctest: +SKIP

The ruleset versions go into the task graph once (as one delayed object), so each worker
receives them once; a ruleset pickles by its content and is validated and compiled once per
worker process, where one `Auditor` serves every partition that process runs (its cache of
judgements grows across partitions). Row numbers are the records' positions in the whole
DataFrame.

Ids must be unique across the whole archive, so they are checked globally. Each partition is
audited on its own and, in the same pass, turns its ids into 128-bit keys, sorted
(`govrule.audit.ids`); a chain of small tasks adds each partition's keys, in order, to the ids
seen so far (`SeenIds`, one key and first row per distinct id: its memory grows with the
distinct ids, not the records), which also counts the records before each partition and so
gives the row numbers. A last step per partition shifts its rows and, where some record repeats
an id seen before (in any partition before it, or earlier in itself), reports the repeat as a bad
row instead of its judgement, with its ``id``, ``issuer`` and ``issued`` (kept from the audit for a
DataFrame's partition until then; read again, only where needed, for a Parquet row group). The
audits never wait for the chain.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ..engine import Ruleset
from .batch import FINDINGS_SCHEMA, Auditor, with_repeats
from .ids import IdKeys, SeenIds, Sorted, id_keys
from .judge import Versions
from .run import versions as _versions

__all__ = ["audit", "audit_parquet", "findings_meta"]

#: Where a partition starts in the archive, and which of its records (0-based) repeat an id and where it was first.
_Repeats = tuple[int, np.ndarray, np.ndarray]

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


def _keys(table: pa.Table) -> Sorted:
    """The keys of a partition's ids, sorted (rows counted from the partition's start)."""
    if "id" not in table.column_names:
        return Sorted.of(IdKeys.empty(table.num_rows))
    return Sorted.of(id_keys(table["id"]))


def _fold(seen: SeenIds, keys: Sorted) -> tuple[SeenIds, _Repeats]:
    """The ids seen with a partition's added, and where the partition starts and which of its records repeat one."""
    offset = seen.records
    seen, first = seen.add(keys.shifted(offset))
    hit = first > 0
    return seen, (offset, keys.index[hit], first[hit])


def _chain(keys: list[Any]) -> list[Any]:
    """Delayed (first row, repeated records) per partition, from the partitions' delayed keys, in order."""
    from dask.delayed import delayed

    seen: Any = SeenIds()
    out = []
    for k in keys:
        seen, found = delayed(_fold, nout=2)(seen, k)
        out.append(found)
    return out


def _audit(table: pa.Table, v: Versions) -> tuple[Any, Sorted]:
    """A partition's findings (rows counted from the partition's start, ids not yet checked) and its keys."""
    keys = _keys(table)
    auditor = _auditor(v)
    with _lock:  # an Auditor's caches are per process; threads of one worker take turns
        findings = auditor.audit(table, 0)
    return findings.to_pandas(), keys


def _partition(frame: Any, v: Versions) -> tuple[Any, Sorted, pa.Table]:
    """A partition audited: findings, keys, and the cells a repeated id is reported with."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    findings, keys = _audit(table, v)
    return findings, keys, table.select([c for c in ("id", "issuer", "issued") if c in table.column_names])


def _finish(findings: Any, found: _Repeats, cells: Any) -> Any:
    """A partition's findings with rows counted from the archive's start, and its repeated ids as bad rows.

    ``cells``: the partition's ``id``, ``issuer`` and ``issued`` (a table, or a callable reading
    them), looked at only where some record repeats an id.
    """
    offset, where, first = found
    if offset:
        findings = findings.assign(row=findings["row"] + offset)
    if not len(where):
        return findings
    table = cells() if callable(cells) else cells
    repeats = np.zeros(table.num_rows, dtype=np.int64)
    repeats[where] = first
    judged = pa.Table.from_pandas(findings, schema=FINDINGS_SCHEMA, preserve_index=False)
    return with_repeats(table, judged, offset, repeats).to_pandas()


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
    import dask.dataframe as dd
    from dask.delayed import delayed

    v = _versions(ruleset, ignore_dates=ignore_dates)
    shared = delayed(v, pure=True)
    # Each partition is audited on its own and turns its ids into keys in the same pass; the keys are
    # checked in order along a chain, and each partition's findings are finished once its step has run.
    audited = [delayed(_partition, nout=3)(part, shared) for part in dataframe.to_delayed()]
    found = _chain([keys for _, keys, _ in audited])
    out = [delayed(_finish)(findings, f, cells) for (findings, _, cells), f in zip(audited, found, strict=True)]
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)


def _row_group(fs: Any, path: str, index: int, v: Versions) -> tuple[Any, Sorted]:
    """One row group of a Parquet file, read with pyarrow (no pandas in between), audited: findings and keys."""
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
    return _audit(table, v)


def _row_group_cells(fs: Any, path: str, index: int) -> pa.Table:
    """A row group's id, issuer and issued (read for a row group where some record repeats an id)."""
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as handle:
        parquet = pq.ParquetFile(handle)
        names = [n for n in ("id", "issuer", "issued") if n in parquet.schema_arrow.names]
        table: pa.Table = parquet.read_row_group(index, columns=names)
    return table


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
        listing = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
        files = sorted(f.path for f in listing if f.type == pafs.FileType.File and f.path.endswith(".parquet"))
    else:
        files = [path]
    shared = delayed(v, pure=True)
    groups: list[tuple[str, int]] = []
    for file in files:
        with filesystem.open_input_file(file) as handle:
            meta = pq.ParquetFile(handle).metadata
        groups.extend((file, i) for i in range(meta.num_row_groups))
    audited = [delayed(_row_group, nout=2)(filesystem, file, i, shared) for file, i in groups]
    found = _chain([keys for _, keys in audited])
    out = [
        delayed(_finish)(findings, f, functools.partial(_row_group_cells, filesystem, file, i))
        for (findings, _), f, (file, i) in zip(audited, found, groups, strict=True)
    ]
    if not out:
        out.append(delayed(findings_meta)())
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)
