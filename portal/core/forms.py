"""Form helpers shared by every domain: the base form, a text validator over core.text, and service error mapping.

A form sent back for correction is answered 422 rather than 200, so clients, tests and monitoring can tell a refused
submission from a page view; views keep re-rendering the form with the input as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, g, request
from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from portal.core.text import text_problem
from portal.errors import ValidationError
from portal.extensions import db

T = TypeVar("T")


def mark_rejected() -> None:
    """Record that this request's submission was refused, so its re-rendered form is answered 422."""
    g.form_rejected = True


class Form(FlaskForm):
    """The base of every portal form: failing validation marks the submission as refused."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            mark_rejected()
        return valid


def _rejected_status(response: Response) -> Response:
    if g.get("form_rejected") and request.method != "GET" and response.status_code == 200:
        response.status_code = 422
    return response


def register_form_status(app: Flask) -> None:
    app.after_request(_rejected_status)


class Text:
    """WTForms validator for user text: required-ness, length, control characters, invalid UTF-8."""

    def __init__(self, *, min_len: int = 0, max_len: int, multiline: bool = False):
        self.min_len, self.max_len, self.multiline = min_len, max_len, multiline
        self.field_flags = {"required": True} if min_len else {}

    def __call__(self, form, field) -> None:
        problem = text_problem(field.data or "", min_len=self.min_len, max_len=self.max_len,
                               multiline=self.multiline)
        if problem:
            field.errors[:] = []
            raise StopValidation(problem)


def attempt(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run a service call; on ValidationError put its messages beside the form's fields and return None."""
    try:
        return action()
    except ValidationError as exc:
        mark_rejected()
        db.session.rollback()  # nothing half-changed stays in the session to be shown as if saved
        for name, message in exc.errors.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
            else:
                form.form_errors.append(message)
        return None
