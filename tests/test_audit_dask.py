"""govrule.audit.dask on a two-worker LocalCluster (processes, 127.0.0.1): the same findings as the local path."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import govrule  # noqa: E402
from govrule.audit import run, synth  # noqa: E402
from govrule.audit.dask import audit, audit_parquet  # noqa: E402


def test_ruleset_versions_pickle_by_content() -> None:
    versions = run.versions(["ezhou", "rizhao"])
    again = pickle.loads(pickle.dumps(versions))
    assert [rs.revision for rs in again.rulesets] == [rs.revision for rs in versions.rulesets]
    doc = govrule.Document(issuer="government", kind="request", recipient="higher_government")
    assert again.rulesets[0].who_must_sign(doc) == versions.rulesets[0].who_must_sign(doc)


def with_repeats(table: Any) -> tuple[Any, dict[int, int]]:
    """The archive with some ids repeated: in another partition, in the same one, and twice over."""
    import pyarrow as pa

    ids = table["id"].to_pylist()
    repeated = {4501: 11, 21: 20, 6000: 11}  # 1-based row -> the row it repeats
    for row, first in repeated.items():
        ids[row - 1] = ids[first - 1]
    return table.set_column(table.schema.get_field_index("id"), "id", pa.array(ids, pa.string())), repeated


def test_dask_local_cluster_gives_the_local_findings(tmp_path: Path) -> None:
    archive = synth.generate("ezhou", 6000, every=41, seed=5)
    table, repeated = with_repeats(archive.table)
    path = tmp_path / "archive.parquet"
    synth.write(synth.Archive(table, archive.planted, archive.kinds), str(path), row_group_size=1000)
    local = run.audit_table("ezhou", table).to_pandas()
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            host="127.0.0.1",
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster, timeout=60) as client,
    ):
        records = dd.read_parquet(str(path), split_row_groups=True, dtype_backend="pyarrow")
        assert records.npartitions >= 4
        found = client.compute(audit("ezhou", records)).result(timeout=180).reset_index(drop=True)
        direct = client.compute(audit_parquet("ezhou", str(tmp_path))).result(timeout=180).reset_index(drop=True)
        workers = set(client.run(lambda: 1))
    assert len(workers) == 2
    assert len(found) == len(local) > 0
    assert found.equals(local)
    assert direct.equals(local)
    # Each repeat is found, across partitions too, naming the first row; it is not judged, the first is.
    first: dict[str, int] = {}
    again = {}  # every repeat in the archive: ours and the generator's own (a record taking its neighbour's id)
    for row, i in enumerate(table["id"].to_pylist(), 1):
        if i in first:
            again[row] = f"第 {row} 行的编号 {i} 与第 {first[i]} 行重复"
        first.setdefault(i, row)
    assert repeated.items() <= {r: int(d.split("与第 ")[1].split(" ")[0]) for r, d in again.items()}.items()
    ids = found[found["column"] == "id"]
    assert {r: d for r, d in zip(ids["row"], ids["detail"], strict=True) if "重复" in d} == again
    expected = {(r, k) for r, k in archive.planted if r not in again or k == "bad_row"}
    expected |= {(row, "bad_row") for row in again}
    assert set(zip(found["row"], found["finding"], strict=True)) == expected
