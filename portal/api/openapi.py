"""The OpenAPI 3.1 document, built from the declared operations and their pydantic models."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import current_app
from pydantic import BaseModel, create_model
from pydantic.json_schema import models_json_schema

from portal.api.problems import TITLES
from portal.api.schemas import Problem
from portal.api.spec import OPERATIONS, Operation
from portal.core.text import MAX_ID

REF = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed in the current window.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}


@functools.cache
def _page_model(item: type[BaseModel]) -> type[BaseModel]:
    return create_model(f"{item.__name__}Page", items=(list[item], ...), next_cursor=(str | None, ...),
                        __doc__=f"One page of {item.__name__}; follow `next_cursor` (or the Link header) for more.")


def _response_models(op: Operation) -> type[BaseModel] | None:
    if op.response is None:
        return None
    return _page_model(op.response) if op.paginated else op.response


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}} for name in op.path_params]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            description = prop.pop("description", None)
            param = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _errors(op: Operation) -> tuple[int, ...]:
    codes = set(op.errors) | {405, 429}
    if op.signed_in or op.scope is not None:
        codes |= {401, 403}
    if op.path_params:
        codes.add(404)
    if op.body is not None:
        codes |= {400, 413, 415, 422}
    return tuple(sorted(codes))


def _operation(op: Operation, refs: dict[tuple[str, str], Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.name, "summary": op.summary, "tags": [op.tag],
                           "parameters": _parameters(op), "responses": {}}
    if op.description:
        doc["description"] = op.description
    if op.scope is not None:
        doc["security"] = [{"bearer": [op.scope.value]}, {"cookie": []}] + ([] if op.signed_in else [{}])
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": refs[(op.body.__name__, "validation")]}}}
    model = _response_models(op)
    success: dict[str, Any] = {"description": "Success"}
    if model is not None:
        success["content"] = {"application/json": {"schema": refs[(model.__name__, "serialization")]}}
    if op.paginated:
        success["headers"] = {"Link": {"description": 'The next page: `<url>; rel="next"`.',
                                       "schema": {"type": "string"}}}
    doc["responses"][str(op.status)] = success
    for code in _errors(op):
        doc["responses"][str(code)] = {"description": TITLES[code],
                                       "content": {"application/problem+json": {"schema": PROBLEM_REF}}}
    return doc


def build_document() -> dict[str, Any]:
    """The whole document: every operation, its parameters, bodies, answers and errors."""
    models = {m for op in OPERATIONS for m in (op.body,) if m is not None}
    outputs = {_response_models(op) for op in OPERATIONS} - {None}
    keys = [(m, "validation") for m in models] + [(m, "serialization") for m in outputs] + [(Problem, "serialization")]
    refs_by_key, defs = models_json_schema(sorted(keys, key=lambda k: (k[0].__name__, k[1])), ref_template=REF)
    refs = {(m.__name__, mode): ref for (m, mode), ref in refs_by_key.items()}
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault("/api/v1" + op.path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{current_app.config.get('SITE_NAME', 'The Portal')} API", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": current_app.config["SITE_URL"].rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A personal API token from your account settings."},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "The site's own pages: the session cookie plus the X-CSRFToken header "
                                          "on every write."},
            },
        },
    }


DESCRIPTION = """JSON in and out, over the same rules as the site's pages.

**Authentication.** Make a personal API token in your account settings and send it as
`Authorization: Bearer <token>`. Scopes: `read` (every GET), `write` (ideas, votes, comments, products,
notifications), `triage` (the team's work on ideas). Without a token, public reads work as for a visitor.

**Errors** are `application/problem+json` (RFC 9457); validation errors list each field under `errors`.

**Pages.** Lists answer `{"items": [...], "next_cursor": ...}` and a `Link: <…>; rel="next"` header. Cursors are
opaque and stay correct while new rows arrive.

**Rate limits** are counted per token; every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset`, and a 429 says how long to wait in `Retry-After`."""


def describe_type(schema: dict[str, Any]) -> str:
    """A JSON Schema as a short readable type for the documentation page: `integer | null`, `array of Tag`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(describe_type(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f'"{value}"' for value in schema["enum"])
    if "const" in schema:
        return f'"{schema["const"]}"'
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {describe_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        return f"object of {describe_type(schema['additionalProperties'])}"
    return str(kind)


def describe_limits(schema: dict[str, Any]) -> str:
    """Bounds and defaults, e.g. `4–120 characters, default ""`."""
    parts = []
    if "minLength" in schema or "maxLength" in schema:
        parts.append(f"{schema.get('minLength', 0)}–{schema.get('maxLength', '∞')} characters")
    if "minimum" in schema or "maximum" in schema:
        parts.append(f"{schema.get('minimum', '-∞')}–{schema.get('maximum', '∞')}")
    if "maxItems" in schema:
        parts.append(f"at most {schema['maxItems']} items")
    if "default" in schema:
        parts.append(f"default {json.dumps(schema['default'])}")
    return ", ".join(parts)
