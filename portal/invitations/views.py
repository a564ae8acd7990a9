"""Inviting people (/invitations) and joining through an invitation link (/invite/<token>)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.core.forms import attempt
from portal.extensions import db
from portal.invitations import queries, services
from portal.invitations.forms import InviteForm, JoinForm
from portal.invitations.tokens import InvalidInvitation
from portal.permissions import can_invite
from portal.prototypes.models import Product, Prototype

bp = Blueprint("invitations", __name__)


def _prototype_choices() -> list[SelectChoice]:
    rows = db.session.execute(select(Prototype.id, Prototype.name, Product.name).join(Product)
                              .order_by(Product.name, Prototype.name)).all()
    return [SelectChoice("", "The whole portal")] + [SelectChoice(str(pid), f"{product}: {name}")
                                                     for pid, name, product in rows]


def _chosen_prototype(form: InviteForm) -> Prototype | None:
    return db.session.get(Prototype, int(form.prototype.data)) if form.prototype.data else None


@bp.route("/invitations", methods=["GET", "POST"])
@login_required
def index():
    form = InviteForm(prototype=request.args.get("prototype", ""))
    form.prototype.choices = _prototype_choices()
    if form.validate_on_submit() and (sent := attempt(form, lambda: services.send_invitations(
            current_user, form.emails.data, form.note.data, _chosen_prototype(form)))):
        flash(f"Invitation sent to {', '.join(inv.email for inv in sent)}.", "success")
        return redirect(url_for("invitations.index"))
    return render_template("invitations/index.html", form=form, sent=queries.sent_by(current_user),
                           can_invite=can_invite(current_user), cap=services.daily_cap(),
                           used_today=services.sent_in_last_day(current_user.id))


def _private(body: str, status: int = 200) -> Response:
    """A page reached by a secret link: not cached, and the link never leaves in a Referer header."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(reason: str) -> Response:
    return _private(render_template("invitations/invalid.html", reason=reason), 410 if reason == "used" else 400)


def _landing(prototype: Prototype | None) -> str:
    return url_for("prototypes.prototype", slug=prototype.slug) if prototype else url_for("core.home")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def show(token: str):
    form = JoinForm()
    # Joining is tried before anything is read, so its slow password hashing happens outside any transaction.
    if not current_user.is_authenticated and form.validate_on_submit():
        try:
            joined = attempt(form, lambda: services.join(token, form.email.data, form.display_name.data,
                                                         form.password.data))
        except InvalidInvitation as exc:
            return _refused(exc.reason)
        if joined is not None:
            return _welcome(joined)
    try:
        invitation = services.read_invitation(token)
    except InvalidInvitation as exc:
        return _refused(exc.reason)
    if current_user.is_authenticated:
        return _private(render_template("invitations/show.html", invitation=invitation, form=None, member=True))
    if request.method == "GET":
        form.email.data = invitation.email
    return _private(render_template("invitations/show.html", invitation=invitation, form=form, member=False,
                                    has_account=services.invited_address_has_account(invitation)))


def _welcome(joined: services.Joined) -> Response:
    if joined.user is None:
        return redirect(url_for("accounts.check_email"))
    session.clear()  # a fresh session, as on every sign-in
    login_user(joined.user)
    flash(f"Welcome, {joined.user.display_name}! You joined through {joined.inviter_name}'s invitation.", "success")
    return redirect(_landing(joined.prototype))
