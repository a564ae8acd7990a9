"""Atom feeds: new ideas (site, product, prototype), one idea's status updates, the changelog."""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from portal.feeds import queries
from portal.feeds.feeds import changelog_feed, ideas_feed, status_feed
from portal.prototypes.queries import product_by_slug, prototype_by_slug

bp = Blueprint("feeds", __name__)

ATOM = "application/atom+xml"


def _atom(body: bytes) -> Response:
    response = Response(body, mimetype=ATOM)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/feeds/ideas.atom")
def site_ideas():
    return _atom(ideas_feed("New ideas", url_for("core.home", _external=True),
                            url_for(".site_ideas", _external=True), queries.new_ideas(), None))


@bp.get("/products/<slug>/ideas.atom")
def product_ideas(slug: str):
    product = product_by_slug(slug) or abort(404)
    return _atom(ideas_feed(f"New ideas for {product.name}",
                            url_for("prototypes.product", slug=product.slug, _external=True),
                            url_for(".product_ideas", slug=product.slug, _external=True),
                            queries.new_ideas(product_id=product.id), product.created_at))


@bp.get("/prototypes/<slug>/ideas.atom")
def prototype_ideas(slug: str):
    prototype = prototype_by_slug(slug) or abort(404)
    return _atom(ideas_feed(f"New ideas for {prototype.product.name} {prototype.name}",
                            url_for("prototypes.prototype", slug=prototype.slug, _external=True),
                            url_for(".prototype_ideas", slug=prototype.slug, _external=True),
                            queries.new_ideas(prototype_id=prototype.id), prototype.created_at))


@bp.get("/ideas/<int:idea_id>/status.atom")
def idea_status(idea_id: int):
    # Hidden, held and merged ideas have no public history: the same 404 as an unknown id.
    idea = queries.public_idea(idea_id) or abort(404)
    return _atom(status_feed(idea, queries.status_changes(idea)))


def _changelog_page(product=None) -> str:
    """The changelog page the feed mirrors."""
    if product is not None:
        return url_for("roadmap.product_changelog", slug=product.slug, _external=True)
    return url_for("roadmap.changelog_index", _external=True)


@bp.get("/feeds/changelog.atom")
def changelog():
    return _atom(changelog_feed("Changelog", _changelog_page(), url_for(".changelog", _external=True),
                                queries.shipped_ideas(), None))


@bp.get("/products/<slug>/changelog.atom")
def product_changelog(slug: str):
    product = product_by_slug(slug) or abort(404)
    return _atom(changelog_feed(f"Changelog of {product.name}", _changelog_page(product),
                                url_for(".product_changelog", slug=product.slug, _external=True),
                                queries.shipped_ideas(product_id=product.id), product.created_at))

