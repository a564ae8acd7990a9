"""Bot traps for the public forms: a honeypot field and a minimum time between showing a form and sending it.

A form class that inherits `GuardedForm` gets both as hidden fields, so `form.hidden_tag()` renders them with
the CSRF token and no template changes; a hand-written form adds `{{ spam_fields() }}`. A caught submission is
not saved: the form comes back with a polite message and status 422.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from itsdangerous import BadSignature, Signer
from markupsafe import Markup, escape
from wtforms import HiddenField, StringField
from wtforms.widgets import HiddenInput

from portal.core.forms import Form, mark_rejected

HONEYPOT = "website_url"
SHOWN_AT = "form_shown"
HONEYPOT_MESSAGE = "We could not accept this form as it was sent. If you are a person, please send it again."
TOO_FAST_MESSAGE = "That was quicker than a person usually fills in this form. Please check it and send it again."


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="portal.form-shown")


def shown_stamp() -> str:
    """The signed time the form is shown; signed so a bot cannot simply claim it waited."""
    return _signer().sign(f"{time.time():.3f}").decode()


def seconds_since_shown(stamp: str | None) -> float | None:
    """How long ago a stamp was made, or None when it is missing or forged."""
    try:
        return time.time() - float(_signer().unsign(stamp or "").decode())
    except (BadSignature, ValueError):
        return None


class HoneypotInput(HiddenInput):
    """A text box hidden from people (CSS), screen readers (aria-hidden) and the tab order; bots fill it in.

    A HiddenInput subclass so that `form.hidden_tag()` renders it along with the CSRF token.
    """

    def __call__(self, field, **kwargs) -> Markup:
        return honeypot_html(field.id)


def honeypot_html(field_id: str = HONEYPOT) -> Markup:
    field_id = escape(field_id)
    return Markup(
        f'<div class="form-extra" aria-hidden="true"><label for="{field_id}">Leave this field empty</label>'
        f'<input type="text" id="{field_id}" name="{HONEYPOT}" value="" autocomplete="off" tabindex="-1"></div>'
    )


def spam_fields(form_key: object = "") -> Markup:
    """Both traps for a hand-written form (a Jinja global); `form_key` keeps ids unique when a page has several."""
    stamp = escape(shown_stamp())
    field_id = f"{HONEYPOT}-{form_key}" if form_key != "" else HONEYPOT
    return honeypot_html(field_id) + Markup(f'<input type="hidden" name="{SHOWN_AT}" value="{stamp}">')


def spam_problem(honeypot: str | None, stamp: str | None) -> str | None:
    """Why a submission looks automated, or None."""
    if honeypot:
        return HONEYPOT_MESSAGE
    minimum = float(current_app.config.get("SPAM_MIN_FILL_SECONDS", 0) or 0)
    if minimum <= 0:
        return None
    elapsed = seconds_since_shown(stamp)
    if elapsed is None or elapsed < minimum:
        return TOO_FAST_MESSAGE
    return None


class GuardedForm(Form):
    """A public form with the honeypot and the fill-time check."""

    website_url = StringField(widget=HoneypotInput())
    form_shown = HiddenField(default=shown_stamp)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = spam_problem(self.website_url.data, self.form_shown.data)
        if problem is None:
            return valid
        self.form_errors.append(problem)
        self.form_shown.data = shown_stamp()  # the person who sends it again is timed afresh
        mark_rejected()
        return False


def register_spam_checks(app: Flask) -> None:
    app.jinja_env.globals["spam_fields"] = spam_fields
