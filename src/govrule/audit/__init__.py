"""Auditing an archive of issued documents and agenda records against a ruleset (``govrule audit``).

Needs the ``audit`` extra (``pip install 'govrule[audit]'``: pyarrow, pandas, Dask); the
core library never imports this package. The record format is in
`govrule.audit.records`, the judgement of one set of facts in `govrule.audit.judge`, the
chunked, grouped evaluation in `govrule.audit.batch`, file readers and writers in
`govrule.audit.io`, summaries and the HTML report in `govrule.audit.report`, Dask in
`govrule.audit.dask` and a synthetic archive generator in `govrule.audit.synth`.

>>> import govrule, govrule.audit
>>> summary = govrule.audit.audit_file("ezhou", "archive.parquet", out="findings.parquet")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .records import COLUMNS, FINDING_KINDS, FINDING_LABELS, FINDINGS_COLUMNS, RECORD_TYPES

if TYPE_CHECKING:
    from .run import Summary, audit_file, audit_table, versions

__all__ = [
    "COLUMNS",
    "FINDINGS_COLUMNS",
    "FINDING_KINDS",
    "FINDING_LABELS",
    "RECORD_TYPES",
    "Summary",
    "audit_file",
    "audit_table",
    "versions",
]


def __getattr__(name: str) -> Any:
    # The runner needs pyarrow and pandas: imported on first use, so the record format stays importable without them.
    if name in ("Summary", "audit_file", "audit_table", "versions"):
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module 'govrule.audit' has no attribute {name!r}")
