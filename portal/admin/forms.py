"""Admin forms: shape only; rules that need the database live in the services."""

from __future__ import annotations

from wtforms import BooleanField, ColorField, DateField, SelectChoice, SelectField, StringField
from wtforms import Form as QueryForm
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from portal.core.forms import Form, Text
from portal.moderation.services import REASON_MAX
from portal.triage.models import StatusKind

KIND_HELP = "Decides the roadmap column; done and closed kinds stop voting."


class StatusForm(Form):
    name = StringField("Name", validators=[Text(min_len=2, max_len=40)])
    color = ColorField("Colour", default="#64748b")
    # The service checks the kind, with a clearer message than WTForms' "Not a valid choice".
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.label) for k in StatusKind], validate_choice=False,
                       description=KIND_HELP)


class TagForm(Form):
    name = StringField("Name", validators=[Text(min_len=1, max_len=40)])
    color = ColorField("Colour", default="#2454d6")
    internal = BooleanField("Internal", description="Only the team sees internal tags.")


class BanForm(Form):
    reason = StringField("Reason", validators=[Text(min_len=3, max_len=REASON_MAX)],
                         description="Kept in the audit log.")
    hide_content = BooleanField("Also hide their ideas and comments",
                                description="Lifting the ban brings them back.")


class SettingsForm(Form):
    hold_first_posts = BooleanField(
        "Hold first posts of new accounts for approval",
        description="A new customer's first idea and first comment wait in the triage queue until the team "
                    "approves one of them.")
    block_search_engines = BooleanField(
        "Ask search engines not to index this portal",
        description="For private pilots: robots.txt disallows everything, every page says noindex and the "
                    "sitemap is withdrawn. Search engines that ignore these requests can still index it.")


BAD_DATE = "Enter a date like 2026-11-22 (year-month-day)."
NOT_LISTED = "Choose one of the listed options."


class AuditFilterForm(QueryForm):
    """Filters for the audit log, read from the query string (a GET form: nothing to protect with CSRF)."""

    actor = SelectField("Actor", default="", invalid_choice_message=NOT_LISTED)
    action = SelectField("Action", default="", invalid_choice_message=NOT_LISTED)
    since = DateField("From", validators=[Optional()], name="from", invalid_value_message=BAD_DATE)
    until = DateField("To", validators=[Optional()], name="to", invalid_value_message=BAD_DATE,
                      description="Days are in UTC; both included.")

    def __init__(self, formdata, *, actors, actions):
        super().__init__(formdata)
        self.actor.choices = [SelectChoice("", "Anyone")] + [SelectChoice(str(u.id), u.display_name) for u in actors]
        self.action.choices = [SelectChoice("", "Any action")] + [SelectChoice(a, a) for a in actions]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.since, self.until):
            if field.data is None and field.raw_data and field.raw_data[0]:
                # A date input can't show what it refused, so the message repeats it.
                field.errors = [f"“{field.raw_data[0][:40]}” is not a date. {BAD_DATE}"]
        return valid

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise FieldError("The end date is before the start date.")

    def filters(self) -> dict:
        """The filters that are valid; a field with an error is left out (its message says so)."""
        ok = {name: field.data for name, field in self._fields.items() if not field.errors}
        actor = ok.get("actor")
        return {"actor_id": int(actor) if actor else None, "action": ok.get("action") or None,
                "since": ok.get("since"), "until": ok.get("until")}


class MoveForm(Form):
    direction = SelectField("Direction", choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")])
