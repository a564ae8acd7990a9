"""Notification pages: the list under the bell, preferences, one-click unsubscribe, following ideas."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import csrf
from portal.notifications import services
from portal.notifications.forms import preferences_form
from portal.notifications.models import Delivery, Event
from portal.notifications.preferences import deliveries, events_for
from portal.notifications.tokens import InvalidToken, read_token

bp = Blueprint("notifications", __name__)


def _token_page(template: str, status: int = 200, **context: object):
    # The unsubscribe token is in the path; links followed from the page must not carry it in Referer.
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


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    events = events_for(current_user)
    current = deliveries([current_user.id])[current_user.id]
    form = preferences_form(events, current, current_user.auto_follow)
    if form.validate_on_submit():
        choices = {event: Delivery(form[f"event_{event.value}"].data) for event in events}
        services.save_settings(current_user, choices, form.auto_follow.data)
        flash("Your notification preferences are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, events=events,
                           Event=Event), 422 if form.is_submitted() else 200


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html")
