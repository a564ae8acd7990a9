"""Admin: the statuses ideas move through: add, edit, reorder, retire and delete them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.admin.forms import MoveForm, StatusForm
from portal.admin.queries import ideas_per_status
from portal.core.forms import attempt
from portal.errors import ValidationError
from portal.extensions import db
from portal.permissions import can_manage_statuses, require
from portal.triage.models import Status
from portal.triage.statuses import delete_status, move_status, ordered_statuses, save_status, set_status_retired

bp = Blueprint("statuses", __name__, url_prefix="/statuses")


def _status(status_id: int) -> Status:
    require(can_manage_statuses(current_user))
    return db.get_or_404(Status, status_id)


def _save(form: StatusForm, status: Status | None) -> Status | None:
    return attempt(form, lambda: save_status(current_user, status, name=form.name.data, color=form.color.data,
                                             kind=form.kind.data))


def _button(action: Callable[[], None], done: str, anchor: str | None = None):
    """Run a one-button action; its ValidationError becomes the flashed message."""
    try:
        action()
        flash(done, "success")
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    return redirect(url_for(".index", _anchor=anchor))


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require(can_manage_statuses(current_user))
    form = StatusForm()
    if form.validate_on_submit() and (saved := _save(form, None)):
        flash(f"“{saved.name}” is added.", "success")
        return redirect(url_for(".index", _anchor=f"status-{saved.id}"))
    return render_template("admin/statuses.html", form=form, statuses=ordered_statuses(),
                           usage=ideas_per_status(), move_form=MoveForm()), 422 if form.errors else 200


@bp.route("/<int:status_id>/edit", methods=["GET", "POST"])
@login_required
def edit(status_id: int):
    status = _status(status_id)
    form = StatusForm(obj=status)
    if form.validate_on_submit() and (saved := _save(form, status)):
        flash(f"“{saved.name}” is saved.", "success")
        return redirect(url_for(".index", _anchor=f"status-{saved.id}"))
    return render_template("admin/status_edit.html", form=form, status=status), 422 if form.errors else 200


@bp.post("/<int:status_id>/move")
@login_required
def move(status_id: int):
    status, form = _status(status_id), MoveForm()
    if not form.validate_on_submit():
        flash("A status moves up or down.", "error")
        return redirect(url_for(".index"))
    return _button(lambda: move_status(current_user, status, -1 if form.direction.data == "up" else 1),
                   f"“{status.name}” moved {form.direction.data}.", f"status-{status.id}")


@bp.post("/<int:status_id>/retire")
@login_required
def retire(status_id: int):
    status = _status(status_id)
    return _button(lambda: set_status_retired(current_user, status, True),
                   f"“{status.name}” is retired: ideas keep it, nobody can choose it.", f"status-{status.id}")


@bp.post("/<int:status_id>/unretire")
@login_required
def unretire(status_id: int):
    status = _status(status_id)
    return _button(lambda: set_status_retired(current_user, status, False),
                   f"“{status.name}” can be chosen again.", f"status-{status.id}")


@bp.post("/<int:status_id>/delete")
@login_required
def delete(status_id: int):
    status = _status(status_id)
    name = status.name
    return _button(lambda: delete_status(current_user, status), f"“{name}” is deleted.")
