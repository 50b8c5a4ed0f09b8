"""Auditing a chunk of records at once: decide once per distinct set of deciding facts, join back.

A chunk arrives as a pyarrow table. Every column the record format uses is dictionary-encoded
(a Parquet file's dictionary pages are used as they are) and each distinct cell value is read
once, into a small integer code that stays the same across chunks. The codes of the deciding
columns make one integer key per record; records are grouped by it (``pandas.factorize``),
each group is judged once (and the judgement is cached for later chunks), and the findings
are joined back to the records of the groups that have any. Lateness depends on two dates
with many values, so it is computed apart: the due date once per (version, meeting date),
compared with the issue dates as arrays.

`Auditor` is the per-process object: it holds the codes, the judgement cache and the
versions; `Auditor.audit` turns a chunk into a findings table. The same function serves the
local reader loop and each Dask partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .judge import Judge, Template, Versions
from .records import COLUMNS, FINDINGS_COLUMNS, Bad, parse

__all__ = ["FINDINGS_SCHEMA", "Auditor", "as_text", "with_repeats"]

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("finding", pa.string()),
        pa.field("rule", pa.string()),
        pa.field("citation", pa.string()),
        pa.field("detail", pa.string()),
        pa.field("text", pa.string()),
        pa.field("column", pa.string()),
        pa.field("value", pa.string()),
        pa.field("issuer", pa.string()),
        pa.field("issued", pa.string()),
        pa.field("ruleset", pa.string()),
    ]
)
assert tuple(FINDINGS_SCHEMA.names) == FINDINGS_COLUMNS

_LIST_SEP = "\x1f"
_DATES = ("issued", "meeting_date", "signed", "materials_submitted")
_DOC_ONLY = frozenset(c.name for c in COLUMNS if c.used_by == ("document",))
_AGENDA_ONLY = frozenset(c.name for c in COLUMNS if c.used_by == ("agenda",))
#: Columns whose codes go into the grouping key (id, title and issued are handled apart).
_KEYED = tuple(c.name for c in COLUMNS if c.name not in ("id", "title", "issued", "record"))
#: Date columns whose value matters only as present / absent / unreadable for document records.
_STATUS_ONLY_FOR_DOCS = frozenset({"meeting_date", "signed"})
_ALL_KEYED = ("record", "vkey", "id", *_KEYED)
_KNOWN = object()  # a readable date the judgement does not look at
_BAD_DATE = Bad("不是有效日期（应写作 YYYY-MM-DD）")


def as_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column as text (lists joined with ``;``, dates as YYYY-MM-DD), nulls kept."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type)
        t = t.value_type
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pc.binary_join(arr.cast(pa.list_(pa.string())), ";")
    if pa.types.is_null(t):
        return arr.cast(pa.string())
    if pa.types.is_string(t):
        return arr
    return arr.cast(pa.string())


class _Codes:
    """Codes for the distinct values of one column: 0 is the empty cell; each code keeps its read value."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.codes: dict[Any, int] = {}
        self.values: list[Any] = [None]

    def __len__(self) -> int:
        return len(self.values)

    def _code(self, raw: Any, is_list: bool) -> int:
        key = (_LIST_SEP, raw) if is_list else raw
        code = self.codes.get(key)
        if code is None:
            value = tuple(raw.split(_LIST_SEP)) if is_list and raw else () if is_list else raw
            code = self.codes[key] = len(self.values)
            self.values.append(parse(self.column, value))
        return code

    def encode(self, arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
        chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
        parts = [self._encode_chunk(c) for c in chunks]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _encode_chunk(self, arr: pa.Array) -> np.ndarray:
        n = len(arr)
        t = arr.type
        if pa.types.is_null(t) or arr.null_count == n:
            return np.zeros(n, dtype=np.int64)
        if pa.types.is_boolean(t):
            # true/false cells: three possible values, coded without hashing.
            small = pc.fill_null(arr.cast(pa.int8()), 2).to_numpy(zero_copy_only=False)
            mapping = np.array([self._code(False, False), self._code(True, False), 0], dtype=np.int64)
            out: np.ndarray = mapping[small]
            return out
        is_list = pa.types.is_list(t) or pa.types.is_large_list(t)
        if is_list:
            arr = pc.binary_join(arr.cast(pa.list_(pa.string())), _LIST_SEP)
        if not pa.types.is_dictionary(arr.type):
            if pa.types.is_timestamp(arr.type):
                arr = arr.cast(pa.date32())
            arr = pc.dictionary_encode(arr)
        values = arr.dictionary.to_pylist()
        indices = arr.indices
        index = (pc.fill_null(indices, len(values)) if indices.null_count else indices).to_numpy(zero_copy_only=False)
        mapping = np.fromiter((self._code(v, is_list) for v in values), dtype=np.int64, count=len(values))
        mapping = np.append(mapping, 0)
        coded: np.ndarray = mapping[index]
        return coded


class Auditor:
    """Audits chunks of records under some versions of a ruleset; keep one per process and reuse it."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions
        self.judge = Judge(versions)
        self._codes = {c.name: _Codes(c.name) for c in COLUMNS if c.name not in ("id", "title")}
        self._judged: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._templates: list[Template] = []
        self._template_ids: dict[Template, int] = {}
        self._due: dict[
            tuple[int, int], tuple[int, int]
        ] = {}  # (version, meeting_date code) -> (due ordinal, template)
        self._vkey: list[int] = []  # per issued code: 0 missing, 1 unreadable, 2+i version i, 2+n+code not in force
        self._nif: dict[int, str] = {}
        self._months: list[str] = []  # per issued code: YYYY-MM, or "" where there is no date
        self.last_months: dict[str, int] = {}  # records per month of issue in the last chunk audited

    # ------------------------------------------------------------------ small tables per code

    def _template(self, t: Template) -> int:
        i = self._template_ids.get(t)
        if i is None:
            i = self._template_ids[t] = len(self._templates)
            self._templates.append(t)
        return i

    def _issued_tables(self) -> tuple[np.ndarray, np.ndarray]:
        codes = self._codes["issued"]
        n_versions = len(self.versions.rulesets)
        for code in range(len(self._vkey), len(codes)):
            value = codes.values[code]
            if value is None:
                self._vkey.append(0)
            elif isinstance(value, Bad):
                self._vkey.append(1)
            else:
                where = self.versions.on(value)
                if isinstance(where, int):
                    self._vkey.append(2 + where)
                else:
                    self._vkey.append(2 + n_versions + code)
                    self._nif[2 + n_versions + code] = where
        return np.asarray(self._vkey, dtype=np.int64), _ordinals(codes)

    # ------------------------------------------------------------------ one chunk

    def audit(
        self,
        table: pa.Table | pa.RecordBatch,
        first_row: int | np.ndarray = 0,
        repeats: np.ndarray | None = None,
    ) -> pa.Table:
        """The findings of a chunk whose first record is record number ``first_row + 1`` of the archive.

        Args:
            table: The records, one per row, with the record format's columns (others are ignored).
            first_row: How many records of the archive come before this chunk; or, where the chunk's
                records are not consecutive, each record's 0-based position in the archive.
            repeats: Per record, the 1-based row of an earlier record with the same id, or 0 (see
                `govrule.audit.ids`). A record that repeats an id is a ``bad_row`` naming both rows and
                is not judged (only its unreadable cells are reported besides). None: ids are not
                checked (an Auditor sees one chunk at a time; whether an id was seen elsewhere in the
                archive is the caller's to say).

        Returns:
            A table with `FINDINGS_SCHEMA`, ordered by row; compliant records have no rows in it.
        """
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        found = self._audit(table, first_row)
        if repeats is None or not repeats.any():
            return found
        return with_repeats(table, found, first_row, repeats)

    def _audit(self, table: pa.Table, first_row: int | np.ndarray) -> pa.Table:
        n = table.num_rows
        if n == 0:
            return FINDINGS_SCHEMA.empty_table()
        names = set(table.column_names)
        zeros = np.zeros(n, dtype=np.int64)
        # Codes of the columns the chunk has (an absent column is all empty cells: code 0 everywhere).
        present = {name: c.encode(table[name]) for name, c in self._codes.items() if name in names}
        codes = {name: present.get(name, zeros) for name in self._codes}

        # The record type, the version (from the issue date) and whether the id is there.
        rec_values = self._codes["record"].values
        # 0 document (lateness is judged), 1 agenda item, 2 unreadable, 3 approval (document facts, no lateness).
        kind_code = {"agenda": 1, "approval": 3}
        rec_kind = np.array([2 if isinstance(v, Bad) else kind_code.get(v, 0) for v in rec_values], np.int64)
        rec = rec_kind[codes["record"]]
        vkey_of, issued_ord_of = self._issued_tables()
        vkey = vkey_of[codes["issued"]]
        id_ok = _present(table["id"]) if "id" in names else np.zeros(n, dtype=bool)

        # The grouping key: record-type-specific columns are zeroed for the other type; for documents the
        # meeting and signing dates count only as present / absent / unreadable.
        agenda = rec == 1
        any_agenda = bool(agenda.any())
        any_document = not bool(agenda.all())
        parts: list[tuple[np.ndarray, int]] = [
            (codes["record"], len(self._codes["record"])),
            (vkey, len(vkey_of) + 2 + len(self.versions.rulesets)),
            (id_ok.astype(np.int64), 2),
        ]
        keyed_names = ["record", "vkey", "id"]
        status_of = {name: _date_status(self._codes[name]) for name in _STATUS_ONLY_FOR_DOCS}
        for name in _KEYED:
            if name not in present:
                continue  # code 0 in every row: no part of the key
            c = codes[name]
            card = len(self._codes[name])
            if name in _DOC_ONLY:
                if not any_document:
                    continue
                c = np.where(agenda, 0, c) if any_agenda else c
            elif name in _AGENDA_ONLY:
                if not any_agenda:
                    continue
                c = np.where(agenda, c, 0) if any_document else c
            if name in _STATUS_ONLY_FOR_DOCS:
                status = status_of[name]
                c = (np.where(agenda, c + 3, status[c]) if any_agenda else status[c]) if any_document else c + 3
                card += 3
            parts.append((c, card))
            keyed_names.append(name)
        key = _combine(parts)
        self.last_months = self._month_counts(codes["issued"])
        gid, uniques = pd.factorize(key, sort=False)
        n_groups = len(uniques)
        rep = np.empty(n_groups, dtype=np.int64)
        rep[gid] = np.arange(n, dtype=np.int64)

        # Judge each group once (cached across chunks), keyed by the codes it was built from (absent: 0).
        position = {name: i for i, name in enumerate(keyed_names)}
        rep_codes = [p[0][rep].tolist() for p in parts]
        group_templates: list[tuple[int, ...]] = []
        judged_ok = np.zeros(n_groups, dtype=bool)
        for g in range(n_groups):
            k = tuple(rep_codes[position[name]][g] if name in position else 0 for name in _ALL_KEYED)
            hit = self._judged.get(k)
            if hit is None:
                hit = self._judged[k] = self._judge_key(dict(zip(_ALL_KEYED, k, strict=True)))
            group_templates.append(hit)
            judged_ok[g] = not any(self._templates[t].finding in ("bad_row", "not_in_force") for t in hit)
        counts_g = np.fromiter((len(t) for t in group_templates), dtype=np.int64, count=n_groups)
        offsets_g = np.concatenate([[0], np.cumsum(counts_g)[:-1]]) if n_groups else counts_g
        flat = np.fromiter((t for ts in group_templates for t in ts), dtype=np.int64, count=int(counts_g.sum()))
        rows_parts: list[np.ndarray] = []
        tmpl_parts: list[np.ndarray] = []
        if len(flat):
            counts = counts_g[gid]
            rows = np.nonzero(counts)[0]
            reps = counts[rows]
            rows_rep = np.repeat(rows, reps)
            within = np.arange(len(rows_rep)) - np.repeat(np.cumsum(reps) - reps, reps)
            rows_parts.append(rows_rep)
            tmpl_parts.append(flat[offsets_g[gid[rows_rep]] + within])

        # Lateness: documents from a meeting (meeting date given) issued after the due date.
        n_versions = len(self.versions.rulesets)
        md = codes["meeting_date"]
        md_status = status_of["meeting_date"][md] if "meeting_date" in present else zeros
        issued_ok = (vkey >= 2) & (vkey < 2 + n_versions)
        candidates = np.nonzero((rec == 0) & issued_ok & (md_status == 1) & judged_ok[gid])[0]
        if len(candidates):
            late_rows, late_tmpl = self._late(candidates, vkey - 2, md, issued_ord_of[codes["issued"]])
            rows_parts.append(late_rows)
            tmpl_parts.append(late_tmpl)
        if not rows_parts:
            return FINDINGS_SCHEMA.empty_table()
        rows_all = np.concatenate(rows_parts)
        tmpl_all = np.concatenate(tmpl_parts)
        order = np.argsort(rows_all, kind="stable")
        return self._findings(table, rows_all[order], tmpl_all[order], first_row)

    def _judge_key(self, k: dict[str, int]) -> tuple[int, ...]:
        n_versions = len(self.versions.rulesets)
        out: list[Template] = []
        rec = self._codes["record"].values[k["record"]]
        if isinstance(rec, Bad):
            out.append(Template("bad_row", rec.message, column="record"))
        if not k["id"]:
            out.append(Template("bad_row", "缺少编号(id)", column="id"))
        vkey = k["vkey"]
        if vkey == 0:
            out.append(Template("bad_row", "缺少印发日期(issued)", column="issued"))
        elif vkey == 1:
            out.append(Template("bad_row", _BAD_DATE.message, column="issued"))
        agenda = rec == "agenda"
        facts: dict[str, Any] = {}
        for name in _KEYED:
            code = k[name]
            if name in _STATUS_ONLY_FOR_DOCS and not agenda:
                facts[name] = (None, _KNOWN, _BAD_DATE)[code]
            else:
                if name in _STATUS_ONLY_FOR_DOCS:
                    code = max(code - 3, 0)
                if (name in _DOC_ONLY and agenda) or (name in _AGENDA_ONLY and not agenda):
                    continue
                facts[name] = self._codes[name].values[code]
        if out:
            # Unreadable cells elsewhere in the row are reported too; the row is not judged further.
            out.extend(Template("bad_row", v.message, column=c) for c, v in facts.items() if isinstance(v, Bad))
            return tuple(self._template(t) for t in out)
        if vkey >= 2 + n_versions:
            reason = self._nif[vkey]
            return (
                self._template(Template("not_in_force", f"印发之日不在所给规则的施行期内：{reason}", column="issued")),
            )
        found = self.judge.judge(rec if rec in ("agenda", "approval") else "document", vkey - 2, facts)
        from_meeting = facts.get("decided_by") is not None or (
            facts.get("kind") == "minutes" and facts.get("meeting") is not None
        )
        if rec not in ("agenda", "approval") and from_meeting and facts.get("meeting_date") is None:
            # The time limit after the meeting cannot be checked without the meeting's date: not compliant.
            if not any(t.finding == "bad_row" for t in found):
                undated = self.judge.undated(vkey - 2)
                found = (*found, undated) if undated is not None else found
        return tuple(self._template(t) for t in found)

    def _late(
        self, rows: np.ndarray, version: np.ndarray, md: np.ndarray, issued_ord: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        card = len(self._codes["meeting_date"])
        pair = version[rows] * card + md[rows]
        pid, pairs = pd.factorize(pair, sort=False)
        due = np.empty(len(pairs), dtype=np.int64)
        tmpl = np.empty(len(pairs), dtype=np.int64)
        values = self._codes["meeting_date"].values
        for i, p in enumerate(pairs.tolist()):
            v, code = divmod(int(p), card)
            hit = self._due.get((v, code))
            if hit is None:
                answer = self.judge.late(v, values[code])
                if answer is None:
                    hit = (np.iinfo(np.int64).max, -1)
                elif isinstance(answer, Template):
                    hit = (np.iinfo(np.int64).min, self._template(answer))  # every such record: cannot say
                else:
                    hit = (answer[0].toordinal(), self._template(answer[1]))
                self._due[(v, code)] = hit
            due[i], tmpl[i] = hit
        row_due = due[pid]
        late = issued_ord[rows] > row_due
        return rows[late], tmpl[pid][late]

    def _findings(self, table: pa.Table, rows: np.ndarray, tmpl: np.ndarray, first_row: int | np.ndarray) -> pa.Table:
        take = pa.array(rows, type=pa.int64())
        templates = self._templates
        used = np.unique(tmpl)
        local = np.searchsorted(used, tmpl)
        ts = [templates[i] for i in used.tolist()]
        idx = pa.array(local, type=pa.int64())

        def col(attr: str) -> pa.Array:
            return pa.array([getattr(t, attr) for t in ts], type=pa.string()).take(idx)

        def raw(name: str) -> pa.Array:
            return _cells(table, name, take)

        values: list[str | None] = [None] * len(rows)
        bad = [(i, templates[t].column) for i, t in enumerate(tmpl.tolist()) if templates[t].finding == "bad_row"]
        if bad:
            by_column: dict[str, list[int]] = {}
            for i, column in bad:
                if column and column in table.column_names:
                    by_column.setdefault(column, []).append(i)
            for column, where in by_column.items():
                cells = as_text(table[column].take(pa.array(rows[where], type=pa.int64()))).to_pylist()
                for i, cell in zip(where, cells, strict=True):
                    values[i] = cell
        ruleset_names = [t.ruleset for t in ts]
        return pa.table(
            {
                "id": raw("id"),
                "row": pa.array(
                    (first_row[rows] if isinstance(first_row, np.ndarray) else rows + first_row) + 1, type=pa.int64()
                ),
                "finding": col("finding"),
                "rule": col("rule"),
                "citation": col("citation"),
                "detail": col("detail"),
                "text": col("text"),
                "column": col("column"),
                "value": pa.array(values, type=pa.string()),
                "issuer": raw("issuer"),
                "issued": raw("issued"),
                "ruleset": pa.array(ruleset_names, type=pa.string()).take(idx),
            },
            schema=FINDINGS_SCHEMA,
        )

    # ------------------------------------------------------------------ for summaries

    def _month_counts(self, issued: np.ndarray) -> dict[str, int]:
        """Records per month of issue (YYYY-MM; "" where the date is missing or unreadable)."""
        values = self._codes["issued"].values
        for value in values[len(self._months) :]:
            self._months.append(f"{value.year:04d}-{value.month:02d}" if isinstance(value, dt.date) else "")
        counts = np.bincount(issued, minlength=len(values))
        out: dict[str, int] = {}
        for code in np.nonzero(counts)[0].tolist():
            month = self._months[code]
            out[month] = out.get(month, 0) + int(counts[code])
        return out


def with_repeats(table: pa.Table, found: pa.Table, first_row: int | np.ndarray, repeats: np.ndarray) -> pa.Table:
    """A chunk's findings with each record that repeats an id reported as a bad row, and not judged.

    Args:
        table: The chunk's records (only ``id``, ``issuer`` and ``issued`` are read).
        found: The chunk's findings, as `Auditor.audit` gives them without ``repeats``.
        first_row: As for `Auditor.audit`.
        repeats: Per record, the 1-based row of an earlier record with the same id, or 0.
    """
    where = np.nonzero(repeats)[0]
    rows = (first_row[where] if isinstance(first_row, np.ndarray) else where + first_row) + 1
    if found.num_rows:
        # Of a repeated record's own findings only its unreadable cells stay: it is not judged.
        flagged = np.isin(found["row"].to_numpy(), rows)
        keep = ~flagged | (found["finding"].to_numpy(zero_copy_only=False) == "bad_row")
        found = found.filter(pa.array(keep))
    take = pa.array(where, type=pa.int64())
    ids = _cells(table, "id", take)
    firsts = repeats[where].tolist()
    n = len(where)
    shown = [str(i).strip() for i in ids.to_pylist()]
    repeated = pa.table(
        {
            "id": ids,
            "row": pa.array(rows, pa.int64()),
            "finding": pa.array(["bad_row"] * n, pa.string()),
            "rule": pa.nulls(n, pa.string()),
            "citation": pa.nulls(n, pa.string()),
            "detail": pa.array(
                [f"第 {r} 行的编号 {i} 与第 {f} 行重复" for r, i, f in zip(rows.tolist(), shown, firsts, strict=True)],
                pa.string(),
            ),
            "text": pa.nulls(n, pa.string()),
            "column": pa.array(["id"] * n, pa.string()),
            "value": ids,
            "issuer": _cells(table, "issuer", take),
            "issued": _cells(table, "issued", take),
            "ruleset": pa.nulls(n, pa.string()),
        },
        schema=FINDINGS_SCHEMA,
    )
    return pa.concat_tables([repeated, found]).sort_by("row")


def _cells(table: pa.Table, name: str, take: pa.Array) -> pa.Array:
    """The cells of a column at some rows, as text (all empty where the table has no such column)."""
    if name not in table.column_names:
        return pa.nulls(len(take), pa.string())
    text = as_text(table[name].take(take))
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _ordinals(codes: _Codes) -> np.ndarray:
    return np.fromiter(
        (v.toordinal() if isinstance(v, dt.date) else 0 for v in codes.values), dtype=np.int64, count=len(codes)
    )


def _date_status(codes: _Codes) -> np.ndarray:
    return np.fromiter(
        (0 if v is None else 2 if isinstance(v, Bad) else 1 for v in codes.values), dtype=np.int64, count=len(codes)
    )


def _present(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    text = as_text(arr)
    ok = pc.and_(pc.is_valid(text), pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(text)), 0))
    return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)


def _combine(parts: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """One integer per row from several code columns (mixed radix), refactorised before it would overflow."""
    n = len(parts[0][0])
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for codes, card in parts:
        card = max(int(card), 1)
        if span * card >= 2**62:
            fact, uniq = pd.factorize(key, sort=False)
            key = fact.astype(np.int64)
            span = max(len(uniq), 1)
        key *= card
        key += codes
        span *= card
    return key


def concat(tables: Iterable[pa.Table]) -> pa.Table:
    """Findings tables joined into one."""
    items = list(tables)
    return pa.concat_tables(items) if items else FINDINGS_SCHEMA.empty_table()
