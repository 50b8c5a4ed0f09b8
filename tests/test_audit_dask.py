"""govrule.audit.dask on a two-worker LocalCluster (processes, 127.0.0.1): the same findings as the local path."""

from __future__ import annotations

import pickle
from pathlib import Path

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


def test_dask_local_cluster_gives_the_local_findings(tmp_path: Path) -> None:
    archive = synth.generate("ezhou", 6000, every=41, seed=5)
    path = tmp_path / "archive.parquet"
    synth.write(archive, str(path), row_group_size=1000)
    local = run.audit_table("ezhou", archive.table).to_pandas()
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
    assert set(zip(found["row"], found["finding"], strict=True)) == set(archive.planted)
