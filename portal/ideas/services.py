"""Use cases for ideas, votes and comments; each public function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    Delete,
    Float,
    Insert,
    Integer,
    Select,
    Update,
    bindparam,
    delete,
    exists,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.ideas.models import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN, Comment, Idea, Vote
from portal.ideas.trending import trending_weight
from portal.invitations.models import Invitation
from portal.markup import plain_text
from portal.moderation.links import check_links
from portal.moderation.services import needs_approval
from portal.network.holds import release_held_requests
from portal.network.models import Connection, ConnectionStatus
from portal.notifications import events
from portal.notifications.follows import auto_follow
from portal.notifications.mentions import Mentions, render_with_mentions, stored_mention_ids
from portal.notifications.models import Follow
from portal.permissions import (
    can_comment,
    can_delete_comment,
    can_delete_idea,
    can_edit_comment,
    can_edit_idea,
    can_submit_idea,
    can_vote,
    needs_email_verification,
    require,
)
from portal.prototypes.models import Prototype
from portal.reputation.queries import vote_earns_points
from portal.reputation.totals import refresh_inviter_of, vote_changed
from portal.search.index import index_new_comment, reindex_idea
from portal.triage.statuses import initial_status
from portal.webhooks import events as webhooks

EXCERPT_LEN = 220


@cache
def _bump_statement() -> Update:
    # Built once and executed with parameters (see _vote_statements); on the table, not the ORM entity, so no
    # session synchronisation runs: whoever describes the idea afterwards reads the counters back (webhooks).
    idea = Idea.__table__.c
    return update(Idea.__table__).where(idea.id == bindparam("row_id")).values(
        vote_count=idea.vote_count + bindparam("votes", type_=Integer),
        comment_count=idea.comment_count + bindparam("comments", type_=Integer),
        trending_score=idea.trending_score + bindparam("trending", type_=Float(precision=53)),
    ).returning(idea.vote_count)


def _bump(idea_id: int, *, votes: int = 0, comments: int = 0, trending: float = 0.0) -> int:
    """Move the idea's counters; return its new vote count (UPDATE ... RETURNING: no second read)."""
    # Counters move by SQL expressions inside the caller's transaction, never read-modify-write.
    return db.session.execute(_bump_statement(), {"row_id": idea_id, "votes": votes, "comments": comments,
                                                  "trending": trending}).scalar_one()


def _idea_fields(title: str, body: str, idea: Idea | None = None) -> tuple[dict[str, str], Mentions]:
    title = " ".join(clean_text(title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX).split())
    body = clean_text(body, "body", max_len=BODY_MAX, multiline=True)
    body_html, mentions = render_with_mentions(body, "body", idea)
    fields = {"title": title, "body": body, "body_html": body_html, "excerpt": plain_text(body_html, EXCERPT_LEN)}
    return fields, mentions


@dataclass(frozen=True)
class _ContributorState:
    following: bool  # the author already follows the idea
    held: bool  # connection requests of theirs wait for their first contribution
    invited: bool  # they joined through someone's invitation


@cache
def _contributor_state_query() -> Select:
    actor, idea = bindparam("actor", type_=Integer), bindparam("idea", type_=Integer)
    return select(
        exists().where(Follow.user_id == actor, Follow.idea_id == idea),
        exists().where(Connection.requester_id == actor, Connection.status == ConnectionStatus.HELD.value),
        exists().where(Invitation.accepted_by_id == actor, Invitation.inviter_id.is_not(None)),
    )


def _contributor_state(actor: User, idea_id: int) -> _ContributorState:
    """What a post sets off for its author, read in one statement: following the idea, releasing their held
    connection requests, recounting their inviter's points. Past a first post each is rarely needed, and one
    read costs less than running all three writes to find out they change nothing."""
    row = db.session.execute(_contributor_state_query(), {"actor": actor.id, "idea": idea_id}).one()
    return _ContributorState(*map(bool, row))


def _credit_contribution(actor: User, state: _ContributorState) -> None:
    """The author's post is one others can see: their held requests go out, their inviter earns points."""
    if state.held:
        release_held_requests(actor)
    if state.invited:
        refresh_inviter_of(actor.id)  # an invitee's first post earns the inviter points


def submit_idea(actor: User, prototype: Prototype, title: str, body: str = "", *, commit: bool = True) -> Idea:
    """Post an idea against a prototype; it starts with its author's vote (commit=False: the caller commits)."""
    require(can_submit_idea(actor, prototype), "Confirm your email address first: open the link we sent you."
            if needs_email_verification(actor) else "This prototype is not open for feedback.")
    now = utcnow()
    fields, mentions = _idea_fields(title, body)
    check_links(actor, fields["body_html"])
    idea = Idea(product_id=prototype.product_id, prototype_id=prototype.id, author_id=actor.id, created_at=now,
                vote_count=1, trending_score=trending_weight(now), status_id=initial_status().id,
                pending_approval=needs_approval(actor), **fields)
    db.session.add(idea)
    db.session.flush()
    db.session.add(Vote(idea_id=idea.id, user_id=actor.id, created_at=now))
    db.session.execute(
        update(Prototype).where(Prototype.id == prototype.id).values(idea_count=Prototype.idea_count + 1)
    )
    auto_follow(actor, idea.id)  # a new idea: nobody follows it yet
    if not idea.pending_approval:  # a held idea is announced when the team approves it
        events.idea_posted(actor, idea, mentioned=mentions.ids)
        _credit_contribution(actor, _contributor_state(actor, idea.id))
        webhooks.idea_created(idea)
    reindex_idea(idea.id)
    if commit:
        db.session.commit()
    return idea


def edit_idea(actor: User, idea: Idea, title: str, body: str = "") -> Idea:
    """Change an idea's title and description; it is marked as edited."""
    require(can_edit_idea(actor, idea))
    fields, mentions = _idea_fields(title, body, idea)
    check_links(actor, fields["body_html"])
    if fields["title"] != idea.title or fields["body"] != idea.body:
        if actor.id != idea.author_id:  # the team editing someone's words is on the record
            record(actor, "idea.edit", idea, idea.title, before={"title": idea.title, "body": idea.body},
                   after={"title": fields["title"], "body": fields["body"]})
        body_changed = fields["body"] != idea.body
        newly_mentioned = mentions.ids - stored_mention_ids(idea.body, idea) if body_changed else set()
        for key, value in fields.items():
            setattr(idea, key, value)
        idea.edited_at = utcnow()
        if not idea.pending_approval:  # a held idea's mentions are announced when it is approved
            events.mentioned_in_edit(actor, idea, newly_mentioned)
            webhooks.idea_updated(actor, idea)
    reindex_idea(idea.id)
    db.session.commit()
    return idea


def _locked(model: type[Idea] | type[Comment], row_id: int) -> Idea | Comment | None:
    """Re-read a row under a write lock, so two identical deletes cannot both count it out."""
    return db.session.scalar(select(model).where(model.id == row_id).with_for_update()
                             .execution_options(populate_existing=True))


def delete_idea(actor: User, idea: Idea) -> None:
    """Remove an idea with its votes and comments."""
    require(can_delete_idea(actor, idea))
    if _locked(Idea, idea.id) is None:  # a double-submitted delete already removed it
        db.session.rollback()
        return
    if db.session.scalar(select(func.count()).select_from(Idea).where(Idea.merged_into_id == idea.id)):
        db.session.rollback()
        raise ValidationError({"idea": "Other ideas are merged into this one; the team must undo those merges "
                                       "before it can be deleted."})
    if actor.id != idea.author_id:
        record(actor, "idea.delete", idea, idea.title, before={"title": idea.title, "author_id": idea.author_id})
    db.session.execute(
        update(Prototype).where(Prototype.id == idea.prototype_id).values(idea_count=Prototype.idea_count - 1)
    )
    # The ORM delete also drops `idea` from the session, so it is detached after the commit.
    db.session.execute(delete(Idea).where(Idea.id == idea.id))
    reindex_idea(idea.id)
    db.session.commit()


@dataclass(frozen=True)
class _VoteStatements:
    """The vote toggle's statements, built once per dialect and then only executed with parameters.

    The toggle is the portal's hottest write: building a statement costs more Python than running it, and a
    statement object that is reused keeps its cache key, so SQLAlchemy goes straight to the compiled SQL.
    """

    lock: Select
    lock_alone: Select
    insert: Insert
    delete: Delete


@cache
def _vote_statements(dialect: str) -> _VoteStatements:
    votes = Vote.__table__
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    # The whole row, as the view used to load it: the vote count read under the lock is the answer when the
    # vote changes nothing. Beside it, whether the voter follows the idea already (after a first vote they do,
    # and the follow's INSERT is skipped) and whether any webhook listens (if none, none is looked up).
    # FOR NO KEY UPDATE OF idea (see lock_idea). populate_existing: an idea already in the session is re-read,
    # as lock_idea's refresh did.
    lock_alone = (select(Idea, exists().where(Follow.user_id == bindparam("voter"), Follow.idea_id == Idea.id),
                         webhooks.ANYONE_LISTENING)
                  .where(Idea.id == bindparam("idea_id")).with_for_update(key_share=True, of=Idea)
                  .execution_options(populate_existing=True))
    return _VoteStatements(
        # With its status joined, as can_vote reads both (the status row is only read, not locked).
        lock=lock_alone.options(joinedload(Idea.status, innerjoin=True)),
        lock_alone=lock_alone,
        # The values come with the parameters; RETURNING says whether a row went in (rowcount is not reliable
        # across drivers for this statement).
        insert=insert(votes).on_conflict_do_nothing(index_elements=["idea_id", "user_id"]).returning(votes.c.id),
        delete=delete(votes).where(votes.c.idea_id == bindparam("idea"), votes.c.user_id == bindparam("voter"))
        .returning(votes.c.created_at, votes.c.on_behalf_by_id),
    )


def _statements() -> _VoteStatements:
    return _vote_statements(db.session.get_bind().dialect.name)


def _lock_for_voting(idea: Idea | int, voter: User) -> tuple[Idea, bool, bool]:
    """Lock the idea's row for the rest of the transaction and read it with its status, in one statement;
    also say whether `voter` follows it and whether any webhook listens.

    Votes, merges and status changes touching one idea queue behind each other (see lock_idea), and a merge
    or status change that committed a moment ago is seen.
    """
    if isinstance(idea, Idea):
        identity = inspect(idea).identity  # no load of an expired instance just to learn its id
        idea = identity[0] if identity else idea.id
    params = {"idea_id": idea, "voter": voter.id}
    row = db.session.execute(_statements().lock, params).first()
    if row is None:
        # PostgreSQL re-checks a row it had to wait for against the row's new version, but joins it to the
        # status row it read before the wait: a status changed meanwhile (a merge, a triage move) no longer
        # matches, and the row is skipped. Without the join it cannot be; the status is then read on its own.
        row = db.session.execute(_statements().lock_alone, params).first()
    if row is None:
        raise NotFound()
    return row[0], bool(row[1]), bool(row[2])


def _insert_vote(idea_id: int, user_id: int, now: datetime) -> bool:
    return db.session.execute(_statements().insert, {"idea_id": idea_id, "user_id": user_id,
                                                     "created_at": now}).first() is not None


# What decides whether a vote may go in: can_vote reads these.
_VOTING_STATE = ("status_id", "status", "merged_into_id", "hidden_at", "pending_approval")


def lock_idea(idea: Idea, attributes: tuple[str, ...] = _VOTING_STATE) -> None:
    """Lock an idea's row for the rest of the transaction and re-read `attributes` of it.

    Votes, merges and status changes touching one idea then queue behind each other instead of interleaving
    (a merge moving votes while a vote goes in ends in a unique violation or a deadlock on PostgreSQL), and a
    merge or status change that committed a moment ago is seen. FOR NO KEY UPDATE lets comments, which only
    reference the idea, go in meanwhile. SQLite ignores it: its writers already queue on BEGIN IMMEDIATE.
    """
    db.session.refresh(idea, list(attributes), with_for_update={"key_share": True})


def cast_vote(actor: User, idea: Idea | int) -> int:
    """Add the actor's vote (voting twice changes nothing); return the idea's vote count.

    `idea` may be an id: the idea is read (locked) here either way, so a caller need not load it first.
    """
    idea, following, listening = _lock_for_voting(idea, actor)
    require(can_vote(actor, idea))
    now = utcnow()
    if not _insert_vote(idea.id, actor.id, now):
        count = idea.vote_count  # read under the lock: no other vote can move it before this commits
    else:
        count = _bump(idea.id, votes=1, trending=trending_weight(now))
        if not following:
            auto_follow(actor, idea.id)
        if listening:
            webhooks.vote_changed(actor, idea, added=True)
        if vote_earns_points(idea.author_id, idea.hidden_at is not None, actor.id, on_behalf=False):
            vote_changed(actor.id, added=True)  # votes on others' ideas earn a little reputation
    db.session.commit()
    return count


def remove_vote(actor: User, idea: Idea | int) -> int:
    """Withdraw the actor's vote if there is one; return the idea's vote count (`idea` may be an id)."""
    idea, _, listening = _lock_for_voting(idea, actor)
    require(can_vote(actor, idea))
    removed = db.session.execute(_statements().delete, {"idea": idea.id, "voter": actor.id}).first()
    if removed is None:
        count = idea.vote_count  # read under the lock, as in cast_vote
    else:
        created_at = removed.created_at if removed.created_at.tzinfo else removed.created_at.replace(tzinfo=UTC)
        count = _bump(idea.id, votes=-1, trending=-trending_weight(created_at))
        if listening:
            webhooks.vote_changed(actor, idea, added=False)
        if vote_earns_points(idea.author_id, idea.hidden_at is not None, actor.id,
                             on_behalf=removed.on_behalf_by_id is not None):
            vote_changed(actor.id, added=False)
    db.session.commit()
    return count


def has_voted(user: User, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(Vote.idea_id == idea.id, Vote.user_id == user.id))))


def add_comment(actor: User, idea: Idea, body: str, parent: Comment | None = None, *,
                parent_id: int | None = None, commit: bool = True) -> Comment:
    """Comment on an idea, or reply to a comment given as `parent` or by id (replies stay one level deep)."""
    require(can_comment(actor, idea))
    body = clean_text(body, "body", min_len=1, max_len=COMMENT_MAX, multiline=True)
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None:
            raise ValidationError({"body": "That comment was deleted, so it can't be replied to."})
    if parent is not None:
        if parent.idea_id != idea.id:
            raise ValidationError({"body": "You can only reply to comments on this idea."})
        if parent.parent_id is not None:  # a reply to a reply joins the same thread
            parent = db.session.get(Comment, parent.parent_id)
        # A deleted opener stays as a placeholder only while it has replies; those replies offer "Reply"
        # (naming the opener), so the thread goes on under the placeholder.
        if parent is None:
            raise ValidationError({"body": "That comment was deleted, so it can't be replied to."})
    now = utcnow()
    body_html, mentions = render_with_mentions(body, "body", idea)
    check_links(actor, body_html)
    comment = Comment(idea_id=idea.id, author_id=actor.id, parent_id=parent.id if parent else None,
                      body=body, body_html=body_html, created_at=now, pending_approval=needs_approval(actor))
    db.session.add(comment)
    db.session.flush()
    state = _contributor_state(actor, idea.id)
    if not state.following:  # most comments come from people already following the idea
        auto_follow(actor, idea.id)
    if not comment.pending_approval:  # a held comment is announced when the team approves it
        _bump(idea.id, comments=1, trending=trending_weight(now))
        events.comment_posted(actor, idea, comment, mentioned=mentions.ids)
        _credit_contribution(actor, state)
        webhooks.comment_created(idea, comment)
        index_new_comment(idea.id, body_html)  # a held comment is not searchable until approved
    if commit:
        db.session.commit()
    return comment


def edit_comment(actor: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment; it is marked as edited."""
    require(can_edit_comment(actor, comment))
    body = clean_text(body, "body", min_len=1, max_len=COMMENT_MAX, multiline=True)
    if body != comment.body:
        idea = db.session.get(Idea, comment.idea_id)
        body_html, mentions = render_with_mentions(body, "body", idea)
        check_links(actor, body_html)
        newly_mentioned = mentions.ids - stored_mention_ids(comment.body, idea)
        comment.body, comment.body_html = body, body_html
        comment.edited_at = utcnow()
        if not comment.pending_approval and comment.hidden_at is None:  # only a comment people can read
            events.mentioned_in_edit(actor, idea, newly_mentioned, comment)
    reindex_idea(comment.idea_id)
    db.session.commit()
    return comment


def _reply_count(comment_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(Comment.parent_id == comment_id))


def delete_comment(actor: User, comment: Comment) -> None:
    """Delete a comment; one with replies leaves a placeholder so the thread still reads."""
    require(can_delete_comment(actor, comment))
    comment = _locked(Comment, comment.id)
    if comment is None or comment.is_deleted:  # a double-submitted delete got here first
        db.session.rollback()
        return
    if actor.id != comment.author_id:
        record(actor, "comment.delete", comment, comment.body[:120], before={"body": comment.body})
    if comment.hidden_at is None and not comment.pending_approval:  # only counted comments are uncounted
        _bump(comment.idea_id, comments=-1, trending=-trending_weight(comment.created_at))
    parent_id = comment.parent_id
    if _reply_count(comment.id):
        comment.deleted_at = utcnow()
        comment.body = comment.body_html = ""
    else:
        db.session.delete(comment)
        db.session.flush()
        parent = db.session.get(Comment, parent_id) if parent_id else None
        if parent is not None and parent.is_deleted and not _reply_count(parent.id):
            db.session.delete(parent)
    reindex_idea(comment.idea_id)
    db.session.commit()
