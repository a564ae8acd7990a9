"""Screen, pin and version forms, and reading a position from them."""

from __future__ import annotations

import math

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.forms import Form, Text
from portal.core.spam import GuardedForm
from portal.core.text import parse_id
from portal.errors import ValidationError
from portal.ideas.models import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN
from portal.prototypes.models import Stage
from portal.screens.models import CAPTION_MAX
from portal.screens.pins import Area, check_area

_IMAGE = [FileAllowed(["png", "jpg", "jpeg", "webp"], "Upload a PNG, JPEG or WebP image.")]
MODES = [SelectChoice("new", "Post a new idea here"), SelectChoice("existing", "Pin an existing idea here"),
         SelectChoice("comment", "Comment on an idea about this spot")]


class ScreenForm(Form):
    image = FileField("Image", validators=[FileRequired("Choose an image of the screen."), *_IMAGE],
                      description="A screenshot, or a photo or render of the hardware. PNG, JPEG or WebP, up to 5 MB.")
    caption = StringField("Caption", validators=[Text(max_len=CAPTION_MAX)],
                          description="For example “Home screen” or “Keyboard, from above”.")
    team_only = BooleanField("Only the team sees this screen (a draft)")


class ScreenEditForm(Form):
    caption = StringField("Caption", validators=[Text(max_len=CAPTION_MAX)])
    team_only = BooleanField("Only the team sees this screen (a draft)")


class ReplaceForm(Form):
    image = FileField("New image", validators=[FileRequired("Choose the new image."), *_IMAGE],
                      description="Pins stay where they are and are flagged, so they can be moved to the new image.")


class PositionForm(Form):
    """A spot or rectangle in percent of the image, as people read and type it."""

    x = StringField("Across %", description="0 is the left edge, 100 the right edge.")
    y = StringField("Down %", description="0 is the top edge, 100 the bottom edge.")
    w = StringField("Width %", description="Leave empty to pin a single spot.")
    h = StringField("Height %")


def _percent(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip().rstrip("%"))
    except ValueError:
        return None
    return value / 100 if math.isfinite(value) else None


def area_from(form: PositionForm) -> Area:
    """The form's position as fractions, validated; ValidationError({"position": …}) otherwise."""
    x, y = _percent(form.x.data), _percent(form.y.data)
    w, h = _percent(form.w.data), _percent(form.h.data)
    rectangle = bool((form.w.data or "").strip() or (form.h.data or "").strip())
    if rectangle and (w is None or h is None):
        raise ValidationError({"position": "A rectangle needs a width and a height: drag across the part you "
                                           "mean, or pin a single spot instead."})
    return check_area(x, y, w, h, rectangle=rectangle)


class PinForm(GuardedForm, PositionForm):
    mode = RadioField("What to pin here", choices=MODES, default="new")
    title = StringField("Title", validators=[Optional(), Text(max_len=TITLE_MAX)],
                        description=f"One short sentence, {TITLE_MIN}–{TITLE_MAX} characters.")
    body = TextAreaField("Description", validators=[Optional(), Text(max_len=BODY_MAX, multiline=True)],
                         description="What is wrong or missing at this spot? Markdown is supported.")
    idea = SelectField("Idea", choices=[], validate_choice=False)
    comment = TextAreaField("Comment", validators=[Optional(), Text(max_len=COMMENT_MAX, multiline=True)],
                            description="For example: “and here the label is cut off”.")

    # Only WTForms' own ValidationError becomes a field error; a ValueError escapes validation as a server error.
    def validate_title(self, field) -> None:
        if self.mode.data == "new" and len((field.data or "").strip()) < TITLE_MIN:
            raise FieldError(f"Give the idea a title of at least {TITLE_MIN} characters.")

    def validate_idea(self, field) -> None:
        if self.mode.data in ("existing", "comment") and self.idea_id is None:
            raise FieldError("Choose the idea this is about.")

    def validate_comment(self, field) -> None:
        if self.mode.data == "comment" and not (field.data or "").strip():
            raise FieldError("Write the comment.")

    @property
    def idea_id(self) -> int | None:
        """The chosen idea's id: ASCII digits that fit the id column, else None."""
        return parse_id(self.idea.data)


class ResolveForm(Form):
    version = SelectField("Addressed in", choices=[], validate_choice=True)


class VersionForm(Form):
    name = StringField("Name", validators=[Text(min_len=2, max_len=80)])
    version_label = StringField("Version", validators=[Text(min_len=1, max_len=40)],
                                description="What tells this version apart, e.g. pilot v2.")
    slug = StringField("Address", validators=[Text(max_len=80)],
                       description="Leave empty to make one from the name and version.")
    stage = SelectField("Stage", choices=[SelectChoice(s.value, s.label) for s in Stage])
    copy_screens = BooleanField("Copy the screens (replace their images afterwards)", default=True)
    carry = SelectMultipleField("Carry these open ideas forward", choices=[], coerce=str,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                description="They keep their votes, comments and history and are listed under "
                                            "both versions; their pins are copied onto the copied screens.")
    next = HiddenField()
