"""The rulesets in service: loaded from a directory and reloaded when a file changes.

A file that fails validation never replaces the ruleset in service: the good one keeps
answering, and the failure (every problem with file:line:column) is logged and kept for
``/health`` until the file is fixed or removed. A scan reads only the ``*.yaml`` and
``*.yml`` files directly inside the directory; nothing a request says selects a path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import threading
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from ..engine import Ruleset
from ..errors import GovruleError, Problem, RulesetError
from ..registry import load

__all__ = ["Entry", "RulesetStore"]

log = logging.getLogger("govrule.service")

_SUFFIXES = (".yaml", ".yml")


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """A ruleset in service: the compiled ruleset, the file it came from and when it was loaded."""

    ruleset: Ruleset
    file: str
    loaded: str


class RulesetStore:
    """Rulesets by id, from the ``*.yaml`` files of one directory (default: the bundled rulesets)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = os.fspath(directory) if directory is not None else str(resources.files("govrule") / "rulesets")
        self._entries: Mapping[str, Entry] = MappingProxyType({})
        self._stamps: dict[str, tuple[int, int]] = {}
        self._failures: Mapping[str, tuple[Problem, ...]] = MappingProxyType({})
        self._lock = threading.Lock()
        self.scans = 0
        self.last_scan: str | None = None

    # ------------------------------------------------------------------ reading (any thread, lock-free)

    @property
    def entries(self) -> Mapping[str, Entry]:
        """The rulesets in service by id (a read-only snapshot)."""
        return self._entries

    @property
    def failures(self) -> Mapping[str, tuple[Problem, ...]]:
        """Files that failed to load, with their problems (a read-only snapshot)."""
        return self._failures

    def get(self, ruleset_id: str) -> Ruleset | None:
        """The ruleset in service under this id, or None."""
        entry = self._entries.get(ruleset_id)
        return entry.ruleset if entry is not None else None

    # ------------------------------------------------------------------ scanning (one thread at a time)

    def _files(self) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        try:
            listing = list(os.scandir(self.directory))
        except OSError as exc:
            log.error("govrule serve: cannot read the rulesets directory %s: %s", self.directory, exc)
            return dict(self._stamps)  # keep serving what is loaded
        for item in listing:
            if not item.name.endswith(_SUFFIXES) or item.name.startswith("."):
                continue
            try:
                st = item.stat()
            except OSError:
                continue
            if item.is_file():
                found[item.path] = (st.st_mtime_ns, st.st_size)
        return found

    def scan(self) -> bool:
        """Load new and changed files, drop removed ones; True when anything changed."""
        with self._lock:
            files = self._files()
            changed = False
            entries = dict(self._entries)
            failures = dict(self._failures)
            by_file = {e.file: rid for rid, e in entries.items()}
            for path in sorted(set(self._stamps) - set(files)):
                del self._stamps[path]
                failures.pop(path, None)
                rid = by_file.pop(path, None)
                if rid is not None:
                    del entries[rid]
                    log.warning("govrule serve: %s removed; ruleset %s is no longer served", path, rid)
                changed = True
            for path, stamp in sorted(files.items()):
                if self._stamps.get(path) == stamp:
                    continue
                self._stamps[path] = stamp
                changed = True
                problems = self._load_into(path, entries, by_file)
                if problems:
                    failures[path] = problems
                    kept = by_file.get(path)
                    for p in problems:
                        log.error("govrule serve: %s", p)
                    log.error(
                        "govrule serve: %s not loaded%s",
                        path,
                        f"; ruleset {kept} stays in service unchanged" if kept else "",
                    )
                else:
                    failures.pop(path, None)
            self._entries = MappingProxyType(entries)
            self._failures = MappingProxyType(failures)
            self.scans += 1
            self.last_scan = _now()
            return changed

    def _load_into(self, path: str, entries: dict[str, Entry], by_file: dict[str, str]) -> tuple[Problem, ...]:
        try:
            rs = load(path)
        except RulesetError as exc:
            return exc.problems
        except (GovruleError, OSError) as exc:
            return (Problem(path, 1, 1, "", str(exc)),)
        owner = entries.get(rs.id)
        if owner is not None and owner.file != path:
            return (
                Problem(path, 1, 1, "id", f"ruleset id {rs.id!r} is already served from {owner.file}; ids are unique"),
            )
        old = by_file.get(path)
        if old is not None and old != rs.id:
            del entries[old]
        entries[rs.id] = Entry(rs, path, _now())
        by_file[path] = rs.id
        if old is not None:
            log.warning("govrule serve: reloaded %s from %s (revision %s)", rs.id, path, rs.revision)
        return ()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
