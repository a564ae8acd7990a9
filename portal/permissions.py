"""Roles and every permission rule of the portal, as predicates; services enforce them, templates ask them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context

from portal.errors import PermissionDenied

if TYPE_CHECKING:
    from portal.ideas.models import Comment, Idea
    from portal.prototypes.models import Prototype
    from portal.triage.models import Status


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    DEVELOPER = "developer"
    DESIGNER = "designer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_team(self) -> bool:
        return self is not Role.CUSTOMER


class Visibility(enum.StrEnum):
    """Who may see one contact detail on a profile; ME is the default, so nothing shows until chosen."""

    ME = "me"
    CONNECTIONS = "connections"
    MEMBERS = "members"
    EVERYONE = "everyone"

    @property
    def label(self) -> str:
        return {"me": "Only me", "connections": "My connections", "members": "Signed-in members",
                "everyone": "Everyone"}[self.value]


# Status kinds a developer may move the ideas assigned to them between.
DELIVERY_KINDS = frozenset({"planned", "active", "done"})


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _role(user: Any) -> Role | None:
    return Role(user.role) if _signed_in(user) else None


def _active(user: Any) -> bool:
    return _signed_in(user) and not getattr(user, "is_banned", False)


def email_verification_required() -> bool:
    """Whether new addresses must be confirmed before posting (the REQUIRE_EMAIL_VERIFICATION setting)."""
    return has_app_context() and bool(current_app.config.get("REQUIRE_EMAIL_VERIFICATION"))


def _verified(user: Any) -> bool:
    """The account's address is confirmed, or the site does not ask for that."""
    return getattr(user, "email_verified_at", None) is not None or not email_verification_required()


def needs_email_verification(user: Any) -> bool:
    """Signed in, but may only read until the emailed link is opened: the banner with "send it again" shows."""
    return _active(user) and not _verified(user)


def _designer_or_admin(user: Any) -> bool:
    return _active(user) and _role(user) in (Role.DESIGNER, Role.ADMIN)


def _admin(user: Any) -> bool:
    return _active(user) and _role(user) is Role.ADMIN


def is_team(user: Any) -> bool:
    role = _role(user)
    return _active(user) and role is not None and role.is_team


def can_manage_products(user: Any) -> bool:
    return _designer_or_admin(user)


def can_manage_api_tokens(user: Any) -> bool:
    """Make and use personal API tokens: any active account (a ban stops its tokens too)."""
    return _active(user) and not getattr(user, "is_contact", False)


def can_manage_users(user: Any) -> bool:
    return _admin(user)


# --- ideas, votes, comments -------------------------------------------------------------------------------

def can_view_idea(user: Any, idea: Idea) -> bool:
    if is_team(user):
        return True
    if idea.hidden_at is not None:
        return False
    return not idea.pending_approval or (_signed_in(user) and idea.author_id == user.id)


def can_submit_idea(user: Any, prototype: Prototype) -> bool:
    return _active(user) and _verified(user) and prototype.open_for_feedback


def can_edit_idea(user: Any, idea: Idea) -> bool:
    return _active(user) and (idea.author_id == user.id or is_team(user))


def can_delete_idea(user: Any, idea: Idea) -> bool:
    return _active(user) and (idea.author_id == user.id or _role(user) is Role.ADMIN)


def voting_frozen(idea: Idea) -> bool:
    """Done and closed statuses, merged duplicates and hidden ideas take no more votes."""
    return (idea.status is not None and idea.status.kind_enum.freezes_voting) or idea.merged_into_id is not None \
        or idea.hidden_at is not None


def list_audience(user: Any) -> str:
    """Who a viewer is for idea lists: viewers with one answer see the same ideas with the same controls.

    Everything `can_view_idea`, `can_vote` and `can_see_internal` decide for a list depends only on this, except
    that a member also sees their own ideas held for approval (the caller keys those separately).
    """
    if not _signed_in(user):
        return "public"
    if not _active(user):
        return "banned"
    return ("team" if is_team(user) else "member") + ("" if _verified(user) else "-unverified")


def can_vote(user: Any, idea: Idea) -> bool:
    return _active(user) and _verified(user) and can_view_idea(user, idea) and not voting_frozen(idea)


def can_comment(user: Any, idea: Idea) -> bool:
    if not _active(user) or not _verified(user) or not can_view_idea(user, idea) or idea.merged_into_id is not None:
        return False
    return not idea.comments_locked or is_team(user)


def can_view_comment(user: Any, comment: Comment) -> bool:
    if is_team(user):
        return True
    if comment.hidden_at is not None:
        return False
    return not comment.pending_approval or (_signed_in(user) and comment.author_id == user.id)


def can_edit_comment(user: Any, comment: Comment) -> bool:
    return _active(user) and not comment.is_deleted and comment.author_id == user.id


def can_delete_comment(user: Any, comment: Comment) -> bool:
    if not _active(user) or comment.is_deleted:
        return False
    return comment.author_id == user.id or _role(user) is Role.ADMIN


# --- triage -----------------------------------------------------------------------------------------------

def can_view_triage(user: Any) -> bool:
    return is_team(user)


def can_set_status(user: Any, idea: Idea, status: Status) -> bool:
    """Designers and admins move any idea; developers move ideas assigned to them between delivery kinds."""
    if _designer_or_admin(user):
        return True
    if not is_team(user) or idea.assignee_id != user.id:
        return False
    return idea.status.kind in DELIVERY_KINDS and status.kind in DELIVERY_KINDS


def can_manage_statuses(user: Any) -> bool:
    return _admin(user)


def can_manage_tags(user: Any) -> bool:
    return _designer_or_admin(user)


def can_tag_ideas(user: Any) -> bool:
    return _designer_or_admin(user)


def can_assign(user: Any) -> bool:
    return _designer_or_admin(user)


def can_be_assigned(user: Any) -> bool:
    return is_team(user)


def can_merge(user: Any) -> bool:
    return _designer_or_admin(user)


def can_see_internal(user: Any) -> bool:
    """Internal notes, internal tags, assignees and on-behalf vote sources."""
    return is_team(user)


def can_write_internal_note(user: Any) -> bool:
    return is_team(user)


def can_vote_on_behalf(user: Any) -> bool:
    return is_team(user)


# --- notifications ----------------------------------------------------------------------------------------

def can_follow(user: Any, idea: Idea) -> bool:
    return _active(user) and can_view_idea(user, idea)


def can_watch_products(user: Any) -> bool:
    """Hear about every new idea on a product."""
    return is_team(user)


def can_receive_email(user: Any) -> bool:
    """Notifications and digests: never to an address its owner has not confirmed (where confirming is asked)."""
    return can_receive_account_email(user) and _verified(user)


def can_receive_account_email(user: Any) -> bool:
    """Mail about the account itself (confirm the address, reset the password) reaches unconfirmed addresses."""
    return bool(getattr(user, "email", "")) and not getattr(user, "is_banned", False)


def can_view_email_outbox(user: Any) -> bool:
    """See the mail queue, its errors, and send a test email."""
    return _admin(user)


# --- the contributor network ------------------------------------------------------------------------------

def can_see_contact(viewer: Any, owner: Any, visibility: str, *, connected: bool | None = None) -> bool:
    """Whether the viewer may see one of the owner's contact details, at the visibility its owner chose.

    `connected` spares a query when the caller already knows whether the two are connected."""
    if _signed_in(viewer) and viewer.id == owner.id:
        return True
    level = Visibility(visibility) if visibility in set(Visibility) else Visibility.ME
    if level is Visibility.ME or getattr(owner, "is_banned", False):
        return False
    if level is Visibility.EVERYONE:
        return True
    if not _active(viewer):
        return False
    if level is Visibility.MEMBERS:
        return True
    if connected is None:
        from portal.network.queries import are_connected  # the network's models import this module

        connected = are_connected(viewer.id, owner.id)
    return connected


def can_connect(user: Any, other: Any) -> bool:
    """Ask someone to connect (blocks and caps are the service's business: they need the database)."""
    return (_active(user) and _verified(user) and other is not None and other.id != user.id
            and not getattr(other, "is_banned", False) and not getattr(other, "is_contact", False))


def can_ask_introduction(user: Any, other: Any) -> bool:
    """Ask the team's hosts to introduce one to someone (blocks, caps and repeats are the service's business)."""
    return can_connect(user, other)


def can_introduce(user: Any) -> bool:
    """Team members act as hosts and introduce two people to each other."""
    return is_team(user) and _verified(user)


# --- screens, pins and versions ---------------------------------------------------------------------------

def can_manage_screens(user: Any) -> bool:
    """Add, caption, reorder, replace and remove a prototype's screens; make new versions of a prototype."""
    return _designer_or_admin(user)


def can_view_screen(user: Any, screen: Any) -> bool:
    """Draft (team-only) screens are seen by the team alone."""
    return not screen.team_only or is_team(user)


def can_pin_on(user: Any, screen: Any) -> bool:
    """Place a pin on a screen: signed in, confirmed, and the screen visible."""
    return _active(user) and _verified(user) and can_view_screen(user, screen)


def can_pin_idea(user: Any, idea: Idea) -> bool:
    """Pin an existing idea somewhere: its author or the team, and only an idea they can see."""
    return _active(user) and _verified(user) and can_view_idea(user, idea) and (
        idea.author_id == user.id or is_team(user))


def can_move_pin(user: Any, pin: Any) -> bool:
    """Re-anchor a pin or mark it as not applying to this version: its author, or designers and admins."""
    return _active(user) and (pin.author_id == user.id or _designer_or_admin(user))


def can_remove_pin(user: Any, pin: Any) -> bool:
    return _active(user) and (pin.author_id == user.id or _designer_or_admin(user))


def can_resolve_pin(user: Any) -> bool:
    """Triage: mark a pin as addressed in a version of the prototype."""
    return _designer_or_admin(user)


# --- invitations, reputation and the directory ----------------------------------------------------------

def can_invite(user: Any) -> bool:
    """Any member with a confirmed address invites people by email (the daily cap is the service's business)."""
    return _active(user) and _verified(user) and not getattr(user, "is_contact", False)


def can_mark_helpful(user: Any, idea: Idea, comment: Comment) -> bool:
    """The idea's author or the team marks someone else's visible comment on it helpful."""
    if not _active(user) or comment.author_id == user.id or comment.idea_id != idea.id:
        return False
    if comment.is_deleted or comment.hidden_at is not None or comment.pending_approval:
        return False
    return idea.author_id == user.id or is_team(user)


def can_change_directory_listing(user: Any) -> bool:
    """Anyone signed in decides whether they appear in the people directory (banned people included)."""
    return _signed_in(user)


def has_trusted_standing(user: Any) -> bool:
    """The team, and members whose reputation reached TRUSTED_REPUTATION: no new-account holds or link limits."""
    if is_team(user):
        return True
    if not _active(user) or not has_app_context():
        return False
    from portal.reputation.queries import points, trusted_threshold  # those import the models, which import this

    return points(user.id) >= trusted_threshold()


# --- moderation and admin ---------------------------------------------------------------------------------

def can_moderate(user: Any) -> bool:
    """Hide and restore ideas and comments, lock comments, approve held posts."""
    return is_team(user)


def can_ban(user: Any, target: Any = None) -> bool:
    return _admin(user) and (target is None or target.id != user.id)


def can_manage_settings(user: Any) -> bool:
    return _admin(user)


def can_view_audit(user: Any) -> bool:
    return _admin(user)


# --- webhooks, export and import (issue 9) ----------------------------------------------------------------

def can_manage_webhooks(user: Any) -> bool:
    """Register, edit and delete webhook endpoints, read their delivery logs, redeliver, send pings."""
    return _admin(user)


def can_export_ideas(user: Any) -> bool:
    """Download the triage inbox's ideas as CSV, filtered as on the page."""
    return is_team(user) and can_view_triage(user)


def can_see_author_emails(user: Any) -> bool:
    """Authors' addresses in the ideas CSV: admins only, as on the people page."""
    return can_manage_users(user)


def can_import_ideas(user: Any) -> bool:
    return _admin(user)


def can_export_own_data(user: Any) -> bool:
    """Everyone signed in may download what the portal holds about them, banned or not."""
    return _signed_in(user)


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless the predicate allowed the action."""
    if not allowed:
        raise PermissionDenied(message)


JINJA_PREDICATES = {
    name: obj for name, obj in dict(globals()).items()
    if name.startswith("can_") or name in ("is_team", "voting_frozen", "needs_email_verification")
}
