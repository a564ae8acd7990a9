"""Account settings: make a personal API token (its secret shown once), see when each was last used, revoke."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.api import tokens
from portal.api.forms import TokenForm
from portal.api.views import pages
from portal.core.forms import attempt
from portal.permissions import can_manage_api_tokens, require


def _page(form: TokenForm, status: int = 200, secret: str | None = None):
    response = make_response(render_template("api/tokens.html", form=form, tokens=tokens.tokens_of(current_user),
                                             secret=secret), status)
    response.headers["Cache-Control"] = "no-store"  # the page may hold a secret that is shown only once
    return response


@pages.get("/settings/api-tokens")
@login_required
def token_settings():
    require(can_manage_api_tokens(current_user))
    return _page(TokenForm())


@pages.post("/settings/api-tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit() and (made := attempt(
        form, lambda: tokens.create_token(current_user, form.name.data, form.scopes.data or []),
    )):
        return _page(TokenForm(formdata=None), secret=made.secret)
    return _page(form, 422)


@pages.post("/settings/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    revoked = tokens.revoke_token(current_user, token_id)
    flash(f"The token “{revoked.name}” is revoked; requests using it are refused from now on.", "success")
    return redirect(url_for("api_pages.token_settings"))
