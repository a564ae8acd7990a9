"""Admin: the mail queue (counts, recent messages, each one's attempts), "Retry now" and a test email."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.errors import ValidationError
from portal.notifications import admin as outbox
from portal.notifications.forms import TestEmailForm
from portal.permissions import can_view_email_outbox, require

bp = Blueprint("email", __name__, url_prefix="/email")
PER_PAGE = 30


def _page(form: TestEmailForm, status: int = 200):
    state = outbox.parse_state(request.args.get("state"))
    page = paginate(outbox.messages(state), parse_page(request.args.get("page")), PER_PAGE)
    return render_template("admin/email.html", form=form, page=page, state=state,
                           counts=outbox.outbox_counts(), mail=outbox.mail_settings(current_app.config),
                           can_retry=outbox.can_retry), status


@bp.get("")
@login_required
def index():
    require(can_view_email_outbox(current_user))
    return _page(TestEmailForm(to_address=current_user.email))


@bp.post("/test")
@login_required
def send_test():
    require(can_view_email_outbox(current_user))
    form = TestEmailForm()
    if form.validate_on_submit() and (result := attempt(
            form, lambda: outbox.send_test_email(current_user, form.to_address.data))):
        # Redirected to the message, whose attempt log shows the server's answer in full.
        flash(f"The mail server accepted the test: {result.response}" if result.ok else
              f"The test email could not be sent: {result.response}", "success" if result.ok else "error")
        return redirect(url_for(".message", message_id=result.message_id))
    return _page(form, status=422)


@bp.get("/<int:message_id>")
@login_required
def message(message_id: int):
    require(can_view_email_outbox(current_user))
    return render_template("admin/email_message.html", message=outbox.message_with_attempts(message_id),
                           can_retry=outbox.can_retry)


@bp.post("/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    require(can_view_email_outbox(current_user))
    try:
        outbox.retry_now(current_user, message_id)
        flash(f"Message #{message_id} is queued to be sent on the worker's next round.", "success")
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for(".message", message_id=message_id))
