"""Products and prototypes (the team creates and edits them), statuses and tags."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal.api.auth import Caller
from portal.api.blueprint import bp
from portal.api.models import Scope
from portal.api.pagination import CursorPage, Order, keyset_page
from portal.api.present import product_out, prototype_out, status_out, tag_out
from portal.api.problems import ApiProblem
from portal.api.schemas import (
    PageQuery,
    ProductIn,
    ProductOut,
    ProductPatch,
    PrototypeIn,
    PrototypeOut,
    PrototypePatch,
    StatusOut,
    TagOut,
)
from portal.api.spec import operation
from portal.extensions import db
from portal.prototypes import services
from portal.prototypes.models import Product, Prototype
from portal.triage.queries import tags_for_viewer
from portal.triage.statuses import ordered_statuses

TAG = "Products"
WRITE_ERRORS = (400, 401, 403, 404, 413, 415, 422)


def _product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        raise ApiProblem(404, "There is no product with that id.")
    return product


def _prototype(prototype_id: int) -> Prototype:
    prototype = db.session.get(Prototype, prototype_id)
    if prototype is None:
        raise ApiProblem(404, "There is no prototype with that id.")
    return prototype


@operation(bp, "GET", "/products", summary="List products", tag=TAG, query=PageQuery, response=ProductOut,
           paginated=True, errors=(400,))
def list_products(caller: Caller, query: PageQuery) -> CursorPage:
    """Every product, oldest first."""
    page = keyset_page(select(Product), Order([(Product.id, False)]), "products", lambda p: [p.id], query.cursor,
                       query.limit)
    page.items = [product_out(p) for p in page.items]
    return page


@operation(bp, "POST", "/products", summary="Create a product", tag=TAG, scope=Scope.WRITE, signed_in=True,
           body=ProductIn, response=ProductOut, status=201, errors=WRITE_ERRORS)
def create_product(caller: Caller, body: ProductIn) -> ProductOut:
    """Designers and admins."""
    return product_out(services.save_product(caller.user, None, **body.model_dump()))


@operation(bp, "GET", "/products/<int:product_id>", summary="Get a product", tag=TAG, response=ProductOut)
def get_product(caller: Caller, product_id: int) -> ProductOut:
    """One product."""
    return product_out(_product(product_id))


@operation(bp, "PATCH", "/products/<int:product_id>", summary="Edit a product", tag=TAG, scope=Scope.WRITE,
           signed_in=True, body=ProductPatch, response=ProductOut, errors=WRITE_ERRORS)
def edit_product(caller: Caller, product_id: int, body: ProductPatch) -> ProductOut:
    """Designers and admins; fields left out keep their value."""
    product = _product(product_id)
    current = {"name": product.name, "slug": product.slug, "tagline": product.tagline,
               "description": product.description}
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    return product_out(services.save_product(caller.user, product, **(current | changes)))


@operation(bp, "GET", "/products/<int:product_id>/prototypes", summary="List a product's prototypes", tag=TAG,
           query=PageQuery, response=PrototypeOut, paginated=True, errors=(400,))
def list_prototypes(caller: Caller, product_id: int, query: PageQuery) -> CursorPage:
    """The product's prototypes, oldest first."""
    stmt = select(Prototype).where(Prototype.product_id == _product(product_id).id)
    page = keyset_page(stmt, Order([(Prototype.id, False)]), "prototypes", lambda p: [p.id], query.cursor,
                       query.limit)
    page.items = [prototype_out(p) for p in page.items]
    return page


def _save_prototype(caller: Caller, product: Product, prototype: Prototype | None, values: dict) -> PrototypeOut:
    saved = services.save_prototype(caller.user, prototype, product=product,
                                    upload_folder=current_app.config["UPLOAD_FOLDER"], **values)
    return prototype_out(saved)


@operation(bp, "POST", "/products/<int:product_id>/prototypes", summary="Create a prototype", tag=TAG,
           scope=Scope.WRITE, signed_in=True, body=PrototypeIn, response=PrototypeOut, status=201,
           errors=WRITE_ERRORS)
def create_prototype(caller: Caller, product_id: int, body: PrototypeIn) -> PrototypeOut:
    """Designers and admins. Cover images are uploaded on the site."""
    return _save_prototype(caller, _product(product_id), None, body.model_dump())


@operation(bp, "GET", "/prototypes/<int:prototype_id>", summary="Get a prototype", tag=TAG, response=PrototypeOut)
def get_prototype(caller: Caller, prototype_id: int) -> PrototypeOut:
    """One prototype."""
    return prototype_out(_prototype(prototype_id))


@operation(bp, "PATCH", "/prototypes/<int:prototype_id>", summary="Edit a prototype", tag=TAG, scope=Scope.WRITE,
           signed_in=True, body=PrototypePatch, response=PrototypeOut, errors=WRITE_ERRORS)
def edit_prototype(caller: Caller, prototype_id: int, body: PrototypePatch) -> PrototypeOut:
    """Designers and admins; fields left out keep their value."""
    prototype = _prototype(prototype_id)
    fields = ("name", "slug", "version_label", "stage", "description", "demo_url", "open_for_feedback")
    current = {name: getattr(prototype, name) for name in fields}
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    return _save_prototype(caller, prototype.product, prototype, current | changes)


@operation(bp, "GET", "/statuses", summary="List statuses", tag="Triage", response=StatusOut, paginated=True)
def list_statuses(caller: Caller) -> CursorPage:
    """Every status in the admins' order, retired ones included (they may still be on ideas)."""
    return CursorPage([status_out(s) for s in ordered_statuses()], None)


@operation(bp, "GET", "/tags", summary="List tags", tag="Triage", response=TagOut, paginated=True)
def list_tags(caller: Caller) -> CursorPage:
    """Public tags; the team also sees internal ones."""
    return CursorPage([tag_out(t) for t in tags_for_viewer(caller.user)], None)
