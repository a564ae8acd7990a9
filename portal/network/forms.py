"""Forms of the network: a connection request's message and a host's introduction."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField

from portal.core.forms import Form, Text
from portal.network.models import MESSAGE_MAX, NOTE_MAX


class RequestForm(Form):
    message = TextAreaField("A short message (optional)", validators=[Text(max_len=MESSAGE_MAX, multiline=True)],
                            description="Say why you'd like to connect: what you have in common, what you could do "
                                        "together.")
    next = HiddenField()


class IntroductionForm(Form):
    first = StringField("Introduce", validators=[Text(min_len=1, max_len=300)],
                        description="A profile link (…/people/12) or a display name.")
    second = StringField("To", validators=[Text(min_len=1, max_len=300)],
                         description="A profile link (…/people/12) or a display name.")
    note = TextAreaField("Your note to both", validators=[Text(min_len=1, max_len=NOTE_MAX, multiline=True)],
                         description="For example: “You both asked for offline maps. Meet!”")


class AskIntroductionForm(Form):
    note = TextAreaField("A note for the hosts (optional)", validators=[Text(max_len=MESSAGE_MAX, multiline=True)],
                         description="What you would like to talk about: the hosts pass it on with the introduction.")
    next = HiddenField()
