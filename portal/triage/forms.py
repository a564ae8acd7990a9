"""The triage inbox's bulk-change form."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, Field, SelectChoice, SelectField, TextAreaField

from portal.core.forms import Form, Text
from portal.core.text import parse_id
from portal.triage.inbox import MAX_BULK, UNASSIGNED, InboxChoices
from portal.triage.statuses import NOTE_MAX

KEEP = ""  # the "leave it as it is" choice of each bulk select


class IdListField(Field):
    """Many values under one name (ticked checkboxes), kept when they are row ids; anything else is dropped."""

    def __init__(self, label: str | None = None, **kwargs: Any):
        super().__init__(label, default=list, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        ids = (parse_id(value) for value in valuelist[:MAX_BULK])
        self.data = [i for i in ids if i is not None]


def _choice_field(label: str, what: str) -> SelectField:
    return SelectField(label, choices=[], default=KEEP, invalid_choice_message=f"Choose one of the listed {what}.")


def _pick(items: list[Any], raw: str | None) -> Any:
    return next((item for item in items if str(item.id) == raw), None)


class BulkForm(Form):
    """Apply a status (with a note), a tag and/or an assignee to the ticked rows, or to every row of the page."""

    ideas = IdListField("Select")
    all_on_page = BooleanField("Every idea on this page")
    page_ids = IdListField()
    status = _choice_field("Set status", "statuses")
    note = TextAreaField("Note with the status", validators=[Text(max_len=NOTE_MAX, multiline=True)])
    tag = _choice_field("Add tag", "tags")
    assignee = _choice_field("Assign to", "team members")

    def __init__(self, choices: InboxChoices, **kwargs: Any):
        super().__init__(**kwargs)
        self.choices = choices
        self.status.choices = [SelectChoice(KEEP, "Keep status")] + [
            SelectChoice(str(s.id), s.name) for s in choices.assignable_statuses]
        self.tag.choices = [SelectChoice(KEEP, "No tag")] + [
            SelectChoice(str(t.id), t.name + (" (internal)" if t.internal else "")) for t in choices.tags]
        self.assignee.choices = [SelectChoice(KEEP, "Keep assignee"), SelectChoice(UNASSIGNED, "Nobody (unassign)")] + [
            SelectChoice(str(m.id), m.display_name) for m in choices.team]

    def selected_ids(self) -> list[int]:
        return self.page_ids.data if self.all_on_page.data else self.ideas.data

    def changes(self) -> dict[str, Any]:
        """The chosen status, note, tag and assignee as objects, ready for the bulk service."""
        return {"status": _pick(self.choices.statuses, self.status.data), "note": self.note.data or "",
                "tag": _pick(self.choices.tags, self.tag.data),
                "assignee": _pick(self.choices.team, self.assignee.data),
                "unassign": self.assignee.data == UNASSIGNED}

    def first_error(self) -> str:
        for field in self:
            if field.errors:
                return f"{field.label.text}: {field.errors[0]}"
        return "Check the form and try again."
