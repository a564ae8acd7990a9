"""/sitemap.xml, /robots.txt, /.well-known/security.txt, and the noindex signals every response carries while
the admins ask for them."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, g, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from portal.core.models import utcnow
from portal.core.urls import external_url
from portal.extensions import db
from portal.moderation.services import search_engines_blocked
from portal.seo.queries import sitemap_urls
from portal.seo.sitemap import build_sitemap

bp = Blueprint("seo", __name__)


def blocked() -> bool:
    """The admin setting, read at most once per request; when it cannot be read, err on the side of noindex."""
    if "search_engines_blocked" not in g:
        try:
            g.search_engines_blocked = search_engines_blocked()
        except SQLAlchemyError:
            db.session.rollback()
            g.search_engines_blocked = True
    return g.search_engines_blocked


@bp.app_context_processor
def _template_globals() -> dict:
    # A function, not a value: only pages that render <head> pay for the lookup.
    return {"search_engines_blocked": blocked}


@bp.after_app_request
def _noindex_header(response: Response) -> Response:
    # Crawlers only GET, and a redirect has nothing to index: after a write (a vote's JSON answer, a refused
    # form) asking would cost a second transaction and two queries for nothing.
    if request.method in ("GET", "HEAD") and not 300 <= response.status_code < 400 and blocked():
        response.headers["X-Robots-Tag"] = "noindex"
    # Forget the value: an application context shared by several requests (tests, CLI) must re-read it.
    g.pop("search_engines_blocked", None)
    return response


@bp.get("/robots.txt")
def robots():
    if blocked():
        body = "User-agent: *\nDisallow: /\n"
    else:
        body = f"User-agent: *\nDisallow:\n\nSitemap: {url_for('.sitemap', _external=True)}\n"
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    if blocked():
        abort(404)
    return Response(build_sitemap(sitemap_urls()), mimetype="application/xml")


@bp.get("/.well-known/security.txt")
def security_txt():
    """RFC 9116: whom to tell about a vulnerability. Without SECURITY_CONTACT there is no file rather than a guess."""
    contact = current_app.config.get("SECURITY_CONTACT", "").strip()
    if not contact:
        abort(404)
    if "@" in contact and ":" not in contact:
        contact = f"mailto:{contact}"
    expires = (utcnow() + timedelta(days=180)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (f"Contact: {contact}\nExpires: {expires}\nPreferred-Languages: en\n"
            f"Canonical: {external_url('seo.security_txt')}\n")
    return Response(body, mimetype="text/plain")
