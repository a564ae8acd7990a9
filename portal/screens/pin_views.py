"""Placing pins (with or without JavaScript), managing one pin, and making a new version of a prototype."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from portal.core.forms import attempt
from portal.core.text import parse_id
from portal.errors import ValidationError, wants_json
from portal.extensions import db
from portal.ideas.models import Idea
from portal.permissions import can_manage_screens, can_move_pin, can_remove_pin, can_resolve_pin, require
from portal.prototypes.models import Prototype
from portal.prototypes.queries import prototype_by_slug
from portal.screens import pins as services
from portal.screens.forms import PinForm, PositionForm, ResolveForm, VersionForm, area_from
from portal.screens.models import Pin, Screen
from portal.screens.pages import pin_form, pin_or_404, screen_or_404
from portal.screens.versions import carry_candidates, create_version
from portal.screens.views import _uploads, bp


def _percent(value: float) -> str:
    return f"{value * 100:.2f}".rstrip("0").rstrip(".")


def clicked_position(screen: Screen) -> dict[str, str]:
    """The spot a form image input submitted (at.x, at.y in pixels of the image as shown without JavaScript)."""
    x, y = parse_id(request.args.get("at.x")), parse_id(request.args.get("at.y"))
    width, height = screen.nojs_size
    if x is None or y is None:
        return {"x": request.args.get("x", ""), "y": request.args.get("y", "")}
    return {"x": _percent(min(x / width, 1.0)), "y": _percent(min(y / height, 1.0))}


@bp.get("/prototypes/<slug>/screens/<int:screen_id>/pins/new")
@login_required
def new_pin(slug: str, screen_id: int):
    prototype, screen = screen_or_404(slug, screen_id)
    form = pin_form(prototype, **clicked_position(screen))
    return render_template("screens/new_pin.html", prototype=prototype, screen=screen, form=form)


def _place(form: PinForm, screen: Screen) -> Pin:
    area = area_from(form)
    if form.mode.data == "new":
        return services.pin_new_idea(current_user, screen, area, form.title.data, form.body.data)
    idea = db.session.get(Idea, form.idea_id)
    if idea is None:
        raise ValidationError({"idea": "There is no idea with that number you can pin."})
    if form.mode.data == "comment":
        return services.pin_comment(current_user, screen, idea, area, form.comment.data)
    return services.pin_idea(current_user, screen, idea, area)


@bp.post("/prototypes/<slug>/screens/<int:screen_id>/pins")
@login_required
def create_pin(slug: str, screen_id: int):
    prototype, screen = screen_or_404(slug, screen_id)
    form = pin_form(prototype, PinForm())
    if form.validate_on_submit() and (pin := attempt(form, lambda: _place(form, screen))):
        flash({"new": "Your idea is posted and pinned, with your vote.", "comment": "Your comment is posted and "
               "pinned."}.get(form.mode.data, "The idea is pinned here."), "success")
        return redirect(url_for("screens.show", slug=slug, screen_id=screen.id, pin=pin.id, _anchor=f"pin-{pin.id}"))
    return render_template("screens/new_pin.html", prototype=prototype, screen=screen, form=form), 422


def _manage_context(pin: Pin, form: PositionForm | None = None) -> dict:
    position = clicked_position(pin.screen) if "at.x" in request.args else {
        "x": _percent(pin.x), "y": _percent(pin.y), "w": _percent(pin.w) if pin.is_area else "",
        "h": _percent(pin.h) if pin.is_area else ""}
    resolve = ResolveForm(formdata=None, version=str(pin.addressed_in_id or ""))
    versions = db.session.scalars(select(Prototype).where(Prototype.product_id == pin.screen.prototype.product_id)
                                  .order_by(Prototype.created_at)).all()
    resolve.version.choices = [SelectChoice("", "Not addressed yet")] + [
        SelectChoice(str(v.id), f"{v.name} {v.version_label}".strip()) for v in versions]
    return {"pin": pin, "screen": pin.screen, "prototype": pin.screen.prototype,
            "form": form or PositionForm(formdata=None, **position), "resolve_form": resolve}


def _require_manager(pin: Pin) -> None:
    require(can_move_pin(current_user, pin) or can_remove_pin(current_user, pin) or can_resolve_pin(current_user))


@bp.get("/pins/<int:pin_id>")
@login_required
def pin(pin_id: int):
    pin = pin_or_404(pin_id)
    _require_manager(pin)
    return render_template("screens/pin.html", **_manage_context(pin))


def _back_to_screen(pin: Pin):
    screen = pin.screen
    return redirect(url_for("screens.show", slug=screen.prototype.slug, screen_id=screen.id, pin=pin.id,
                            _anchor=f"pin-{pin.id}"))


@bp.post("/pins/<int:pin_id>/move")
@login_required
def move_pin(pin_id: int):
    pin = pin_or_404(pin_id)
    form = PositionForm()
    try:
        moved = services.move_pin(current_user, pin, area_from(form)) if form.validate_on_submit() else None
    except ValidationError as exc:
        db.session.rollback()
        form.form_errors.append(exc.errors.get("position", "That position cannot be used."))
        moved = None
    if wants_json():
        return (jsonify(x=moved.x, y=moved.y), 200) if moved else (jsonify(error=" ".join(form.form_errors)), 422)
    if moved is None:
        return render_template("screens/pin.html", **_manage_context(pin, form)), 422
    flash("The pin is moved.", "success")
    return _back_to_screen(moved)


@bp.post("/pins/<int:pin_id>/keep")
@login_required
def keep_pin(pin_id: int):
    pin = services.keep_pin(current_user, pin_or_404(pin_id))
    flash("The pin stays where it is.", "success")
    return _back_to_screen(pin)


@bp.post("/pins/<int:pin_id>/applies")
@login_required
def pin_applies(pin_id: int):
    applies = request.form.get("applies") == "1"
    pin = services.set_pin_applies(current_user, pin_or_404(pin_id), applies)
    flash("The pin is back on the screen." if applies else "Marked as not applying to this version.", "success")
    return _back_to_screen(pin)


@bp.post("/pins/<int:pin_id>/delete")
@login_required
def delete_pin(pin_id: int):
    pin = pin_or_404(pin_id)
    screen = pin.screen
    services.remove_pin(current_user, pin)
    flash("The pin is removed; the idea stays.", "success")
    return redirect(url_for("screens.show", slug=screen.prototype.slug, screen_id=screen.id))


@bp.post("/pins/<int:pin_id>/resolve")
@login_required
def resolve_pin(pin_id: int):
    pin = pin_or_404(pin_id)
    require(can_resolve_pin(current_user))
    version_id = parse_id(request.form.get("version"))
    version = db.session.get(Prototype, version_id) if version_id else None
    if version_id and version is None:
        abort(400)
    if attempt(ResolveForm(), lambda: services.resolve_pin(current_user, pin, version)) is None:
        flash("Choose a version of this product.", "error")
    else:
        flash(f"Addressed in {version.name} {version.version_label}." if version else "No longer marked as "
              "addressed.", "success")
    return _back_to_screen(pin)


@bp.route("/prototypes/<slug>/versions/new", methods=["GET", "POST"])
@login_required
def new_version(slug: str):
    require(can_manage_screens(current_user))
    source = prototype_by_slug(slug) or abort(404)
    candidates = carry_candidates(source)
    form = VersionForm(name=source.name, stage=source.stage, carry=[str(i.id) for i in candidates])
    form.carry.choices = [SelectChoice(str(i.id), f"#{i.id} {i.title} ({i.vote_count} votes)") for i in candidates]
    if form.validate_on_submit() and (version := attempt(form, lambda: create_version(
        current_user, source, name=form.name.data, version_label=form.version_label.data, slug=form.slug.data,
        stage=form.stage.data, carry_ids={int(i) for i in form.carry.data if i.isdigit()},
        copy_screens=form.copy_screens.data, upload_folder=_uploads(),
    ))):
        flash(f"{version.name} {version.version_label} is made from {source.name}.", "success")
        return redirect(url_for("prototypes.prototype", slug=version.slug))
    return render_template("screens/new_version.html", form=form, source=source, candidates=candidates)
