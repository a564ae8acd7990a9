"""The public roadmap and changelog, for everyone and per product."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.prototypes.models import Product
from portal.prototypes.queries import product_by_slug
from portal.roadmap.queries import (
    CHANGELOG_LIMIT,
    changelog,
    latest_notes,
    parse_filters,
    public_tags,
    roadmap_columns,
    roadmap_filter_choices,
)
from portal.screens.queries import addressed_in_versions, addressed_versions_of

bp = Blueprint("roadmap", __name__)


def _product_or_404(slug: str) -> Product:
    return product_by_slug(slug) or abort(404)


def _roadmap(product: Product | None):
    filters = parse_filters(request.args, product)
    columns = roadmap_columns(filters)
    shown = [idea.id for column in columns for idea in column.ideas]
    return render_template("roadmap/roadmap.html", product=product, filters=filters, columns=columns,
                           tags=public_tags(shown), notes=latest_notes(shown), addressed=addressed_versions_of(shown),
                           choices=roadmap_filter_choices(filters.product))


@bp.get("/roadmap")
def index():
    return _roadmap(None)


@bp.get("/products/<slug>/roadmap")
def product(slug: str):
    return _roadmap(_product_or_404(slug))


def _changelog(product: Product | None):
    groups, total = changelog(product)
    return render_template("roadmap/changelog.html", product=product, groups=groups, total=total,
                           limit=CHANGELOG_LIMIT,
                           addressed=addressed_in_versions(product.id if product else None, current_user))


@bp.get("/changelog")
def changelog_index():
    return _changelog(None)


@bp.get("/products/<slug>/changelog")
def product_changelog(slug: str):
    return _changelog(_product_or_404(slug))
