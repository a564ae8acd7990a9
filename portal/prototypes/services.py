"""Use cases for products and prototypes; only designers and admins make or change them."""

from __future__ import annotations

from typing import IO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core.text import SLUG_PATTERN, clean_text, slugify
from portal.errors import ValidationError
from portal.extensions import db
from portal.markup import render_markdown
from portal.permissions import can_manage_products, require
from portal.prototypes.covers import remove_cover, store_cover
from portal.prototypes.models import Product, Prototype, Stage

DESCRIPTION_MAX = 10_000


def _clean_slug(raw: str | None, fallback: str, model: type[Product] | type[Prototype], own_id: int | None) -> str:
    slug = (raw or "").strip().lower() or slugify(fallback)
    if not slug or not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise ValidationError({"slug": "Use lower-case letters, digits and single hyphens (e.g. mesh-network)."})
    clash = db.session.scalar(select(model.id).where(model.slug == slug))
    if clash is not None and clash != own_id:
        raise ValidationError({"slug": "This address is already taken; choose another."})
    return slug


def _clean_url(raw: str | None) -> str:
    url = clean_text(raw, "demo_url", max_len=500)
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError({"demo_url": "Start the link with https:// or http://."})
    return url


def _commit_unique(field: str = "slug") -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError({field: "This address is already taken; choose another."}) from exc


def save_product(actor: User, product: Product | None, *, name: str, slug: str = "", tagline: str = "",
                 description: str = "") -> Product:
    """Create a product (product=None) or change one."""
    require(can_manage_products(actor))
    name = clean_text(name, "name", min_len=2, max_len=80)
    description = clean_text(description, "description", max_len=DESCRIPTION_MAX, multiline=True)
    values = {
        "name": name,
        "slug": _clean_slug(slug, name, Product, product.id if product else None),
        "tagline": clean_text(tagline, "tagline", max_len=160),
        "description": description,
        "description_html": render_markdown(description, "description"),
    }
    if product is None:
        product = Product()
        db.session.add(product)
    for key, value in values.items():
        setattr(product, key, value)
    _commit_unique()
    return product


def save_prototype(actor: User, prototype: Prototype | None, *, product: Product, name: str, slug: str = "",
                   version_label: str = "", stage: str = Stage.CONCEPT.value, description: str = "",
                   demo_url: str = "", open_for_feedback: bool = True, cover: IO[bytes] | None = None,
                   remove_existing_cover: bool = False, upload_folder: str) -> Prototype:
    """Create a prototype (prototype=None) or change one, storing a new cover image if given."""
    require(can_manage_products(actor))
    name = clean_text(name, "name", min_len=2, max_len=80)
    if stage not in {s.value for s in Stage}:
        raise ValidationError({"stage": "Choose one of the listed stages."})
    description = clean_text(description, "description", max_len=DESCRIPTION_MAX, multiline=True)
    values = {
        "product_id": product.id,
        "name": name,
        "slug": _clean_slug(slug, name, Prototype, prototype.id if prototype else None),
        "version_label": clean_text(version_label, "version_label", max_len=40),
        "stage": stage,
        "description": description,
        "description_html": render_markdown(description, "description"),
        "demo_url": _clean_url(demo_url),
        "open_for_feedback": bool(open_for_feedback),
    }
    new_cover = store_cover(cover, upload_folder) if cover is not None else None
    if prototype is None:
        prototype = Prototype()
        db.session.add(prototype)
    old_cover = prototype.cover_image
    for key, value in values.items():
        setattr(prototype, key, value)
    if new_cover or remove_existing_cover:
        prototype.cover_image = new_cover
    try:
        _commit_unique()
    except ValidationError:
        remove_cover(new_cover, upload_folder)
        raise
    if old_cover and old_cover != prototype.cover_image:
        remove_cover(old_cover, upload_folder)
    return prototype
