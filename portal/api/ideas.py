"""Ideas, votes and comments over the same services and predicates as the idea pages."""

from __future__ import annotations

from portal.api.auth import Caller
from portal.api.blueprint import bp
from portal.api.models import Scope
from portal.api.pagination import CursorPage
from portal.api.present import comment_out, idea_out
from portal.api.problems import ApiProblem
from portal.api.queries import comments_page, ideas_page, load_idea_details
from portal.api.schemas import (
    CommentIn,
    CommentOut,
    CommentPatch,
    IdeaIn,
    IdeaListQuery,
    IdeaOut,
    IdeaPatch,
    PageQuery,
    SimilarQuery,
    VoteOut,
)
from portal.api.spec import operation
from portal.core.urls import external_url
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea
from portal.ideas.queries import voted_idea_ids
from portal.permissions import can_view_comment, can_view_idea
from portal.prototypes.models import Prototype
from portal.search.queries import similar_ideas

TAG = "Ideas"
WRITE_ERRORS = (400, 401, 403, 404, 413, 415, 422)


def visible_idea(caller: Caller, idea_id: int) -> Idea:
    """The idea, or a 404 problem when it does not exist or the caller may not see it."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or not can_view_idea(caller.user, idea):
        raise ApiProblem(404, "There is no idea with that id, or you may not see it.")
    return idea


def one_idea(caller: Caller, idea: Idea) -> IdeaOut:
    db.session.refresh(idea)
    return idea_out(idea, caller.user, voted_idea_ids(caller.user, [idea.id]))


def _ideas(caller: Caller, ideas: list[Idea], *, loaded: bool = False) -> list[IdeaOut]:
    if not loaded:
        load_idea_details(ideas)
    voted = voted_idea_ids(caller.user, [i.id for i in ideas])
    return [idea_out(i, caller.user, voted) for i in ideas]


@operation(bp, "GET", "/ideas", summary="List ideas", tag=TAG, query=IdeaListQuery, response=IdeaOut,
           paginated=True, errors=(400,))
def list_ideas(caller: Caller, query: IdeaListQuery) -> CursorPage:
    """The ideas the caller may see, with the site's filters and sorts; `q` searches like /search does."""
    page = ideas_page(query, caller.user)
    page.items = _ideas(caller, page.items, loaded=not (query.q and query.q.strip()))
    return page


@operation(bp, "GET", "/ideas/similar", summary="Ideas similar to a title", tag=TAG, query=SimilarQuery,
           response=IdeaOut, paginated=True, errors=(400,))
def similar(caller: Caller, query: SimilarQuery) -> CursorPage:
    """Up to five visible ideas sharing words with `title`: what someone may be about to post again."""
    return CursorPage(_ideas(caller, similar_ideas(query.title, caller.user, query.product_id)), None)


@operation(bp, "POST", "/ideas", summary="Post an idea", tag=TAG, scope=Scope.WRITE, signed_in=True, body=IdeaIn,
           response=IdeaOut, status=201, errors=WRITE_ERRORS)
def create_idea(caller: Caller, body: IdeaIn) -> tuple[IdeaOut, dict[str, str]]:
    """Post an idea against a prototype open for feedback; it starts with its author's vote."""
    prototype = db.session.get(Prototype, body.prototype_id)
    if prototype is None:
        raise ValidationError({"prototype_id": "There is no prototype with that id."})
    idea = services.submit_idea(caller.user, prototype, body.title, body.body)
    return one_idea(caller, idea), {"Location": external_url("api.get_idea", idea_id=idea.id)}


@operation(bp, "GET", "/ideas/<int:idea_id>", summary="Get an idea", tag=TAG, response=IdeaOut, errors=(404,))
def get_idea(caller: Caller, idea_id: int) -> IdeaOut:
    """One idea; a merged duplicate says which idea it was merged into."""
    return one_idea(caller, visible_idea(caller, idea_id))


@operation(bp, "PATCH", "/ideas/<int:idea_id>", summary="Edit an idea", tag=TAG, scope=Scope.WRITE, signed_in=True,
           body=IdeaPatch, response=IdeaOut, errors=WRITE_ERRORS)
def edit_idea(caller: Caller, idea_id: int, body: IdeaPatch) -> IdeaOut:
    """Change the title or description (its author and the team); fields left out keep their value."""
    idea = visible_idea(caller, idea_id)
    services.edit_idea(caller.user, idea, idea.title if body.title is None else body.title,
                       idea.body if body.body is None else body.body)
    return one_idea(caller, idea)


@operation(bp, "DELETE", "/ideas/<int:idea_id>", summary="Delete an idea", tag=TAG, scope=Scope.WRITE,
           signed_in=True, response=None, status=204, errors=(401, 403, 404, 409))
def delete_idea(caller: Caller, idea_id: int) -> None:
    """Delete an idea with its votes and comments (its author and admins)."""
    idea = visible_idea(caller, idea_id)
    try:
        services.delete_idea(caller.user, idea)
    except ValidationError as exc:
        raise ApiProblem(409, " ".join(exc.errors.values())) from exc


def _vote(caller: Caller, idea_id: int, remove: bool) -> VoteOut:
    idea = visible_idea(caller, idea_id)
    count = (services.remove_vote if remove else services.cast_vote)(caller.user, idea)
    return VoteOut(idea_id=idea_id, voted=not remove, vote_count=count)


@operation(bp, "PUT", "/ideas/<int:idea_id>/vote", summary="Vote for an idea", tag=TAG, scope=Scope.WRITE,
           signed_in=True, response=VoteOut, errors=(401, 403, 404))
def cast_vote(caller: Caller, idea_id: int) -> VoteOut:
    """Add the caller's vote; voting twice changes nothing."""
    return _vote(caller, idea_id, remove=False)


@operation(bp, "DELETE", "/ideas/<int:idea_id>/vote", summary="Remove your vote", tag=TAG, scope=Scope.WRITE,
           signed_in=True, response=VoteOut, errors=(401, 403, 404))
def remove_vote(caller: Caller, idea_id: int) -> VoteOut:
    """Withdraw the caller's vote if there is one."""
    return _vote(caller, idea_id, remove=True)


# --- comments ---------------------------------------------------------------------------------------------

def _visible_comment(caller: Caller, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    idea = db.session.get(Idea, comment.idea_id) if comment is not None else None
    if comment is None or idea is None or not can_view_idea(caller.user, idea) \
            or not can_view_comment(caller.user, comment):
        raise ApiProblem(404, "There is no comment with that id, or you may not see it.")
    return comment


@operation(bp, "GET", "/ideas/<int:idea_id>/comments", summary="List an idea's comments", tag="Comments",
           query=PageQuery, response=CommentOut, paginated=True, errors=(400, 404))
def list_comments(caller: Caller, idea_id: int, query: PageQuery) -> CursorPage:
    """Comments and replies, oldest first; `parent_id` ties a reply to its comment."""
    page = comments_page(visible_idea(caller, idea_id), caller.user, query.cursor, query.limit)
    page.items = [comment_out(c) for c in page.items]
    return page


@operation(bp, "POST", "/ideas/<int:idea_id>/comments", summary="Comment on an idea", tag="Comments",
           scope=Scope.WRITE, signed_in=True, body=CommentIn, response=CommentOut, status=201, errors=WRITE_ERRORS)
def create_comment(caller: Caller, idea_id: int, body: CommentIn) -> CommentOut:
    """Comment, or reply to a comment with `parent_id` (replies stay one level deep)."""
    comment = services.add_comment(caller.user, visible_idea(caller, idea_id), body.body, parent_id=body.parent_id)
    db.session.refresh(comment)
    return comment_out(comment)


@operation(bp, "PATCH", "/comments/<int:comment_id>", summary="Edit your comment", tag="Comments",
           scope=Scope.WRITE, signed_in=True, body=CommentPatch, response=CommentOut, errors=WRITE_ERRORS)
def edit_comment(caller: Caller, comment_id: int, body: CommentPatch) -> CommentOut:
    """Change one's own comment; it is marked as edited."""
    comment = services.edit_comment(caller.user, _visible_comment(caller, comment_id), body.body)
    db.session.refresh(comment)
    return comment_out(comment)


@operation(bp, "DELETE", "/comments/<int:comment_id>", summary="Delete a comment", tag="Comments",
           scope=Scope.WRITE, signed_in=True, response=None, status=204, errors=(401, 403, 404))
def delete_comment(caller: Caller, comment_id: int) -> None:
    """Delete a comment (its author and admins); one with replies stays as a placeholder."""
    services.delete_comment(caller.user, _visible_comment(caller, comment_id))


