"""Rendering an idea's page, shared by the idea views and the triage and moderation actions taken on it."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.forms import CommentForm
from portal.ideas.models import Idea
from portal.ideas.queries import VOTED_COLUMN, know_votes, merge_candidates, merged_duplicates, timeline_and_commenters
from portal.ideas.services import has_voted
from portal.network.views import others_who_care_html
from portal.notifications.queries import FOLLOW_COLUMNS, follow_summary, know_follow_summary
from portal.pagecache import remember
from portal.pagecache.fragments import (
    CSRF_SLOT,
    PAGE_SLOT_CONTEXT,
    SHOWN_SLOT,
    SLOT_CONTEXT,
    Fragment,
    VoteSlot,
    audience_key,
    fill,
    part_slot,
    shared_fragment,
    shared_page,
    shares_pages,
)
from portal.permissions import can_comment, can_follow, can_see_internal, can_view_idea, is_team, list_audience
from portal.prototypes.models import Prototype
from portal.screens.queries import pins_of_idea
from portal.triage.idea_forms import AssignForm, MergeForm, NoteForm, OnBehalfForm, ReasonForm, StatusForm, TagsForm
from portal.triage.queries import triage_panel


def _panel_forms(idea: Idea, panel: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The team panel's forms, showing the idea's current values unless a refused form comes back with input."""
    status = given.pop("status_form", None) or StatusForm(formdata=None, status_id=str(idea.status_id),
                                                          shipped_in=str(idea.shipped_in_id or ""))
    status.status_id.choices = [SelectChoice(str(s.id), s.name) for s in panel["statuses"]]
    prototypes = db.session.scalars(select(Prototype).where(Prototype.product_id == idea.product_id)
                                    .order_by(Prototype.created_at)).all()
    status.shipped_in.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), p.name + (f" {p.version_label}" if p.version_label else "")) for p in prototypes]
    tags = given.pop("tags_form", None) or TagsForm(formdata=None, tag_ids=[str(t.id) for t in idea.tags])
    tags.tag_ids.choices = [SelectChoice(str(t.id), t.name + (" (internal)" if t.internal else ""))
                            for t in panel["all_tags"]]
    assign = given.pop("assign_form", None) or AssignForm(formdata=None, assignee_id=str(idea.assignee_id or ""))
    assign.assignee_id.choices = [SelectChoice("", "Nobody")] + [
        SelectChoice(str(u.id), f"{u.display_name} ({u.role})") for u in panel["team"]]
    return {
        "status_form": status, "tags_form": tags, "assign_form": assign,
        "note_form": given.pop("note_form", None) or NoteForm(formdata=None),
        "merge_form": given.pop("merge_form", None) or MergeForm(formdata=None),
        "on_behalf_form": given.pop("on_behalf_form", None) or OnBehalfForm(formdata=None),
        "hide_form": given.pop("hide_form", None) or ReasonForm(formdata=None),
    }


_PAGE_OPTIONS = [joinedload(Idea.product), joinedload(Idea.prototype), joinedload(Idea.author),
                 joinedload(Idea.status), selectinload(Idea.tags)]


_IDEA_FOR_VIEWER = select(Idea, VOTED_COLUMN, *FOLLOW_COLUMNS).where(Idea.id == bindparam("idea_id"))


def visible_idea_or_404(idea_id: int, *, eager: bool = True) -> Idea:
    """The idea, or 404 when it does not exist or the current viewer may not see it (hidden, held).

    `eager` loads everything the page's header shows alongside; a page served shared (see pagecache.fragments)
    needs only the idea's own row unless it is rendered.
    """
    # The person itself, read several times below: each read through Flask-Login's proxy looks them up again.
    viewer = current_user._get_current_object()
    # Tags in a second query: SQLite plans a join to the tag table's link rows as a scan of all of them.
    if eager or not viewer.is_authenticated or request.method != "GET":
        idea = db.session.get(Idea, idea_id, options=_PAGE_OPTIONS if eager else None)
    else:  # a shared page, filled in for this person: their vote and follow come with the idea
        row = db.session.execute(_IDEA_FOR_VIEWER, {"idea_id": idea_id, "me": viewer.id}).first()
        idea = row.Idea if row is not None else None
        if idea is not None:
            know_votes(viewer.id, {idea_id: bool(row.voted)})
            know_follow_summary(viewer.id, idea_id, row.followers, row.following)
    if idea is None or not can_view_idea(viewer, idea):
        abort(404)
    return idea


def merged_into(idea: Idea, raw_id: str | None, viewer: Any) -> Idea | None:
    """The duplicate named by ?merged= when it really was merged into `idea` and the viewer may see it."""
    duplicate_id = parse_id(raw_id)
    duplicate = db.session.get(Idea, duplicate_id) if duplicate_id else None
    if duplicate is None or duplicate.merged_into_id != idea.id or not can_view_idea(viewer, duplicate):
        return None
    return duplicate


def _timeline(idea: Idea, duplicates: list[Idea], placed: list[Any]) -> Fragment:
    """The comment threads and status changes, shared by everyone who would see them alike, slots unfilled.

    Team members, the idea's author and people who commented (even a comment held or hidden) see controls of their
    own (edit, delete, mark helpful, moderate), so their copy is theirs alone; everyone else of one audience shares.
    """
    viewer = current_user._get_current_object()
    audience = list_audience(viewer)

    def render() -> Fragment:
        entries, commenters = timeline_and_commenters(idea, viewer, duplicates)
        html = render_template("ideas/_timeline.html", idea=idea, entries=entries,
                               placed=placed, **SLOT_CONTEXT)
        return Fragment(html, people=sorted(commenters))

    if not viewer.is_authenticated:
        return shared_fragment("timeline", audience, render)
    own_audience = f"{audience}:{viewer.id}"
    if is_team(viewer) or viewer.id == idea.author_id:
        return shared_fragment("timeline", own_audience, render)
    return shared_fragment("timeline", audience, render, own=(own_audience, lambda f: viewer.id in f.people))


def _timeline_html(idea: Idea, duplicates: list[Idea], placed: list[Any]) -> Markup:
    return fill(_timeline(idea, duplicates, placed))


def _shared_idea_page(idea: Idea, merged_from: Idea | None) -> Markup:
    """The idea page as every member of the viewer's audience sees it, filled in for them.

    Its author and people who commented on it see controls of their own, so their copy is theirs alone. The vote,
    follow button, "others who care" and comment form are the viewer's own, filled into slots on every view.
    """
    viewer = current_user._get_current_object()

    def render() -> Fragment:
        duplicates = merged_duplicates(idea.id, viewer)
        placed = pins_of_idea(idea, viewer)
        timeline = _timeline(idea, duplicates, placed)  # unfilled: its slots are filled with the page's
        html = render_template(
            "ideas/show.html", idea=idea, form=None, timeline_html=Markup(timeline.html), placed=placed,
            voted=VoteSlot(idea.id), duplicates=duplicates, merge_query="", merge_results=[],
            merged_from=merged_from, **triage_panel(idea, viewer), **PAGE_SLOT_CONTEXT)
        if can_comment(viewer, idea):  # the same form for the whole audience but for its token and stamp
            html = html.replace(part_slot("comment-form"), _slotted_comment_form(idea))
        return Fragment(html, [idea.id], people=timeline.people)

    own = f"{audience_key(viewer)}:{viewer.id}"
    if viewer.id == idea.author_id:
        return shared_page(render, audience=own, parts=_idea_parts(idea))
    return shared_page(render, own=(own, lambda f: viewer.id in f.people), parts=_idea_parts(idea))


def _comment_form(idea: Idea, form: CommentForm | None) -> str:
    return render_template("ideas/_comment_form.html", idea=idea, form=form, reply_to=None)


def _slotted_comment_form(idea: Idea) -> str:
    """The comment form as rendered for this viewer, with their CSRF token and form stamp turned back into slots."""
    form = CommentForm()
    return (_comment_form(idea, form).replace(f'value="{generate_csrf()}"', f'value="{CSRF_SLOT}"')
            .replace(f'value="{form.form_shown.data}"', f'value="{SHOWN_SLOT}"'))


def _follow_part(idea: Idea) -> str:
    """The follow button: the same HTML for everyone with the same answer, kept until the next write."""
    viewer = current_user._get_current_object()
    follow = follow_summary(viewer, idea)
    key = f"follow-html:{idea.id}:{follow.count}:{follow.following}:{can_follow(viewer, idea)}"
    html = remember(key, lambda: render_template("ideas/_follow.html", idea=idea, follow=follow,
                                                 csrf_token=lambda: CSRF_SLOT))
    return html.replace(CSRF_SLOT, generate_csrf())


def _idea_parts(idea: Idea) -> dict[str, Any]:
    return {
        "follow": lambda: _follow_part(idea),
        "others-who-care": lambda: others_who_care_html(idea),
        # Only where the viewer cannot comment (a notice, not a form): otherwise the page holds the form already.
        "comment-form": lambda: _comment_form(idea, CommentForm() if can_comment(current_user, idea) else None),
    }


def render_idea_page(idea: Idea, form: CommentForm | None = None, status: int = 200, **extra: Any):
    """The idea page with its timeline and, for the team, the triage panel; `extra` keeps typed input."""
    viewer = current_user._get_current_object()
    if not can_view_idea(viewer, idea):  # also when a refused form would re-render it
        abort(404)
    if form is None and status == 200 and set(extra) <= {"merged_from", "merge_query"} \
            and request.method == "GET" and shares_pages(viewer):
        return _shared_idea_page(idea, extra.get("merged_from")), status
    merge_query = extra.pop("merge_query", "")
    panel = triage_panel(idea, viewer)
    if can_see_internal(viewer):
        panel.update(_panel_forms(idea, panel, extra))
    duplicates = merged_duplicates(idea.id, viewer)
    placed = pins_of_idea(idea, viewer)  # the page's pins and its comments' pins, in one query
    return render_template(
        # Only a form the viewer can use: making one mints a CSRF token, a session cookie, an uncacheable page.
        "ideas/show.html", idea=idea, form=form or (CommentForm() if can_comment(viewer, idea) else None),
        timeline_html=_timeline_html(idea, duplicates, placed), placed=placed,
        voted=has_voted(viewer, idea), duplicates=duplicates,
        merge_query=merge_query,
        merge_results=merge_candidates(idea, merge_query) if merge_query else [], **panel, **extra,
    ), status
