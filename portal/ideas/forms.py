"""Idea and comment forms."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from portal.core.forms import Text
from portal.core.spam import GuardedForm
from portal.ideas.models import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN


class PrototypeChoiceField(SelectField):
    """A select of the prototypes open for feedback, saying so when another one is posted."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError as exc:
            raise ValidationError("That prototype is not open for feedback. Choose one from the list.") from exc


class IdeaForm(GuardedForm):
    prototype = PrototypeChoiceField("Prototype", choices=[], validate_choice=True,
                            validators=[InputRequired("Choose the prototype this idea is about.")],
                            description="Which prototype is this idea about?")
    title = StringField("Title", validators=[Text(min_len=TITLE_MIN, max_len=TITLE_MAX)],
                        description=f"One short sentence, {TITLE_MIN}–{TITLE_MAX} characters.")
    body = TextAreaField("Description", validators=[Text(max_len=BODY_MAX, multiline=True)],
                         description="What problem does it solve, and for whom? Markdown is supported.")


class CommentForm(GuardedForm):
    body = TextAreaField("Comment", validators=[Text(min_len=1, max_len=COMMENT_MAX, multiline=True)])
    parent_id = HiddenField()
