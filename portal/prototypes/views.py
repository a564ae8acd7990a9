"""Product and prototype pages, and the team's forms to make and change them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.extensions import db
from portal.ideas.queries import SORTS, idea_counts_by_prototype, idea_list, parse_sort, tag_for_viewer, voted_idea_ids
from portal.pagecache.fragments import (
    PAGE_SLOT_CONTEXT,
    SLOT_CONTEXT,
    VOTES_TO_FILL,
    Fragment,
    audience_key,
    fill,
    shared_fragment,
    shared_page,
    shares_pages,
)
from portal.permissions import can_manage_products, require
from portal.prototypes import services
from portal.prototypes.forms import ProductForm, PrototypeForm
from portal.prototypes.models import Product, Prototype
from portal.prototypes.queries import product_by_slug, prototype_by_slug, prototypes_by_stage
from portal.screens.queries import prototype_screens
from portal.triage.queries import tags_for_viewer

bp = Blueprint("prototypes", __name__)
# Lists count 50 pages past the one shown ("Page 1 of 51+"), never every idea of a large product.
COUNT_AHEAD = 50


def _product_or_404(slug: str) -> Product:
    return product_by_slug(slug) or abort(404)


def _prototype_or_404(slug: str) -> Prototype:
    return prototype_by_slug(slug) or abort(404)


def _render_idea_list(*, empty: str, show_prototype: bool = True, **filters) -> Fragment:
    """The page's idea list and pagination as everyone of the viewer's audience sees it, votes left as slots."""
    sort = parse_sort(request.args.get("sort"))
    tag = tag_for_viewer(request.args.get("tag"), current_user)
    page = paginate(idea_list(viewer=current_user, sort=sort, tag_id=tag.id if tag else None, **filters),
                    parse_page(request.args.get("page")), current_app.config["IDEAS_PER_PAGE"],
                    count_ahead=COUNT_AHEAD)
    html = render_template("ideas/_list_section.html", page=page, voted=VOTES_TO_FILL, sort=sort, sorts=SORTS,
                           tag=tag, tags=tags_for_viewer(current_user), show_prototype=show_prototype,
                           empty=empty, **SLOT_CONTEXT)
    return Fragment(html, [idea.id for idea in page.items])


def _idea_list(*, empty: str, show_prototype: bool = True, **filters) -> Markup:
    """The page's idea list and pagination: shared by everyone of one audience, with the viewer's votes filled in."""
    viewer = current_user._get_current_object()
    fragment = shared_fragment("idea-list", audience_key(viewer),
                               lambda: _render_idea_list(empty=empty, show_prototype=show_prototype, **filters))
    return fill(fragment, voted_idea_ids(viewer, fragment.idea_ids))


PRODUCT_EMPTY = "No ideas yet. Be the first to post one."


def _product_page(product: Product, idea_list: Markup, **context: Any) -> str:
    return render_template("prototypes/product.html", product=product, stages=prototypes_by_stage(product.id),
                           idea_counts=idea_counts_by_prototype(product.id, current_user), idea_list=idea_list,
                           **context)


@bp.get("/products/<slug>")
def product(slug: str):
    if shares_pages(current_user):
        # The whole page is the same for every member of an audience: rendered once, the header filled per viewer.
        def render() -> Fragment:
            product = _product_or_404(slug)
            listing = _render_idea_list(product_id=product.id, empty=PRODUCT_EMPTY)
            return Fragment(_product_page(product, Markup(listing.html), **PAGE_SLOT_CONTEXT), listing.idea_ids)

        return shared_page(render)
    product = _product_or_404(slug)
    return _product_page(product, _idea_list(product_id=product.id, empty=PRODUCT_EMPTY))


@bp.route("/products/new", methods=["GET", "POST"])
@login_required
def new_product():
    require(can_manage_products(current_user))
    return _product_form(None)


@bp.route("/products/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_product(slug: str):
    require(can_manage_products(current_user))
    return _product_form(_product_or_404(slug))


def _product_form(product: Product | None):
    form = ProductForm(obj=product)
    if form.validate_on_submit() and (saved := attempt(form, lambda: services.save_product(
        current_user, product, name=form.name.data, slug=form.slug.data, tagline=form.tagline.data,
        description=form.description.data,
    ))):
        flash(f"{saved.name} is saved.", "success")
        return redirect(url_for("prototypes.product", slug=saved.slug))
    return render_template("prototypes/product_form.html", form=form, product=product)


@bp.get("/prototypes/<slug>")
def prototype(slug: str):
    prototype = _prototype_or_404(slug)
    shipped = db.session.scalars(idea_list(viewer=current_user, shipped_in_id=prototype.id, sort="top")).unique().all()
    return render_template("prototypes/prototype.html", prototype=prototype, shipped=shipped,
                           **prototype_screens(prototype, current_user),
                           idea_list=_idea_list(prototype_id=prototype.id, show_prototype=False,
                                                empty="No ideas yet for this prototype."))


@bp.route("/products/<slug>/prototypes/new", methods=["GET", "POST"])
@login_required
def new_prototype(slug: str):
    require(can_manage_products(current_user))
    return _prototype_form(_product_or_404(slug), None)


@bp.route("/prototypes/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_prototype(slug: str):
    require(can_manage_products(current_user))
    prototype = _prototype_or_404(slug)
    return _prototype_form(prototype.product, prototype)


def _prototype_form(product: Product, prototype: Prototype | None):
    form = PrototypeForm(obj=prototype)
    if form.validate_on_submit() and (saved := attempt(form, lambda: services.save_prototype(
        current_user, prototype, product=product, name=form.name.data, slug=form.slug.data,
        version_label=form.version_label.data, stage=form.stage.data, description=form.description.data,
        demo_url=form.demo_url.data, open_for_feedback=form.open_for_feedback.data,
        cover=form.cover.data.stream if form.cover.data else None, remove_existing_cover=form.remove_cover.data,
        upload_folder=current_app.config["UPLOAD_FOLDER"],
    ))):
        flash(f"{saved.name} is saved.", "success")
        return redirect(url_for("prototypes.prototype", slug=saved.slug))
    return render_template("prototypes/prototype_form.html", form=form, product=product, prototype=prototype)
