"""Rate limits: which endpoints are limited, by what, and how long a limited client waits.

Every limit is in RULES below, read from the configuration at request time, so one place shows them all and
a deployment (or a test) can change any of them. The Limiter is made per app rather than kept in
extensions.py: Flask-Limiter keeps its on/off switch, storage and route limits on the extension object, so
one object shared by several apps (the tests make many) would let one app's settings leak into another's.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user

from portal.core import limit_storage  # noqa: F401 - registers the process-memory:// scheme with limits

# Asking for a reset link (mail to anyone's address) and setting a new password with one: both anonymous.
PASSWORD_RESET_ENDPOINTS = ("accounts.forgot_password", "accounts.reset_password")


@dataclass(frozen=True)
class Rule:
    """Limit `endpoints` by the limits in config[setting], counted per client address or per account."""

    endpoints: tuple[str, ...]
    setting: str
    per_user: bool = False
    methods: tuple[str, ...] = ("POST",)


RULES: tuple[Rule, ...] = (
    Rule(("accounts.login",), "RATELIMIT_SIGN_IN"),
    Rule(("accounts.signup", "invitations.show"), "RATELIMIT_SIGN_UP"),
    Rule(PASSWORD_RESET_ENDPOINTS, "RATELIMIT_PASSWORD_RESET"),
    # A pin can post a new idea or a comment, so placing pins is limited like posting ideas.
    Rule(("ideas.new", "screens.create_pin"), "RATELIMIT_IDEA"),
    Rule(("ideas.new", "screens.create_pin"), "RATELIMIT_IDEA_PER_USER", per_user=True),
    Rule(("ideas.comment",), "RATELIMIT_COMMENT"),
    Rule(("ideas.comment",), "RATELIMIT_COMMENT_PER_USER", per_user=True),
    Rule(("ideas.vote",), "RATELIMIT_VOTE"),
    Rule(("ideas.vote",), "RATELIMIT_VOTE_PER_USER", per_user=True),
    Rule(("search.search", "search.similar"), "RATELIMIT_SEARCH", methods=("GET", "HEAD")),
    # Forms that check the current password: a stolen session must not become a password-guessing oracle.
    Rule(("accounts.password_settings", "accounts.email_settings"), "RATELIMIT_PASSWORD_CHECK", per_user=True),
    # Forms that send an email to an address: each send is a message in someone's inbox.
    Rule(("accounts.resend_verification", "admin.email.send_test"), "RATELIMIT_ACCOUNT_MAIL", per_user=True),
    Rule(("notifications.unsubscribe",), "RATELIMIT_UNSUBSCRIBE"),
)

DEFAULT_RETRY_AFTER = 60
API_BLUEPRINT = "api"
API_WRITE_METHODS = ("post", "put", "patch", "delete")


def client_address() -> str:
    """The client's address; behind a proxy this is right only with PROXY_FIX_X_FOR set (see security.py)."""
    return request.remote_addr or "unknown"


def account_key() -> str:
    # The account id, not get_id(): that carries the session version, so signing out and in would start afresh.
    return f"user:{current_user.id}"


def api_client_key() -> str:
    """The JSON API counts per token, named by its secret's hash (no database read); else per account or address."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and 0 < len(secret) <= 100:
        return "api-token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return account_key() if current_user.is_authenticated else f"api-address:{client_address()}"


def _not_signed_in() -> bool:
    return not current_user.is_authenticated


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def limited_endpoints(app: Flask) -> set[str]:
    """The endpoints of `app` that carry at least one rate limit."""
    return {endpoint for rule in RULES for endpoint in rule.endpoints if endpoint in app.view_functions}


def init_rate_limits(app: Flask) -> Limiter:
    """Make the app's Limiter and wrap the view functions named in RULES; call after the blueprints."""
    # Without Redis, counts live in this process (portal/core/limit_storage.py: limits' memory:// without its timer).
    storage = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "process-memory://"
    limiter = Limiter(key_func=client_address, storage_uri=storage, app=app)
    app.extensions["portal_limiter"] = limiter
    if not limiter.enabled:
        return limiter
    for rule in RULES:
        decorate = limiter.limit(
            _setting(rule.setting), methods=[m.lower() for m in rule.methods],
            key_func=account_key if rule.per_user else client_address,
            exempt_when=_not_signed_in if rule.per_user else None,
        )
        for endpoint in rule.endpoints:
            if endpoint in app.view_functions:  # wrapping the view: Flask-Limiter checks decorated limits there
                app.view_functions[endpoint] = decorate(app.view_functions[endpoint])
    if API_BLUEPRINT in app.blueprints:  # one shared count for the whole API, not one per endpoint
        api = app.blueprints[API_BLUEPRINT]
        limiter.shared_limit(_setting("RATELIMIT_API"), scope="api", key_func=api_client_key)(api)
        limiter.shared_limit(_setting("RATELIMIT_API_WRITE"), scope="api-write", key_func=api_client_key,
                             methods=list(API_WRITE_METHODS))(api)
    _check_only_where_limited(app, limiter)
    return limiter


def _check_only_where_limited(app: Flask, limiter: Limiter) -> None:
    """Run Flask-Limiter's before-request check only for the API, the one place it has something to count.

    It runs before every request and, for a page no rule names (most of them, every cached page among them),
    works out that there is nothing to count: a tenth of what serving a cached page costs. The endpoints in
    RULES are counted by the wrapper init_rate_limits put around their views; before the request Flask-Limiter
    would look only for default, application-wide and blueprint limits, and the API's shared limits are the
    only blueprint limits there are. (Skipping it saves 3.7% of a vote's instructions.) With limits that
    concern every request configured (default, application-wide, meta limits, or in-memory fallback limits for
    when the storage is down) it is left as it is.
    """
    manager = limiter.limit_manager
    everywhere = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META", "RATELIMIT_IN_MEMORY_FALLBACK")
    if manager.default_limits or manager.application_limits or any(app.config.get(name) for name in everywhere):
        return
    hooks = app.before_request_funcs.setdefault(None, [])
    check = next((hook for hook in hooks if getattr(hook, "__self__", None) is limiter), None)
    if check is None:
        return

    def check_where_limited() -> None:
        if API_BLUEPRINT in request.blueprints:  # the API and any blueprint nested in it
            check()

    hooks[hooks.index(check)] = check_where_limited


def seconds_until_reset() -> int | None:
    """For a request refused by the limiter: seconds until the breached limit's window resets."""
    limiter: Limiter | None = current_app.extensions.get("portal_limiter")
    breached = limiter.current_limit if limiter is not None and limiter.enabled else None
    if breached is None:
        return None
    # Truncated like Flask-Limiter's own Retry-After header, so the page and the header agree.
    return max(1, int(breached.reset_at - time.time()))
