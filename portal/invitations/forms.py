"""Invitation forms: shape only; the addresses, the cap and the link are checked by the services."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField, TextAreaField

from portal.accounts.forms import SignupForm
from portal.core.forms import Form, Text
from portal.invitations.models import NOTE_MAX
from portal.invitations.services import MAX_AT_ONCE


class InviteForm(Form):
    emails = TextAreaField("Email addresses", validators=[Text(min_len=3, max_len=3000, multiline=True)],
                           description=f"Up to {MAX_AT_ONCE}, separated by commas or on separate lines.")
    note = TextAreaField("A personal note", validators=[Text(max_len=NOTE_MAX, multiline=True)],
                         description=f"Optional, up to {NOTE_MAX} characters, plain text. Say why you thought of them.")
    prototype = SelectField("Invite them to", choices=[SelectChoice("", "The whole portal")], validate_choice=True)


class JoinForm(SignupForm):
    """Sign-up through an invitation: the same fields and bot traps as the ordinary sign-up."""
