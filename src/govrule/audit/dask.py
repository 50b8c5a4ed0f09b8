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

Ids must be unique across the whole archive, so they are checked globally: a light first pass
reads only the ``id`` column of each partition and turns the ids into 128-bit keys, sorted
(`govrule.audit.ids`, in parallel), and a chain of small tasks adds each partition's keys, in
order, to the ids seen so far (`SeenIds`, one key and first row per distinct id: its memory grows with the
distinct ids, not the records). The chain also counts the records before each partition, which
gives the row numbers; each partition's audit then receives, with its first row, which of its
records repeat an earlier record's id (in any partition before it, or earlier in itself).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ..engine import Ruleset
from .batch import FINDINGS_SCHEMA, Auditor
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


def _ids(frame: Any) -> Sorted:
    """The keys of a partition's ids, sorted (rows counted from the partition's start)."""
    if "id" not in frame.columns:
        return Sorted.of(IdKeys.empty(len(frame)))
    return Sorted.of(id_keys(pa.Table.from_pandas(frame[["id"]], preserve_index=False)["id"]))


def _fold(seen: SeenIds, keys: Sorted) -> tuple[SeenIds, _Repeats]:
    """The ids seen with a partition's added, and where the partition starts and which of its records repeat one."""
    offset = seen.records
    seen, first = seen.add(keys.shifted(offset))
    hit = first > 0
    return seen, (offset, keys.index[hit], first[hit])


def _repeats(n: int, found: _Repeats) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    out[found[1]] = found[2]
    return out


def _chain(keys: list[Any]) -> list[Any]:
    """Delayed (first row, repeated records) per partition, from the partitions' delayed keys, in order."""
    from dask.delayed import delayed

    seen: Any = SeenIds()
    out = []
    for k in keys:
        seen, found = delayed(_fold, nout=2)(seen, k)
        out.append(found)
    return out


def _partition(frame: Any, v: Versions, found: _Repeats) -> Any:
    """A partition's findings, rows counted from the start of the whole DataFrame."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    auditor = _auditor(v)
    with _lock:  # an Auditor's caches are per process; threads of one worker take turns
        findings = auditor.audit(table, found[0], _repeats(table.num_rows, found))
    return findings.to_pandas()


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
    parts = dataframe.to_delayed()
    # The ids are read apart (only that column, where the source can project) and checked in order;
    # each partition's audit waits for its place in that chain, which also gives its first row.
    ids = dataframe[["id"]].to_delayed() if "id" in dataframe.columns else parts
    found = _chain([delayed(_ids)(part) for part in ids])
    out = [delayed(_partition)(part, shared, f) for part, f in zip(parts, found, strict=True)]
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)


def _row_group_ids(fs: Any, path: str, index: int) -> Sorted:
    """The keys of the ids of one row group of a Parquet file, sorted (only that column is read)."""
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as handle:
        parquet = pq.ParquetFile(handle)
        n = parquet.metadata.row_group(index).num_rows
        if "id" not in parquet.schema_arrow.names:
            return Sorted.of(IdKeys.empty(n))
        return Sorted.of(id_keys(parquet.read_row_group(index, columns=["id"])["id"]))


def _row_group(fs: Any, path: str, index: int, v: Versions, found: _Repeats) -> Any:
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
        findings = auditor.audit(table, found[0], _repeats(table.num_rows, found))
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
    found = _chain([delayed(_row_group_ids)(filesystem, file, i) for file, i in groups])
    out = [delayed(_row_group)(filesystem, file, i, shared, f) for (file, i), f in zip(groups, found, strict=True)]
    if not out:
        out.append(delayed(findings_meta)())
    return dd.from_delayed(out, meta=findings_meta(), verify_meta=False)
