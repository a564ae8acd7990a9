"""The reputation formula, the leaderboards, marking comments helpful, and `flask reputation recompute`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Blueprint, abort, flash, g, redirect, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.prototypes.models import Product
from portal.reputation import queries, services
from portal.reputation.models import HelpfulMark
from portal.reputation.scoring import BADGES, RULES
from portal.templating import idea_url

bp = Blueprint("reputation", __name__, cli_group="reputation")

PERIODS = {"week": ("This week", 7), "month": ("Last 30 days", 30), "year": ("Last 12 months", 365),
           "all": ("All time", None)}


def is_helpful(comment: Comment) -> bool:
    """Whether a comment is marked helpful; one query per idea whose comments a page shows."""
    cache = g.setdefault("helpful_by_idea", {})
    if comment.idea_id not in cache:
        cache[comment.idea_id] = set(db.session.scalars(
            select(HelpfulMark.comment_id).join(Comment, Comment.id == HelpfulMark.comment_id)
            .where(Comment.idea_id == comment.idea_id)))
    return comment.id in cache[comment.idea_id]


@bp.app_context_processor
def _template_globals() -> dict:
    return {"is_helpful": is_helpful, "reputation_profile": lambda user: queries.profile(user.id)}


@bp.after_app_request
def _forget_marks(response):
    g.pop("helpful_by_idea", None)  # an app context shared by several requests (tests) reads marks afresh
    return response


@bp.get("/reputation")
def about():
    return render_template("reputation/about.html", rules=RULES, badges=BADGES,
                           trusted=queries.trusted_threshold())


@bp.get("/reputation/leaderboard")
def leaderboard():
    period = request.args.get("period", "month")
    period = period if period in PERIODS else "month"
    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    product = next((p for p in products if p.slug == request.args.get("product")), None)  # compared in Python
    days = PERIODS[period][1]
    since = utcnow() - timedelta(days=days) if days else None
    leaders = queries.leaderboard(product.id if product else None, since)
    return render_template("reputation/leaderboard.html", leaders=leaders, periods=PERIODS, period=period,
                           products=products, product=product)


@bp.post("/comments/<int:comment_id>/helpful")
@login_required
def helpful(comment_id: int):
    comment = db.session.get(Comment, comment_id) or abort(404)
    marked = services.set_helpful(current_user, comment, request.form.get("action") != "unmark")
    flash("Marked as helpful: thank you for recognising it." if marked else "No longer marked as helpful.",
          "success")
    return redirect(idea_url(db.session.get(Idea, comment.idea_id), _anchor=f"comment-{comment.id}"))


@bp.cli.command("recompute")
def recompute_command() -> None:
    """Recount everyone's reputation from the records (run it daily, like the digest)."""
    click.echo(f"Recomputed the reputation of {services.recompute_all()} people.")
