"""Notification forms: shape only (choices, lengths); what a choice means lives in services."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from wtforms import BooleanField, EmailField, RadioField, SelectChoice

from portal.core.forms import Form, Text
from portal.notifications.models import Delivery, Event

DELIVERY_CHOICES = [SelectChoice(d.value, d.label) for d in Delivery]


class PreferencesForm(Form):
    auto_follow = BooleanField("Follow ideas automatically when I post, vote or comment",
                               description="You can always follow or unfollow an idea from its page.")

    def event_fields(self) -> list[RadioField]:
        return [field for field in self if field.name.startswith("event_")]

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Also refuse choices for events this person can't hear about, rather than silently dropping them."""
        valid = super().validate(extra_validators)
        unknown = sorted(key.removeprefix("event_") for key in request.form
                         if key.startswith("event_") and key not in self._fields)
        if unknown:
            self.form_errors.append("There is no notification called " + ", ".join(f"“{u[:40]}”" for u in unknown[:3])
                                    + " to choose for.")
        return valid and not unknown


def preferences_form(events: Iterable[Event], current: dict[Event, Delivery], auto_follow: bool) -> PreferencesForm:
    """A form with one radio group per event this person may hear about, showing their current choices."""

    class _Form(PreferencesForm):
        pass

    for event in events:
        setattr(_Form, f"event_{event.value}", RadioField(
            event.label, choices=DELIVERY_CHOICES, default=current[event].value,
            validate_choice=True))
    return _Form(auto_follow=auto_follow)


class TestEmailForm(Form):
    to_address = EmailField("Send to", validators=[Text(min_len=3, max_len=254)])
