"""The compiled form of a validated ruleset file, kept on disk like Python's byte code.

Validating a ruleset file means parsing YAML with positions and building the pydantic file
models; both cost more start-up time than answering a query. After a file has been validated
once, its validated content is written, in a form that needs neither YAML nor pydantic to read
back, to a cache directory; the next process that loads the same text compiles the ruleset from
that form and answers without importing either.

What makes this safe:

- An entry is found by a key made of the file's exact text, the govrule version and the code
  that validates (every module of the package, by size and modification time), so a changed
  file, a changed govrule or an edited checkout never reads an old entry: the text is
  validated again, as the first time.
- The entry holds the validated content, never a decision: the ruleset is compiled from it
  in this process exactly as from the file model, and its revision (the content hash answers
  are recorded under) is checked when the file model is asked for.
- ``Ruleset.spec`` and ``Ruleset.source`` still give the pydantic model and the positions:
  they are read again from the text the first time they are asked for.
- Entries are read with an unpickler that builds only the plain types listed here, so a
  planted file cannot run code; an unreadable, foreign or damaged entry is ignored (and the
  text validated), and a cache directory that cannot be written is simply not used.

``GOVRULE_CACHE_DIR`` names the directory (empty: no cache); otherwise it is
``$XDG_CACHE_HOME/govrule`` or ``~/.cache/govrule``.
"""

from __future__ import annotations

import datetime as dt
import fractions
import hashlib
import io
import os
import pickle
import sys
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._frozen import FrozenMap

if TYPE_CHECKING:
    from .engine import Ruleset

__all__ = ["Record", "cache_dir", "compile_model", "load", "store"]

#: The layout of an entry; part of every key.
FORMAT = 1
#: Entries kept at most; the oldest are removed beyond this.
MAX_ENTRIES = 256


class Record:
    """One validated file model (a rule, a table, a meeting …) in compiled form: read-only attributes.

    ``model_fields`` names the model's fields, as on the pydantic class; the model's computed
    properties (e.g. ``Step.quantifier``) are kept as attributes of the same name.
    """

    __slots__ = ()
    model_fields: ClassVar[Mapping[str, None]] = {}
    _names: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in self._names)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.model_fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_record, (type(self).__name__, self._names, len(self.model_fields), self._values()))


_classes: dict[tuple[str, tuple[str, ...], int], type[Record]] = {}
_classes_lock = threading.Lock()


def _record(name: str, names: tuple[str, ...], n_fields: int, values: tuple[Any, ...]) -> Record:
    """A record of the model ``name`` whose first ``n_fields`` attributes are its fields."""
    key = (name, names, n_fields)
    cls = _classes.get(key)
    if cls is None:
        with _classes_lock:  # one class per model and shape, so records of two rulesets compare alike
            cls = _classes.get(key)
            if cls is None:
                cls = _classes[key] = type(
                    name,
                    (Record,),
                    {
                        "__slots__": names,
                        "__module__": __name__,
                        "_names": names,
                        "model_fields": FrozenMap(dict.fromkeys(names[:n_fields])),
                    },
                )
    if len(values) != len(names):
        raise ValueError(f"{name}: {len(values)} values for {len(names)} attributes")
    obj = object.__new__(cls)
    for attr, value in zip(names, values, strict=True):
        object.__setattr__(obj, attr, value)
    return obj


def _properties(cls: type) -> tuple[str, ...]:
    return tuple(
        name
        for name in sorted({n for klass in cls.__mro__ for n, v in vars(klass).items() if isinstance(v, property)})
        if not name.startswith("_") and not name.startswith("model_")
    )


def compile_model(value: Any) -> Any:
    """A validated file model (or any part of one) in compiled form."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None and not isinstance(value, Record):
        names = tuple(fields)
        props = _properties(type(value))
        values = tuple(compile_model(getattr(value, n)) for n in (*names, *props))
        return _record(type(value).__name__, (*names, *props), len(names), values)
    if type(value) is tuple:
        return tuple(compile_model(v) for v in value)
    if isinstance(value, Mapping):
        return FrozenMap({k: compile_model(v) for k, v in value.items()})
    if isinstance(value, str | int | float | dt.date | fractions.Fraction | frozenset | type(None)):
        return value
    raise TypeError(f"cannot compile a {type(value).__name__} of a ruleset file")


# ---------------------------------------------------------------------------- the cache directory


def cache_dir() -> str | None:
    """Where compiled forms are kept, or None when the cache is switched off (``GOVRULE_CACHE_DIR=``)."""
    named = os.environ.get("GOVRULE_CACHE_DIR")
    if named is not None:
        return named or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "govrule")


_code_stamp: bytes | None = None


def _code() -> bytes:
    # The version and every module of the package by name, size and modification time: an edited
    # checkout or an upgrade reads no entry written by other code.
    global _code_stamp
    if _code_stamp is None:
        from . import __version__

        here = os.path.dirname(__file__)
        parts = [f"{__version__}|{FORMAT}|{sys.version_info[:2]}"]
        with os.scandir(here) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        _code_stamp = "\n".join(parts).encode()
    return _code_stamp


def content_digest(text: str) -> bytes:
    """A ruleset text's content hash: the process's load cache and the entries' keys are made from it."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _key(text: str, digest: bytes | None = None) -> str:
    key = hashlib.blake2b(digest_size=20)
    key.update(_code())
    key.update(b"\0")
    key.update(digest or content_digest(text))
    return key.hexdigest()


#: What an entry may contain: the plain types of a validated file, and nothing that runs code.
_ALLOWED = {
    ("govrule._compiled", "_record"),
    ("govrule._frozen", "FrozenMap"),
    ("datetime", "date"),
    ("fractions", "Fraction"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a compiled ruleset")
        return super().find_class(module, name)


def _path(text: str, digest: bytes | None) -> str | None:
    where = cache_dir()
    return None if where is None else os.path.join(where, _key(text, digest) + ".pickle")


def load(file: str, text: str, digest: bytes | None = None) -> Ruleset | None:
    """The ruleset compiled from the cached form of this text, or None when there is none to use."""
    path = _path(text, digest)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            entry = _Unpickler(io.BytesIO(handle.read())).load()
        spec, revision, normalized = entry["spec"], entry["revision"], entry["normalized"]
        if entry.get("format") != FORMAT or not isinstance(revision, str) or not isinstance(normalized, Mapping):
            return None
    except FileNotFoundError:
        return None
    except Exception:  # damaged, truncated or foreign: validate the text instead
        return None
    from . import engine

    engine.remember_normalized(normalized)
    return engine.Ruleset(spec, revision=revision, origin=(file, text))


def _labels(spec: Any) -> Iterable[str]:
    for group in (spec.roles, spec.meetings):
        for entry in group.values():
            yield entry.label
            yield from entry.aliases
    yield from spec.events.values()


def store(text: str, rs: Ruleset, digest: bytes | None = None) -> None:
    """Keep the compiled form of a ruleset validated from this text (quietly nothing when it cannot)."""
    path = _path(text, digest)
    if path is None:
        return
    from .engine import normalize_label

    spec = rs.spec
    entry = {
        "format": FORMAT,
        "spec": compile_model(spec),
        "revision": rs.revision,
        "normalized": {label: normalize_label(label) for label in _labels(spec)},
    }
    import tempfile

    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(directory)
    except OSError:  # a read-only home, a full disk: answer without the cache
        return


def _prune(directory: str) -> None:
    entries = [e for e in os.scandir(directory) if e.name.endswith(".pickle")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - MAX_ENTRIES]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
