"""A pytest plugin that runs govrule fixture files as tests.

List the files in your pytest configuration and each case becomes a test item::

    [tool.pytest.ini_options]
    govrule_fixtures = ["tests/cases/*.yaml"]

or call :func:`govrule.testing.run_file` from a test of your own.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .fixtures import Case, read_fixture, run_case


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``govrule_fixtures`` ini option."""
    parser.addini("govrule_fixtures", "glob patterns of govrule fixture files to run as tests", type="linelist")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect a YAML file matching one of the ``govrule_fixtures`` patterns."""
    patterns = parent.config.getini("govrule_fixtures")
    if not patterns or file_path.suffix not in (".yaml", ".yml"):
        return None
    rel = (
        file_path.relative_to(parent.config.rootpath).as_posix()
        if file_path.is_relative_to(parent.config.rootpath)
        else file_path.as_posix()
    )
    if any(fnmatch.fnmatch(rel, p) for p in patterns):
        return GovruleFixture.from_parent(parent, path=file_path)
    return None


class GovruleFixture(pytest.File):
    """A fixture file: one test item per case."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per case."""
        from ..registry import load

        fixture = read_fixture(self.path)
        for case in fixture.cases:
            yield GovruleCase.from_parent(self, name=case.name, case=case, ruleset=fixture.ruleset, loader=load)


class GovruleCase(pytest.Item):
    """One case of a fixture file."""

    def __init__(self, *, case: Case, ruleset: str, loader: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.ruleset = ruleset
        self.loader = loader

    def runtest(self) -> None:
        """Run the case; fail with the differences."""
        target = self.ruleset
        local = self.path.parent / target
        rs = self.loader(str(local) if target.endswith((".yaml", ".yml")) and local.exists() else target)
        result = run_case(rs, self.case, str(self.path))
        if not result.passed:
            raise GovruleCaseFailure(result.describe())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The case's differences, not a traceback."""
        if isinstance(excinfo.value, GovruleCaseFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the case is."""
        return self.path, self.case.line - 1, self.case.name


class GovruleCaseFailure(Exception):
    """A fixture case did not give the expected answer."""
