"""Forms of the team panel on an idea's page."""

from __future__ import annotations

from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField

from portal.core.forms import Form, Text
from portal.triage.services import NOTE_MAX, SOURCE_MAX


class StatusForm(Form):
    status_id = SelectField("Status", choices=[], validate_choice=False)
    note = TextAreaField("Public note", validators=[Text(max_len=NOTE_MAX, multiline=True)],
                         description="Optional, Markdown. Everyone sees it in the idea's history.")
    shipped_in = SelectField("Shipped in", choices=[], validate_choice=False,
                             description="For a done status: the prototype version it shipped in.")


class TagsForm(Form):
    tag_ids = SelectMultipleField("Tags", choices=[], validate_choice=False)


class AssignForm(Form):
    assignee_id = SelectField("Assignee", choices=[], validate_choice=False)


class NoteForm(Form):
    # Not "body": the comment form on the same page has a field of that name (ids must be unique).
    internal_note = TextAreaField("Internal note",
                                  validators=[Text(min_len=1, max_len=NOTE_MAX, multiline=True)],
                                  description="Only the team sees internal notes.")


class MergeForm(Form):
    original_id = StringField("Original idea", validators=[Text(min_len=1, max_len=20)])


class OnBehalfForm(Form):
    email = EmailField("Their email", validators=[Text(min_len=3, max_len=254)],
                       description="An existing account, or a new contact account they can claim by signing up.")
    source = StringField("Where the feedback came from", validators=[Text(min_len=2, max_len=SOURCE_MAX)],
                         description="For example: support call, 12 March.")


class ReasonForm(Form):
    reason = StringField("Reason", validators=[Text(min_len=3, max_len=200)])
