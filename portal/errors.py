"""Domain errors raised by services, and the HTML/JSON handlers that answer them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_date

from portal.ratelimit import DEFAULT_RETRY_AFTER, seconds_until_reset


class PortalError(Exception):
    """Base class for errors a service raises on purpose."""


class NotFound(PortalError):
    pass


class PermissionDenied(PortalError):
    pass


class ValidationError(PortalError):
    """A rule that needs the database or state failed; maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You don't have permission to do that."),
    404: ("Not found", "There is nothing here. It may have been moved or deleted."),
    405: ("Not allowed", "That address does not accept this kind of request."),
    413: ("Too large", "What you sent is larger than the portal accepts (8 MB per request)."),
    429: ("Slow down a little", "That was a lot of requests in a short time."),
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged."),
    503: ("Unavailable", "The portal is temporarily unavailable. Please try again shortly."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def error_response(code: int, detail: str | None = None, *, error_id: str | None = None,
                   retry_after: int | None = None) -> Response:
    """The error page (or JSON for JSON clients); never the exception's own text or a stack trace."""
    title, default_detail = MESSAGES.get(code, ("Error", "Something went wrong."))
    detail = detail or default_detail
    if retry_after is not None:
        detail = f"{detail} Please wait {_wait_text(retry_after)} and try again."
    if wants_json():
        payload = {"error": title, "detail": detail, "status": code}
        if error_id:
            payload["error_id"] = error_id
        if retry_after is not None:
            payload["retry_after"] = retry_after
        response = make_response(jsonify(payload), code)
    else:
        response = make_response(_render_page(code, title, detail, error_id), code)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _render_page(code: int, title: str, detail: str, error_id: str | None) -> str:
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail, error_id=error_id)
    except Exception:  # noqa: BLE001 - e.g. the database is down; the visitor still gets a page, not a trace
        reference = f" Error id: {escape(error_id)}." if error_id else ""
        return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)}</title>"
                f"<h1>{escape(title)}</h1><p>{escape(detail)}{reference}</p></html>")


def _retry_after(exc: HTTPException) -> int:
    """Seconds a refused client should wait: the limiter's window, else a Retry-After other code set."""
    waited = seconds_until_reset()
    if waited is not None:
        return waited
    headers = dict(exc.get_headers())
    if exc.response is not None:
        headers.update(exc.response.headers)
    value = str(headers.get("Retry-After", "")).strip()
    if value.isdigit():
        return int(value)
    until = parse_date(value)  # Retry-After may also be an HTTP date
    return max(1, int((until - datetime.now(UTC)).total_seconds())) if until else DEFAULT_RETRY_AFTER


def _handle_http(exc: HTTPException):
    if exc.code in (301, 302, 303, 307, 308):
        return exc
    api_problem = current_app.extensions.get("api_problem")
    if api_problem is not None and request.path.startswith("/api/v1/"):  # e.g. an unknown API address: 404 there
        return api_problem(exc)
    if exc.code == 429:
        return error_response(429, retry_after=_retry_after(exc))
    if exc.code == 500:  # abort(500), or an error werkzeug wrapped: logged with an id like any other
        return _handle_unexpected(getattr(exc, "original_exception", None) or exc)
    response = error_response(exc.code or 500)
    for name, value in exc.get_headers():  # e.g. Allow on a 405
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def _handle_unexpected(exc: BaseException):
    # The id is shown to the visitor and logged with the traceback, so a report can be matched to the log.
    error_id = secrets.token_hex(6)
    current_app.logger.error("Unhandled error [%s] on %s %s: %s", error_id, request.method, request.path, exc,
                             exc_info=exc)
    return error_response(500, error_id=error_id)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def _not_found(_exc):
        return error_response(404)

    @app.errorhandler(PermissionDenied)
    def _denied(exc):
        return error_response(403, str(exc) or None)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return error_response(
            400, "This form had expired or was not sent from this site. Go back, reload the page and try again."
        )

    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
