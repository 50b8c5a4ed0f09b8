"""Safe YAML loading that keeps the line and column of every node.

PyYAML's safe loader is the parser; on top of it this module rejects what a ruleset
must never contain (duplicate keys, tags outside the YAML core schema, alias bombs,
runaway nesting, oversize files, bytes that are not UTF-8) and records, for every path
inside the document, where its key and its value start, so later errors can point at
``file:line:column``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import yaml

from ._text import MAX_BYTES, decode, read_source
from .errors import Problem
from .problems_zh import bad_value, hint, say, yaml_syntax

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "MAX_TEXT", "Loaded", "Path", "decode", "load_text", "read_source"]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """LibYAML's parser where PyYAML was built with it, resolving plain scalars as YAML 1.2's core schema.

    PyYAML resolves YAML 1.1: ``yes``/``on``/``off`` are booleans, ``010`` is octal 8, ``1:30`` is
    the sexagesimal 90, and any timestamp is a date. Rulesets use YAML 1.2 semantics instead: only
    ``true``/``false`` are booleans, integers are decimal, a date is exactly ``YYYY-MM-DD``, and a
    number with a leading zero is refused as ambiguous rather than read one way or the other.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {}


_AMBIGUOUS_NUMBER = "tag:govrule,2026:ambiguous-number"
_CORE_RESOLVERS: tuple[tuple[str, str, list[str]], ...] = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    # 010 (octal 8 in YAML 1.1), 0x1F, 0o17, 1_000, 1:30 (sexagesimal 90): refused, never guessed.
    (
        _AMBIGUOUS_NUMBER,
        r"^[-+]?0[0-9_]+$|^[-+]?0[oOxXbB][0-9a-fA-F_]+$|^[-+]?[0-9]+_[0-9_]*$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$",
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$",
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    ("tag:yaml.org,2002:timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", list("0123456789")),
    ("tag:yaml.org,2002:merge", r"^<<$", ["<"]),  # recognised, so that it is refused by name
)
for _tag, _pattern, _first in _CORE_RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)

MAX_DEPTH = 64
MAX_NODES = 200_000
#: Characters of text the document may expand to once aliases are followed (a long string anchored
#: once and aliased thousands of times is small on disk but huge to hash, normalise or print).
MAX_TEXT = 4 * MAX_BYTES

Path = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Loaded:
    """The plain data of a YAML document and the positions of its nodes."""

    data: Any
    values: dict[Path, tuple[int, int]]
    keys: dict[Path, tuple[int, int]]

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at ``path``, or of its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


class _Fail(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


def _pos(mark: Any) -> tuple[int, int]:
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _check_depth(text: str) -> None:
    """Refuse deep nesting from the event stream, before PyYAML recurses into it."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = _pos(event.start_mark)
                raise _Fail(line, col, say("too_deep", limit=MAX_DEPTH))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_SCALAR_TAGS = {
    _AMBIGUOUS_NUMBER,
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _Builder:
    """Turns a composed node graph into plain data, recording positions as it goes."""

    def __init__(self) -> None:
        self.constructor = yaml.SafeLoader("")
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.count = 0
        self.text = 0

    def build(self, node: yaml.Node, path: Path) -> Any:
        # The node graph may share subtrees through aliases; building expands them,
        # so the count below is what stops an alias bomb.
        self.count += 1
        if self.count > MAX_NODES:
            line, col = _pos(node.start_mark)
            raise _Fail(
                line,
                col,
                say("alias_bomb", limit=f"{MAX_NODES:,}"),
                hint("alias_bomb"),
            )
        self.values[path] = _pos(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise self._tag(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = _pos(key_node.start_mark)
                    raise _Fail(line, col, say("merge_key"))
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = _pos(key_node.start_mark)
                    raise _Fail(line, col, say("key_not_scalar"))
                key = self._scalar(key_node)
                if not isinstance(key, str | int | bool) or key is None:
                    key = str(key)
                if isinstance(key, bool | int):
                    key = str(key).lower() if isinstance(key, bool) else str(key)
                if key in result:
                    line, col = _pos(key_node.start_mark)
                    first = self.keys.get((*path, key), (0, 0))
                    raise _Fail(
                        line,
                        col,
                        say("duplicate_key", key=key, first=first[0]),
                        hint("duplicate_key"),
                    )
                self.keys[(*path, key)] = _pos(key_node.start_mark)
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._tag(node)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            raise self._tag(node)
        self.text += len(node.value)
        if self.text > MAX_TEXT:
            line, col = _pos(node.start_mark)
            raise _Fail(
                line,
                col,
                say("text_bomb", limit=f"{MAX_TEXT:,}"),
                hint("text_bomb"),
            )
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # most scalars are text: the resolver has decided, nothing to construct
        if node.tag == _AMBIGUOUS_NUMBER:
            line, col = _pos(node.start_mark)
            raise _Fail(
                line,
                col,
                say("ambiguous_number", value=node.value),
                hint("ambiguous_number"),
            )
        if node.tag not in _SCALAR_TAGS:
            raise self._tag(node)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            line, col = _pos(node.start_mark)
            raise _Fail(line, col, bad_value(node.value)) from None

    @staticmethod
    def _tag(node: yaml.Node) -> _Fail:
        line, col = _pos(node.start_mark)
        return _Fail(line, col, say("bad_tag", tag=node.tag))


def load_text(text: str, file: str) -> tuple[Loaded | None, list[Problem]]:
    """Parse one YAML document safely; on failure return the problem with its position."""
    try:
        _check_depth(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return None, [Problem(file, 1, 1, "", say("empty"))]
        builder = _Builder()
        data = builder.build(node, ())
    except _Fail as fail:
        return None, [Problem(file, fail.line, fail.column, "", fail.message, fail.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark)
        return None, [Problem(file, line, col, "", yaml_syntax(exc.problem, exc.context))]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, 1, "", say("yaml_error", what=repr(str(exc))))]
    except RecursionError:
        return None, [Problem(file, 1, 1, "", say("nested_too_deeply"))]
    return Loaded(data, builder.values, builder.keys), []


def iter_paths(data: Any, path: Path = ()) -> Iterator[Path]:
    """Every path inside plain data, depth first."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_paths(value, (*path, i))
