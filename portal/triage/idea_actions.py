"""Triage actions taken on one idea's page: status, tags, assignee, internal notes, merges, votes on behalf."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.accounts.models import User
from portal.core.forms import attempt
from portal.core.text import parse_id
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.pages import render_idea_page
from portal.permissions import can_see_internal, require
from portal.prototypes.models import Prototype
from portal.templating import idea_url
from portal.triage import services
from portal.triage.idea_forms import AssignForm, MergeForm, NoteForm, OnBehalfForm, StatusForm, TagsForm
from portal.triage.models import Status, Tag
from portal.triage.statuses import set_status

bp = Blueprint("idea_triage", __name__)


def _idea(idea_id: int) -> Idea:
    idea = db.get_or_404(Idea, idea_id)
    require(can_see_internal(current_user))
    return idea


def _apply(idea: Idea, form: FlaskForm, action: Callable[[], object], done: str, form_name: str):
    """Validate, run one service call, then flash and go back; on a refusal re-render with the input kept."""
    if form.validate_on_submit() and attempt(form, action) is not None:
        flash(done, "success")
        return redirect(idea_url(idea, _anchor="team"))
    return render_idea_page(db.get_or_404(Idea, idea.id), status=422, **{form_name: form})


def _get(model, raw: str | None, field: str):
    row_id = parse_id(raw)
    row = db.session.get(model, row_id) if row_id else None
    if row is None:
        raise ValidationError({field: "Choose one of the listed options."})
    return row


@bp.post("/ideas/<int:idea_id>/status")
@login_required
def status(idea_id: int):
    idea, form = _idea(idea_id), StatusForm()

    def change():
        shipped = _get(Prototype, form.shipped_in.data, "shipped_in") if form.shipped_in.data else None
        return set_status(current_user, idea, _get(Status, form.status_id.data, "status_id"), form.note.data,
                          shipped) or True

    return _apply(idea, form, change, "Status updated.", "status_form")


@bp.post("/ideas/<int:idea_id>/tags")
@login_required
def tags(idea_id: int):
    idea, form = _idea(idea_id), TagsForm()
    chosen = [tag for raw in form.tag_ids.data or [] if (tag := db.session.get(Tag, parse_id(raw) or 0))]
    return _apply(idea, form, lambda: services.set_tags(current_user, idea, chosen) or True, "Tags saved.",
                  "tags_form")


@bp.post("/ideas/<int:idea_id>/assign")
@login_required
def assign(idea_id: int):
    idea, form = _idea(idea_id), AssignForm()

    def change():
        assignee = _get(User, form.assignee_id.data, "assignee_id") if form.assignee_id.data else None
        return services.assign(current_user, idea, assignee) or True

    return _apply(idea, form, change, "Assignee saved.", "assign_form")


@bp.post("/ideas/<int:idea_id>/notes")
@login_required
def note(idea_id: int):
    idea, form = _idea(idea_id), NoteForm()
    return _apply(idea, form, lambda: services.add_internal_note(current_user, idea, form.internal_note.data),
                  "Internal note added.", "note_form")


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int):
    idea, form = _idea(idea_id), MergeForm()
    original_id = parse_id((form.original_id.data or "").strip().lstrip("#"))

    def change():
        original = db.session.get(Idea, original_id) if original_id else None
        if original is None:
            raise ValidationError({"original_id": "There is no idea with that number."})
        return services.merge_ideas(current_user, idea, original)

    if form.validate_on_submit() and (merge := attempt(form, change)):
        flash("Merged. Its voters now count for this idea, and its comments are shown here.", "success")
        return redirect(idea_url(db.get_or_404(Idea, merge.original_id), _anchor="team"))
    return render_idea_page(db.get_or_404(Idea, idea.id), status=422, merge_form=form)


@bp.post("/ideas/<int:idea_id>/unmerge")
@login_required
def unmerge(idea_id: int):
    idea = _idea(idea_id)
    try:
        services.unmerge_idea(current_user, idea)
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash("The merge is undone; both ideas stand on their own again.", "success")
    return redirect(idea_url(db.get_or_404(Idea, idea.id)))


@bp.post("/ideas/<int:idea_id>/on-behalf")
@login_required
def on_behalf(idea_id: int):
    idea, form = _idea(idea_id), OnBehalfForm()

    if form.validate_on_submit() and (result := attempt(form, lambda: services.vote_on_behalf(
        current_user, idea, email=form.email.data, source=form.source.data,
    ) or "already")):
        flash("They had already voted for this idea." if result == "already" else
              "Vote recorded on their behalf.", "success")
        return redirect(idea_url(idea, _anchor="team"))
    return render_idea_page(db.get_or_404(Idea, idea.id), status=422, on_behalf_form=form)
