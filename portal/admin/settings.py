"""Admin: site-wide settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.admin.forms import SettingsForm
from portal.moderation.services import (
    hold_first_posts,
    search_engines_blocked,
    set_hold_first_posts,
    set_search_engines_blocked,
)
from portal.permissions import can_manage_settings, require

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require(can_manage_settings(current_user))
    # Only a GET shows the stored value: a POST with every box unticked may carry no form data at all.
    form = SettingsForm(data=None if request.method == "POST" else {
        "hold_first_posts": hold_first_posts(), "block_search_engines": search_engines_blocked()})
    if form.validate_on_submit():
        set_hold_first_posts(current_user, form.hold_first_posts.data)
        flash("First posts of new accounts are now " + ("held for approval." if form.hold_first_posts.data
                                                         else "published at once."), "success")
        if form.block_search_engines.data != search_engines_blocked():
            set_search_engines_blocked(current_user, form.block_search_engines.data)
            flash("Search engines are now " + ("asked not to index this portal." if form.block_search_engines.data
                                               else "welcome to index this portal."), "success")
        return redirect(url_for(".index"))
    return render_template("admin/settings.html", form=form), 422 if form.errors else 200
