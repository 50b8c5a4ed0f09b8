"""The documentation is honest: the site builds with --strict, generated pages match their sources,
and every example tagged for testing runs and prints exactly the output the page shows.

Tagging examples in a page (HTML comments, invisible in the built site):

- ``<!-- test -->`` before a ```` ```python ```` or ```` ```sh ```` block runs it. Python blocks of one page
  share a namespace, like one session; shell blocks run in bash with ``govrule`` on the PATH. Both
  run in a fresh working directory per page. ``<!-- test: exit N -->`` expects a shell block to exit N.
- ``<!-- output -->`` before a block right after a tested one: what that block must print
  (stdout and stderr of a shell block, stdout of a Python block). A line ``...`` matches any lines.
- ``<!-- file: NAME -->`` before a block writes its text to NAME in the working directory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent

_MARKER = re.compile(r"^<!--\s*(test|output|file)(?::\s*(.*?))?\s*-->\s*$")
_FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)")


def _build_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "scripts" / "build_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------- reading pages


@dataclasses.dataclass
class Block:
    """A fenced block of a page with the marker in front of it, if any."""

    page: str
    line: int  # 1-based line of the first line of the block's body
    lang: str
    body: str
    marker: str | None = None
    argument: str | None = None


def read_blocks(path: Path) -> list[Block]:
    """Every fenced block of a markdown page, each with the marker comment that precedes it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rel = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    blocks: list[Block] = []
    pending: tuple[str, str | None, int] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = _MARKER.match(line.strip())
        if marker:
            if pending:
                raise AssertionError(f"{rel}:{pending[2]}: marker <!-- {pending[0]} --> is not followed by a block")
            pending = (marker.group(1), marker.group(2), i + 1)
            i += 1
            continue
        fence = _FENCE.match(line.lstrip())
        if fence:
            ticks = fence.group(1)
            indent = len(line) - len(line.lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(ticks):
                j += 1
            if j == len(lines):
                raise AssertionError(f"{rel}:{i + 1}: unclosed code block")
            body = "\n".join(x[indent:] if x[:indent].strip() == "" else x for x in lines[i + 1 : j])
            kind, arg = (pending[0], pending[1]) if pending else (None, None)
            blocks.append(Block(rel, i + 2, fence.group(2), body + "\n", kind, arg))
            pending = None
            i = j + 1
            continue
        if pending and line.strip():
            raise AssertionError(f"{rel}:{pending[2]}: marker <!-- {pending[0]} --> is not followed by a block")
        i += 1
    if pending:
        raise AssertionError(f"{rel}:{pending[2]}: marker <!-- {pending[0]} --> is not followed by a block")
    return blocks


@dataclasses.dataclass
class Step:
    """One thing to do for a page: write a file, or run a block and compare its output."""

    block: Block
    expected: Block | None = None
    exit_code: int = 0


def steps(path: Path) -> list[Step]:
    """The page's tagged blocks in order, each output block attached to the block it belongs to."""
    out: list[Step] = []
    previous: Block | None = None
    for block in read_blocks(path):
        where = f"{block.page}:{block.line - 1}"
        if block.marker == "file":
            assert block.argument, f"{where}: <!-- file: NAME --> needs a name"
            out.append(Step(block))
        elif block.marker == "test":
            assert block.lang in ("python", "sh"), f"{where}: only python and sh blocks run, not {block.lang!r}"
            code = 0
            if block.argument:
                m = re.fullmatch(r"exit (\d+)", block.argument)
                assert m, f"{where}: write <!-- test --> or <!-- test: exit N -->, not {block.argument!r}"
                code = int(m.group(1))
            out.append(Step(block, exit_code=code))
        elif block.marker == "output":
            assert previous is not None and previous.marker == "test" and out and out[-1].expected is None, (
                f"{where}: an output block must come right after a tested block"
            )
            out[-1].expected = block
        previous = block
    return out


def pages_with_examples() -> list[Path]:
    """The pages with at least one tagged block."""
    return [p for p in sorted(DOCS.rglob("*.md")) if steps(p)]


# ---------------------------------------------------------------------------------------- running examples


def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _matches(expected: list[str], actual: list[str]) -> bool:
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and _matches(expected[1:], actual[1:])


def _compare(step: Step, actual: str) -> None:
    if step.expected is None:
        return
    want, got = _normalise(step.expected.body), _normalise(actual)
    if not _matches(want, got):
        diff = "\n".join(difflib.unified_diff(want, got, "shown in the page", "printed now", lineterm=""))
        raise AssertionError(
            f"{step.block.page}:{step.expected.line}: the output shown differs from what the "
            f"example at line {step.block.line} prints:\n{diff}"
        )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({"COLUMNS": "100", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"})
    return env


def run_page(path: Path, workdir: Path) -> int:
    """Run every tagged block of a page in ``workdir``; returns how many blocks ran."""
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    ran = 0
    before = Path.cwd()
    os.chdir(workdir)
    try:
        for step in steps(path):
            block = step.block
            if block.marker == "file":
                target = workdir / str(block.argument)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.body, encoding="utf-8")
                continue
            ran += 1
            if block.lang == "python":
                source = "\n" * (block.line - 1) + block.body
                buffer = io.StringIO()
                with contextlib.redirect_stdout(buffer):
                    exec(compile(source, block.page, "exec"), namespace)
                _compare(step, buffer.getvalue())
            else:
                done = subprocess.run(
                    ["bash", "-e", "-c", block.body],
                    cwd=workdir,
                    env=_environment(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=300,
                )
                assert done.returncode == step.exit_code, (
                    f"{block.page}:{block.line}: exit {done.returncode}, the page expects {step.exit_code}:\n"
                    f"{done.stdout}"
                )
                _compare(step, done.stdout)
    finally:
        os.chdir(before)
    return ran


def test_the_tutorial_and_guides_carry_tested_examples() -> None:
    """The pages whose examples a reader copies are the ones the tests run."""
    names = {str(p.relative_to(DOCS)) for p in pages_with_examples()}
    assert {"tutorial.md", "authoring.md", "conditions.md", "decisions.md"} <= names, names


@pytest.mark.parametrize("page", pages_with_examples(), ids=lambda p: str(p.relative_to(DOCS)))
def test_examples_run_and_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    """Every tagged example of the page runs, exits as shown and prints the output shown."""
    assert run_page(page, tmp_path) > 0


def test_the_runner_catches_a_wrong_output(tmp_path: Path) -> None:
    """An example whose shown output is wrong fails the tests (the checker checks)."""
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- test -->\n\n```python\nprint(1 + 1)\n```\n\n<!-- output -->\n\n```text\n3\n```\n", encoding="utf-8"
    )
    with pytest.raises(AssertionError, match="differs"):
        run_page(page, tmp_path)


def test_the_runner_catches_a_wrong_exit_code(tmp_path: Path) -> None:
    """A shell example that exits otherwise than the page says fails the tests."""
    page = tmp_path / "page.md"
    page.write_text("<!-- test -->\n\n```sh\nfalse\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="exit 1, the page expects 0"):
        run_page(page, tmp_path)


def test_ellipsis_matches_any_lines() -> None:
    """A line ``...`` in shown output stands for any number of lines, none included."""
    assert _matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert _matches(["a", "...", "z"], ["a", "z"])
    assert not _matches(["a", "...", "z"], ["a", "b"])


# ---------------------------------------------------------------------------------------- generated pages


def test_generated_pages_match_their_sources() -> None:
    """The committed format, CLI and ruleset pages are what scripts/build_docs.py produces now."""
    stale = _build_docs().stale_pages()
    assert not stale, (
        "generated documentation is out of date: " + ", ".join(stale) + "\nrun: python scripts/build_docs.py"
    )


def test_format_reference_documents_every_definition_and_field() -> None:
    """Every definition of the JSON Schema has a section, and every field of it a row."""
    from govrule.schema import ruleset_schema

    page = (DOCS / "reference" / "format.md").read_text(encoding="utf-8")
    schema = ruleset_schema()
    for name, node in schema["$defs"].items():
        assert f"\n## {name}\n" in page, name
        for field in node.get("properties", {}):
            if name != "Condition":
                assert f"| `{field}` |" in page, f"{name}.{field}"
    for field in schema["properties"]:
        assert f"| `{field}` |" in page, field


def test_ruleset_pages_show_every_rule_with_its_citation() -> None:
    """Each bundled ruleset's page names every rule id it encodes, beside the rule's citation."""
    import govrule

    build_docs = _build_docs()
    for rid in govrule.bundled():
        spec = govrule.load(rid).spec
        page = (DOCS / "rulesets" / f"{rid}.md").read_text(encoding="utf-8")
        for rule in build_docs._all_rules(spec):
            row = next((line for line in page.splitlines() if f"`{rule.id}`" in line and line.startswith("|")), None)
            assert row is not None, f"{rid}: rule {rule.id} is not on its page"
            assert build_docs.esc(rule.cite) in row, f"{rid}: rule {rule.id} is shown without its citation"
        for entry in spec.coverage:
            assert f"| {build_docs.esc(entry.article)} | {entry.status} |" in page, f"{rid}: {entry.article}"


def test_cli_reference_lists_every_command_and_option() -> None:
    """The CLI page has a section per command and a row per option of the parser."""
    from govrule.cli import build_parser

    build_docs = _build_docs()
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    commands = []
    for name, sub in build_docs._subcommands(build_parser()).items():
        nested = build_docs._subcommands(sub)  # e.g. `govrule calendar import`: a section per action
        commands.extend([(f"{name} {action}", p) for action, p in nested.items()] or [(name, sub)])
    for name, sub in commands:
        assert f"## govrule {name}\n" in page, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in page, f"{name} {option}"


# ---------------------------------------------------------------------------------------- the site


def test_site_builds_with_strict_warnings(tmp_path: Path) -> None:
    """`mkdocs build --strict` succeeds: no broken link, anchor, nav entry or API reference."""
    for module in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"{module} is not installed: pip install -e '.[docs]' to build the site")
    site = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for name in (
        "govrule.Ruleset.who_must_sign",
        "govrule.AgendaCheck",
        "govrule.testing.run_file",
        "govrule.NoApplicableRule",
    ):
        assert f'id="{name}"' in api, f"the API reference lacks {name}"
    for page in ("tutorial", "authoring", "reference/format", "reference/cli", "rulesets/ezhou", "decisions"):
        assert (site / page / "index.html").exists(), page
