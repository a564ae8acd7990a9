"""The API's blueprint, shared by the modules that declare its operations."""

from __future__ import annotations

from flask import Blueprint

from portal.api.problems import register_problem_handlers
from portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens are not sent by browsers on their own, so they need no CSRF token; session-cookie calls are checked by
# portal.api.auth, which asks for the X-CSRFToken header on every write.
csrf.exempt(bp)
register_problem_handlers(bp)
