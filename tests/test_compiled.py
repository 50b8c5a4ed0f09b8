"""The compiled form of a ruleset (govrule._compiled): same answers, never stale, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govrule
from govrule import _compiled, engine, loader, registry
from govrule.errors import GovruleError, RulesetError
from govrule.testing import strategies

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES = [
    *(os.path.join(registry._bundled_dir(), f"{rid}.yaml") for rid in govrule.bundled()),
    *(str(p) for p in sorted(EXAMPLES.glob("*.yaml")) if not p.name.endswith(".cases.yaml")),
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "cache"
    monkeypatch.setenv("GOVRULE_CACHE_DIR", str(where))
    monkeypatch.setattr(registry, "_cache", {})  # no answer from this process's memory
    yield where


def _validated(file: str) -> tuple[str, govrule.Ruleset]:
    with open(file, encoding="utf-8") as handle:
        text = handle.read()
    source = loader.parse_text(text, file)
    return text, govrule.Ruleset(source.spec, source=source)


def _compiled_copy(file: str) -> tuple[govrule.Ruleset, govrule.Ruleset]:
    text, fresh = _validated(file)
    _compiled.store(text, fresh)
    copy = _compiled.load(file, text)
    assert copy is not None, f"{file}: no compiled form was kept"
    return fresh, copy


def _approve_and_absent(rs: govrule.Ruleset, data: st.DataObject) -> list[tuple[str, Any, bool]]:
    doc = data.draw(strategies.documents(rs), label="document")
    roles = sorted(rs.spec.roles)
    away = data.draw(st.sets(st.sampled_from(roles), max_size=2), label="absent")
    role = data.draw(st.sampled_from(roles), label="role")
    return [
        (f"who_must_approve({doc!r})", lambda r: r.who_must_approve(doc), False),
        (f"who_must_sign({doc!r}, absent={away!r})", lambda r: r.who_must_sign(doc, absent=away), False),
        (f"stand_in({role!r})", lambda r: r.stand_in(role), False),
        ("roles", lambda r: dict(r.roles), False),
        ("meetings", lambda r: (r.meetings, r.events), False),
    ]


@pytest.mark.parametrize("file", FILES, ids=[Path(f).stem for f in FILES])
def test_the_compiled_form_answers_every_question_as_the_validated_file(cache: Path, file: str) -> None:
    fresh, copy = _compiled_copy(file)
    assert copy.revision == fresh.revision and copy.id == fresh.id and copy.document == fresh.document

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(st.data())
    def same(data: st.DataObject) -> None:
        questions = strategies._questions(fresh, data) + _approve_and_absent(fresh, data)
        for text, ask, calendar_ok in questions:
            assert strategies._outcome(ask, copy, calendar_ok) == strategies._outcome(ask, fresh, calendar_ok), text

    same()


def test_spec_source_and_meta_are_read_again_from_the_text(cache: Path) -> None:
    fresh, copy = _compiled_copy(FILES[0])
    assert copy.spec == fresh.spec and type(copy.spec) is type(fresh.spec)
    assert copy.source is not None and fresh.source is not None
    assert copy.source.where(("signing", 0)) == fresh.source.where(("signing", 0))
    assert copy.meta == fresh.meta
    assert pickle.loads(pickle.dumps(copy)).revision == fresh.revision


def test_a_compiled_form_is_read_only(cache: Path) -> None:
    _, copy = _compiled_copy(FILES[0])
    compiled_spec = copy._spec
    assert isinstance(compiled_spec, _compiled.Record)
    with pytest.raises(AttributeError):
        compiled_spec.id = "other"  # type: ignore[misc]
    rule = compiled_spec.signing[0].rules[0]
    with pytest.raises(AttributeError):
        del rule.cite
    with pytest.raises(TypeError):
        compiled_spec.roles["head"] = None


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_a_changed_file_is_validated_again_never_answered_from_the_old_form(cache: Path, tmp_path: Path) -> None:
    minimal = (EXAMPLES / "minimal.yaml").read_text(encoding="utf-8")
    file = tmp_path / "city.yaml"
    _write(file, minimal)
    first = govrule.load(str(file))
    assert any(cache.glob("*.pickle")), "the first load keeps a compiled form"
    registry._cache.clear()
    again = govrule.load(str(file))
    assert isinstance(again._spec, _compiled.Record), "the second process-level load reads the compiled form"
    assert again.revision == first.revision
    # The same path, different rules: the compiled form of the old text is not used.
    changed = minimal.replace("title:", "title: 改", 1)
    assert changed != minimal
    _write(file, changed)
    registry._cache.clear()
    third = govrule.load(str(file))
    assert third.revision != first.revision and third.meta.title.startswith("改")
    # A broken edit is an error, never an answer from the last good text.
    _write(file, minimal.replace("id:", "idd:", 1))
    registry._cache.clear()
    with pytest.raises(RulesetError):
        govrule.load(str(file))


def test_a_damaged_or_planted_entry_is_ignored(cache: Path, tmp_path: Path) -> None:
    text, fresh = _validated(FILES[0])
    _compiled.store(text, fresh)
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:100])  # truncated
    assert _compiled.load(FILES[0], text) is None
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(pickle.dumps({"format": _compiled.FORMAT, "spec": Planted(), "revision": "x", "normalized": {}}))
    assert _compiled.load(FILES[0], text) is None
    assert not marker.exists(), "an entry must never run code"
    registry._cache.clear()
    assert govrule.load(FILES[0]).revision == fresh.revision  # validated again instead


def test_the_key_changes_with_the_code(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = _validated(FILES[0])
    before = _compiled._key(text)
    monkeypatch.setattr(_compiled, "_code_stamp", b"another govrule")
    assert _compiled._key(text) != before
    assert _compiled._key(text + " ") != _compiled._key(text)


def test_no_cache_directory_means_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVRULE_CACHE_DIR", "")
    monkeypatch.setattr(registry, "_cache", {})
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert _compiled.cache_dir() is None
    assert govrule.load(FILES[0]).id
    assert not list(tmp_path.rglob("*.pickle"))


def test_an_unwritable_cache_directory_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GOVRULE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(registry, "_cache", {})
    assert govrule.load(FILES[0]).who_must_sign  # answers, without a cache


def test_the_default_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOVRULE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _compiled.cache_dir() == os.path.join(str(tmp_path), "govrule")


def test_entries_are_bounded(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compiled, "MAX_ENTRIES", 2)
    text, fresh = _validated(FILES[0])
    for i in range(4):
        _compiled.store(text + "\n" * (i + 1), fresh)
    assert len(list(cache.glob("*.pickle"))) == 2


def test_a_second_process_answers_without_yaml_or_pydantic(tmp_path: Path) -> None:
    # What keeps a shell loop fast (bench/startup.py measures it): the second call reads the compiled form.
    env = {**os.environ, "GOVRULE_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys\nfrom govrule.cli import main\n"
        "code = main(['sign', 'ezhou', '--issuer', 'government', '--kind', 'request',"
        " '--recipient', 'higher_government'])\n"
        "heavy = ('pydantic', 'yaml', 'opencc', 'govrule.model', 'govrule.loader')\n"
        "print('LOADED', ','.join(m for m in heavy if m in sys.modules))\nsys.exit(code)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "市长(head)或常务副市长(executive_deputy_head)" in run.stdout
    assert "pydantic" in runs[0].stdout.split("LOADED")[1], "the first call validates the file"
    assert runs[1].stdout.split("LOADED")[1].strip() == "", runs[1].stdout


def test_a_compiled_ruleset_with_a_calendar_keeps_its_origin(cache: Path) -> None:
    _, copy = _compiled_copy(FILES[0])
    other = copy.with_calendar(govrule.default_calendar())
    assert other.revision == copy.revision and other.spec == copy.spec


def test_a_record_does_not_pretend_to_be_another_kind(cache: Path) -> None:
    _, copy = _compiled_copy(FILES[0])
    rule = copy._spec.signing[0].rules[0]
    assert rule == rule and hash(rule) == hash(rule)
    assert rule != copy._spec.signing[0] and "cite=" in repr(rule)
    text, _ = _validated(FILES[0])
    with pytest.raises(GovruleError, match="does not match its text"):
        engine.Ruleset(copy._spec, revision="0" * 16, origin=(FILES[0], text)).spec  # noqa: B018
