"""/people (the directory), /network (the network at a glance) and the directory setting."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.models import utcnow
from portal.core.pagination import parse_page
from portal.core.text import text_problem
from portal.extensions import db
from portal.people import charts, network, queries, services
from portal.permissions import Role
from portal.prototypes.models import Product, Prototype

bp = Blueprint("people", __name__)


def query_arg(name: str, max_len: int = 200) -> str:
    """A query-string value as text, or "" when it holds what no person types (NUL and other controls)."""
    value = request.args.get(name, "")[:max_len]
    return "" if text_problem(value, max_len=max_len) else value


def _filters() -> tuple[queries.Filters, Product | None, Prototype | None]:
    prototype_slug, product_slug = query_arg("prototype"), query_arg("product")
    prototype = db.session.scalar(select(Prototype).where(Prototype.slug == prototype_slug)) if prototype_slug else None
    product = db.session.scalar(select(Product).where(Product.slug == product_slug)) if product_slug else None
    sort, role = query_arg("sort"), query_arg("role")
    filters = queries.Filters(
        q=query_arg("q"), role=role if role in set(Role) else "",
        product_id=product.id if product else None, prototype_id=prototype.id if prototype else None,
        sort=sort if sort in queries.SORTS else "reputation")
    return filters, product, prototype


@bp.get("/people")
def index():
    filters, product, prototype = _filters()
    page = queries.directory(filters, parse_page(request.args.get("page")))
    ids = [user.id for user, _, _ in page.items]
    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    prototypes = db.session.scalars(select(Prototype).order_by(Prototype.name)).all()
    return render_template("people/index.html", page=page, filters=filters, product=product, prototype=prototype,
                           products=products, prototypes=prototypes, roles=list(Role), sorts=queries.SORTS,
                           tags=queries.tags_for(ids), connected=queries.connected_ids(current_user.id, ids))


@bp.get("/network")
def network_page():
    overview = network.overview(utcnow().date())
    role_chart = charts.horizontal("Collaborators by role", overview.by_role)
    month_chart = charts.columns("New collaborators per month", [(m.start.strftime("%b"), m.new)
                                                                  for m in overview.months])
    prototype_rows = [(p.short_label, p.ideas) for p in overview.prototypes]
    vote_rows = [(p.short_label, p.votes) for p in overview.prototypes]
    return render_template("people/network.html", overview=overview, role_chart=role_chart, month_chart=month_chart,
                           idea_chart=charts.horizontal("Ideas per prototype", prototype_rows),
                           vote_chart=charts.horizontal("Votes per prototype", vote_rows))


@bp.route("/settings/directory", methods=["GET", "POST"])
@login_required
def directory_settings():
    if request.method == "POST":
        listed = request.form.get("listed") == "1"
        services.set_listed(current_user, listed)
        flash("You are listed in the people directory again." if listed else
              "You have left the people directory and the leaderboards.", "success")
        return redirect(url_for("people.directory_settings"))
    return render_template("people/settings.html", listed=queries.is_listed(current_user.id))
