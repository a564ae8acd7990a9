"""Notification pages: the list under the bell, preferences, one-click unsubscribe, following ideas."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from portal.core.pagination import parse_page
from portal.core.urls import safe_next
from portal.errors import wants_json
from portal.extensions import csrf, db
from portal.ideas.models import Idea
from portal.notifications import follows, queries, services
from portal.notifications.forms import preferences_form
from portal.notifications.models import Delivery
from portal.notifications.preferences import deliveries, events_for
from portal.notifications.tokens import InvalidToken, read_token
from portal.permissions import can_view_idea
from portal.prototypes.queries import product_by_slug
from portal.templating import idea_url

bp = Blueprint("notifications", __name__)


def unread_notifications() -> int:
    """The bell's count, read at most once per request; a page whose database failed shows no badge."""
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = queries.unread_count(current_user)
        except SQLAlchemyError:
            db.session.rollback()
            g.unread_notifications = 0
    return g.unread_notifications


def know_unread_notifications(count: int | None) -> None:
    """The bell's count, read already for this request (with the signed-in person: see portal._load_user)."""
    g.unread_notifications = count or 0


@bp.app_context_processor
def _template_globals() -> dict:
    # Functions, not values: only pages that draw the header or a follow button pay for the query.
    return {"unread_notifications": unread_notifications, "badge_cap": queries.BADGE_CAP,
            "follow_summary": lambda idea: queries.follow_summary(current_user, idea),
            "watching_product": lambda product: follows.is_watching(current_user, product)}


@bp.after_app_request
def _forget_count(response):
    # An application context shared by several requests (tests, CLI) must read the count afresh.
    g.pop("unread_notifications", None)
    g.pop("known_follow_summary", None)
    g.pop("known_votes", None)
    return response


def _back(default: str):
    return redirect(safe_next(request.form.get("next"), default))


# --- the list under the bell ----------------------------------------------------------------------------

@bp.get("/notifications")
@login_required
def index():
    page = queries.notifications_page(current_user, parse_page(request.args.get("page")))
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    services.mark_read(current_user, notification_id)
    if wants_json():
        return jsonify(unread=queries.unread_count(current_user))
    return _back(url_for("notifications.index"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    if wants_json():
        return jsonify(unread=0)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read." if count else
          "Nothing was unread.", "success")
    return _back(url_for("notifications.index"))


# --- preferences and unsubscribing ----------------------------------------------------------------------

@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    events = events_for(current_user)
    form = preferences_form(events, deliveries([current_user.id])[current_user.id], current_user.auto_follow)
    if form.validate_on_submit():
        choices = {event: Delivery(form[f"event_{event.value}"].data) for event in events}
        services.save_settings(current_user, choices, form.auto_follow.data)
        flash("Your notification preferences are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form), 422 if form.is_submitted() else 200


def _token_page(template: str, status: int = 200, **context: object):
    # The unsubscribe token is in the path; links followed from the page must not carry it in Referer (the
    # templates say so in a <meta> too, which holds even where a site-wide header policy overrides this one).
    return render_template(template, **context), status, {"Referrer-Policy": "no-referrer"}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token authorises it; RFC 8058 one-click POSTs come with no cookie and no CSRF token
def unsubscribe(token: str):
    try:
        wanted = read_token(token)
    except InvalidToken as exc:
        if exc.expired:
            return _token_page("notifications/unsubscribe_expired.html", 410)
        return _token_page("notifications/unsubscribe_invalid.html", 400)
    if request.method == "POST":
        services.unsubscribe(wanted)
        return _token_page("notifications/unsubscribed.html", request_=wanted)
    return _token_page("notifications/unsubscribe.html", request_=wanted)


# --- following ideas, watching products -----------------------------------------------------------------

def _followed(idea: Idea, message: str):
    summary = queries.follow_summary(current_user, idea)
    if wants_json():
        return jsonify(following=summary.following, follower_count=summary.count)
    flash(message, "success")
    visible = can_view_idea(current_user, idea)
    return _back(idea_url(idea, _anchor="follow") if visible else url_for("notifications.index"))


@bp.post("/ideas/<int:idea_id>/follow")
@login_required
def follow(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    if not can_view_idea(current_user, idea):  # as if it did not exist, like the idea page itself
        abort(404)
    follows.follow(current_user, idea)
    return _followed(idea, "You follow this idea: you'll hear about its status, comments and merges.")


@bp.post("/ideas/<int:idea_id>/unfollow")
@login_required
def unfollow(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    follows.unfollow(current_user, idea)
    return _followed(idea, "You no longer follow this idea.")


@bp.post("/products/<slug>/watch")
@login_required
def watch_product(slug: str):
    product = product_by_slug(slug) or abort(404)
    watching = request.form.get("watching") == "1"
    follows.watch_product(current_user, product, watching)
    flash(f"You'll hear about every new idea on {product.name}." if watching else
          f"You no longer hear about new ideas on {product.name}.", "success")
    return _back(url_for("prototypes.product", slug=product.slug))
