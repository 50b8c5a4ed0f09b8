"""The pre-commit hook works from another repository: it fails a commit with an invalid ruleset,
naming file:line:column, and passes one whose rulesets are valid.

pre-commit clones the hook repository at a commit and installs it into an environment of its own,
so the hook must be committed. When this checkout's HEAD carries the working tree's
.pre-commit-hooks.yaml, the test uses HEAD itself; otherwise (the hook file is new or changed and
not yet committed) it commits a snapshot of the package into a scratch repository and uses that.
Installing the hook's environment uses pip as configured on the machine; it takes tens of seconds.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
EXAMPLE = ROOT / "examples" / "minimal.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _pre_commit() -> list[str]:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed: pip install -e '.[dev]'")
    return [sys.executable, "-m", "pre_commit"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        {
            "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "govrule tests",
            "GIT_AUTHOR_EMAIL": "tests@govrule.invalid",
            "GIT_COMMITTER_NAME": "govrule tests",
            "GIT_COMMITTER_EMAIL": "tests@govrule.invalid",
            "NO_COLOR": "1",
        }
    )
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n[safe]\n\tdirectory = *\n", encoding="utf-8")
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120
    )
    assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}"
    return done.stdout.strip()


def _committed_hooks(env: dict[str, str]) -> str | None:
    """HEAD's .pre-commit-hooks.yaml in this checkout (read-only), or None when there is none."""
    if not (ROOT / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "show", "HEAD:.pre-commit-hooks.yaml"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        timeout=60,
    )
    return done.stdout if done.returncode == 0 else None


def _hook_repository(tmp: Path, env: dict[str, str]) -> tuple[str, str]:
    """(repo, rev) for the consumer's config: this checkout at HEAD, or a committed snapshot of it."""
    if _committed_hooks(env) == HOOKS.read_text(encoding="utf-8"):
        return str(ROOT), _git(ROOT, env, "rev-parse", "HEAD")
    snapshot = tmp / "govrule-snapshot"
    snapshot.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, snapshot / name)
    shutil.copytree(ROOT / "src", snapshot / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    _git(snapshot, env, "init", "-q")
    _git(snapshot, env, "add", "-A")
    _git(snapshot, env, "commit", "-q", "-m", "snapshot of the working tree for the pre-commit test")
    return str(snapshot), _git(snapshot, env, "rev-parse", "HEAD")


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, "run", "--all-files", "--color", "never"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


def test_the_hook_definition_runs_govrule_validate_on_ruleset_files() -> None:
    """The hook is a python hook running `govrule validate` on YAML files under rulesets/."""
    import re

    import yaml

    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "govrule-validate"
    assert hook["entry"] == "govrule validate" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    assert pattern.search("rulesets/city.yaml") and pattern.search("config/rulesets/city.yml")
    assert not pattern.search("tests/cases/city.yaml") and not pattern.search("rulesets/README.md")


def test_hook_fails_on_an_invalid_ruleset_and_passes_on_valid_ones(tmp_path: Path) -> None:
    """From another repository, the hook fails naming file:line:col, and passes once the bad file is gone."""
    cmd = _pre_commit()
    env = _env(tmp_path)
    repo, rev = _hook_repository(tmp_path, env)

    consumer = tmp_path / "consumer"
    (consumer / "rulesets").mkdir(parents=True)
    valid = EXAMPLE.read_text(encoding="utf-8")
    (consumer / "rulesets" / "good.yaml").write_text(valid, encoding="utf-8")
    invalid = valid.replace(
        "members: [head, deputy_head, secretary_general]", "members: [head, deputy_head, secretary_genral]"
    )
    assert invalid != valid
    (consumer / "rulesets" / "bad.yaml").write_text(invalid, encoding="utf-8")
    (consumer / "notes.yaml").write_text("not: [a, ruleset]\n", encoding="utf-8")  # outside rulesets/: not checked
    (consumer / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: govrule-validate\n", encoding="utf-8"
    )
    _git(consumer, env, "init", "-q")
    _git(consumer, env, "add", "-A")

    try:
        _check_hook(cmd, consumer, env, invalid)
    finally:  # the hook's environment is a whole virtualenv: do not leave it behind in pytest's temp dirs
        shutil.rmtree(tmp_path / "pre-commit-cache", ignore_errors=True)


def _check_hook(cmd: list[str], consumer: Path, env: dict[str, str], invalid: str) -> None:
    bad_line = next(i for i, line in enumerate(invalid.splitlines(), 1) if "secretary_genral" in line)
    bad_col = invalid.splitlines()[bad_line - 1].index("secretary_genral") + 1

    failed = _run(cmd, consumer, env)
    assert failed.returncode == 1, failed.stdout
    assert "validate govrule rulesets" in failed.stdout and "Failed" in failed.stdout, failed.stdout
    assert f"rulesets/bad.yaml:{bad_line}:{bad_col}: 未定义的角色 'secretary_genral'" in failed.stdout, failed.stdout
    assert "rulesets/good.yaml：有效" in failed.stdout, failed.stdout
    assert "notes.yaml" not in failed.stdout, failed.stdout

    _git(consumer, env, "rm", "-q", "-f", "rulesets/bad.yaml")
    passed = _run(cmd, consumer, env)
    assert passed.returncode == 0, passed.stdout
    assert "validate govrule rulesets" in passed.stdout and "Passed" in passed.stdout, passed.stdout
