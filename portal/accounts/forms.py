"""Account forms: shape only; rules that need the database live in services."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length

from portal.accounts.services import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from portal.core.forms import Form, Text
from portal.core.spam import GuardedForm
from portal.permissions import Role

_PASSWORD_LENGTH = Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                          message=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.")


class SignupForm(GuardedForm):
    email = EmailField("Email", validators=[Text(min_len=3, max_len=254)])
    display_name = StringField("Display name", validators=[Text(min_len=1, max_len=NAME_MAX)],
                               description="Shown beside your ideas and comments.")
    password = PasswordField("Password", validators=[InputRequired("Choose a password."), _PASSWORD_LENGTH],
                             description=f"At least {PASSWORD_MIN} characters.")
    next = HiddenField()


class LoginForm(Form):
    email = EmailField("Email", validators=[Text(min_len=1, max_len=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Remember me on this device")
    next = HiddenField()


class PasswordForm(Form):
    current_password = PasswordField("Current password", validators=[InputRequired("Enter your current password.")])
    new_password = PasswordField("New password", validators=[InputRequired("Choose a new password."),
                                                             _PASSWORD_LENGTH])


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[Text(min_len=3, max_len=254)])


class ResetPasswordForm(Form):
    password = PasswordField("New password", validators=[InputRequired("Choose a new password."), _PASSWORD_LENGTH],
                             description=f"At least {PASSWORD_MIN} characters.")


class EmailChangeForm(Form):
    new_email = EmailField("New email address", validators=[Text(min_len=3, max_len=254)])
    password = PasswordField("Current password", validators=[InputRequired("Enter your current password.")],
                             description="So that nobody else at this computer can move your account.")


class RoleForm(Form):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
