"""Screen pages and the team's screen management; pins and versions are in pin_views.py on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from portal.core.forms import attempt
from portal.permissions import can_manage_screens, require
from portal.prototypes.queries import prototype_by_slug
from portal.screens import services
from portal.screens.forms import ReplaceForm, ScreenEditForm, ScreenForm
from portal.screens.images import SCREEN_NAME, screen_folder
from portal.screens.pages import screen_context, screen_or_404
from portal.screens.queries import carried_into, pins_of_idea
from portal.screens.services import MAX_SCREENS

bp = Blueprint("screens", __name__)


def _uploads() -> str:
    return current_app.config["UPLOAD_FOLDER"]


@bp.app_template_global()
def idea_screen_pins(idea) -> list:
    """Where an idea and its comments are pinned, for the idea page (one query)."""
    return pins_of_idea(idea, current_user)


@bp.app_template_global()
def idea_versions(idea) -> list:
    """The newer versions an idea was carried forward into, for the idea page."""
    return carried_into(idea)


@bp.get("/media/screens/<name>")
def image(name: str):
    # Only names the upload code makes are served, so no path tricks reach the file system.
    if not SCREEN_NAME.fullmatch(name):
        abort(404)
    extension = name.rsplit(".", 1)[1]
    response = send_from_directory(screen_folder(_uploads()), name, max_age=365 * 24 * 3600,
                                   mimetype={"jpg": "image/jpeg"}.get(extension, f"image/{extension}"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/prototypes/<slug>/screens/<int:screen_id>")
def show(slug: str, screen_id: int):
    prototype, screen = screen_or_404(slug, screen_id)
    return render_template("screens/show.html", **screen_context(prototype, screen))


@bp.route("/prototypes/<slug>/screens/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    require(can_manage_screens(current_user))
    prototype = prototype_by_slug(slug) or abort(404)
    form = ScreenForm()
    if form.validate_on_submit() and (screen := attempt(form, lambda: services.add_screen(
        current_user, prototype, image=form.image.data.stream, caption=form.caption.data,
        team_only=form.team_only.data, upload_folder=_uploads(),
    ))):
        flash(f"“{screen.label}” is added.", "success")
        return redirect(url_for("screens.show", slug=slug, screen_id=screen.id))
    return render_template("screens/new.html", form=form, prototype=prototype, max_screens=MAX_SCREENS)


@bp.route("/prototypes/<slug>/screens/<int:screen_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, screen_id: int):
    require(can_manage_screens(current_user))
    prototype, screen = screen_or_404(slug, screen_id)
    form = ScreenEditForm(obj=screen)
    if form.validate_on_submit() and attempt(form, lambda: services.edit_screen(
        current_user, screen, caption=form.caption.data, team_only=form.team_only.data,
    )):
        flash("The screen is saved.", "success")
        return redirect(url_for("screens.show", slug=slug, screen_id=screen.id))
    return render_template("screens/edit.html", form=form, replace_form=ReplaceForm(formdata=None),
                           prototype=prototype, screen=screen)


@bp.post("/prototypes/<slug>/screens/<int:screen_id>/replace")
@login_required
def replace(slug: str, screen_id: int):
    require(can_manage_screens(current_user))
    prototype, screen = screen_or_404(slug, screen_id)
    form = ReplaceForm()
    if form.validate_on_submit() and (flagged := attempt(form, lambda: services.replace_screen_image(
        current_user, screen, image=form.image.data.stream, upload_folder=_uploads(),
    ))) is not None:
        flash(f"The image is replaced. {flagged} pin{'s' if flagged != 1 else ''} to check: move each to the "
              f"new image, keep it, or mark it as not applying to this version." if flagged else
              "The image is replaced.", "success")
        return redirect(url_for("screens.show", slug=slug, screen_id=screen.id))
    return render_template("screens/edit.html", form=ScreenEditForm(obj=screen), replace_form=form,
                           prototype=prototype, screen=screen), 422


@bp.post("/prototypes/<slug>/screens/<int:screen_id>/move")
@login_required
def move(slug: str, screen_id: int):
    require(can_manage_screens(current_user))
    _, screen = screen_or_404(slug, screen_id)
    services.move_screen(current_user, screen, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("prototypes.prototype", slug=slug, _anchor="screens"))


@bp.post("/prototypes/<slug>/screens/<int:screen_id>/delete")
@login_required
def delete(slug: str, screen_id: int):
    require(can_manage_screens(current_user))
    _, screen = screen_or_404(slug, screen_id)
    services.remove_screen(current_user, screen, upload_folder=_uploads())
    flash("The screen and its pins are removed; the ideas stay.", "success")
    return redirect(url_for("prototypes.prototype", slug=slug, _anchor="screens"))


from portal.screens import pin_views  # noqa: E402,F401  (registers the pin and version routes on bp)
