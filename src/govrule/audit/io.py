"""Reading archives in chunks and writing findings, by file extension: CSV, JSON Lines, Parquet.

Readers stream: a Parquet file is read a batch at a time (only the record format's columns,
string columns as dictionaries), a CSV file block by block with pyarrow's streaming reader,
a JSON Lines file a slice of lines at a time; the whole file is never loaded. A CSV line
with the wrong number of fields, or a JSON line that is not an object, does not stop the
run: it comes back as an unreadable row (its position and text) to be reported as a
``bad_row`` finding.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import GovruleError
from .batch import FINDINGS_SCHEMA
from .records import COLUMN_BY_NAME, COLUMNS

__all__ = ["ARCHIVE_FORMATS", "Chunk", "FindingsWriter", "archive_format", "read_archive", "unreadable_findings"]

ARCHIVE_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_KNOWN = tuple(c.name for c in COLUMNS)


class ArchiveError(GovruleError):
    """An archive cannot be read at all (missing file, unknown format, no id column)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Chunk:
    """Some records of an archive: ``rows`` is the first record's 0-based position, or each record's.

    ``unreadable`` lists rows that could not be read at all: (0-based position, text, why).
    """

    table: pa.Table
    rows: int | np.ndarray
    unreadable: tuple[tuple[int, str, str], ...] = ()


def archive_format(path: str) -> str:
    """``parquet``, ``csv`` or ``jsonl`` from a file name's extension (also ``.json`` for JSON Lines)."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json":
        return "jsonl"
    fmt = ARCHIVE_FORMATS.get(ext)
    if fmt is None:
        raise ArchiveError(f"{path}: unknown archive format {ext or '(no extension)'}; use .csv, .jsonl or .parquet")
    return fmt


def read_archive(path: str, chunk_rows: int = 262_144) -> Iterator[Chunk]:
    """The archive at ``path`` in chunks of about ``chunk_rows`` records."""
    fmt = archive_format(path)
    if not os.path.exists(path):
        raise ArchiveError(f"{path}: no such file")
    if fmt == "parquet":
        yield from _parquet(path, chunk_rows)
    elif fmt == "csv":
        yield from _csv(path, chunk_rows)
    else:
        yield from _jsonl(path, chunk_rows)


def count_records(path: str) -> int | None:
    """How many records the archive holds, where that is cheap to know (Parquet metadata), else None."""
    if archive_format(path) == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    return None


def _parquet(path: str, chunk_rows: int) -> Iterator[Chunk]:
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise ArchiveError(f"{path}: not a readable Parquet file: {exc}") from None
    columns = [n for n in schema.names if n in COLUMN_BY_NAME]
    _need_id(path, columns)
    text = [
        n for n in columns if pa.types.is_string(schema.field(n).type) or pa.types.is_large_string(schema.field(n).type)
    ]
    handle = pq.ParquetFile(path, read_dictionary=[n for n in text if n not in ("id", "title")])
    start = 0
    for batch in handle.iter_batches(batch_size=chunk_rows, columns=columns):
        yield Chunk(pa.Table.from_batches([batch]), start)
        start += batch.num_rows


def _need_id(path: str, columns: list[str], where: list[int] | None = None) -> None:
    """Refuse a header without an id column, or with a column of the record format twice.

    ``where``: each column's character position on the header line (CSV), for the message.
    """
    if "id" not in columns:
        raise ArchiveError(f"{path}:1:1: the archive has no id column; every record needs an id")
    first: dict[str, int] = {}
    for i, name in enumerate(columns):
        if name not in COLUMN_BY_NAME:
            continue  # other columns are ignored, however often they appear
        if name in first:
            at = where[i] if where else 1
            raise ArchiveError(
                f"{path}:1:{at}: the column {name} appears twice (columns {first[name] + 1} and {i + 1}); "
                "which one holds the records' value is not clear"
            )
        first[name] = i


def _csv(path: str, chunk_rows: int) -> Iterator[Chunk]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        line = handle.readline()
    header = next(csv.reader([line]), None) if line else None
    if header is None:
        return  # an empty file: no records
    header = [h.strip() for h in header]
    where, at = [], 1
    for raw in line.rstrip("\r\n").split(","):
        where.append(at)
        at += len(raw) + 1
    _need_id(path, header, where if len(where) == len(header) else None)
    known = [h for h in header if h in COLUMN_BY_NAME]
    bad: list[tuple[int, str, str]] = []

    def invalid(row: Any) -> str:
        line = row.number if row.number is not None else -1
        bad.append((line - 2, row.text, f"第{line}行有{row.actual_columns}个字段，表头有{row.expected_columns}个"))
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=max(1 << 16, chunk_rows * 64), use_threads=False),
        parse_options=pacsv.ParseOptions(invalid_row_handler=invalid, newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            include_columns=known,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    valid = 0
    reported = 0
    for batch in reader:
        n = batch.num_rows
        skipped = np.array(sorted(b[0] for b in bad), dtype=np.int64)
        k = np.arange(valid, valid + n, dtype=np.int64)
        # The k-th readable row sits after every unreadable row whose position minus its rank is <= k.
        shift = np.searchsorted(skipped - np.arange(len(skipped)), k, side="right") if len(skipped) else 0
        new = tuple(sorted(bad)[reported:])
        reported = len(bad)
        yield Chunk(pa.Table.from_batches([batch]), k + shift, new)
        valid += n
    if len(bad) > reported:
        yield Chunk(pa.table({"id": pa.array([], pa.string())}), 0, tuple(sorted(bad)[reported:]))


def _jsonl(path: str, chunk_rows: int) -> Iterator[Chunk]:
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) < len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen and key in COLUMN_BY_NAME:
                    twice.append(key)
                seen.add(key)
        return obj

    with open(path, encoding="utf-8-sig") as handle:
        position = 0
        while True:
            lines = list(itertools.islice(handle, chunk_rows))
            if not lines:
                return
            rows: list[int] = []
            records: list[dict[str, Any]] = []
            bad: list[tuple[int, str, str]] = []
            for line in lines:
                if not line.strip():
                    continue  # blank lines are not records
                twice.clear()
                try:
                    obj = json.loads(line, object_pairs_hook=pairs)
                except json.JSONDecodeError as exc:
                    bad.append((position, line.rstrip("\n"), f"第{position + 1}条不是合法的 JSON：{exc.msg}"))
                    position += 1
                    continue
                if not isinstance(obj, dict):
                    bad.append((position, line.rstrip("\n"), f"第{position + 1}条不是 JSON 对象"))
                elif twice:  # json keeps the last of two values silently; which one is meant is not clear
                    names = "、".join(dict.fromkeys(twice))
                    bad.append((position, line.rstrip("\n"), f"第{position + 1}条中 {names} 出现两次"))
                else:
                    rows.append(position)
                    records.append(obj)
                position += 1
            yield Chunk(_json_table(records), np.array(rows, dtype=np.int64), tuple(bad))


def _json_cell(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [None if v is None else str(v) for v in value]
    return str(value) if not isinstance(value, dict) else json.dumps(value, ensure_ascii=False)


def _json_table(records: list[dict[str, Any]]) -> pa.Table:
    columns: dict[str, pa.Array] = {}
    for name in _KNOWN:
        if not any(name in r for r in records):
            continue
        cells = [_json_cell(r.get(name)) for r in records]
        if any(isinstance(c, list) for c in cells):
            # A list cell and a text cell in one column: the text is read as a ;-separated list.
            cells = [";".join(x for x in c if x is not None) if isinstance(c, list) else c for c in cells]
            cells = [c if c != "" else "-" for c in cells]
        columns[name] = pa.array(cells, type=pa.string())
    if not columns:
        return pa.table({"id": pa.nulls(len(records), pa.string())})
    return pa.table(columns)


def unreadable_findings(items: tuple[tuple[int, str, str], ...]) -> pa.Table:
    """``bad_row`` findings for rows that could not be read at all."""
    n = len(items)
    return pa.table(
        {
            "id": pa.nulls(n, pa.string()),
            "row": pa.array([i[0] + 1 for i in items], pa.int64()),
            "finding": pa.array(["bad_row"] * n, pa.string()),
            "rule": pa.nulls(n, pa.string()),
            "citation": pa.nulls(n, pa.string()),
            "detail": pa.array([i[2] for i in items], pa.string()),
            "text": pa.nulls(n, pa.string()),
            "column": pa.nulls(n, pa.string()),
            "value": pa.array([i[1][:500] for i in items], pa.string()),
            "issuer": pa.nulls(n, pa.string()),
            "issued": pa.nulls(n, pa.string()),
            "ruleset": pa.nulls(n, pa.string()),
        },
        schema=FINDINGS_SCHEMA,
    )


class FindingsWriter:
    """Writes findings tables to ``path`` as they come, in the format its extension names."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.format = archive_format(path)
        self.count = 0
        self._writer: Any = None
        self._handle: io.TextIOWrapper | None = None
        if self.format == "parquet":
            self._writer = pq.ParquetWriter(path, FINDINGS_SCHEMA)
        elif self.format == "csv":
            self._writer = pacsv.CSVWriter(path, FINDINGS_SCHEMA)
        else:
            self._handle = open(path, "w", encoding="utf-8")

    def write(self, findings: pa.Table) -> None:
        """Append some findings."""
        if findings.num_rows == 0:
            return
        self.count += findings.num_rows
        findings = findings.cast(FINDINGS_SCHEMA)
        if self._handle is not None:
            for row in findings.to_pylist():
                self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self._writer.write_table(findings)

    def close(self) -> None:
        """Finish the file."""
        if self._handle is not None:
            self._handle.close()
        elif self._writer is not None:
            self._writer.close()

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
