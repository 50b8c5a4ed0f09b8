"""The built wheel carries the bundled rulesets and py.typed, so an installed govrule can load them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import govrule

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_rulesets_and_type_marker(tmp_path: Path) -> None:
    """Every bundled ruleset and py.typed are inside the wheel, byte for byte."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("govrule-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "govrule/py.typed" in names
        for rid in govrule.bundled():
            member = f"govrule/rulesets/{rid}.yaml"
            assert member in names
            assert archive.read(member) == (ROOT / "src" / "govrule" / "rulesets" / f"{rid}.yaml").read_bytes()
