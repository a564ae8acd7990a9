"""The search page, the similar-ideas JSON for the new-idea form, and the `search-reindex` command."""

from __future__ import annotations

from typing import NamedTuple

import click
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select

from portal.core.pagination import parse_page
from portal.extensions import db
from portal.ideas.queries import voted_idea_ids
from portal.pagecache import kept_for_anonymous, remember
from portal.permissions import can_see_internal, can_vote
from portal.prototypes.models import Product, Prototype
from portal.prototypes.queries import prototype_by_slug
from portal.search.index import rebuild_index
from portal.search.queries import SearchFilters, search_ideas, similar_ideas
from portal.templating import idea_url
from portal.triage.models import Status, Tag

# cli_group=None: the command is `flask search-reindex`, not `flask search search-reindex`.
bp = Blueprint("search", __name__, cli_group=None)


@bp.get("/search")
def search():
    # Anonymous visitors asking what was asked before get the page kept since (until the next write). Kept here,
    # after the view's rate limit is counted, not by the page cache's hook, which answers before any view runs.
    return kept_for_anonymous(_search_page)


def _search_page() -> str:
    filters = SearchFilters.parse(request.args, current_user)
    results = search_ideas(request.args.get("q", ""), current_user, filters, parse_page(request.args.get("page")))
    return render_template("search/search.html", results=results, filters=filters, **_filter_choices(),
                           voted=voted_idea_ids(current_user, [hit.idea.id for hit in results.hits]))


class Choice(NamedTuple):
    """One entry of a filter menu: what the search form shows of a product, prototype, status or tag."""

    id: int
    name: str
    slug: str = ""
    internal: bool = False


def _filter_choices() -> dict[str, list[Choice]]:
    team = can_see_internal(current_user)

    def read() -> dict[str, list[Choice]]:
        tags = select(Tag.id, Tag.name, Tag.internal).order_by(Tag.name)
        if not team:
            tags = tags.where(Tag.internal.is_(False))
        return {
            "products": _choices(select(Product.id, Product.name, Product.slug).order_by(Product.name)),
            "prototypes": _choices(select(Prototype.id, Prototype.name, Prototype.slug).order_by(Prototype.name)),
            "statuses": _choices(select(Status.id, Status.name).order_by(Status.position, Status.id)),
            "tags": _choices(tags),
        }

    # The same for every search until something is written: kept rather than read four times a request. Tuples,
    # not mapped objects: they are unpickled from the cache on every search, twenty times faster than ORM instances.
    return remember(f"search-choices:{'team' if team else 'public'}", read)


def _choices(stmt: Select) -> list[Choice]:
    return [Choice(**row._asdict()) for row in db.session.execute(stmt)]


@bp.get("/ideas/similar")
def similar():
    prototype = prototype_by_slug(request.args.get("prototype", ""))
    ideas = similar_ideas(request.args.get("title", ""), current_user, prototype.product_id if prototype else None)
    voted = voted_idea_ids(current_user, [idea.id for idea in ideas])
    return jsonify(ideas=[{
        "id": idea.id, "title": idea.title, "url": idea_url(idea), "vote_count": idea.vote_count,
        "voted": idea.id in voted, "can_vote": can_vote(current_user, idea), "status": idea.status.name,
    } for idea in ideas])


@bp.cli.command("search-reindex")
def search_reindex_command() -> None:
    """Rebuild the full-text search index from every idea and its public comments."""
    click.echo(f"Indexed {rebuild_index()} ideas.")
