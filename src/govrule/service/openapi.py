"""The service's OpenAPI 3.1 document, built from the query table and the settings (served at /openapi.json).

Request bodies come from `queries.QUERIES` (whose schemas derive from the vocabulary);
response bodies are the shapes of ``govrule.wire``: a decision record, a batch of results,
an error ``{"schema", "error": {"kind", "message", ...}}``.
"""

from __future__ import annotations

from typing import Any

from .. import __version__, wire
from .config import Settings
from .queries import QUERIES

__all__ = ["openapi_document"]

_SCHEMA_CONST = {"type": "string", "const": wire.SCHEMA_VERSION}
_RULE = {
    "type": ["object", "null"],
    "required": ["id", "citation", "text"],
    "properties": {
        "id": {"type": "string"},
        "citation": {"type": "string"},
        "text": {"type": "string"},
        "note": {"type": ["string", "null"]},
        "document": {"type": "string"},
    },
}
_LOCATION = {
    "type": "object",
    "required": ["file", "line", "column"],
    "properties": {
        "file": {"type": ["string", "null"]},
        "line": {"type": ["integer", "null"]},
        "column": {"type": ["integer", "null"]},
        "path": {"type": ["string", "null"]},
    },
}
_PROBLEM = {
    "type": "object",
    "required": ["location", "message"],
    "properties": {"location": _LOCATION, "message": {"type": "string"}, "hint": {"type": ["string", "null"]}},
}
_ERROR_BODY = {
    "type": "object",
    "required": ["kind", "message"],
    "properties": {
        "kind": {"type": "string", "description": "the govrule error class (QueryError, UnknownTerm, ...)"},
        "message": {"type": "string"},
        "field": {"type": ["string", "null"], "description": "the input field at fault"},
        "did_you_mean": {"type": ["string", "null"], "description": "the closest allowed word"},
        "problems": {"type": "array", "items": _PROBLEM},
        "missing": {"type": "array", "items": {"type": "string"}},
    },
}
_ROLES = {"type": "array", "items": {"type": "string"}}
_ANSWERS: dict[str, dict[str, Any]] = {
    "sign": {"required": ["signers", "cosigners", "steps"], "properties": {"signers": _ROLES, "cosigners": _ROLES}},
    "agenda": {
        "required": ["meeting", "eligible", "failures", "requirements"],
        "properties": {"eligible": {"type": "boolean"}, "failures": {"type": "array"}},
    },
    "deadline": {
        "required": ["event", "start", "due", "amount", "unit"],
        "properties": {"due": {"type": "string", "format": "date"}, "amount": {"type": "integer"}},
    },
    "meeting": {"required": ["id", "label"], "properties": {"label": {"type": "string"}}},
    "quorum": {"required": ["met", "meeting", "present", "total"], "properties": {"met": {"type": "boolean"}}},
    "acting-head": {"required": ["roles"], "properties": {"roles": _ROLES}},
    "leave": {"required": ["role", "roles"], "properties": {"roles": _ROLES}},
    "approve": {"required": ["signers", "cosigners", "steps"], "properties": {"signers": _ROLES}},
    "approve-meeting": {"required": ["signers", "steps"], "properties": {"signers": _ROLES}},
    "stand-in": {"required": ["role", "roles", "kind"], "properties": {"roles": _ROLES}},
}


_UPLOAD_ANSWERS: dict[str, dict[str, Any]] = {
    "validate": {
        "type": "object",
        "required": ["schema", "results", "valid", "invalid"],
        "properties": {
            "schema": _SCHEMA_CONST,
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["file", "valid", "problems"],
                    "properties": {"valid": {"type": "boolean"}, "problems": {"type": "array", "items": _PROBLEM}},
                },
            },
            "valid": {"type": "integer"},
            "invalid": {"type": "integer"},
        },
    },
    "check": {
        "type": "object",
        "required": ["schema", "targets"],
        "properties": {
            "schema": _SCHEMA_CONST,
            "targets": {"type": "array", "items": {"type": "object", "required": ["target"]}},
        },
    },
    "test": {
        "type": "object",
        "required": ["schema", "passed", "failed", "cases", "errors"],
        "properties": {
            "schema": _SCHEMA_CONST,
            "passed": {"type": "integer"},
            "failed": {"type": "integer"},
            "cases": {"type": "array"},
            "errors": {"type": "array"},
        },
    },
}


def _answer_schema(name: str) -> dict[str, Any]:
    if name == "quotas":
        return {"type": "array", "items": {"type": "object", "required": ["roles", "subject", "amount", "unit"]}}
    extra = _ANSWERS.get(name, {"required": [], "properties": {}})
    return {
        "type": "object",
        "required": ["schema", "type", *extra["required"]],
        "properties": {"schema": _SCHEMA_CONST, "type": {"type": "string"}, **extra["properties"]},
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Bad input: the error names the field and the closest allowed word",
        401: "Missing or wrong bearer token",
        404: "Unknown ruleset or term",
        413: "Body or batch too large",
        422: "No rule answers the query (the text is silent), or the calendar does not reach the date",
        503: "Not ready: no ruleset in service",
    }
    return {str(c): {"description": text[c], "content": _json_content(_ref("Error"))} for c in codes}


_RULESET_PARAM = {
    "name": "ruleset",
    "in": "path",
    "required": True,
    "description": "the id of a ruleset in service (GET /v1/rulesets)",
    "schema": {"type": "string", "maxLength": 200},
}


def openapi_document(settings: Settings, example_ruleset: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of an application built with these settings.

    ``example_ruleset`` (an id the service is expected to hold) becomes the example of the
    ``ruleset`` path parameter, so clients generated from the document start with a real one.
    """
    ruleset_param = {**_RULESET_PARAM, "examples": [example_ruleset]} if example_ruleset else _RULESET_PARAM
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["schema", "error"],
            "properties": {"schema": _SCHEMA_CONST, "error": _ERROR_BODY},
        },
        "Rule": _RULE,
        "Problem": _PROBLEM,
        "RulesetRef": {
            "type": "object",
            "required": ["id", "revision"],
            "properties": {"id": {"type": "string"}, "document": {"type": "string"}, "revision": {"type": "string"}},
        },
    }
    paths: dict[str, Any] = {}
    auth: list[dict[str, list[str]]] = [{"bearer": []}] if settings.token else []
    upload_errors = _errors(400, 401, 413) if settings.token else _errors(400, 413)
    decision_errors = (400, 401, 404, 413, 422) if settings.token else (400, 404, 413, 422)
    for name, query in QUERIES.items():
        input_name = f"{query.record_name}_input"
        schemas[input_name] = dict(query.input_schema)
        schemas[f"{query.record_name}_answer"] = _answer_schema(name)
        schemas[f"{query.record_name}_record"] = {
            "type": "object",
            "required": ["schema", "query", "ruleset", "input", "answer", "rule"],
            "properties": {
                "schema": _SCHEMA_CONST,
                "query": {"const": query.record_name},
                "ruleset": _ref("RulesetRef"),
                "input": {"type": "object"},
                "answer": _ref(f"{query.record_name}_answer"),
                "rule": _ref("Rule"),
            },
        }
        paths[f"/v1/rulesets/{{ruleset}}/{name}"] = {
            "post": {
                "operationId": query.record_name,
                "summary": query.summary,
                "tags": ["decisions"],
                "parameters": [ruleset_param],
                "requestBody": {"required": True, "content": _json_content(_ref(input_name))},
                "responses": {
                    "200": {
                        "description": "The answer with its rule and citation (the record of `govrule ... --json`)",
                        "content": _json_content(_ref(f"{query.record_name}_record")),
                    },
                    **_errors(*decision_errors),
                },
            }
        }
    schemas["BatchResult"] = {
        "type": "object",
        "required": ["schema", "query", "ruleset", "results"],
        "properties": {
            "schema": _SCHEMA_CONST,
            "query": {"type": "string"},
            "ruleset": _ref("RulesetRef"),
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"type": "integer"},
                        "answer": {"type": ["object", "array"]},
                        "rule": _ref("Rule"),
                        "error": _ERROR_BODY,
                    },
                },
            },
        },
    }
    paths["/v1/rulesets/{ruleset}/batch"] = {
        "post": {
            "operationId": "batch",
            "summary": "Many inputs of one query in one request; each result in the input's place",
            "tags": ["decisions"],
            "parameters": [ruleset_param],
            "requestBody": {
                "required": True,
                "content": _json_content(
                    {
                        "type": "object",
                        "required": ["query", "inputs"],
                        "additionalProperties": False,
                        "properties": {
                            "query": {"enum": list(QUERIES)},
                            "inputs": {"type": "array", "maxItems": settings.max_batch, "items": {"type": "object"}},
                        },
                    }
                ),
            },
            "responses": {
                "200": {
                    "description": "One result per input: the answer and rule, or the error and its status",
                    "content": _json_content(_ref("BatchResult")),
                },
                **_errors(*(c for c in decision_errors if c != 422)),
            },
        }
    }
    paths["/v1/rulesets"] = {
        "get": {
            "operationId": "list_rulesets",
            "summary": "The rulesets in service with their metadata and revision hash",
            "tags": ["rulesets"],
            "responses": {
                "200": {
                    "description": "Rulesets",
                    "content": _json_content(
                        {
                            "type": "object",
                            "required": ["schema", "rulesets"],
                            "properties": {
                                "schema": _SCHEMA_CONST,
                                "rulesets": {
                                    "type": "array",
                                    "items": {"type": "object", "required": ["id", "title", "revision"]},
                                },
                            },
                        }
                    ),
                },
                **(_errors(401) if settings.token else {}),
            },
        }
    }
    for suffix, op, summary in (
        ("", "get_ruleset", "One ruleset: metadata, revision and its vocabulary with Chinese labels"),
        ("/tables", "get_tables", "One ruleset's tables (signing, agenda, deadlines, meetings, leave …) and coverage"),
    ):
        paths[f"/v1/rulesets/{{ruleset}}{suffix}"] = {
            "get": {
                "operationId": op,
                "summary": summary,
                "tags": ["rulesets"],
                "parameters": [ruleset_param],
                "responses": {
                    "200": {
                        "description": summary,
                        "content": _json_content(
                            {
                                "type": "object",
                                "required": ["schema", "id", "revision"],
                                "properties": {"schema": _SCHEMA_CONST},
                            }
                        ),
                    },
                    **_errors(*((401, 404) if settings.token else (404,))),
                },
            }
        }
    paths["/v1/rulesets/{ruleset}/source"] = {
        "get": {
            "operationId": "get_source",
            "summary": "The YAML text of a ruleset in service (a starting point for a new city's file)",
            "tags": ["rulesets"],
            "parameters": [ruleset_param],
            "responses": {
                "200": {
                    "description": "the file's text",
                    "content": {"application/yaml": {}},
                },
                **_errors(*((401, 404) if settings.token else (404,))),
            },
        }
    }
    upload_props = {
        "yaml": {"type": "string", "description": "the ruleset file's text"},
        "file": {"type": ["string", "null"], "description": "a file name for the problems' locations"},
    }
    uploads = (
        ("validate", "Validate ruleset text: problems with line and column", upload_props, ["yaml"]),
        (
            "check",
            "Validate and check ruleset text: problems, then consistency findings",
            {
                **upload_props,
                "base": {"type": ["string", "null"], "description": "id of a base in service, for a supplement"},
            },
            ["yaml"],
        ),
        (
            "test",
            "Run fixture cases against ruleset text (or the ruleset in service the fixture names)",
            {
                **upload_props,
                "yaml": {"type": ["string", "null"], "description": "ruleset text; omitted: the ruleset in service"},
                "fixture": {"type": "string", "description": "the fixture file's text"},
            },
            ["fixture"],
        ),
    )
    for name, summary, props, required in uploads:
        paths[f"/v1/{name}"] = {
            "post": {
                "operationId": name,
                "summary": summary,
                "tags": ["authoring"],
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        {"type": "object", "required": required, "additionalProperties": False, "properties": props}
                    ),
                },
                "responses": {
                    "200": {
                        "description": f"what `govrule {name} --json` prints for the text",
                        "content": _json_content(_UPLOAD_ANSWERS[name]),
                    },
                    **(upload_errors if name == "validate" else {**upload_errors, **_errors(404)}),
                },
            }
        }
    paths["/health"] = {
        "get": {
            "operationId": "health",
            "summary": "Liveness, the rulesets in service and files that failed to load (file:line:column)",
            "tags": ["operations"],
            "security": [],
            "responses": {
                "200": {
                    "description": "status ok or degraded",
                    "content": _json_content(
                        {
                            "type": "object",
                            "required": ["schema", "status", "rulesets", "failures"],
                            "properties": {"schema": _SCHEMA_CONST, "status": {"enum": ["ok", "degraded"]}},
                        }
                    ),
                }
            },
        }
    }
    paths["/ready"] = {
        "get": {
            "operationId": "ready",
            "summary": "Ready when at least one ruleset is in service",
            "tags": ["operations"],
            "security": [],
            "responses": {
                "200": {"description": "ready", "content": _json_content({"type": "object", "required": ["ready"]})},
                **_errors(503),
            },
        }
    }
    paths["/metrics"] = {
        "get": {
            "operationId": "metrics",
            "summary": "Prometheus metrics: decisions by query and outcome, latency histograms",
            "tags": ["operations"],
            "responses": {
                "200": {
                    "description": "Prometheus text format",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                **(_errors(401) if settings.token else {}),
            },
        }
    }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "govrule decision service",
            "version": __version__,
            "description": "Answers of Chinese government work rules (政府工作规则) with the rule and citation. "
            f'Every JSON body carries "schema": "{wire.SCHEMA_VERSION}".',
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if settings.token:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = auth
    return doc
