"""govrule audit: ids are unique (a repeat is a bad row naming both rows) and the rest of the archive contract.

The contract's section on archive records: ``id`` required and unique, ``issued`` required,
unknown columns ignored, missing optional columns unknown facts, findings written in any of the
three formats. Each point is checked in every input format (CSV, JSON Lines, Parquet); the
global id check on Dask is in test_audit_dask.py.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
np = pytest.importorskip("numpy")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import govrule  # noqa: E402
from govrule.audit import run  # noqa: E402
from govrule.audit.ids import IdKeys, SeenIds, id_keys, repeats  # noqa: E402
from govrule.audit.io import ArchiveError  # noqa: E402
from test_audit import CITY, KNOWN, TO_PROVINCE, _cli  # noqa: E402

FORMATS = (".csv", ".jsonl", ".parquet")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> govrule.Ruleset:
    path = tmp_path_factory.mktemp("audit_ids") / "audit_city.yaml"
    path.write_text(CITY, encoding="utf-8")
    return govrule.load(str(path))


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value) if value else "-"
    return value


def write(rows: list[dict[str, Any]], path: Path) -> None:
    """Records in the format the file's extension names: lists as ;-text in CSV, arrays elsewhere."""
    names: list[str] = []
    for r in rows:
        names.extend(k for k in r if k not in names)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return
    if path.suffix == ".csv":
        import csv

        with open(path, "w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(names)
            for r in rows:
                value = [_cell(r.get(n)) for n in names]
                out.writerow(["" if v is None else v for v in value])
        return
    columns = {}
    for n in names:
        cells = [r.get(n) for r in rows]
        if any(isinstance(c, list) for c in cells):
            columns[n] = pa.array(cells, pa.list_(pa.string()))
        elif any(isinstance(c, bool) for c in cells):
            columns[n] = pa.array(cells, pa.bool_())
        else:
            columns[n] = pa.array([None if c is None else str(c) for c in cells], pa.string())
    pq.write_table(pa.table(columns), path, row_group_size=2)


def audit(city: govrule.Ruleset, rows: list[dict[str, Any]], path: Path, **kw: Any) -> list[dict[str, Any]]:
    write(rows, path)
    out = path.with_name(path.stem + ".findings.jsonl")
    run.audit_file(city, str(path), out=str(out), **kw)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def shape(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(f["row"], f["id"], f["finding"], f["column"]) for f in found]


OK = {"issued": "2024-05-10", **TO_PROVINCE, **KNOWN, "signed_by": ["市长"]}
WRONG = {**OK, "signed_by": ["秘书长"]}


# ---------------------------------------------------------------------------- repeated ids


def test_an_auditor_told_nothing_of_repeats_judges_every_record(city: govrule.Ruleset) -> None:
    # An Auditor sees one chunk; without `repeats` it does not check ids (what the whole audit did
    # before ids were checked): a repeat is judged like any record, a clean repeat passes.
    from govrule.audit.batch import Auditor
    from govrule.audit.judge import Versions

    table = run._as_table([{"id": "D-1", **WRONG}, {"id": "D-1", **WRONG}, {"id": "D-1", **OK}])
    found = Auditor(Versions([city])).audit(table).to_pylist()
    assert [(f["row"], f["finding"]) for f in found] == [(1, "wrong_signer"), (2, "wrong_signer")]


def test_a_repeated_id_is_a_bad_row_naming_the_id_and_both_rows(city: govrule.Ruleset) -> None:
    rows = [
        {"id": "D-1", **WRONG},
        {"id": "D-2", **OK},
        {"id": "D-1", **WRONG},  # the repeat is not judged: no second wrong_signer
        {"id": "D-2", **OK},  # a clean repeat is still a bad row
        {"id": " D-2 ", **OK},  # surrounding spaces are not part of an id
        {"id": "d-2", **OK},  # another id: ids are compared as written
        {"id": "D-1", **OK, "major": "也许"},  # a repeat's unreadable cell is reported too
    ]
    found = run.audit_table(city, rows).to_pylist()
    assert [(f["row"], f["finding"], f["column"]) for f in found] == [
        (1, "wrong_signer", "signed_by"),
        (3, "bad_row", "id"),
        (4, "bad_row", "id"),
        (5, "bad_row", "id"),
        (7, "bad_row", "id"),
        (7, "bad_row", "major"),
    ]
    details = [f["detail"] for f in found if f["column"] == "id"]
    assert details == [
        "第 3 行的编号 D-1 与第 1 行重复",
        "第 4 行的编号 D-2 与第 2 行重复",
        "第 5 行的编号 D-2 与第 2 行重复",
        "第 7 行的编号 D-1 与第 1 行重复",
    ]
    assert found[1]["id"] == found[1]["value"] == "D-1" and found[1]["issued"] == "2024-05-10"
    assert found[3]["value"] == " D-2 "  # the cell as written


def test_records_without_an_id_are_never_repeats_of_each_other(city: govrule.Ruleset) -> None:
    rows = [{**OK}, {"id": "  ", **OK}, {"id": None, **OK}, {"id": "x", **OK}]
    found = run.audit_table(city, rows).to_pylist()
    assert [(f["row"], f["detail"]) for f in found] == [(r, "缺少编号(id)") for r in (1, 2, 3)]


def test_an_id_given_as_a_number_is_its_text(city: govrule.Ruleset, tmp_path: Path) -> None:
    found = run.audit_table(city, [{"id": 17, **OK}, {"id": "17", **OK}]).to_pylist()
    assert [(f["row"], f["detail"]) for f in found] == [(2, "第 2 行的编号 17 与第 1 行重复")]
    path = tmp_path / "numbers.parquet"
    table = pa.table({"id": pa.array([5, 6, 5], pa.int64()), **{k: [v] * 3 for k, v in OK.items() if k != "signed_by"}})
    pq.write_table(table.append_column("signed_by", pa.array([["head"]] * 3)), path)
    out = tmp_path / "f.jsonl"
    run.audit_file(city, str(path), out=str(out))
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["row"], f["id"], f["detail"]) for f in found] == [(3, "5", "第 3 行的编号 5 与第 1 行重复")]


@pytest.mark.parametrize("ext", FORMATS)
def test_repeats_are_found_across_chunks_in_every_format(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    ids = ["鄂政发〔2024〕1号", "A", "B", "C", "A", "D", "E", "鄂政发〔2024〕1号", "F", "C"]
    rows = [{"id": i, **OK} for i in ids]
    for chunk_rows in (2, 3, 1000):
        found = audit(city, rows, tmp_path / f"a{ext}", chunk_rows=chunk_rows)
        assert [(f["row"], f["id"], f["finding"], f["detail"]) for f in found] == [
            (5, "A", "bad_row", "第 5 行的编号 A 与第 2 行重复"),
            (8, "鄂政发〔2024〕1号", "bad_row", "第 8 行的编号 鄂政发〔2024〕1号 与第 1 行重复"),
            (10, "C", "bad_row", "第 10 行的编号 C 与第 4 行重复"),
        ], chunk_rows


def test_csv_rows_count_unreadable_lines_in_a_repeat(city: govrule.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "id,issued,issuer,kind,recipient,signed_by,major,important,broad_scope,routine_approval,entrusted\n"
        "a1,2024-05-10,government,request,higher_government,市长,0,0,0,0,0\n"
        "broken,line\n"
        "a1,2024-05-10,government,request,higher_government,秘書長,0,0,0,0,0\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.jsonl"
    run.audit_file(city, str(path), out=str(out), chunk_rows=1)
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The broken line is row 2, so the repeat of a1 is row 3; it is not judged (no wrong_signer).
    assert [(f["row"], f["finding"], f["detail"]) for f in found] == [
        (2, "bad_row", "第3行有2个字段，表头有11个"),
        (3, "bad_row", "第 3 行的编号 a1 与第 1 行重复"),
    ]


def test_the_summary_counts_a_repeat_as_a_flagged_record(city: govrule.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    write([{"id": "x", **OK}, {"id": "x", **OK}, {"id": "y", **OK}], path)
    summary = run.audit_file(city, str(path))
    assert (summary.records, summary.flagged, summary.compliant, summary.by_kind["bad_row"]) == (3, 1, 2, 1)


# ---------------------------------------------------------------------------- the keys and the seen ids


def test_an_ids_key_does_not_depend_on_the_chunk_it_is_in() -> None:
    alone = id_keys(pa.array(["D-17"]))
    among_long = id_keys(pa.array(["x" * 200, "D-17", "鄂州市人民政府办公室〔2018〕第一百二十三号"]))
    sliced = id_keys(pa.chunked_array([pa.array(["a", "D-17 "]).slice(1)]))
    assert alone.k1[0] == among_long.k1[1] == sliced.k1[0]
    assert alone.k2[0] == among_long.k2[1] == sliced.k2[0]
    large = id_keys(pa.array(["D-17"], pa.large_string()))
    assert (large.k1[0], large.k2[0]) == (alone.k1[0], alone.k2[0])


def test_ids_that_differ_anywhere_have_different_keys() -> None:
    base = "ABCDEFGH" * 10  # 80 bytes: past the width hashed as arrays, so the long path too
    ids = [base[:n] for n in range(1, 81)]
    ids += [base[: n - 1] + "!" + base[n:] for n in range(1, 81)]  # one byte changed at every position
    ids += ["a", "a\x00", "\x00a", "", "鄂", "鄂 ", "ab" * 4, "ab" * 4 + "\x00"]
    keys = id_keys(pa.array(ids))
    present = [i.strip() for i in ids if i.strip()]  # "鄂 " is "鄂": surrounding spaces are not part of an id
    assert len(keys.k1) == len(present)
    assert len(set(zip(keys.k1.tolist(), keys.k2.tolist(), strict=True))) == len(set(present)) == 166


def naive(ids: list[str | None]) -> list[int]:
    first: dict[str, int] = {}
    out = []
    for row, i in enumerate(ids):
        key = (i or "").strip()
        if not key:
            out.append(0)
        elif key in first:
            out.append(first[key] + 1)
        else:
            first[key] = row
            out.append(0)
    return out


WORDS = ["a", "b", " a", "鄂1", "x" * 70, "x" * 69 + "y", "", "9"]


@settings(max_examples=150, deadline=None)
@given(
    ids=st.lists(st.one_of(st.none(), st.sampled_from(WORDS)), max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=6),
)
def test_repeats_match_a_plain_reading_whatever_the_chunks(ids: list[str | None], cuts: list[int]) -> None:
    bounds = sorted({0, len(ids), *(c for c in cuts if c <= len(ids))})
    seen = SeenIds()
    got: list[int] = []
    for lo, hi in itertools.pairwise(bounds):
        seen, again = repeats(seen, pa.table({"id": pa.array(ids[lo:hi], pa.string())}), lo)
        got.extend(again.tolist())
    assert got == naive(ids)
    assert len(seen) == len({(i or "").strip() for i in ids} - {""})


def test_the_ids_seen_travel_between_processes() -> None:
    import pickle

    seen, _ = SeenIds().add(id_keys(pa.array(["a", "b", "c"])))
    again = pickle.loads(pickle.dumps(seen))
    assert (len(again), again.records) == (3, 3)
    assert again.add(id_keys(pa.array(["b", "z"]), 3))[1].tolist() == [2, 0]


def test_adding_never_changes_the_state_it_was_called_on() -> None:
    start, _ = SeenIds().add(id_keys(pa.array(["a", "b"])))
    after_c, first_c = start.add(id_keys(pa.array(["c", "a"]), 2))
    after_d, first_d = start.add(id_keys(pa.array(["d", "a"]), 2))  # a task run again from the same state
    assert first_c.tolist() == first_d.tolist() == [0, 1]
    assert (len(start), len(after_c), len(after_d)) == (2, 3, 3)
    _, again = after_c.add(id_keys(pa.array(["d"]), 4))
    assert again.tolist() == [0]  # after_c never saw d


def test_a_chunk_without_an_id_column_still_counts_its_records() -> None:
    seen, again = repeats(SeenIds(), pa.table({"issued": ["2024-05-10"] * 3}), 10)
    assert again.tolist() == [0, 0, 0] and (seen.records, len(seen)) == (3, 0)


def test_memory_grows_with_distinct_ids_not_records() -> None:
    seen = SeenIds()
    ids = pa.array([f"D{i}" for i in range(100)])
    for chunk in range(20):
        seen, again = seen.add(id_keys(ids, chunk * 100))
        assert (again > 0).sum() == (100 if chunk else 0)
    assert seen.records == 2000 and len(seen) == 100
    assert seen.nbytes == 100 * 24  # two 64-bit halves and a row per distinct id


def test_keys_that_share_a_first_half_are_told_apart_by_the_second() -> None:
    # Two different ids whose first 64 bits agree (forced here): the second half decides.
    k1 = np.array([7, 7, 7, 3, 7], dtype=np.uint64)
    k2 = np.array([1, 2, 1, 5, 2], dtype=np.uint64)
    rows = np.arange(5, dtype=np.int64)
    seen, first = SeenIds().add(IdKeys(k1, k2, rows, rows, 5))
    assert first.tolist() == [0, 0, 1, 0, 2]
    more = np.array([7, 7, 7], dtype=np.uint64)
    seen, first = seen.add(IdKeys(more, np.array([2, 9, 1], dtype=np.uint64), np.arange(3), np.arange(5, 8), 3))
    assert first.tolist() == [2, 0, 1]
    for _ in range(3):  # merged runs keep telling them apart
        seen, _ = seen.add(id_keys(pa.array([f"z{i}" for i in range(50)]), seen.records))
    _, first = seen.add(IdKeys(more, np.array([9, 2, 4], dtype=np.uint64), np.arange(3), np.arange(3) + 500, 3))
    assert first.tolist() == [7, 2, 0]


# ---------------------------------------------------------------------------- the rest of the record contract


@pytest.mark.parametrize("ext", FORMATS)
def test_missing_id_or_issued_is_a_bad_row_with_a_clear_message(
    city: govrule.Ruleset, tmp_path: Path, ext: str
) -> None:
    rows = [
        {"id": "a", **OK},
        {"id": None, **OK},
        {"id": "c", **{**OK, "issued": None}},
        {"id": None, **{**OK, "issued": None}},
    ]
    found = audit(city, rows, tmp_path / f"a{ext}")
    assert [(f["row"], f["finding"], f["column"], f["detail"]) for f in found] == [
        (2, "bad_row", "id", "缺少编号(id)"),
        (3, "bad_row", "issued", "缺少印发日期(issued)"),
        (4, "bad_row", "id", "缺少编号(id)"),
        (4, "bad_row", "issued", "缺少印发日期(issued)"),
    ]


@pytest.mark.parametrize("ext", FORMATS)
def test_a_file_with_no_id_column(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"a{ext}"
    write([{k: v for k, v in OK.items()}] * 2, path)
    if ext == ".jsonl":
        # A JSON line is an object on its own: each record without an id is a bad row.
        found = audit(city, [OK, OK], path)
        assert [(f["row"], f["detail"]) for f in found] == [(1, "缺少编号(id)"), (2, "缺少编号(id)")]
        return
    # A table whose header has no id column is refused as a whole (exit 2), with where and why.
    with pytest.raises(ArchiveError, match=r":1:1: .*no id column"):
        run.audit_file(city, str(path))

    code, _, err = _cli("audit", str(city.source.file), str(path))  # type: ignore[union-attr]
    assert code == 2 and "no id column" in err and "Traceback" not in err


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_a_column_of_the_format_given_twice_is_refused(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"a{ext}"
    if ext == ".csv":
        path.write_text("id,issued,备注,备注,id\na,2024-05-10,x,y,b\n", encoding="utf-8")
    else:
        arrays = [pa.array(["a"]), pa.array(["2024-05-10"]), pa.array(["b"])]
        pq.write_table(pa.Table.from_arrays(arrays, names=["id", "issued", "id"]), path)
    where = ":1:17:" if ext == ".csv" else ":1:1:"  # the second id's place on the CSV header line
    with pytest.raises(ArchiveError, match=where + " the column id appears twice"):
        run.audit_file(city, str(path))
    code, _, err = _cli("audit", str(city.source.file), str(path))  # type: ignore[union-attr]
    assert code == 2 and "appears twice" in err and "缺陷" not in err
    # Other columns may repeat: they are ignored.
    if ext == ".csv":
        path.write_text("id,issued,备注,备注\na,2024-05-10,x,y\n", encoding="utf-8")
    else:
        arrays = [pa.array(["a"]), pa.array(["2024-05-10"]), pa.array(["x"]), pa.array(["y"])]
        pq.write_table(pa.Table.from_arrays(arrays, names=["id", "issued", "备注", "备注"]), path)
    summary = run.audit_file(city, str(path))
    assert (summary.records, summary.by_kind["bad_row"]) == (1, 0)


def test_a_json_line_giving_a_column_twice_is_a_bad_row(city: govrule.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    record = json.dumps({"issued": "2024-05-10", **OK}, ensure_ascii=False)[1:-1]
    path.write_text(
        f'{{"id": "a", {record}}}\n{{"id": "b", "id": "c", {record}}}\n{{"id": "d", "备注": 1, "备注": 2, {record}}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "f.jsonl"
    run.audit_file(city, str(path), out=str(out))
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["row"], f["finding"], f["detail"]) for f in found] == [(2, "bad_row", "第2条中 id 出现两次")]


def test_an_empty_csv_file_has_no_records(city: govrule.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    summary = run.audit_file(city, str(path))
    assert (summary.records, summary.findings) == (0, 0)


@pytest.mark.parametrize("ext", FORMATS)
def test_unknown_columns_are_ignored(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    rows = [
        {"id": "a", **OK},
        {"id": "b", **WRONG},
        {"id": "c", **OK, "kind": "other", "major": True, "reviewed_by": []},
    ]
    plain = audit(city, rows, tmp_path / f"plain{ext}")
    extra = [
        {"备注": "急件", "remarks": "{not json", "signed_by_2": "秘书长", "ID": "b", **r, "zzz": ["1", "2"]}
        if ext != ".parquet"
        else {"备注": "急件", "remarks": "x", "signed_by_2": "秘书长", "ID": "b", **r}
        for r in rows
    ]
    assert shape(audit(city, extra, tmp_path / f"extra{ext}")) == shape(plain)
    assert shape(plain) == [(2, "b", "wrong_signer", "signed_by"), (3, "c", "missing_step", "reviewed_by")]


@pytest.mark.parametrize("ext", FORMATS)
def test_missing_optional_columns_are_unknown_facts(city: govrule.Ruleset, tmp_path: Path, ext: str) -> None:
    # No signed_by column at all: who signed is unknown, so nothing is compliant.
    rows = [{"id": f"r{i}", **{k: v for k, v in OK.items() if k != "signed_by"}} for i in range(2)]
    found = audit(city, rows, tmp_path / f"nosigner{ext}")
    assert [(f["row"], f["finding"], f["column"]) for f in found] == [
        (1, "unknown_fact", "signed_by"),
        (2, "unknown_fact", "signed_by"),
    ]
    # No major column: where the answer depends on it the record is not approved ...
    doc = {k: v for k, v in OK.items() if k != "major"}
    rows = [
        {"id": "depends", **doc, "kind": "other", "reviewed_by": []},
        # ... and where every reading gives the same answer, the record is judged.
        {"id": "same", **doc},
        {"id": "wrong", **doc, "signed_by": ["秘书长"]},
    ]
    found = audit(city, rows, tmp_path / f"nomajor{ext}")
    assert [(f["row"], f["finding"], f["column"]) for f in found] == [
        (1, "unknown_fact", "major"),
        (3, "wrong_signer", "signed_by"),
    ]


@pytest.mark.parametrize("ext", FORMATS)
def test_a_document_from_a_meeting_without_the_meetings_date_is_not_compliant(
    city: govrule.Ruleset, tmp_path: Path, ext: str
) -> None:
    doc = {
        "issued": "2024-10-11",
        "issuer": "government",
        "kind": "other",
        "recipient": "subordinate",
        "decided_by": "executive",
        **KNOWN,
        "signed_by": ["head"],
    }
    rows = [{"id": "late", **doc, "meeting_date": "2024-09-27"}, {"id": "undated", **doc}, {"id": "plain", **OK}]
    found = audit(city, rows, tmp_path / f"a{ext}")
    assert shape(found) == [(1, "late", "late", "issued"), (2, "undated", "unknown_fact", "meeting_date")]
    assert (found[1]["rule"], found[1]["citation"]) == ("deadline.meeting_documents", "十二")
    assert "会议日期" in found[1]["detail"] and "5个工作日" in found[1]["detail"]
    # No meeting_date column at all: the same.
    found = audit(city, rows[1:], tmp_path / f"b{ext}")
    assert shape(found) == [(1, "undated", "unknown_fact", "meeting_date")]


def test_findings_read_the_same_in_every_output_format(city: govrule.Ruleset, tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    rows = [
        {"id": "a", **WRONG},
        {"id": "a", **OK},
        {"id": "b", **OK, "issued": "2024-13-01"},
        {"id": "c", **{k: v for k, v in OK.items() if k != "signed_by"}},
    ]
    archive = tmp_path / "a.jsonl"
    write(rows, archive)
    read: dict[str, list[dict[str, Any]]] = {}
    for ext in FORMATS:
        out = tmp_path / f"findings{ext}"
        summary = run.audit_file(city, str(archive), out=str(out))
        if ext == ".csv":
            table = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(column_types={"row": pa.int64()}))
            cells = [{k: (None if v == "" else v) for k, v in r.items()} for r in table.to_pylist()]
        elif ext == ".jsonl":
            cells = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        else:
            cells = pq.read_table(out).to_pylist()
        assert summary.findings == len(cells) == 4
        assert list(cells[0]) == list(run.FINDINGS_SCHEMA.names)
        read[ext] = cells
    assert read[".csv"] == read[".jsonl"] == read[".parquet"]
    assert [c["finding"] for c in read[".csv"]] == ["wrong_signer", "bad_row", "bad_row", "unknown_fact"]


def test_the_synthetic_archive_plants_repeated_ids() -> None:
    from govrule.audit import synth

    archive = synth.generate("ezhou", 2000, every=11)
    ids = archive.table["id"].to_pylist()
    again = [r + 1 for r in range(1, len(ids)) if ids[r] == ids[r - 1]]
    assert again and all((r, "bad_row") in archive.planted for r in again)
    found = run.audit_table("ezhou", archive.table).to_pylist()
    said = {f["row"]: f["detail"] for f in found if f["column"] == "id"}
    assert {r: said.get(r) for r in again} == {r: f"第 {r} 行的编号 {ids[r - 1]} 与第 {r - 1} 行重复" for r in again}


def test_each_half_of_the_key_alone_tells_similar_ids_apart() -> None:
    # Ids that differ in a digit or two, as archive ids do: a weak hash would make some halves agree.
    # Among 600,000 distinct ids a good 64-bit half agrees by chance with probability about 1e-8.
    ids = [f"D{i:08d}" for i in range(200_000)]
    ids += [f"鄂州政发〔{2000 + i % 25}〕{i // 25}号" for i in range(200_000)]
    ids += [str(i * 7919) for i in range(200_000)]
    keys = id_keys(pa.array(ids))
    assert len(np.unique(keys.k1)) == len(np.unique(keys.k2)) == len(ids) == len(set(ids))
