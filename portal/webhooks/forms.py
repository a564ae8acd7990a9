"""Webhook forms: shape only; the URL's safety and the events' validity are the services' to judge."""

from __future__ import annotations

from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField, widgets
from wtforms.validators import Optional

from portal.core.forms import Form, Text
from portal.webhooks.models import WebhookEvent
from portal.webhooks.services import DESCRIPTION_MAX


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EndpointForm(Form):
    url = StringField("Payload URL", validators=[Text(min_len=1, max_len=2000)],
                      description="We POST JSON here, signed with the endpoint's secret. https:// is best.")
    description = StringField("Description", validators=[Optional(), Text(max_len=DESCRIPTION_MAX)],
                              description="For you: what listens here (e.g. “Support desk”).")
    # Unknown names are dropped by the service with its own message, not WTForms' "Not a valid choice".
    events = CheckboxesField("Events", choices=[SelectChoice(e.value, e.label) for e in WebhookEvent],
                             validate_choice=False, default=[e.value for e in WebhookEvent])


class PrivateAddressesForm(Form):
    allow_private = BooleanField(
        "Allow endpoints on loopback and private networks",
        description="Off, URLs that resolve to 127.0.0.1, 10.x, 192.168.x and similar are refused, when saved "
                    "and again before every delivery. Turn on only for receivers inside your own network.")
