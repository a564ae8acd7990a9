"""Every permission predicate against every role: the whole rule book as one table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from portal import permissions
from portal.accounts.models import Guest, User
from portal.errors import PermissionDenied
from portal.ideas.models import Comment, Idea
from portal.permissions import Role
from portal.prototypes.models import Prototype
from portal.screens.models import Pin, Screen
from portal.triage.models import Status

ROLES = ("guest", "customer", "developer", "designer", "admin")
ACTOR_ID, OTHER_ID = 1, 2


def _actor(role: str) -> Any:
    return Guest() if role == "guest" else User(id=ACTOR_ID, role=role, email=f"{role}@example.com",
                                                display_name=role.capitalize())


WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def _status(kind: str) -> Status:
    return Status(id=hash(kind) % 1000, name=kind, kind=kind)


def _idea(author_id: int, *, hidden: bool = False, pending: bool = False, kind: str = "open",
          locked: bool = False, assignee: int | None = None) -> Idea:
    return Idea(id=10, author_id=author_id, prototype_id=20, product_id=30, title="An idea",
                hidden_at=WHEN if hidden else None, pending_approval=pending, status=_status(kind),
                comments_locked=locked, assignee_id=assignee)


def _comment(author_id: int, deleted: bool = False, hidden: bool = False) -> Comment:
    return Comment(id=40, idea_id=10, author_id=author_id, body="" if deleted else "Hi",
                   deleted_at=WHEN if deleted else None, hidden_at=WHEN if hidden else None,
                   pending_approval=False)


def _banned(user: Any) -> Any:
    if isinstance(user, User):
        user.banned_at = WHEN
    return user


def _other() -> User:
    return User(id=OTHER_ID, role="customer", email="other@example.com", display_name="Other")


def _confirmed(user: Any) -> Any:
    if isinstance(user, User):
        user.email_verified_at = WHEN
    return user


# An app whose only setting is that addresses must be confirmed; the actors above have unconfirmed addresses.
_CONFIRMING = Flask("confirming")
_CONFIRMING.config["REQUIRE_EMAIL_VERIFICATION"] = True


def _confirming(check: Callable[[], bool]) -> bool:
    with _CONFIRMING.app_context():
        return check()


def _screen(team_only: bool = False) -> Screen:
    return Screen(id=40, prototype_id=20, image="x.png", width=10, height=10, team_only=team_only)


def _pin(author_id: int) -> Pin:
    return Pin(id=50, screen_id=40, idea_id=10, author_id=author_id, x=0.5, y=0.5)


def _prototype(open_for_feedback: bool) -> Prototype:
    return Prototype(id=20, product_id=30, name="Router", slug="router", open_for_feedback=open_for_feedback)


# Each case: the predicate, how to call it for an actor, and the answer for guest, customer, developer, designer,
# admin in that order. "own" means the actor wrote the idea or comment (a guest never wrote anything).
Y, N = True, False
MATRIX: dict[str, tuple[str, Callable[[Any], bool], tuple[bool, ...]]] = {
    "is team": (
        "is_team", lambda u: permissions.is_team(u), (N, N, Y, Y, Y)),
    "manage products": (
        "can_manage_products", lambda u: permissions.can_manage_products(u), (N, N, N, Y, Y)),
    "manage users": (
        "can_manage_users", lambda u: permissions.can_manage_users(u), (N, N, N, N, Y)),
    "manage API tokens": (
        "can_manage_api_tokens", lambda u: permissions.can_manage_api_tokens(u), (N, Y, Y, Y, Y)),
    "submit idea on open prototype": (
        "can_submit_idea", lambda u: permissions.can_submit_idea(u, _prototype(True)), (N, Y, Y, Y, Y)),
    "submit idea on closed prototype": (
        "can_submit_idea", lambda u: permissions.can_submit_idea(u, _prototype(False)), (N, N, N, N, N)),
    "edit own idea": (
        "can_edit_idea", lambda u: permissions.can_edit_idea(u, _idea(u.id)), (N, Y, Y, Y, Y)),
    "edit someone else's idea": (
        "can_edit_idea", lambda u: permissions.can_edit_idea(u, _idea(OTHER_ID)), (N, N, Y, Y, Y)),
    "delete own idea": (
        "can_delete_idea", lambda u: permissions.can_delete_idea(u, _idea(u.id)), (N, Y, Y, Y, Y)),
    "delete someone else's idea": (
        "can_delete_idea", lambda u: permissions.can_delete_idea(u, _idea(OTHER_ID)), (N, N, N, N, Y)),
    "vote on own idea": (
        "can_vote", lambda u: permissions.can_vote(u, _idea(u.id)), (N, Y, Y, Y, Y)),
    "vote on someone else's idea": (
        "can_vote", lambda u: permissions.can_vote(u, _idea(OTHER_ID)), (N, Y, Y, Y, Y)),
    "comment on own idea": (
        "can_comment", lambda u: permissions.can_comment(u, _idea(u.id)), (N, Y, Y, Y, Y)),
    "comment on someone else's idea": (
        "can_comment", lambda u: permissions.can_comment(u, _idea(OTHER_ID)), (N, Y, Y, Y, Y)),
    "edit own comment": (
        "can_edit_comment", lambda u: permissions.can_edit_comment(u, _comment(u.id)), (N, Y, Y, Y, Y)),
    "edit someone else's comment": (
        "can_edit_comment", lambda u: permissions.can_edit_comment(u, _comment(OTHER_ID)), (N, N, N, N, N)),
    "edit own deleted comment": (
        "can_edit_comment", lambda u: permissions.can_edit_comment(u, _comment(u.id, deleted=True)),
        (N, N, N, N, N)),
    "delete own comment": (
        "can_delete_comment", lambda u: permissions.can_delete_comment(u, _comment(u.id)), (N, Y, Y, Y, Y)),
    "delete someone else's comment": (
        "can_delete_comment", lambda u: permissions.can_delete_comment(u, _comment(OTHER_ID)), (N, N, N, N, Y)),
    "delete own deleted comment": (
        "can_delete_comment", lambda u: permissions.can_delete_comment(u, _comment(u.id, deleted=True)),
        (N, N, N, N, N)),
    "delete someone else's deleted comment": (
        "can_delete_comment", lambda u: permissions.can_delete_comment(u, _comment(OTHER_ID, deleted=True)),
        (N, N, N, N, N)),
    "view a hidden idea": (
        "can_view_idea", lambda u: permissions.can_view_idea(u, _idea(OTHER_ID, hidden=True)), (N, N, Y, Y, Y)),
    "view own idea awaiting approval": (
        "can_view_idea", lambda u: permissions.can_view_idea(u, _idea(u.id, pending=True)), (N, Y, Y, Y, Y)),
    "view someone else's idea awaiting approval": (
        "can_view_idea", lambda u: permissions.can_view_idea(u, _idea(OTHER_ID, pending=True)), (N, N, Y, Y, Y)),
    "vote on a shipped idea": (
        "can_vote", lambda u: permissions.can_vote(u, _idea(OTHER_ID, kind="done")), (N, N, N, N, N)),
    "voting frozen on a declined idea": (
        "voting_frozen", lambda u: permissions.voting_frozen(_idea(OTHER_ID, kind="closed")), (Y, Y, Y, Y, Y)),
    "comment when comments are locked": (
        "can_comment", lambda u: permissions.can_comment(u, _idea(OTHER_ID, locked=True)), (N, N, Y, Y, Y)),
    "view a hidden comment": (
        "can_view_comment", lambda u: permissions.can_view_comment(u, _comment(OTHER_ID, hidden=True)),
        (N, N, Y, Y, Y)),
    "view triage": ("can_view_triage", lambda u: permissions.can_view_triage(u), (N, N, Y, Y, Y)),
    "set status of an unassigned idea": (
        "can_set_status", lambda u: permissions.can_set_status(u, _idea(OTHER_ID, kind="planned"),
                                                               _status("active")), (N, N, N, Y, Y)),
    "set status of an idea assigned to me, planned to active": (
        "can_set_status", lambda u: permissions.can_set_status(
            u, _idea(OTHER_ID, kind="planned", assignee=u.id), _status("active")), (N, N, Y, Y, Y)),
    "set status of an idea assigned to me, open to planned": (
        "can_set_status", lambda u: permissions.can_set_status(
            u, _idea(OTHER_ID, kind="open", assignee=u.id), _status("planned")), (N, N, N, Y, Y)),
    "manage statuses": ("can_manage_statuses", lambda u: permissions.can_manage_statuses(u), (N, N, N, N, Y)),
    "manage tags": ("can_manage_tags", lambda u: permissions.can_manage_tags(u), (N, N, N, Y, Y)),
    "tag ideas": ("can_tag_ideas", lambda u: permissions.can_tag_ideas(u), (N, N, N, Y, Y)),
    "assign ideas": ("can_assign", lambda u: permissions.can_assign(u), (N, N, N, Y, Y)),
    "be assigned": ("can_be_assigned", lambda u: permissions.can_be_assigned(u), (N, N, Y, Y, Y)),
    "merge duplicates": ("can_merge", lambda u: permissions.can_merge(u), (N, N, N, Y, Y)),
    "see internal things": ("can_see_internal", lambda u: permissions.can_see_internal(u), (N, N, Y, Y, Y)),
    "write internal notes": (
        "can_write_internal_note", lambda u: permissions.can_write_internal_note(u), (N, N, Y, Y, Y)),
    "vote on behalf": ("can_vote_on_behalf", lambda u: permissions.can_vote_on_behalf(u), (N, N, Y, Y, Y)),
    "moderate": ("can_moderate", lambda u: permissions.can_moderate(u), (N, N, Y, Y, Y)),
    "ban someone else": ("can_ban", lambda u: permissions.can_ban(u, User(id=OTHER_ID)), (N, N, N, N, Y)),
    "ban oneself": ("can_ban", lambda u: permissions.can_ban(u, u), (N, N, N, N, N)),
    "manage settings": ("can_manage_settings", lambda u: permissions.can_manage_settings(u), (N, N, N, N, Y)),
    "view the audit log": ("can_view_audit", lambda u: permissions.can_view_audit(u), (N, N, N, N, Y)),
    "manage screens and versions": (
        "can_manage_screens", lambda u: permissions.can_manage_screens(u), (N, N, N, Y, Y)),
    "view a published screen": (
        "can_view_screen", lambda u: permissions.can_view_screen(u, _screen()), (Y, Y, Y, Y, Y)),
    "view a draft screen": (
        "can_view_screen", lambda u: permissions.can_view_screen(u, _screen(team_only=True)), (N, N, Y, Y, Y)),
    "pin on a published screen": ("can_pin_on", lambda u: permissions.can_pin_on(u, _screen()), (N, Y, Y, Y, Y)),
    "pin on a draft screen": (
        "can_pin_on", lambda u: permissions.can_pin_on(u, _screen(team_only=True)), (N, N, Y, Y, Y)),
    "pin own idea": ("can_pin_idea", lambda u: permissions.can_pin_idea(u, _idea(u.id)), (N, Y, Y, Y, Y)),
    "pin someone else's idea": (
        "can_pin_idea", lambda u: permissions.can_pin_idea(u, _idea(OTHER_ID)), (N, N, Y, Y, Y)),
    "move own pin": ("can_move_pin", lambda u: permissions.can_move_pin(u, _pin(u.id)), (N, Y, Y, Y, Y)),
    "move someone else's pin": (
        "can_move_pin", lambda u: permissions.can_move_pin(u, _pin(OTHER_ID)), (N, N, N, Y, Y)),
    "remove someone else's pin": (
        "can_remove_pin", lambda u: permissions.can_remove_pin(u, _pin(OTHER_ID)), (N, N, N, Y, Y)),
    "resolve a pin as addressed in a version": (
        "can_resolve_pin", lambda u: permissions.can_resolve_pin(u), (N, N, N, Y, Y)),
    "manage webhooks": ("can_manage_webhooks", lambda u: permissions.can_manage_webhooks(u), (N, N, N, N, Y)),
    "banned admin manages webhooks": (
        "can_manage_webhooks", lambda u: permissions.can_manage_webhooks(_banned(u)), (N, N, N, N, N)),
    "export ideas as CSV": ("can_export_ideas", lambda u: permissions.can_export_ideas(u), (N, N, Y, Y, Y)),
    "see authors' emails in the CSV": (
        "can_see_author_emails", lambda u: permissions.can_see_author_emails(u), (N, N, N, N, Y)),
    "import ideas": ("can_import_ideas", lambda u: permissions.can_import_ideas(u), (N, N, N, N, Y)),
    "export one's own data": ("can_export_own_data", lambda u: permissions.can_export_own_data(u), (N, Y, Y, Y, Y)),
    "export one's own data when banned (a banned account can't sign in)": (
        "can_export_own_data", lambda u: permissions.can_export_own_data(_banned(u)), (N, N, N, N, N)),
    "follow a visible idea": (
        "can_follow", lambda u: permissions.can_follow(u, _idea(OTHER_ID)), (N, Y, Y, Y, Y)),
    "follow a hidden idea": (
        "can_follow", lambda u: permissions.can_follow(u, _idea(OTHER_ID, hidden=True)), (N, N, Y, Y, Y)),
    "see a contact detail shown to everyone": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _other(), "everyone"), (Y, Y, Y, Y, Y)),
    "see a contact detail shown to members": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _other(), "members"), (N, Y, Y, Y, Y)),
    "see a contact detail shown to connections, not connected": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _other(), "connections", connected=False),
        (N, N, N, N, N)),
    "see a contact detail shown to connections, connected": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _other(), "connections", connected=True),
        (N, Y, Y, Y, Y)),
    "see someone else's contact detail kept to themselves": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _other(), "me", connected=True), (N, N, N, N, N)),
    "see one's own contact detail kept to oneself": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, u, "me"), (N, Y, Y, Y, Y)),
    "see a banned person's public contact detail": (
        "can_see_contact", lambda u: permissions.can_see_contact(u, _banned(_other()), "everyone"), (N, N, N, N, N)),
    "ask someone to connect": ("can_connect", lambda u: permissions.can_connect(u, _other()), (N, Y, Y, Y, Y)),
    "ask oneself to connect": ("can_connect", lambda u: permissions.can_connect(u, u), (N, N, N, N, N)),
    "ask a banned person to connect": (
        "can_connect", lambda u: permissions.can_connect(u, _banned(_other())), (N, N, N, N, N)),
    "ask the hosts for an introduction": (
        "can_ask_introduction", lambda u: permissions.can_ask_introduction(u, _other()), (N, Y, Y, Y, Y)),
    "ask for an introduction to oneself": (
        "can_ask_introduction", lambda u: permissions.can_ask_introduction(u, u), (N, N, N, N, N)),
    "ask for an introduction to a banned person": (
        "can_ask_introduction", lambda u: permissions.can_ask_introduction(u, _banned(_other())), (N, N, N, N, N)),
    "introduce two people": ("can_introduce", lambda u: permissions.can_introduce(u), (N, N, Y, Y, Y)),
    "invite people by email": ("can_invite", lambda u: permissions.can_invite(u), (N, Y, Y, Y, Y)),
    "invite people before confirming one's address": (
        "can_invite", lambda u: _confirming(lambda: permissions.can_invite(u)), (N, N, N, N, N)),
    "invite people when banned": ("can_invite", lambda u: permissions.can_invite(_banned(u)), (N, N, N, N, N)),
    "mark a comment on one's own idea helpful": (
        "can_mark_helpful", lambda u: permissions.can_mark_helpful(u, _idea(ACTOR_ID), _comment(OTHER_ID)),
        (N, Y, Y, Y, Y)),
    "mark a comment on someone else's idea helpful": (
        "can_mark_helpful", lambda u: permissions.can_mark_helpful(u, _idea(OTHER_ID), _comment(3)), (N, N, Y, Y, Y)),
    "mark one's own comment helpful": (
        "can_mark_helpful", lambda u: permissions.can_mark_helpful(u, _idea(OTHER_ID), _comment(ACTOR_ID)),
        (N, N, N, N, N)),
    "mark a hidden comment helpful": (
        "can_mark_helpful", lambda u: permissions.can_mark_helpful(u, _idea(ACTOR_ID), _comment(OTHER_ID, hidden=True)),
        (N, N, N, N, N)),
    "leave or rejoin the people directory": (
        "can_change_directory_listing", lambda u: permissions.can_change_directory_listing(u), (N, Y, Y, Y, Y)),
    "watch products for new ideas": (
        "can_watch_products", lambda u: permissions.can_watch_products(u), (N, N, Y, Y, Y)),
    "receive email": ("can_receive_email", lambda u: permissions.can_receive_email(u), (N, Y, Y, Y, Y)),
    "receive email when banned": (
        "can_receive_email", lambda u: permissions.can_receive_email(_banned(u)), (N, N, N, N, N)),
    "view the email outbox": (
        "can_view_email_outbox", lambda u: permissions.can_view_email_outbox(u), (N, N, N, N, Y)),
    "banned admin manages users": (
        "can_manage_users", lambda u: permissions.can_manage_users(_banned(u)), (N, N, N, N, N)),
    "banned person votes": (
        "can_vote", lambda u: permissions.can_vote(_banned(u), _idea(OTHER_ID)), (N, N, N, N, N)),
    # Where addresses must be confirmed, an unconfirmed account reads but does not post, vote or comment.
    "submit idea, address unconfirmed, confirming required": (
        "can_submit_idea", lambda u: _confirming(lambda: permissions.can_submit_idea(u, _prototype(True))),
        (N, N, N, N, N)),
    "submit idea, address confirmed, confirming required": (
        "can_submit_idea", lambda u: _confirming(lambda: permissions.can_submit_idea(_confirmed(u), _prototype(True))),
        (N, Y, Y, Y, Y)),
    "vote, address unconfirmed, confirming required": (
        "can_vote", lambda u: _confirming(lambda: permissions.can_vote(u, _idea(OTHER_ID))), (N, N, N, N, N)),
    "vote, address confirmed, confirming required": (
        "can_vote", lambda u: _confirming(lambda: permissions.can_vote(_confirmed(u), _idea(OTHER_ID))),
        (N, Y, Y, Y, Y)),
    "comment, address unconfirmed, confirming required": (
        "can_comment", lambda u: _confirming(lambda: permissions.can_comment(u, _idea(OTHER_ID))), (N, N, N, N, N)),
    "comment, address confirmed, confirming required": (
        "can_comment", lambda u: _confirming(lambda: permissions.can_comment(_confirmed(u), _idea(OTHER_ID))),
        (N, Y, Y, Y, Y)),
    "receive email, address unconfirmed, confirming required": (
        "can_receive_email", lambda u: _confirming(lambda: permissions.can_receive_email(u)), (N, N, N, N, N)),
    "receive email, address confirmed, confirming required": (
        "can_receive_email", lambda u: _confirming(lambda: permissions.can_receive_email(_confirmed(u))),
        (N, Y, Y, Y, Y)),
    "receive account email, address unconfirmed, confirming required": (
        "can_receive_account_email", lambda u: _confirming(lambda: permissions.can_receive_account_email(u)),
        (N, Y, Y, Y, Y)),
    "receive account email when banned": (
        "can_receive_account_email", lambda u: permissions.can_receive_account_email(_banned(u)), (N, N, N, N, N)),
    "asked to confirm the address, unconfirmed, confirming required": (
        "needs_email_verification", lambda u: _confirming(lambda: permissions.needs_email_verification(u)),
        (N, Y, Y, Y, Y)),
    "asked to confirm the address, confirmed, confirming required": (
        "needs_email_verification",
        lambda u: _confirming(lambda: permissions.needs_email_verification(_confirmed(u))), (N, N, N, N, N)),
    "asked to confirm the address, unconfirmed, confirming not required": (
        "needs_email_verification", lambda u: permissions.needs_email_verification(u), (N, N, N, N, N)),
}

CASES = [
    pytest.param(case, role, expected, id=f"{role} | {case}")
    for case, (_, _, answers) in MATRIX.items()
    for role, expected in zip(ROLES, answers, strict=True)
]


@pytest.mark.parametrize(("case", "role", "expected"), CASES)
def test_each_role_may_do_exactly_what_the_rules_allow(case, role, expected):
    _, check, _ = MATRIX[case]

    assert check(_actor(role)) is expected


def test_every_predicate_in_permissions_is_covered_by_the_matrix():
    covered = {name for name, _, _ in MATRIX.values()}

    assert covered == set(permissions.JINJA_PREDICATES), "add the new predicate to MATRIX"


def test_the_matrix_covers_every_role():
    assert set(ROLES) - {"guest"} == {role.value for role in Role}


def test_only_customers_are_outside_the_team():
    assert [role for role in Role if not role.is_team] == [Role.CUSTOMER]


def test_require_passes_when_allowed_and_raises_with_the_message_when_not():
    permissions.require(True)

    with pytest.raises(PermissionDenied, match="closed for feedback"):
        permissions.require(False, "This prototype is closed for feedback.")
