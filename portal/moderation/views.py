"""Moderation actions on ideas and comments: hide, restore, lock, approve."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect
from flask_login import current_user, login_required

from portal.core.forms import attempt
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.ideas.pages import render_idea_page
from portal.moderation import services
from portal.permissions import can_moderate, require
from portal.templating import idea_url
from portal.triage.idea_forms import ReasonForm

bp = Blueprint("moderation", __name__)


def _back(idea: Idea, message: str, anchor: str = "team"):
    flash(message, "success")
    return redirect(idea_url(idea, _anchor=anchor))


def _hide(idea: Idea, action: Callable[[str], None], done: str):
    require(can_moderate(current_user))  # refuse outsiders before judging the form: 403, not "reason required"
    form = ReasonForm()
    if form.validate_on_submit() and attempt(form, lambda: action(form.reason.data) or True):
        return _back(idea, done)
    return render_idea_page(db.get_or_404(Idea, idea.id), status=422, hide_form=form)


@bp.post("/ideas/<int:idea_id>/hide")
@login_required
def hide_idea(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    return _hide(idea, lambda reason: services.hide_idea(current_user, idea, reason),
                 "The idea is hidden from everyone outside the team.")


@bp.post("/ideas/<int:idea_id>/restore")
@login_required
def restore_idea(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    services.restore_idea(current_user, idea)
    return _back(idea, "The idea is visible again.")


@bp.post("/ideas/<int:idea_id>/lock")
@login_required
def lock(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    services.set_comments_locked(current_user, idea, True)
    return _back(idea, "Comments are locked; only the team can still comment.", "comments")


@bp.post("/ideas/<int:idea_id>/unlock")
@login_required
def unlock(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    services.set_comments_locked(current_user, idea, False)
    return _back(idea, "Comments are open again.", "comments")


@bp.post("/ideas/<int:idea_id>/approve")
@login_required
def approve_idea(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    services.approve_idea(current_user, idea)
    return _back(idea, "The idea is approved and visible to everyone.")


@bp.post("/comments/<int:comment_id>/hide")
@login_required
def hide_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    idea = db.get_or_404(Idea, comment.idea_id)
    return _hide(idea, lambda reason: services.hide_comment(current_user, comment, reason),
                 "The comment is hidden from everyone outside the team.")


@bp.post("/comments/<int:comment_id>/restore")
@login_required
def restore_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    services.restore_comment(current_user, comment)
    return _back(db.get_or_404(Idea, comment.idea_id), "The comment is visible again.", f"comment-{comment.id}")


@bp.post("/comments/<int:comment_id>/approve")
@login_required
def approve_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    services.approve_comment(current_user, comment)
    return _back(db.get_or_404(Idea, comment.idea_id), "The comment is approved.", f"comment-{comment.id}")
