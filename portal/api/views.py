"""The /api/v1 blueprint: the operations of every domain, the OpenAPI document, and the documentation page."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, json, render_template, request

from portal.api import ideas, me, products, triage  # noqa: F401 - each module declares its operations on `bp`
from portal.api.blueprint import bp
from portal.api.openapi import build_document, describe_limits, describe_type
from portal.api.problems import init_problems
from portal.api.spec import OPERATIONS
from portal.markup import render_markdown

pages = Blueprint("api_pages", __name__)

RATE_LIMIT_HEADERS = (("X-RateLimit-Limit", "RateLimit-Limit"), ("X-RateLimit-Remaining", "RateLimit-Remaining"))


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return Response(json.dumps(build_document(), indent=1), mimetype="application/json")


@pages.get("/api/docs")
def documentation():
    doc = build_document()
    groups: dict[str, list] = {}
    for op in OPERATIONS:
        groups.setdefault(op.tag, []).append((op, doc["paths"]["/api/v1" + op.path][op.method.lower()]))
    # The document's texts are Markdown (as OpenAPI says); they become HTML only through markup.py.
    html = {op.name: render_markdown(op.description, "description") for op in OPERATIONS}
    return render_template("api/docs.html", doc=doc, groups=groups, describe_type=describe_type,
                           describe_limits=describe_limits, intro_html=render_markdown(doc["info"]["description"]),
                           descriptions_html=html)


@bp.record_once
def _setup(state) -> None:
    app: Flask = state.app
    init_problems(app)

    @app.after_request
    def _standard_rate_limit_headers(response: Response) -> Response:
        # Registered before the limiter's own hook, so it runs after it and sees the headers that hook added.
        if request.blueprint != bp.name:
            return response
        for old, new in RATE_LIMIT_HEADERS:
            if old in response.headers:
                response.headers[new] = response.headers[old]
        reset = response.headers.get("X-RateLimit-Reset")
        if reset and reset.isdigit():
            response.headers["RateLimit-Reset"] = str(max(0, int(reset) - int(time.time())))
        return response
