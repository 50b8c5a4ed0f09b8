"""Everyday-use basics: the license, install instructions that work from a clone, a clear message for a
missing extra, a public API that `dir()` shows without clutter, and an import that loads nothing heavy."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import govrule

ROOT = Path(__file__).resolve().parents[1]


def test_the_license_file_is_the_license_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["license"] == "MIT" and text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    assert "LICENSE" in project.get("license-files", [])


def test_no_page_tells_users_to_install_govrule_from_an_index() -> None:
    """govrule is not published: install instructions work from a clone (pip install -e '.[extra]')."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"pip install[^\n`]*\bgovrule\[", text), page


def test_a_missing_hypothesis_names_the_extra_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    from govrule.testing import documents\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.startswith("ImportError ") and "testing" in proc.stdout and "pip install" in proc.stdout


def test_dir_shows_the_public_api_only() -> None:
    names = dir(govrule)
    assert names == sorted(govrule.__all__)
    assert "Any" not in names and "annotations" not in names and "TYPE_CHECKING" not in names
    for name in govrule.__all__:
        assert getattr(govrule, name) is not None
    # public names resolve to the objects of their modules
    from govrule.engine import Ruleset

    assert govrule.Ruleset is Ruleset and callable(govrule.jsonable)


def test_import_govrule_loads_no_heavy_module() -> None:
    """`import govrule` defers its submodules, so a script or hook pays only for what it uses."""
    code = (
        "import sys, govrule\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'opencc', 'chinese_calendar', 'networkx', 'govrule.engine')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_the_literal_types_list_exactly_the_closed_vocabularies() -> None:
    import typing

    from govrule import literals, vocabulary

    for alias, name in literals.VOCABULARY_OF.items():
        listed = typing.get_args(getattr(literals, alias))
        words = tuple(vocabulary.VOCABULARIES[name])
        assert listed == words, f"govrule/literals.py: {alias} must list the {name} vocabulary: {words}"


def test_a_type_checker_catches_a_misspelt_vocabulary_word(tmp_path: Path) -> None:
    from mypy import api

    sample = tmp_path / "sample.py"
    sample.write_text(
        "import govrule\n"
        'govrule.Document(issuer="goverment", kind="request", recipient="higher_government")\n'
        'govrule.Document(issuer="government", kind="request", recipient="higher_government")\n'
        'govrule.AgendaItem(kind="funding", procedures_done=["legality_reveiw"])\n',
        encoding="utf-8",
    )
    out, _, status = api.run([str(sample), "--no-incremental", "--follow-imports=silent"])
    assert status == 1
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 2 and "sample.py:2:" in errors[0] and "sample.py:4:" in errors[1], out
