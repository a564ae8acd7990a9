"""Moderation: hiding and restoring content, locking comments, bans, and holding first posts for approval."""

from __future__ import annotations

from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.ideas.trending import trending_weight
from portal.moderation.models import Setting
from portal.network.holds import release_held_requests
from portal.notifications import events
from portal.notifications.mentions import stored_mention_ids
from portal.pagecache import remember
from portal.permissions import Role, can_ban, can_manage_settings, can_moderate, has_trusted_standing, require
from portal.reputation.totals import refresh_inviter_of
from portal.search.index import reindex_author, reindex_idea
from portal.webhooks import events as webhooks

HOLD_FIRST_POSTS = "hold_first_posts"
BLOCK_SEARCH_ENGINES = "block_search_engines"
BAN_REASON_PREFIX = "Account banned"
REASON_MAX = 200


def _reason(raw: str) -> str:
    return clean_text(raw, "reason", min_len=3, max_len=REASON_MAX)


def _comment_visible_delta(comment: Comment, delta: int) -> None:
    # comment_count and the trending score count comments everyone can see: not deleted, hidden or held.
    db.session.execute(update(Idea).where(Idea.id == comment.idea_id).values(
        comment_count=Idea.comment_count + delta,
        trending_score=Idea.trending_score + delta * trending_weight(comment.created_at)))


def hide_idea(actor: User, idea: Idea, reason: str) -> None:
    """Hide an idea from everyone outside the team, with a reason; it can be restored."""
    require(can_moderate(actor))
    idea.hidden_reason = _reason(reason)
    idea.hidden_at = idea.hidden_at or utcnow()
    record(actor, "idea.hide", idea, idea.title, after={"reason": idea.hidden_reason})
    reindex_idea(idea.id)
    db.session.commit()


def restore_idea(actor: User, idea: Idea) -> None:
    require(can_moderate(actor))
    before = {"reason": idea.hidden_reason}
    idea.hidden_at, idea.hidden_reason = None, ""
    record(actor, "idea.restore", idea, idea.title, before=before)
    reindex_idea(idea.id)
    db.session.commit()


def _relock(comment: Comment) -> None:
    # Re-read the comment under a row lock: two moderators acting at once must not both move the counters.
    db.session.refresh(comment, with_for_update=True)


def hide_comment(actor: User, comment: Comment, reason: str) -> None:
    require(can_moderate(actor))
    reason = _reason(reason)
    _relock(comment)
    if comment.hidden_at is None and not comment.is_deleted and not comment.pending_approval:
        _comment_visible_delta(comment, -1)
    comment.hidden_reason, comment.hidden_at = reason, comment.hidden_at or utcnow()
    record(actor, "comment.hide", comment, comment.body[:120], after={"reason": reason})
    reindex_idea(comment.idea_id)
    db.session.commit()


def restore_comment(actor: User, comment: Comment) -> None:
    require(can_moderate(actor))
    _relock(comment)
    if comment.hidden_at is not None and not comment.is_deleted and not comment.pending_approval:
        _comment_visible_delta(comment, +1)
    before = {"reason": comment.hidden_reason}
    comment.hidden_at, comment.hidden_reason = None, ""
    record(actor, "comment.restore", comment, comment.body[:120], before=before)
    reindex_idea(comment.idea_id)
    db.session.commit()


def set_comments_locked(actor: User, idea: Idea, locked: bool) -> None:
    """Close (or reopen) an idea's discussion; the team can still answer."""
    require(can_moderate(actor))
    before = {"comments_locked": idea.comments_locked}
    idea.comments_locked = locked
    record(actor, "idea.lock" if locked else "idea.unlock", idea, idea.title, before=before,
           after={"comments_locked": locked})
    db.session.commit()


# --- approval of first posts ------------------------------------------------------------------------------

def _flag(key: str) -> bool:
    setting = db.session.get(Setting, key)
    return setting is not None and setting.value == "1"


def _set_flag(actor: User, key: str, name: str, enabled: bool) -> None:
    """Switch one site-wide on/off setting, audited in the same transaction."""
    require(can_manage_settings(actor))
    before = {name: _flag(key)}
    setting = db.session.get(Setting, key) or Setting(key=key)
    setting.value = "1" if enabled else "0"
    db.session.add(setting)
    record(actor, f"settings.{name}", setting, "on" if enabled else "off", before=before, after={name: enabled})
    db.session.commit()


def hold_first_posts() -> bool:
    return _flag(HOLD_FIRST_POSTS)


def set_hold_first_posts(actor: User, enabled: bool) -> None:
    _set_flag(actor, HOLD_FIRST_POSTS, "hold_first_posts", enabled)


def search_engines_blocked() -> bool:
    """Whether the portal asks search engines not to index it (for private pilots)."""
    # Asked by every page's <head> and response header: kept until the next write, not read on each request.
    return remember(f"setting:{BLOCK_SEARCH_ENGINES}", lambda: _flag(BLOCK_SEARCH_ENGINES))


def set_search_engines_blocked(actor: User, blocked: bool) -> None:
    _set_flag(actor, BLOCK_SEARCH_ENGINES, "search_engines_blocked", blocked)


def needs_approval(user: User) -> bool:
    """A customer's posts wait for approval until one of them has been approved, while the setting is on."""
    if user.role != Role.CUSTOMER.value or not hold_first_posts():
        return False
    approved_ideas = select(func.count()).select_from(Idea).where(
        Idea.author_id == user.id, Idea.pending_approval.is_(False))
    approved_comments = select(func.count()).select_from(Comment).where(
        Comment.author_id == user.id, Comment.pending_approval.is_(False))
    if db.session.scalar(approved_ideas) or db.session.scalar(approved_comments):
        return False
    return not has_trusted_standing(user)  # reputation earned by giving (votes, invitations) vouches too


def approve_idea(actor: User, idea: Idea) -> None:
    require(can_moderate(actor))
    if idea.pending_approval:
        idea.pending_approval = False
        record(actor, "idea.approve", idea, idea.title)
        events.idea_posted(idea.author, idea, mentioned=stored_mention_ids(idea.body, idea))
        release_held_requests(idea.author)
        refresh_inviter_of(idea.author_id)
        webhooks.idea_created(idea)
    reindex_idea(idea.id)
    db.session.commit()


def approve_comment(actor: User, comment: Comment) -> None:
    require(can_moderate(actor))
    _relock(comment)
    if comment.pending_approval:
        comment.pending_approval = False
        if comment.hidden_at is None and not comment.is_deleted:
            _comment_visible_delta(comment, +1)
            idea = db.session.get(Idea, comment.idea_id)
            events.comment_posted(comment.author, idea, comment, mentioned=stored_mention_ids(comment.body, idea))
            release_held_requests(comment.author)
            refresh_inviter_of(comment.author_id)
            webhooks.comment_created(idea, comment)
        record(actor, "comment.approve", comment, comment.body[:120])
    reindex_idea(comment.idea_id)
    db.session.commit()


# --- bans -------------------------------------------------------------------------------------------------

def ban_user(actor: User, user: User, reason: str, hide_content: bool = False) -> None:
    """Stop an account from signing in, posting, voting or commenting; optionally hide what it wrote."""
    require(can_ban(actor, user), "Admins can't ban themselves.")
    reason = _reason(reason)
    user.banned_at, user.ban_reason = utcnow(), reason
    user.end_sessions()  # signed out now, and still signed out should the ban be lifted
    hidden = 0
    if hide_content:
        marker = f"{BAN_REASON_PREFIX}: {reason}"[:REASON_MAX]
        now = utcnow()
        hidden += db.session.execute(update(Idea).where(Idea.author_id == user.id, Idea.hidden_at.is_(None))
                                     .values(hidden_at=now, hidden_reason=marker)).rowcount
        for comment in db.session.scalars(select(Comment).where(Comment.author_id == user.id,
                                                                Comment.hidden_at.is_(None))):
            if not comment.is_deleted and not comment.pending_approval:
                _comment_visible_delta(comment, -1)
            comment.hidden_at, comment.hidden_reason = now, marker
            hidden += 1
    record(actor, "user.ban", user, f"{user.email}: {reason}", after={"reason": reason, "hidden": hidden})
    reindex_author(user.id)
    db.session.commit()


def unban_user(actor: User, user: User) -> None:
    """Lift a ban and bring back what the ban hid (not what was hidden for other reasons)."""
    require(can_ban(actor, user))
    if user.banned_at is None:
        raise ValidationError({"user": "This account is not banned."})
    before = {"reason": user.ban_reason}
    user.banned_at, user.ban_reason = None, ""
    marker = f"{BAN_REASON_PREFIX}:%"
    db.session.execute(update(Idea).where(Idea.author_id == user.id, Idea.hidden_reason.like(marker))
                       .values(hidden_at=None, hidden_reason=""))
    for comment in db.session.scalars(select(Comment).where(Comment.author_id == user.id,
                                                            Comment.hidden_reason.like(marker))):
        if not comment.is_deleted and not comment.pending_approval:
            _comment_visible_delta(comment, +1)
        comment.hidden_at, comment.hidden_reason = None, ""
    record(actor, "user.unban", user, user.email, before=before)
    reindex_author(user.id)
    db.session.commit()
