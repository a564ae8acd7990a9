"""Declaring an API operation once: the route, who may call it, the pydantic models it reads and answers with.

The same declaration validates each request and builds the OpenAPI 3.1 document, so the two cannot drift."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, json, request
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from portal.api.auth import authorize
from portal.api.models import Scope
from portal.api.pagination import CursorPage, next_link
from portal.api.problems import ApiProblem
from portal.core.text import MAX_ID

JSON_BODY_MAX = 256 * 1024
_PATH_PARAM = re.compile(r"<(?:int:)?([a-z_]+)>")


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    name: str
    summary: str
    description: str
    tag: str
    scope: Scope | None
    signed_in: bool
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    paginated: bool
    errors: tuple[int, ...] = field(default=())

    @property
    def path(self) -> str:
        return _PATH_PARAM.sub(r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.rule)


OPERATIONS: list[Operation] = []


def _messages(exc: PydanticError, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "body"
        errors.setdefault(prefix + where, error["msg"])
    return errors


def _parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except PydanticError as exc:
        raise ApiProblem(400, "Some query parameters are not valid; see `errors`.", errors=_messages(exc)) from exc


def _parse_body(model: type[BaseModel]) -> BaseModel:
    request.max_content_length = JSON_BODY_MAX
    if request.mimetype != "application/json":
        raise ApiProblem(415, "Send the body as JSON, with `Content-Type: application/json`.")
    raw = request.get_data(cache=True)  # 413 beyond JSON_BODY_MAX
    try:
        return model.model_validate_json(raw or b"null")
    except PydanticError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiProblem(400, "The body is not valid JSON.") from exc
        raise ApiProblem(422, "Some fields are not valid; see `errors`.", errors=_messages(exc)) from exc


def _respond(result: Any, status: int) -> Response:
    if result is None:
        return Response(status=204)
    headers: dict[str, str] = {}
    if isinstance(result, tuple):  # (body, headers), e.g. Location for something created
        result, headers = result
    if isinstance(result, CursorPage):
        if result.next_cursor:
            headers["Link"] = next_link(result.next_cursor)
        payload: Any = {"items": [item.model_dump(mode="json") for item in result.items],
                        "next_cursor": result.next_cursor}
    else:
        payload = result.model_dump(mode="json")
    return Response(json.dumps(payload), status=status, mimetype="application/json", headers=headers)


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, tag: str, scope: Scope | None = Scope.READ,
              signed_in: bool = False, query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200, paginated: bool = False,
              errors: tuple[int, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view(caller, **path, query=..., body=...)` at `rule` and describe it in the OpenAPI document."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        op = Operation(method, rule, view.__name__, summary, (view.__doc__ or "").strip(), tag, scope, signed_in,
                       query, body, response, status, paginated, errors)
        OPERATIONS.append(op)

        @functools.wraps(view)
        def handle(**path: Any) -> Response:
            if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in path.values()):
                raise ApiProblem(404)
            caller = authorize(op.scope, op.signed_in)
            kwargs = dict(path)
            if op.query is not None:
                kwargs["query"] = _parse_query(op.query)
            if op.body is not None:
                kwargs["body"] = _parse_body(op.body)
            return _respond(view(caller, **kwargs), op.status)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method])
        return view

    return decorate
