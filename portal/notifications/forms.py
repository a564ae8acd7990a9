"""Notification forms: shape only (choices, lengths); what a choice means lives in services."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField

from portal.core.forms import Text
from portal.notifications.models import Delivery, Event

DELIVERY_CHOICES = [(d.value, d.label) for d in Delivery]


class PreferencesForm(FlaskForm):
    auto_follow = BooleanField("Follow ideas automatically when I post, vote or comment",
                               description="You can always follow or unfollow an idea from its page.")

    def event_fields(self) -> list[RadioField]:
        return [field for field in self if field.name.startswith("event_")]


def preferences_form(events: Iterable[Event], current: dict[Event, Delivery], auto_follow: bool) -> PreferencesForm:
    """A form with one radio group per event this person may hear about, showing their current choices."""

    class _Form(PreferencesForm):
        pass

    for event in events:
        setattr(_Form, f"event_{event.value}", RadioField(
            event.label, choices=DELIVERY_CHOICES, default=current[event].value,
            validate_choice=True))
    return _Form(auto_follow=auto_follow)


class TestEmailForm(FlaskForm):
    to_address = EmailField("Send to", validators=[Text(min_len=3, max_len=254)])
