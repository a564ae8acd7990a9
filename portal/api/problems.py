"""application/problem+json (RFC 9457) answers for every error the API gives, and the handlers that make them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from flask import Blueprint, Flask, Response, current_app, json, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from portal.core.text import MAX_ID
from portal.errors import NotFound, PermissionDenied, ValidationError
from portal.ratelimit import DEFAULT_RETRY_AFTER, seconds_until_reset

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 409: "Conflict", 413: "Request too large",
    415: "Unsupported media type", 422: "Validation failed", 429: "Too many requests",
    500: "Internal server error",
}
DETAILS = {
    400: "The request could not be understood.",
    401: "Send a personal API token as `Authorization: Bearer <token>`; make one in your account settings.",
    403: "You don't have permission to do that.",
    404: "There is nothing here, or you may not see it.",
    405: "This address does not accept that method.",
    413: "The request body is larger than the API accepts.",
    429: "Too many requests in a short time.",
    500: "An unexpected error happened on our side. It has been logged.",
}


class ApiProblem(Exception):
    """An error answered as problem+json; `errors` maps a field (dotted path) to what is wrong with it."""

    def __init__(self, status: int, detail: str | None = None, *, errors: Mapping[str, str] | None = None,
                 headers: Mapping[str, str] | None = None, title: str | None = None):
        super().__init__(detail or DETAILS.get(status, ""))
        self.status = status
        self.detail = detail or DETAILS.get(status, TITLES.get(status, "Error"))
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        self.title = title or TITLES.get(status, "Error")


def problem_response(problem: ApiProblem) -> Response:
    body: dict[str, object] = {"type": "about:blank", "title": problem.title, "status": problem.status,
                               "detail": problem.detail, "instance": request.path}
    if problem.errors:
        body["errors"] = problem.errors
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def _retry_after(exc: HTTPException) -> int:
    waited = seconds_until_reset()
    if waited is not None:
        return waited
    value = str(dict(exc.get_headers()).get("Retry-After", ""))
    return int(value) if value.isdigit() else DEFAULT_RETRY_AFTER


def _names_impossible_id() -> bool:
    return any(part.isdigit() and int(part) > MAX_ID for part in request.path.split("/") if len(part) < 4000)


def from_http(exc: HTTPException) -> Response:
    """A werkzeug error (unknown address, wrong method, body too large, rate limit) as a problem."""
    status = exc.code or 500
    if status >= 500:
        return unexpected(getattr(exc, "original_exception", None) or exc)
    if status == 405 and _names_impossible_id():  # werkzeug says 405 when an id converter refuses a number
        status = 404
    headers = {name: value for name, value in exc.get_headers() if name.lower() == "allow" and status == 405}
    detail = None
    if isinstance(exc, RateLimitExceeded) or status == 429:
        wait = _retry_after(exc)
        headers["Retry-After"] = str(wait)
        detail = f"Too many requests in a short time. Please wait {wait} seconds and try again."
    return problem_response(ApiProblem(status if status in TITLES else 400, detail, headers=headers))


def unexpected(exc: BaseException) -> Response:
    error_id = secrets.token_hex(6)
    current_app.logger.error("Unhandled API error [%s] on %s %s: %s", error_id, request.method, request.path, exc,
                             exc_info=exc)
    return problem_response(ApiProblem(500, f"{DETAILS[500]} Error id: {error_id}."))


def register_problem_handlers(bp: Blueprint) -> None:
    """Every error raised while the API answers becomes a problem, never an HTML page."""
    bp.register_error_handler(ApiProblem, problem_response)
    bp.register_error_handler(NotFound, lambda exc: problem_response(ApiProblem(404)))
    bp.register_error_handler(PermissionDenied, lambda exc: problem_response(ApiProblem(403, str(exc) or None)))
    bp.register_error_handler(ValidationError, lambda exc: problem_response(
        ApiProblem(422, "Some fields are not valid; see `errors`.", errors=exc.errors)))
    bp.register_error_handler(HTTPException, from_http)
    bp.register_error_handler(Exception, unexpected)


def init_problems(app: Flask) -> None:
    """Errors that happen before any API view is chosen (an unknown address, a wrong method) are problems too."""
    app.extensions["api_problem"] = from_http
