"""Connections, contact cards and introductions: requests and answers, blocks, the vCard, the host's form."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.accounts.models import User
from portal.core.forms import attempt
from portal.core.text import parse_id, slugify
from portal.core.urls import safe_next
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.network import asking, queries, services
from portal.network.caring import others_who_care
from portal.network.forms import AskIntroductionForm, IntroductionForm, RequestForm
from portal.network.lookup import find_person
from portal.network.models import NOTE_MAX, ConnectionStatus
from portal.network.vcard import contact_card
from portal.pagecache import remember
from portal.permissions import can_connect, can_introduce, require

bp = Blueprint("network", __name__)


@bp.app_template_global()
def others_who_care_html(idea: Idea) -> Markup:
    """The idea page's "others who care" card for the current viewer. Its HTML is kept until the next write for
    every viewer who would see the same people with the same links (often everyone not connected to them)."""
    viewer = current_user._get_current_object()  # not the proxy: it is read for every person shown
    fellows = others_who_care(viewer, idea)
    if not fellows:
        return Markup("")
    seen = tuple((f.user.id, f.commented, f.connected, can_connect(viewer, f.user)) for f in fellows)
    key = f"caring-html:{idea.id}:{request.full_path}:{can_introduce(viewer)}:{seen}"
    return Markup(remember(key, lambda: render_template("network/_others_who_care.html", idea=idea,
                                                      fellows=fellows)))


def _person(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if person.is_contact:  # made by the team for a vote on someone's behalf: not a public person
        abort(404)
    return person


def _me() -> User:
    return current_user._get_current_object()


def _back(default: str) -> Response:
    return redirect(safe_next(request.form.get("next"), default))


def _act(action: Callable[[], object], done: str, default: str) -> Response:
    try:
        action()
        flash(done, "success")
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
    return _back(default)


@bp.get("/connections")
@login_required
def connections():
    me = current_user.id
    return render_template("network/connections.html", incoming=queries.incoming_requests(me),
                           sent=queries.sent_requests(me), waiting=queries.waiting_on_others(me),
                           connections=queries.connections_of(me), blocked=queries.blocked_by(me))


_SENT = {
    ConnectionStatus.ACCEPTED: "You are now connected with {name}.",
    ConnectionStatus.HELD: "Your request to {name} is saved. It reaches them once you have posted an idea or a "
                           "comment: new accounts take part before they connect.",
}


@bp.route("/people/<int:user_id>/connect", methods=["GET", "POST"])
@login_required
def request_connection(user_id: int):
    person = _person(user_id)
    form = RequestForm(next=request.args.get("next", ""))
    if form.validate_on_submit() and (row := attempt(form, lambda: services.request_connection(
            _me(), person, form.message.data))):
        flash(_SENT.get(row.status_enum, "Your request is sent to {name}.").format(name=person.display_name),
              "success")
        return redirect(safe_next(form.next.data, url_for("accounts.profile", user_id=person.id)))
    return render_template("network/request.html", form=form, person=person)


@bp.route("/people/<int:user_id>/ask-introduction", methods=["GET", "POST"])
@login_required
def ask_introduction(user_id: int):
    person = _person(user_id)
    form = AskIntroductionForm(next=request.args.get("next", ""))
    if form.validate_on_submit() and (hosts := attempt(form, lambda: asking.ask_for_introduction(
            _me(), person, form.note.data))):
        flash(f"Asked: {len(hosts)} team member{'s' if len(hosts) != 1 else ''} will see your request to meet "
              f"{person.display_name}.", "success")
        return redirect(safe_next(form.next.data, url_for("accounts.profile", user_id=person.id)))
    return render_template("network/ask_introduction.html", form=form, person=person)


@bp.post("/connections/<int:connection_id>/accept")
@login_required
def accept(connection_id: int):
    try:
        row = services.accept_connection(_me(), connection_id)
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return _back(url_for(".connections"))
    other = row.requester if row.addressee_id == current_user.id else row.addressee
    flash(f"Accepted: you are now connected with {other.display_name}." if row.is_accepted else
          f"Accepted. You will be connected once {other.display_name} accepts too.", "success")
    return _back(url_for(".connections"))


@bp.post("/connections/<int:connection_id>/decline")
@login_required
def decline(connection_id: int):
    return _act(lambda: services.decline_connection(_me(), connection_id), "Declined. They are not told.",
                url_for(".connections"))


@bp.post("/connections/<int:connection_id>/withdraw")
@login_required
def withdraw(connection_id: int):
    return _act(lambda: services.withdraw_request(_me(), connection_id), "Your request is withdrawn.",
                url_for(".connections"))


@bp.post("/people/<int:user_id>/disconnect")
@login_required
def disconnect(user_id: int):
    person = _person(user_id)
    return _act(lambda: services.disconnect(_me(), person), f"You are no longer connected with {person.display_name}.",
                url_for("accounts.profile", user_id=person.id))


@bp.post("/people/<int:user_id>/block")
@login_required
def block(user_id: int):
    person = _person(user_id)
    return _act(lambda: services.block_person(_me(), person),
                f"You blocked {person.display_name}: they can't send you requests or be introduced to you.",
                url_for("accounts.profile", user_id=person.id))


@bp.post("/people/<int:user_id>/unblock")
@login_required
def unblock(user_id: int):
    person = _person(user_id)
    return _act(lambda: services.unblock_person(_me(), person), f"You unblocked {person.display_name}.",
                url_for("accounts.profile", user_id=person.id))


@bp.get("/people/<int:user_id>/card.vcf")
def vcard(user_id: int):
    person = _person(user_id)
    body = contact_card(current_user, person, url_for("accounts.profile", user_id=person.id, _external=True))
    response = Response(body, mimetype="text/vcard")
    response.headers["Content-Disposition"] = f'attachment; filename="{slugify(person.display_name) or "contact"}.vcf"'
    # What the card holds depends on who asks: never shared by a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/introductions/new", methods=["GET", "POST"])
@login_required
def introduce():
    require(can_introduce(current_user), "Only team members introduce people.")
    form = IntroductionForm(formdata=request.form if request.method == "POST" else None, data=_prefill())
    if form.validate_on_submit() and (intro := attempt(form, lambda: services.introduce(
            _me(), find_person(form.first.data, "first"), find_person(form.second.data, "second"), form.note.data))):
        flash(f"You introduced {intro.first.display_name} and {intro.second.display_name}. "
              "Each of them is asked to accept.", "success")
        return redirect(url_for("accounts.profile", user_id=intro.first_id))
    return render_template("network/introduce.html", form=form)


def _prefill() -> dict[str, str]:
    """?first=12&second=34 (from a profile, an idea page or an ask) fills the form; &note= fills the note."""
    data = {name: url_for("accounts.profile", user_id=user_id)
            for name in ("first", "second") if (user_id := parse_id(request.args.get(name))) is not None}
    return data | ({"note": note[:NOTE_MAX]} if (note := request.args.get("note", "")) else {})
