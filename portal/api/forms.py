"""The token form in account settings: shape only; what a scope allows lives in the API's operations."""

from __future__ import annotations

from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from portal.api.models import Scope
from portal.api.tokens import NAME_MAX
from portal.core.forms import Form, Text


class TokenForm(Form):
    name = StringField("Name", validators=[Text(min_len=1, max_len=NAME_MAX)],
                       description="What it is for, e.g. “Support desk sync”, so you know which one to revoke.")
    scopes = SelectMultipleField(
        "Scopes", choices=[SelectChoice(s.value, f"{s.value} — {s.description}") for s in Scope],
        validators=[InputRequired("Choose at least one scope.")],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), default=[Scope.READ.value])
