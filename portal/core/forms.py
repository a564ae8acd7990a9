"""Form helpers shared by every domain: a text validator over core.text, and service error mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from portal.core.text import text_problem
from portal.errors import ValidationError
from portal.extensions import db

T = TypeVar("T")


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
        db.session.rollback()  # nothing half-changed stays in the session to be shown as if saved
        for name, message in exc.errors.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
            else:
                form.form_errors.append(message)
        return None
