"""Reads for the sitemap: public pages with the time each last changed, capped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import url_for
from sqlalchemy import select

from portal.accounts.models import Guest
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import visible_ideas
from portal.prototypes.models import Product, Prototype
from portal.templating import idea_url

SITEMAP_LIMIT = 50_000  # the sitemaps.org maximum for one file


def sitemap_urls(limit: int = SITEMAP_LIMIT) -> Iterator[tuple[str, datetime | None]]:
    """(absolute URL, last modified) of the home page, products, prototypes and ideas everyone may see."""
    products = db.session.execute(select(Product.slug, Product.created_at).order_by(Product.id)).all()
    prototypes = db.session.execute(select(Prototype.slug, Prototype.updated_at).order_by(Prototype.id)).all()
    newest = max([p.created_at for p in products] + [p.updated_at for p in prototypes], default=None)
    yield url_for("core.home", _external=True), newest
    yield url_for("roadmap.index", _external=True), newest
    yield url_for("roadmap.changelog_index", _external=True), newest
    count = 3
    for slug, created_at in products:
        yield url_for("prototypes.product", slug=slug, _external=True), created_at
        yield url_for("roadmap.product", slug=slug, _external=True), newest
        yield url_for("roadmap.product_changelog", slug=slug, _external=True), newest
        count += 2
    for slug, updated_at in prototypes:
        yield url_for("prototypes.prototype", slug=slug, _external=True), updated_at
    count += len(products) + len(prototypes)
    ideas = visible_ideas(select(Idea.id, Idea.title, Idea.created_at, Idea.edited_at), Guest())
    rows = db.session.execute(ideas.order_by(Idea.id.desc()).limit(max(limit - count, 0)))
    for row in rows:
        yield idea_url(row, _external=True), max(row.created_at, row.edited_at or row.created_at)
