"""Who is calling the API: a personal token (`Authorization: Bearer`), the site's own session cookie with the
CSRF header, or nobody; and what that caller's token lets it do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError as CSRFInvalid

from portal.accounts.models import Guest
from portal.api.models import ApiToken, Scope
from portal.api.problems import ApiProblem
from portal.api.tokens import find_token, touch_token
from portal.extensions import SAFE_METHODS
from portal.permissions import can_manage_api_tokens

CHALLENGE = 'Bearer realm="portal"'
_CACHE_KEY = "portal.api_caller"


@dataclass(frozen=True)
class Caller:
    user: Any
    token: ApiToken | None = None

    @property
    def signed_in(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def has_scope(self, scope: Scope) -> bool:
        # The session cookie is the person themself, on the site: every scope their role allows.
        return self.token is None or scope in self.token.scope_set


def _unauthorized(detail: str, error: str = "") -> ApiProblem:
    challenge = f'{CHALLENGE}, error="{error}"' if error else CHALLENGE
    return ApiProblem(401, detail, headers={"WWW-Authenticate": challenge})


def _from_token(header: str) -> Caller:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Send the token as `Authorization: Bearer <token>`.", "invalid_request")
    token = find_token(secret.strip())
    if token is None:
        raise _unauthorized("This token is not valid, or it was revoked.", "invalid_token")
    user = token.user
    # A banned (or contact) account's tokens stop working with it; they work again if the ban is lifted.
    if not can_manage_api_tokens(user):
        raise ApiProblem(403, "This account is banned; its API tokens do not work.")
    touch_token(token)
    return Caller(user=user, token=token)


def _from_session() -> Caller:
    if request.method not in SAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except CSRFInvalid as exc:
            raise ApiProblem(403, "Requests signed in with the session cookie need the X-CSRFToken header "
                                  "(or use a personal API token).") from exc
    return Caller(user=current_user._get_current_object())


def current_caller() -> Caller:
    """The caller of this request, worked out once."""
    # Kept on the request rather than in `g`, which outlives the request when an app context was already pushed.
    cached = request.environ.get(_CACHE_KEY)
    if cached is None:
        header = request.headers.get("Authorization")
        if header is not None:
            cached = _from_token(header)
        elif current_user.is_authenticated:
            cached = _from_session()
        else:
            cached = Caller(user=Guest())
        request.environ[_CACHE_KEY] = cached
    return cached


def authorize(scope: Scope | None, signed_in: bool) -> Caller:
    """The caller, refused with 401 when the operation needs an account and 403 when the token lacks `scope`."""
    caller = current_caller()
    if signed_in and not caller.signed_in:
        raise _unauthorized("Sign in with a personal API token: `Authorization: Bearer <token>`.")
    if scope is not None and not caller.has_scope(scope):
        raise ApiProblem(403, f"This token does not have the `{scope.value}` scope.")
    return caller
