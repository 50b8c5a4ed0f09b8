"""JSON Schemas of the ruleset format and of fixture files, generated from the models.

The committed copies under ``schema/`` are what editors use (``# yaml-language-server:
$schema=...``); a test fails when they drift from what this module generates.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from . import model
from .conditions import OPERATORS
from .testing.fixtures import QUERIES

__all__ = ["fixture_schema", "ruleset_schema", "write_schemas"]

_CONDITION = {
    "description": "A condition: field: value (equality) | [values] (membership) | {operator: value}; "
    "all keys must hold; connectives all: [conditions], any: [conditions], not: condition. "
    "Operators: eq, ne, in, not_in, gt, gte, lt, lte, contains, contains_all, contains_any, known, "
    "on_or_before_deadline.",
    "type": "object",
    "properties": {
        "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Condition"}},
        "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Condition"}},
        "not": {"$ref": "#/$defs/Condition"},
    },
    "additionalProperties": {
        "anyOf": [
            {"type": ["string", "integer", "boolean"]},
            {"type": "array", "items": {"type": ["string", "integer", "boolean"]}},
            {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": {op: {} for op in OPERATORS},
            },
        ]
    },
}


def ruleset_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ruleset file."""
    generated = model.RulesetFile.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = _link_conditions(copy.deepcopy(generated))
    defs = schema.setdefault("$defs", {})
    defs["Condition"] = _CONDITION
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://govrule.invalid/schema/ruleset.schema.json"
    schema["title"] = "govrule ruleset"
    return schema


def _link_conditions(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("x-govrule") == "condition":
            return {"$ref": "#/$defs/Condition"}
        return {k: _link_conditions(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_link_conditions(v) for v in node]
    return node


def fixture_schema() -> dict[str, Any]:
    """The JSON Schema of a fixture file of expected answers."""
    cases = []
    for query, (inputs, expects) in QUERIES.items():
        expect_props: dict[str, Any] = {k: {} for k in sorted(expects | {"error", "rule"})}
        expect_props["error"] = {
            "enum": [
                "NoApplicableRule",
                "UnknownTerm",
                "CalendarError",
                "QueryError",
                "GovruleError",
                "MissingFact",
                "NotInForce",
            ]
        }
        input_schema: dict[str, Any] = {"type": "object"}
        if inputs:
            input_schema["properties"] = {k: {} for k in sorted(inputs)}
            input_schema["additionalProperties"] = False
        cases.append(
            {
                "if": {"properties": {"query": {"const": query}}},
                "then": {
                    "properties": {
                        "input": input_schema,
                        "expect": {
                            "type": "object",
                            "minProperties": 1,
                            "additionalProperties": False,
                            "properties": expect_props,
                        },
                    }
                },
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govrule.invalid/schema/fixture.schema.json",
        "title": "govrule fixture file",
        "type": "object",
        "required": ["ruleset", "cases"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "ruleset": {"type": "string", "description": "bundled id or path of the ruleset file"},
            "cases": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "query", "expect"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "note": {"type": "string"},
                        "query": {"enum": list(QUERIES)},
                        "input": {"type": "object"},
                        "expect": {"type": "object", "minProperties": 1},
                    },
                    "allOf": cases,
                },
            },
        },
    }


def write_schemas(directory: str) -> list[str]:
    """Write both schemas into a directory; returns the paths written."""
    import os

    paths = []
    for name, schema in (("ruleset.schema.json", ruleset_schema()), ("fixture.schema.json", fixture_schema())):
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        paths.append(path)
    return paths
