"""The business-card form behind /settings/profile."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.accounts.card import LABELS
from portal.accounts.services import NAME_MAX
from portal.core.forms import Form, Text
from portal.network.models import TAG_MAX
from portal.network.tags import TAGS_PER_KIND
from portal.permissions import Visibility

VISIBILITY_CHOICES = [SelectChoice(v.value, v.label) for v in Visibility]
_TAGS_HELP = f"Up to {TAGS_PER_KIND}, separated by commas."


_NAMED = {"email": "email address", "phone": "phone number", "website": "website"}


def _visibility(field: str) -> SelectField:
    return SelectField(f"Who sees your {_NAMED.get(field, LABELS[field])}", choices=VISIBILITY_CHOICES,
                       default=Visibility.ME.value)


class ProfileForm(Form):
    display_name = StringField("Display name", validators=[Text(min_len=1, max_len=NAME_MAX)])
    company = StringField("Company", validators=[Text(max_len=100)])
    job_title = StringField("Job title", validators=[Text(max_len=100)])
    location = StringField("Location", validators=[Text(max_len=100)], description="A city, a region, a country.")
    bio = TextAreaField("Short bio", validators=[Text(max_len=500, multiline=True)],
                        description="Up to 500 characters, shown as plain text.")
    offers = StringField("What I can offer", validators=[Text(max_len=TAGS_PER_KIND * (TAG_MAX + 2))],
                         description=f"For example: battery testing, teacher training. {_TAGS_HELP}")
    needs = StringField("What I am looking for", validators=[Text(max_len=TAGS_PER_KIND * (TAG_MAX + 2))],
                        description=f"For example: offline maps, a pilot school. {_TAGS_HELP}")
    email_visibility = _visibility("email")
    phone = StringField("Phone", validators=[Text(max_len=40)])
    phone_visibility = _visibility("phone")
    website = StringField("Website", validators=[Text(max_len=300)], description="For example https://example.org")
    website_visibility = _visibility("website")
    linkedin = StringField("LinkedIn", validators=[Text(max_len=300)],
                           description="The address of your profile, https://www.linkedin.com/in/…")
    linkedin_visibility = _visibility("linkedin")
    github = StringField("GitHub", validators=[Text(max_len=300)], description="https://github.com/…")
    github_visibility = _visibility("github")
    mastodon = StringField("Mastodon", validators=[Text(max_len=300)], description="https://your.server/@you")
    mastodon_visibility = _visibility("mastodon")
