"""The team's triage inbox at /triage: filtered ideas with bulk changes, and the moderation queue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.pagination import parse_page
from portal.core.urls import safe_next
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.moderation import services as moderation
from portal.permissions import can_view_triage, require
from portal.templating import here
from portal.triage.forms import BulkForm
from portal.triage.inbox import (
    InboxChoices,
    hidden_ideas,
    ideas_for_bulk,
    inbox_choices,
    inbox_listing,
    moderation_counts,
    parse_filters,
    pending_comments,
    pending_ideas,
)
from portal.triage.services import bulk_update

bp = Blueprint("triage", __name__, url_prefix="/triage")


@bp.before_request
@login_required
def _team_only():
    """Every page and action here is for the team: visitors sign in first, customers get 403."""
    require(can_view_triage(current_user))


def _inbox_page(form: BulkForm, choices: InboxChoices, status: int = 200):
    """The inbox for the filters and page in the query string, with the bulk form as given."""
    filters = parse_filters(request.args, choices)
    listing = inbox_listing(filters, current_user, parse_page(request.args.get("page")), choices)
    return render_template("triage/inbox.html", choices=choices, filters=filters, page=listing.page,
                           counts=listing.counts, form=form, queue=moderation_counts()), status


@bp.get("")
def inbox():
    choices = inbox_choices(current_user)
    return _inbox_page(BulkForm(choices), choices)


# The form posts to the inbox's own address, filters and page included: a refusal is the same page again, with
# the ticked rows, the choices and the typed note as they were (a note can be 5,000 characters: no cookie holds it).
@bp.post("")
def bulk():
    form = BulkForm(inbox_choices(current_user))
    if not form.validate_on_submit():
        return _refused(form, form.first_error())
    try:
        changed = bulk_update(current_user, ideas_for_bulk(form.selected_ids()), **form.changes())
    except PermissionDenied as exc:
        return _refused(form, str(exc) or "You may not make that change.", 403)
    except ValidationError as exc:
        return _refused(form, " ".join(exc.errors.values()))
    flash(f"Updated {changed} idea{'s' if changed != 1 else ''}.", "success")
    return redirect(here())


def _refused(form: BulkForm, reason: str, status: int = 422):
    flash(f"Nothing was changed. {reason}", "error")
    # Read afresh: a refused batch was rolled back, which expired every row read before it.
    return _inbox_page(form, inbox_choices(current_user), status)


@bp.get("/awaiting-approval")
def pending():
    return render_template("triage/pending.html", ideas=pending_ideas(), comments=pending_comments(),
                           queue=moderation_counts())


@bp.get("/hidden")
def hidden():
    return render_template("triage/hidden.html", page=hidden_ideas(parse_page(request.args.get("page"))),
                           queue=moderation_counts())


def _back(default_endpoint: str):
    return redirect(safe_next(request.form.get("next"), url_for(default_endpoint)))


@bp.post("/ideas/<int:idea_id>/approve")
def approve_idea(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    moderation.approve_idea(current_user, idea)
    flash(f"“{idea.title}” is approved.", "success")
    return _back("triage.pending")


@bp.post("/comments/<int:comment_id>/approve")
def approve_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    moderation.approve_comment(current_user, comment)
    flash("The comment is approved.", "success")
    return _back("triage.pending")


@bp.post("/ideas/<int:idea_id>/restore")
def restore_idea(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    moderation.restore_idea(current_user, idea)
    flash(f"“{idea.title}” is restored.", "success")
    return _back("triage.hidden")
