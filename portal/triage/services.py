"""Triage use cases: tags, assignment, internal notes, merging duplicates, votes on behalf, bulk changes."""

from __future__ import annotations

import re

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.accounts.services import normalize_email
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas.models import Idea, Vote
from portal.ideas.services import lock_idea
from portal.ideas.trending import trending_weight
from portal.notifications import events
from portal.notifications.follows import auto_follow, move_followers
from portal.notifications.mentions import render_with_mentions
from portal.permissions import (
    Role,
    can_assign,
    can_be_assigned,
    can_manage_tags,
    can_merge,
    can_tag_ideas,
    can_vote_on_behalf,
    can_write_internal_note,
    require,
)
from portal.search.index import reindex_idea
from portal.triage.models import InternalNote, Merge, Status, StatusChange, Tag
from portal.triage.statuses import duplicate_status as find_duplicate_status
from portal.triage.statuses import initial_status, set_status
from portal.webhooks import events as webhooks

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
NOTE_MAX = 5_000
SOURCE_MAX = 200


# --- tags -------------------------------------------------------------------------------------------------

def save_tag(actor: User, tag: Tag | None, *, name: str, color: str, internal: bool) -> Tag:
    """Create a tag (tag=None) or change one."""
    require(can_manage_tags(actor))
    name = " ".join(clean_text(name, "name", min_len=1, max_len=40).split())
    if not _COLOR.fullmatch(color or ""):
        raise ValidationError({"color": "Use a colour like #2454d6."})
    clash = db.session.scalar(select(Tag.id).where(func.lower(Tag.name) == name.lower()))
    if clash is not None and (tag is None or clash != tag.id):
        raise ValidationError({"name": "A tag with this name already exists."})
    before = {"name": tag.name, "color": tag.color, "internal": tag.internal} if tag else None
    if tag is None:
        tag = Tag()
        db.session.add(tag)
    tag.name, tag.color, tag.internal = name, color.lower(), bool(internal)
    db.session.flush()
    record(actor, "tag.save", tag, name, before=before, after={"name": name, "color": tag.color,
                                                               "internal": tag.internal})
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError({"name": "A tag with this name already exists."}) from exc
    return tag


def delete_tag(actor: User, tag: Tag) -> None:
    """Delete a tag; ideas simply lose it."""
    require(can_manage_tags(actor))
    record(actor, "tag.delete", tag, tag.name, before={"name": tag.name})
    db.session.delete(tag)
    db.session.commit()


def set_tags(actor: User, idea: Idea, tags: list[Tag], *, commit: bool = True) -> None:
    """Replace an idea's tags."""
    require(can_tag_ideas(actor))
    before = sorted(t.name for t in idea.tags)
    idea.tags = sorted(set(tags), key=lambda t: t.name)
    after = [t.name for t in idea.tags]
    if before != after:
        record(actor, "idea.tags", idea, idea.title, before={"tags": before}, after={"tags": after})
    if commit:
        db.session.commit()


def add_tag(actor: User, idea: Idea, tag: Tag, *, commit: bool = True) -> None:
    """Add one tag to an idea (bulk actions use this)."""
    if tag not in idea.tags:
        set_tags(actor, idea, [*idea.tags, tag], commit=commit)
    elif commit:
        db.session.commit()


# --- assignment and notes ---------------------------------------------------------------------------------

def assign(actor: User, idea: Idea, assignee: User | None, *, commit: bool = True) -> None:
    """Give an idea to one team member, or to nobody."""
    require(can_assign(actor))
    if assignee is not None and not can_be_assigned(assignee):
        raise ValidationError({"assignee": "Only developers, designers and admins can be assigned."})
    before = {"assignee": idea.assignee.display_name if idea.assignee else None}
    idea.assignee_id = assignee.id if assignee else None
    idea.assignee = assignee
    record(actor, "idea.assign", idea, idea.title, before=before,
           after={"assignee": assignee.display_name if assignee else None})
    if commit:
        db.session.commit()


def add_internal_note(actor: User, idea: Idea, body: str) -> InternalNote:
    """A note on an idea that only the team ever sees."""
    require(can_write_internal_note(actor))
    body = clean_text(body, "body", min_len=1, max_len=NOTE_MAX, multiline=True)
    body_html, mentions = render_with_mentions(body, "body", idea)
    note = InternalNote(idea_id=idea.id, author_id=actor.id, body=body, body_html=body_html)
    db.session.add(note)
    db.session.flush()
    record(actor, "idea.internal_note", idea, idea.title)
    # Mentioned customers are dropped by the event: internal notes reach only the team.
    events.internal_note_added(actor, idea, note.body_html, mentioned=mentions.ids)
    db.session.commit()
    return note


# --- merging duplicates -----------------------------------------------------------------------------------

def _recount_votes(*ideas: Idea) -> None:
    for idea in ideas:
        count = select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id).scalar_subquery()
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(vote_count=count))


def _lock_pair(duplicate: Idea, original: Idea) -> None:
    # Both rows, lowest id first so two merges or undos of one pair never deadlock; voters queue behind them.
    for idea in sorted((duplicate, original), key=lambda i: i.id):
        lock_idea(idea, ("merged_into_id", "status_id", "status"))


def merge_ideas(actor: User, duplicate: Idea, original: Idea) -> Merge:
    """Mark `duplicate` as a duplicate of `original`: its voters vote for the original, its comments show there."""
    require(can_merge(actor))
    if duplicate.id == original.id:
        raise ValidationError({"original": "An idea can't be a duplicate of itself."})
    if duplicate.product_id != original.product_id:
        raise ValidationError({"original": "Ideas can only be merged within one product."})
    _lock_pair(duplicate, original)
    if duplicate.merged_into_id is not None:
        raise ValidationError({"original": "This idea is already merged into another."})
    if original.merged_into_id is not None:
        raise ValidationError({"original": "That idea is itself merged; choose the idea it was merged into."})
    if db.session.scalar(select(func.count()).select_from(Idea).where(Idea.merged_into_id == duplicate.id)):
        raise ValidationError({"original": "Other ideas are merged into this one; undo those merges first."})
    votes = Vote.__table__
    both = select(votes.c.user_id).where(votes.c.idea_id == original.id)
    # A person who voted on both keeps their vote on the duplicate, so they count once on the original.
    moved = db.session.execute(
        update(votes).where(votes.c.idea_id == duplicate.id, votes.c.user_id.not_in(both))
        .values(idea_id=original.id, moved_from_idea_id=duplicate.id).returning(votes.c.created_at)
    ).scalars().all()
    weight = sum(trending_weight(at) for at in moved)
    _recount_votes(duplicate, original)
    db.session.execute(update(Idea).where(Idea.id == original.id).values(
        trending_score=Idea.trending_score + weight))
    db.session.execute(update(Idea).where(Idea.id == duplicate.id).values(
        merged_into_id=original.id, trending_score=Idea.trending_score - weight))
    duplicate_status = find_duplicate_status()
    # A retired (or renamed) Duplicate status is left alone, as it can no longer be chosen; the merge still goes.
    if duplicate_status is not None and not duplicate_status.retired and duplicate.status_id != duplicate_status.id:
        set_status(actor, duplicate, duplicate_status, commit=False, notify=False)  # "merged" says it all
    move_followers(duplicate.id, original.id)
    events.idea_merged(actor, duplicate, original)
    webhooks.idea_merged(actor, duplicate, original)
    merge = Merge(duplicate_id=duplicate.id, original_id=original.id, actor_id=actor.id)
    db.session.add(merge)
    record(actor, "idea.merge", duplicate, f"{duplicate.title} → {original.title}",
           after={"original_id": original.id, "votes_moved": len(moved)})
    reindex_idea(duplicate.id)
    db.session.commit()
    return merge


def unmerge_idea(actor: User, duplicate: Idea, restore_status: Status | None = None) -> None:
    """Undo a merge exactly: the moved votes go back and the duplicate stands on its own again."""
    require(can_merge(actor))
    original_id = duplicate.merged_into_id
    if original_id is not None:
        _lock_pair(duplicate, db.session.get(Idea, original_id))
    if original_id is None or duplicate.merged_into_id != original_id:  # or someone undid it a moment ago
        raise ValidationError({"original": "This idea is not merged."})
    votes = Vote.__table__
    back = db.session.execute(
        update(votes).where(and_(votes.c.idea_id == original_id, votes.c.moved_from_idea_id == duplicate.id))
        .values(idea_id=duplicate.id, moved_from_idea_id=None).returning(votes.c.created_at)
    ).scalars().all()
    weight = sum(trending_weight(at) for at in back)
    original = db.session.get(Idea, original_id)
    _recount_votes(duplicate, original)
    db.session.execute(update(Idea).where(Idea.id == original_id).values(
        trending_score=Idea.trending_score - weight))
    db.session.execute(update(Idea).where(Idea.id == duplicate.id).values(
        merged_into_id=None, trending_score=Idea.trending_score + weight))
    merge = db.session.scalar(select(Merge).where(Merge.duplicate_id == duplicate.id, Merge.undone_at.is_(None)))
    if merge is not None:
        merge.undone_at = utcnow()
    db.session.expire(duplicate)
    restore_status = restore_status or _status_before_merge(duplicate)
    if restore_status is not None:
        set_status(actor, duplicate, restore_status, commit=False)
    record(actor, "idea.unmerge", duplicate, duplicate.title,
           before={"original_id": original_id}, after={"votes_restored": len(back)})
    reindex_idea(duplicate.id)
    db.session.commit()


def _status_before_merge(duplicate: Idea) -> Status | None:
    """The status the merge moved the duplicate out of, when the merge is what set it to Duplicate."""
    duplicate_status = find_duplicate_status()
    if duplicate_status is None or duplicate.status_id != duplicate_status.id:
        return None
    change = db.session.scalar(
        select(StatusChange)
        .where(StatusChange.idea_id == duplicate.id, StatusChange.to_status_id == duplicate_status.id)
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc()).limit(1))
    before = change.from_status if change is not None else None
    if before is not None and before.retired:  # retired since the merge: nobody can choose it, so back to New
        return initial_status()
    return before


# --- votes on behalf --------------------------------------------------------------------------------------

def _contact_for(email: str) -> User:
    email = normalize_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # No usable password: "!" never matches a werkzeug hash. Signing up with this email claims it.
        # The display name says nothing of the address, which only the team ever sees.
        user = User(email=email, display_name="Contact", password_hash="!",
                    role=Role.CUSTOMER.value, is_contact=True)
        db.session.add(user)
        db.session.flush()
    return user


def vote_on_behalf(actor: User, idea: Idea, *, email: str, source: str) -> Vote | None:
    """Record a vote for someone who gave this feedback elsewhere; returns None when they had voted already."""
    require(can_vote_on_behalf(actor))
    source = clean_text(source, "source", min_len=2, max_len=SOURCE_MAX)
    lock_idea(idea)  # like any vote: never interleaved with a merge moving this idea's votes
    if idea.merged_into_id is not None:
        raise ValidationError({"email": "This idea is merged; record the vote on the idea it was merged into."})
    voter = _contact_for(email)
    if db.session.scalar(select(Vote.id).where(Vote.idea_id == idea.id, Vote.user_id == voter.id)) is not None:
        db.session.rollback()
        return None
    now = utcnow()
    vote = Vote(idea_id=idea.id, user_id=voter.id, created_at=now, on_behalf_by_id=actor.id, source=source)
    db.session.add(vote)
    db.session.flush()
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(
        vote_count=Idea.vote_count + 1, trending_score=Idea.trending_score + trending_weight(now)))
    record(actor, "vote.on_behalf", idea, f"{voter.email}: {source}", after={"voter": voter.email, "source": source})
    auto_follow(voter, idea.id)  # so the person hears back when the idea moves
    webhooks.vote_changed(voter, idea, added=True, on_behalf=True)
    try:
        db.session.commit()
    except IntegrityError:  # the person voted at the very same moment
        db.session.rollback()
        return None
    return vote


# --- bulk -------------------------------------------------------------------------------------------------

def bulk_update(actor: User, ideas: list[Idea], *, status: Status | None = None, note: str = "",
                tag: Tag | None = None, assignee: User | None = None, unassign: bool = False) -> int:
    """Apply one status (with its note), tag or assignee to many ideas in one transaction; all or nothing."""
    if not ideas:
        raise ValidationError({"ideas": "Select at least one idea."})
    if note.strip() and status is None:
        raise ValidationError({"note": "A note goes with a status change: choose a status too."})
    if status is None and tag is None and assignee is None and not unassign:
        raise ValidationError({"action": "Choose a status, a tag or an assignee to apply."})
    try:
        for idea in ideas:
            _bulk_one(actor, idea, status, note, tag, assignee, unassign)
    except (PermissionDenied, ValidationError):
        db.session.rollback()  # one refusal undoes the whole batch
        raise
    db.session.commit()
    return len(ideas)


def _bulk_one(actor: User, idea: Idea, status: Status | None, note: str, tag: Tag | None, assignee: User | None,
              unassign: bool) -> None:
    if status is not None:
        set_status(actor, idea, status, note, commit=False)
    if tag is not None:
        add_tag(actor, idea, tag, commit=False)
    if assignee is not None or unassign:
        assign(actor, idea, assignee, commit=False)
