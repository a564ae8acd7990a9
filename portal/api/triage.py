"""The team's work on an idea: status with a note, tags, assignee, merges, hiding, voters and votes on behalf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.accounts.models import User
from portal.api.auth import Caller
from portal.api.blueprint import bp
from portal.api.ideas import one_idea, visible_idea
from portal.api.models import Scope
from portal.api.pagination import CursorPage
from portal.api.present import user_ref
from portal.api.problems import ApiProblem
from portal.api.queries import voters_page
from portal.api.schemas import (
    AssigneeIn,
    HideIn,
    IdeaOut,
    MergeIn,
    OnBehalfIn,
    OnBehalfOut,
    PageQuery,
    StatusChangeIn,
    StatusChangeOut,
    TagsIn,
    VoterOut,
)
from portal.api.spec import operation
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation import services as moderation
from portal.permissions import can_see_internal, require
from portal.prototypes.models import Prototype
from portal.triage import services
from portal.triage.models import Status, Tag
from portal.triage.statuses import set_status

TAG = "Triage"
ERRORS = (400, 401, 403, 404, 413, 415, 422)


def _row(model: Any, row_id: int | None, field: str, what: str) -> Any:
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ValidationError({field: f"There is no {what} with that id."})
    return row


def _conflict(action: Callable[[], Any]) -> Any:
    """Merges refused because of the ideas' state (already merged, not merged) are conflicts, not bad input."""
    try:
        return action()
    except ValidationError as exc:
        raise ApiProblem(409, " ".join(exc.errors.values()), errors=exc.errors) from exc


@operation(bp, "POST", "/ideas/<int:idea_id>/status", summary="Set an idea's status", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, body=StatusChangeIn, response=StatusChangeOut, errors=ERRORS)
def change_status(caller: Caller, idea_id: int, body: StatusChangeIn) -> StatusChangeOut:
    """Move an idea to a status with an optional public note (and, for a done status, the prototype it shipped
    in). Designers and admins; developers between delivery statuses on ideas assigned to them."""
    idea = visible_idea(caller, idea_id)
    status = _row(Status, body.status_id, "status_id", "status")
    shipped = _row(Prototype, body.shipped_in_id, "shipped_in_id", "prototype") if body.shipped_in_id else None
    change = set_status(caller.user, idea, status, body.note, shipped)
    return StatusChangeOut(changed=change is not None, idea=one_idea(caller, idea))


@operation(bp, "PUT", "/ideas/<int:idea_id>/tags", summary="Set an idea's tags", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, body=TagsIn, response=IdeaOut, errors=ERRORS)
def put_tags(caller: Caller, idea_id: int, body: TagsIn) -> IdeaOut:
    """Replace the idea's tags (designers and admins)."""
    idea = visible_idea(caller, idea_id)
    tags = [_row(Tag, tag_id, "tag_ids", "tag") for tag_id in dict.fromkeys(body.tag_ids)]
    services.set_tags(caller.user, idea, tags)
    return one_idea(caller, idea)


@operation(bp, "PUT", "/ideas/<int:idea_id>/assignee", summary="Assign an idea", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, body=AssigneeIn, response=IdeaOut, errors=ERRORS)
def put_assignee(caller: Caller, idea_id: int, body: AssigneeIn) -> IdeaOut:
    """Give the idea to one team member, or to nobody with null (designers and admins)."""
    idea = visible_idea(caller, idea_id)
    assignee = _row(User, body.assignee_id, "assignee_id", "person") if body.assignee_id is not None else None
    services.assign(caller.user, idea, assignee)
    return one_idea(caller, idea)


@operation(bp, "POST", "/ideas/<int:idea_id>/merge", summary="Merge a duplicate", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, body=MergeIn, response=IdeaOut, errors=(*ERRORS, 409))
def merge(caller: Caller, idea_id: int, body: MergeIn) -> IdeaOut:
    """Mark this idea a duplicate of `original_id`: its voters count for the original. Answers the original."""
    duplicate = visible_idea(caller, idea_id)
    original = _row(Idea, body.original_id, "original_id", "idea")
    _conflict(lambda: services.merge_ideas(caller.user, duplicate, original))
    return one_idea(caller, original)


@operation(bp, "POST", "/ideas/<int:idea_id>/unmerge", summary="Undo a merge", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, response=IdeaOut, errors=(401, 403, 404, 409))
def unmerge(caller: Caller, idea_id: int) -> IdeaOut:
    """Restore a merged duplicate exactly, votes and status included."""
    duplicate = visible_idea(caller, idea_id)
    _conflict(lambda: services.unmerge_idea(caller.user, duplicate))
    return one_idea(caller, duplicate)


@operation(bp, "POST", "/ideas/<int:idea_id>/hide", summary="Hide an idea", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, body=HideIn, response=IdeaOut, errors=ERRORS)
def hide(caller: Caller, idea_id: int, body: HideIn) -> IdeaOut:
    """Hide the idea from everyone outside the team, with a reason."""
    idea = visible_idea(caller, idea_id)
    moderation.hide_idea(caller.user, idea, body.reason)
    return one_idea(caller, idea)


@operation(bp, "POST", "/ideas/<int:idea_id>/restore", summary="Show a hidden idea again", tag=TAG,
           scope=Scope.TRIAGE, signed_in=True, response=IdeaOut, errors=(401, 403, 404))
def restore(caller: Caller, idea_id: int) -> IdeaOut:
    """Undo a hide."""
    idea = visible_idea(caller, idea_id)
    moderation.restore_idea(caller.user, idea)
    return one_idea(caller, idea)


@operation(bp, "GET", "/ideas/<int:idea_id>/voters", summary="List an idea's voters", tag=TAG, scope=Scope.TRIAGE,
           signed_in=True, query=PageQuery, response=VoterOut, paginated=True, errors=(400, 401, 403, 404))
def list_voters(caller: Caller, idea_id: int, query: PageQuery) -> CursorPage:
    """Who voted, in the order they did, with the source of votes recorded on someone's behalf (the team)."""
    idea = visible_idea(caller, idea_id)
    require(can_see_internal(caller.user))
    page = voters_page(idea, query.cursor, query.limit)
    page.items = [VoterOut(user=user_ref(v.user), voted_at=v.created_at, on_behalf=v.on_behalf_by_id is not None,
                           source=v.source) for v in page.items]
    return page


@operation(bp, "POST", "/ideas/<int:idea_id>/voters", summary="Vote on someone's behalf", tag=TAG,
           scope=Scope.TRIAGE, signed_in=True, body=OnBehalfIn, response=OnBehalfOut, errors=ERRORS)
def vote_on_behalf(caller: Caller, idea_id: int, body: OnBehalfIn) -> OnBehalfOut:
    """Record a vote for feedback heard elsewhere, by an account's email (a new address becomes a contact)."""
    idea = visible_idea(caller, idea_id)
    vote = services.vote_on_behalf(caller.user, idea, email=body.email, source=body.source)
    db.session.refresh(idea)
    return OnBehalfOut(recorded=vote is not None, vote_count=idea.vote_count)
