"""Domain errors raised by services, and the HTML/JSON handlers that answer them."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged."),
    503: ("Unavailable", "The portal is temporarily unavailable. Please try again shortly."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(code: int, detail: str | None = None):
    title, default_detail = MESSAGES.get(code, ("Error", "Something went wrong."))
    detail = detail or default_detail
    if wants_json():
        return jsonify(error=title, detail=detail, status=code), code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


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

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code in (301, 302, 303, 307, 308):
            return exc
        return error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error: %s", exc)
        return error_response(500)
