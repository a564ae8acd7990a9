"""Reads for products and prototypes."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from portal.core.text import SLUG_PATTERN
from portal.extensions import db
from portal.prototypes.models import Product, Prototype, Stage


def product_by_slug(slug: str) -> Product | None:
    # Only well-formed slugs reach the database (PostgreSQL refuses NUL bytes in text with an error).
    if not slug or len(slug) > 80 or not SLUG_PATTERN.match(slug):
        return None
    return db.session.scalar(select(Product).where(Product.slug == slug))


def prototype_by_slug(slug: str) -> Prototype | None:
    if not slug or len(slug) > 80 or not SLUG_PATTERN.match(slug):
        return None
    return db.session.scalar(select(Prototype).where(Prototype.slug == slug))


def prototypes_by_stage(product_id: int) -> list[tuple[Stage, list[Prototype]]]:
    """A product's prototypes grouped by stage, in the order stages progress; empty stages left out."""
    groups: dict[Stage, list[Prototype]] = defaultdict(list)
    for prototype in db.session.scalars(
        select(Prototype).where(Prototype.product_id == product_id).order_by(Prototype.created_at)
    ):
        groups[prototype.stage_enum].append(prototype)
    return [(stage, groups[stage]) for stage in Stage if groups[stage]]


def open_prototypes(product_id: int | None = None) -> list[Prototype]:
    """Prototypes that accept ideas, optionally of one product, grouped by product name."""
    stmt = select(Prototype).join(Product).where(Prototype.open_for_feedback.is_(True))
    if product_id is not None:
        stmt = stmt.where(Prototype.product_id == product_id)
    return list(db.session.scalars(stmt.order_by(Product.name, Prototype.name)))
