"""Product and prototype forms."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from portal.core.forms import Form, Text
from portal.prototypes.models import Stage
from portal.prototypes.services import DESCRIPTION_MAX

_SLUG_HELP = "The address part, e.g. mesh-network. Leave empty to make one from the name."


class ProductForm(Form):
    name = StringField("Name", validators=[Text(min_len=2, max_len=80)])
    slug = StringField("Address", validators=[Text(max_len=80)], description=_SLUG_HELP)
    tagline = StringField("Tagline", validators=[Text(max_len=160)], description="One line under the name.")
    description = TextAreaField("Description", validators=[Text(max_len=DESCRIPTION_MAX, multiline=True)],
                                description="Markdown is supported.")


class PrototypeForm(Form):
    name = StringField("Name", validators=[Text(min_len=2, max_len=80)])
    slug = StringField("Address", validators=[Text(max_len=80)], description=_SLUG_HELP)
    version_label = StringField("Version", validators=[Text(max_len=40)], description="For example v0.3 or B2.")
    stage = SelectField("Stage", choices=[SelectChoice(s.value, s.label) for s in Stage])
    description = TextAreaField("Description", validators=[Text(max_len=DESCRIPTION_MAX, multiline=True)],
                                description="Markdown is supported.")
    demo_url = StringField("Demo or design link", validators=[Text(max_len=500)],
                           description="Optional, https://…")
    cover = FileField("Cover image", validators=[FileAllowed(["png", "jpg", "jpeg", "webp"],
                                                             "Upload a PNG, JPEG or WebP image.")],
                      description="PNG, JPEG or WebP, up to 5 MB.")
    remove_cover = BooleanField("Remove the current cover image")
    open_for_feedback = BooleanField("Open for feedback", default=True,
                                     description="People can post ideas against this prototype.")
