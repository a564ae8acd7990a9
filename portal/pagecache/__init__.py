"""Whole-page cache and ETags for anonymous visitors.

A page is cached under the content version (see versions.py) current when its request began, so the first request
after any committed write renders afresh. Public pages are served from it before their view runs
(CACHED_ENDPOINTS), or kept by their view once it has run its checks (KEPT_IN_VIEW: search counts its rate limit
first; see kept_for_anonymous). Only for visitors who are not signed in and carry no flashed message, and only
responses that set no cookie: a signed-in or team view is never stored, and a stored page never carries anyone's
cookie. The store is Flask-Caching: in process by default, Redis with REDIS_URL.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from portal.extensions import cache, db
from portal.pagecache.versions import current_token, track_writes

log = logging.getLogger(__name__)
T = TypeVar("T")

# Pages anyone may read and that show no form needing a session, served before their view runs. Rate-limited
# endpoints (search) are kept by their view instead (KEPT_IN_VIEW): a cached answer must not skip the limiter.
CACHED_ENDPOINTS = frozenset({
    "core.home", "prototypes.product", "prototypes.prototype", "ideas.show", "roadmap.index", "roadmap.product",
    "roadmap.changelog_index", "roadmap.product_changelog", "accounts.profile", "feeds.site_ideas",
    "feeds.product_ideas", "feeds.prototype_ideas", "feeds.idea_status", "feeds.changelog",
    "feeds.product_changelog", "seo.sitemap",
})
# Public pages whose views run first and keep their rendering for anonymous visitors (kept_for_anonymous).
KEPT_IN_VIEW = frozenset({"search.search"})
_KEY = "page_cache_key"
_NOT_FOR_KEEPING = "page_not_for_keeping"


def public_page() -> bool:
    """Whether this request is for a page anonymous visitors may be served from the cache (so it carries no
    session-bound token for them)."""
    return request.endpoint in CACHED_ENDPOINTS or request.endpoint in KEPT_IN_VIEW


def _cacheable_request() -> bool:
    return request.endpoint in CACHED_ENDPOINTS and _anonymous_read()


def _anonymous_read() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False
    return "_user_id" not in session and "_flashes" not in session


def _cache_key(token: str) -> str:
    # Scheme and host are part of the page (canonical links, feed ids); the query string picks sort and page.
    return f"page:{token}:{request.scheme}://{request.host}{request.full_path}"


def _serve_from_cache() -> Response | None:
    if not current_app.config["PAGE_CACHE_ENABLED"] or not _cacheable_request():
        return None
    token = content_token()
    if token is None:
        return None
    g.page_cache_key = _cache_key(token)
    try:
        entry = cache.get(g.page_cache_key)
    except Exception:  # noqa: BLE001 - a cache that is down means a rendered page, never an error page
        log.warning("page cache unavailable", exc_info=True)
        entry = None
    if entry is None:
        return None
    g.page_cache_hit = True
    response = current_app.response_class(entry["body"], content_type=entry["content_type"])
    response.headers["X-Page-Cache"] = "hit"
    return _conditional(response, entry["etag"])


def _conditional(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    # Browsers and proxies keep the page but ask each time; an unchanged page costs a 304 with no body.
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def _store(response: Response) -> Response:
    key = g.pop(_KEY, None)
    if key is None or g.get("page_cache_hit"):
        return response
    if (response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers
            or session.modified or current_user.is_authenticated):
        return response
    body = response.get_data()
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    try:
        cache.set(key, {"body": body, "content_type": response.content_type, "etag": etag})
    except Exception:  # noqa: BLE001 - see _serve_from_cache
        log.warning("page cache unavailable", exc_info=True)
    response.headers["X-Page-Cache"] = "miss"
    return _conditional(response, etag)


def kept_for_anonymous(render: Callable[[], str]) -> str:
    """`render()`, kept per content version and address for visitors who are not signed in.

    For views that must run before answering (search counts its rate limit in the view), so the page cache's
    before_request hook cannot serve them: the view runs, the rendering is what is kept.
    """
    if not current_app.config["PAGE_CACHE_ENABLED"] or not _anonymous_read() or current_user.is_authenticated:
        return render()
    token = content_token()
    if token is None:
        return render()
    # Rendering used the session (a token, a flashed message): this visitor's page alone. Or the view said the
    # page is not an answer to keep (a search that failed on a passing database fault).
    return _kept(f"view:{_cache_key(token)}", render,
                 keep=lambda: not session.modified and not g.pop(_NOT_FOR_KEEPING, False))


def not_for_keeping() -> None:
    """Tell kept_for_anonymous that the page being rendered must not be kept for the next visitors."""
    setattr(g, _NOT_FOR_KEEPING, True)


def _forget(_exc: BaseException | None) -> None:
    # An application context that outlives its request (tests, CLI) must not carry this request's answers on.
    g.pop("audience_key", None)
    g.pop("content_token", None)
    g.pop(_NOT_FOR_KEEPING, None)


def content_token() -> str | None:
    """The content version for this request, read from the database at most once per request."""
    if "content_token" not in g:
        g.content_token = current_token()
    return g.content_token


def know_content_token(token: str | None) -> None:
    """The content version, read already in this request's transaction (with the signed-in person)."""
    g.content_token = token


def remember(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache until the next committed write: for aggregates many requests share."""
    token = content_token()
    if token is None:
        return compute()
    return _kept(f"data:{token}:{name}", compute)


def _kept(key: str, compute: Callable[[], T], keep: Callable[[], bool] = lambda: True) -> T:
    """The value stored under `key`, or `compute()`, stored when `keep()` says so; a store that is down means
    computing every time, never an error."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - see _serve_from_cache
        log.warning("page cache unavailable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        if keep():
            try:
                cache.set(key, value)
            except Exception:  # noqa: BLE001 - see _serve_from_cache
                log.warning("page cache unavailable", exc_info=True)
    return value


def init_page_cache(app: Flask) -> None:
    """Attach the store, count writes on the app's engine, and answer anonymous page requests from the cache."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    app.config.setdefault("CACHE_REDIS_URL", redis_url)
    app.config.setdefault("CACHE_KEY_PREFIX", "portal:")
    cache.init_app(app)
    with app.app_context():
        track_writes(db.engine)
    app.before_request(_serve_from_cache)
    app.after_request(_store)
    app.teardown_request(_forget)
    app.jinja_env.globals["public_page"] = public_page
