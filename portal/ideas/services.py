"""Use cases for ideas, votes and comments; each public function is one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN, Comment, Idea, Vote
from portal.ideas.trending import trending_weight
from portal.markup import plain_text
from portal.moderation.links import check_links
from portal.moderation.services import needs_approval
from portal.network.holds import release_held_requests
from portal.notifications import events
from portal.notifications.follows import auto_follow
from portal.notifications.mentions import Mentions, render_with_mentions, stored_mention_ids
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
from portal.reputation.totals import refresh_inviter_of, refresh_totals
from portal.search.index import index_new_comment, reindex_idea
from portal.triage.statuses import initial_status
from portal.webhooks import events as webhooks

EXCERPT_LEN = 220


def _bump(idea_id: int, *, votes: int = 0, comments: int = 0, trending: float = 0.0) -> int:
    """Move the idea's counters; return its new vote count (UPDATE ... RETURNING: no second read)."""
    # Counters move by SQL expressions inside the caller's transaction, never read-modify-write.
    return db.session.execute(
        update(Idea).where(Idea.id == idea_id).values(
            vote_count=Idea.vote_count + votes,
            comment_count=Idea.comment_count + comments,
            trending_score=Idea.trending_score + trending,
        ).returning(Idea.vote_count)
    ).scalar_one()


def _idea_fields(title: str, body: str, idea: Idea | None = None) -> tuple[dict[str, str], Mentions]:
    title = " ".join(clean_text(title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX).split())
    body = clean_text(body, "body", max_len=BODY_MAX, multiline=True)
    body_html, mentions = render_with_mentions(body, "body", idea)
    fields = {"title": title, "body": body, "body_html": body_html, "excerpt": plain_text(body_html, EXCERPT_LEN)}
    return fields, mentions


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
    auto_follow(actor, idea.id)
    if not idea.pending_approval:  # a held idea is announced when the team approves it
        events.idea_posted(actor, idea, mentioned=mentions.ids)
        release_held_requests(actor)
        refresh_inviter_of(actor.id)  # an invitee's first post earns the inviter points
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


def _insert_vote(idea_id: int, user_id: int, now: datetime) -> bool:
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = (
        insert(Vote.__table__).values(idea_id=idea_id, user_id=user_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"]).returning(Vote.__table__.c.id)
    )
    # RETURNING says whether a row went in; rowcount is not reliable across drivers for this statement.
    return db.session.execute(stmt).first() is not None


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


def _current_votes(idea_id: int) -> int:
    return db.session.scalar(select(Idea.vote_count).where(Idea.id == idea_id)) or 0


def cast_vote(actor: User, idea: Idea) -> int:
    """Add the actor's vote (voting twice changes nothing); return the idea's vote count."""
    lock_idea(idea)
    require(can_vote(actor, idea))
    now = utcnow()
    count = None
    if _insert_vote(idea.id, actor.id, now):
        count = _bump(idea.id, votes=1, trending=trending_weight(now))
        auto_follow(actor, idea.id)
        webhooks.vote_changed(actor, idea, added=True)
        refresh_totals([actor.id])  # votes on others' ideas earn a little reputation
    count = _current_votes(idea.id) if count is None else count
    db.session.commit()
    return count


def remove_vote(actor: User, idea: Idea) -> int:
    """Withdraw the actor's vote if there is one; return the idea's vote count."""
    lock_idea(idea)
    require(can_vote(actor, idea))
    removed = db.session.execute(
        delete(Vote).where(Vote.idea_id == idea.id, Vote.user_id == actor.id).returning(Vote.created_at)
    ).scalar_one_or_none()
    if removed is not None:
        if removed.tzinfo is None:
            removed = removed.replace(tzinfo=UTC)
        count = _bump(idea.id, votes=-1, trending=-trending_weight(removed))
        webhooks.vote_changed(actor, idea, added=False)
        refresh_totals([actor.id])
    count = _current_votes(idea.id) if removed is None else count
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
    auto_follow(actor, idea.id)
    if not comment.pending_approval:  # a held comment is announced when the team approves it
        _bump(idea.id, comments=1, trending=trending_weight(now))
        events.comment_posted(actor, idea, comment, mentioned=mentions.ids)
        release_held_requests(actor)
        refresh_inviter_of(actor.id)  # an invitee's first post earns the inviter points
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
