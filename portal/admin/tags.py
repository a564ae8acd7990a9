"""Admin: the tags designers put on ideas: create, edit and delete them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.admin.forms import TagForm
from portal.admin.queries import ideas_per_tag
from portal.core.forms import attempt
from portal.extensions import db
from portal.permissions import can_manage_tags, require
from portal.triage.models import Tag
from portal.triage.queries import tags_for_viewer
from portal.triage.services import delete_tag, save_tag

bp = Blueprint("tags", __name__, url_prefix="/tags")


def _tag(tag_id: int) -> Tag:
    require(can_manage_tags(current_user))
    return db.get_or_404(Tag, tag_id)


def _save(form: TagForm, tag: Tag | None) -> Tag | None:
    return attempt(form, lambda: save_tag(current_user, tag, name=form.name.data, color=form.color.data,
                                          internal=form.internal.data))


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require(can_manage_tags(current_user))
    form = TagForm()
    if form.validate_on_submit() and (saved := _save(form, None)):
        flash(f"Tag “{saved.name}” is added.", "success")
        return redirect(url_for(".index", _anchor=f"tag-{saved.id}"))
    return render_template("admin/tags.html", form=form, tags=tags_for_viewer(current_user),
                           usage=ideas_per_tag()), 422 if form.errors else 200


@bp.route("/<int:tag_id>/edit", methods=["GET", "POST"])
@login_required
def edit(tag_id: int):
    tag = _tag(tag_id)
    form = TagForm(obj=tag)
    if form.validate_on_submit() and (saved := _save(form, tag)):
        flash(f"Tag “{saved.name}” is saved.", "success")
        return redirect(url_for(".index", _anchor=f"tag-{saved.id}"))
    return render_template("admin/tag_edit.html", form=form, tag=tag), 422 if form.errors else 200


@bp.post("/<int:tag_id>/delete")
@login_required
def delete(tag_id: int):
    tag = _tag(tag_id)
    name = tag.name
    delete_tag(current_user, tag)
    flash(f"Tag “{name}” is deleted; the ideas that had it simply lost it.", "success")
    return redirect(url_for(".index"))
