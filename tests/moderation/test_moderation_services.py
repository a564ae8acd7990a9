"""Moderation: hiding and restoring, locks, bans, and holding new accounts' first posts for approval."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.models import Guest, User
from portal.audit.models import AuditEntry
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Comment, Idea
from portal.ideas.queries import comments_by, idea_list, timeline
from portal.moderation import services as moderation
from portal.permissions import can_view_comment
from portal.triage.services import merge_ideas
from tests.factories import PASSWORD, make_comment, make_idea, make_prototype, make_user

VIEWERS = ["guest", "customer", "developer", "designer", "admin"]


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _viewer(role: str):
    return Guest() if role == "guest" else make_user(role)


def _visible_comment_rows(idea_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.idea_id == idea_id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
        Comment.pending_approval.is_(False)))


def _assert_comment_count(*idea_ids: int) -> None:
    db.session.expire_all()
    for idea_id in idea_ids:
        assert db.session.get(Idea, idea_id).comment_count == _visible_comment_rows(idea_id), idea_id


def _listed(viewer, **filters) -> list[int]:
    return [i.id for i in db.session.scalars(idea_list(viewer=viewer, sort="new", **filters)).unique().all()]


def _timeline_comments(idea_id: int, viewer) -> list[int]:
    ids = []
    for entry in timeline(_fresh(Idea, idea_id), viewer):
        if entry.comment is not None:
            ids += [entry.comment.id, *[r.id for r in entry.replies]]
    return ids


def _audit(action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def _hidden(model, ids) -> set[int]:
    db.session.expire_all()
    return {i for i in ids if db.session.get(model, i).hidden_at is not None}


# hiding ideas -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", VIEWERS)
def test_a_hidden_idea_disappears_for_everyone_outside_the_team(ctx, role):
    designer = make_user("designer")
    author = make_user()
    prototype = make_prototype()
    spam, kept = make_idea(author=author, prototype=prototype), make_idea(prototype=prototype)
    viewer = _viewer(role)

    moderation.hide_idea(designer, spam, "Spam links")

    expected = [kept.id, spam.id] if role in ("developer", "designer", "admin") else [kept.id]
    assert _listed(viewer, prototype_id=prototype.id) == expected
    assert _listed(viewer, product_id=prototype.product_id) == expected


def test_a_hidden_idea_disappears_for_its_own_author_too(ctx):
    author = make_user()
    spam = make_idea(author=author)

    moderation.hide_idea(make_user("designer"), spam, "Spam links")

    assert _listed(author, author_id=author.id) == []
    assert _fresh(Idea, spam.id).hidden_reason == "Spam links"


def test_a_hidden_idea_takes_no_votes_or_comments(ctx):
    customer = make_user()
    spam = make_idea()
    moderation.hide_idea(make_user("designer"), spam, "Spam links")
    spam = _fresh(Idea, spam.id)

    with pytest.raises(PermissionDenied):
        ideas.cast_vote(customer, spam)
    with pytest.raises(PermissionDenied):
        ideas.add_comment(customer, spam, "First!")


def test_restoring_a_hidden_idea_brings_it_back(ctx):
    designer = make_user("designer")
    customer = make_user()
    idea = make_idea()
    moderation.hide_idea(designer, idea, "Looks like spam")

    moderation.restore_idea(designer, _fresh(Idea, idea.id))

    saved = _fresh(Idea, idea.id)
    assert (saved.hidden_at, saved.hidden_reason) == (None, "")
    assert _listed(customer) == [idea.id]
    assert [(e.action, e.before, e.after) for e in _audit()] == [
        ("idea.hide", None, {"reason": "Looks like spam"}),
        ("idea.restore", {"reason": "Looks like spam"}, None),
    ]


@pytest.mark.parametrize("reason", ["", "  ", "ab", "x" * 201])
def test_hiding_needs_a_reason(ctx, reason):
    idea = make_idea()
    comment = make_comment(make_user(), idea)

    with pytest.raises(ValidationError):
        moderation.hide_idea(make_user("designer"), idea, reason)
    with pytest.raises(ValidationError):
        moderation.hide_comment(make_user("designer"), comment, reason)

    db.session.rollback()
    assert _fresh(Idea, idea.id).hidden_at is None
    assert _fresh(Comment, comment.id).hidden_at is None
    _assert_comment_count(idea.id)
    assert _audit() == []


def test_customers_cannot_hide_restore_lock_or_approve(ctx):
    customer = make_user()
    idea = make_idea(author=customer)
    comment = make_comment(customer, idea)

    for call in (lambda: moderation.hide_idea(customer, idea, "Changed my mind"),
                 lambda: moderation.restore_idea(customer, idea),
                 lambda: moderation.hide_comment(customer, comment, "Changed my mind"),
                 lambda: moderation.restore_comment(customer, comment),
                 lambda: moderation.set_comments_locked(customer, idea, True),
                 lambda: moderation.approve_idea(customer, idea),
                 lambda: moderation.approve_comment(customer, comment)):
        with pytest.raises(PermissionDenied):
            call()

    db.session.rollback()
    saved = _fresh(Idea, idea.id)
    assert (saved.hidden_at, saved.comments_locked) == (None, False)
    assert _fresh(Comment, comment.id).hidden_at is None
    assert _audit() == []


@pytest.mark.parametrize("role", ["developer", "designer", "admin"])
def test_every_team_member_moderates(ctx, role):
    member = make_user(role)
    idea = make_idea()
    comment = make_comment(make_user(), idea)

    moderation.hide_comment(member, comment, "Off topic")
    moderation.hide_idea(member, idea, "Spam links")
    moderation.set_comments_locked(member, _fresh(Idea, idea.id), True)

    saved = _fresh(Idea, idea.id)
    assert saved.hidden_at is not None and saved.comments_locked
    assert [e.action for e in _audit()] == ["comment.hide", "idea.hide", "idea.lock"]


def test_locking_and_unlocking_comments_is_audited(ctx):
    designer = make_user("designer")
    idea = make_idea()

    moderation.set_comments_locked(designer, idea, True)
    moderation.set_comments_locked(designer, _fresh(Idea, idea.id), False)

    assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in _audit()] == [
        ("idea.lock", designer.id, "idea", idea.id), ("idea.unlock", designer.id, "idea", idea.id)]


# hiding comments, and the comment count ---------------------------------------------------------------------------


def test_the_comment_count_follows_hiding_restoring_and_deleting(ctx):
    designer = make_user("designer")
    customer, other = make_user(), make_user()
    idea = make_idea()
    thread = make_comment(customer, idea, "Opener")
    reply = make_comment(other, idea, "A reply", parent=thread)
    lone = make_comment(other, idea, "Another one")
    _assert_comment_count(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 3

    steps = [
        lambda: moderation.hide_comment(designer, _fresh(Comment, thread.id), "Rude"),
        lambda: moderation.hide_comment(designer, _fresh(Comment, thread.id), "Rude, really"),  # twice
        lambda: moderation.restore_comment(designer, _fresh(Comment, thread.id)),
        lambda: moderation.restore_comment(designer, _fresh(Comment, thread.id)),  # twice
        lambda: moderation.hide_comment(designer, _fresh(Comment, reply.id), "Spam"),
        lambda: ideas.delete_comment(other, _fresh(Comment, reply.id)),  # deleting a hidden comment
        lambda: moderation.hide_comment(designer, _fresh(Comment, lone.id), "Spam"),
        lambda: moderation.restore_comment(designer, _fresh(Comment, lone.id)),
        lambda: ideas.delete_comment(customer, _fresh(Comment, thread.id)),
        lambda: make_comment(customer, _fresh(Idea, idea.id), "Back again"),
    ]
    for step in steps:
        step()
        _assert_comment_count(idea.id)

    assert _fresh(Idea, idea.id).comment_count == 2


def test_hiding_then_deleting_a_thread_opener_keeps_the_count_right(ctx):
    designer = make_user("designer")
    customer, other = make_user(), make_user()
    idea = make_idea()
    opener = make_comment(customer, idea, "Opener")
    make_comment(other, idea, "A reply", parent=opener)

    moderation.hide_comment(designer, _fresh(Comment, opener.id), "Rude")
    _assert_comment_count(idea.id)
    ideas.delete_comment(customer, _fresh(Comment, opener.id))  # leaves a placeholder: it has a reply
    _assert_comment_count(idea.id)
    moderation.restore_comment(designer, _fresh(Comment, opener.id))  # a deleted placeholder stays uncounted

    _assert_comment_count(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 1


@pytest.mark.parametrize("role", VIEWERS)
def test_a_hidden_comment_leaves_the_timeline_for_everyone_outside_the_team(ctx, role):
    designer = make_user("designer")
    author = make_user()
    idea = make_idea()
    kept = make_comment(make_user(), idea, "Useful")
    spam = make_comment(author, idea, "Buy now")
    viewer = _viewer(role)

    moderation.hide_comment(designer, spam, "Spam")

    team = role in ("developer", "designer", "admin")
    assert _timeline_comments(idea.id, viewer) == ([kept.id, spam.id] if team else [kept.id])
    assert _timeline_comments(idea.id, author) == [kept.id]
    assert [c.id for c, _ in comments_by(author.id, viewer)] == ([spam.id] if team else [])


def test_hiding_and_restoring_a_comment_is_audited(ctx):
    designer = make_user("designer")
    comment = make_comment(make_user(), make_idea(), "Buy now")

    moderation.hide_comment(designer, comment, "Spam")
    moderation.restore_comment(designer, _fresh(Comment, comment.id))

    assert [(e.action, e.target_type, e.target_id, e.before, e.after) for e in _audit()] == [
        ("comment.hide", "comment", comment.id, None, {"reason": "Spam"}),
        ("comment.restore", "comment", comment.id, {"reason": "Spam"}, None),
    ]


@pytest.mark.parametrize("role", ["guest", "customer"])
def test_comments_of_a_hidden_merged_duplicate_leave_the_originals_timeline(ctx, role):
    designer = make_user("designer")
    original, duplicate = make_idea(), make_idea()
    spam = make_comment(make_user(), duplicate, "Buy now")
    merge_ideas(designer, duplicate, original)

    moderation.hide_idea(designer, _fresh(Idea, duplicate.id), "Spam idea")

    assert _timeline_comments(original.id, _viewer(role)) == []
    assert _timeline_comments(original.id, designer) == [spam.id]


# bans ------------------------------------------------------------------------------------------------------------


def test_a_banned_account_cannot_post_vote_or_comment(ctx):
    admin = make_user("admin")
    customer = make_user()
    idea = make_idea()
    own = make_idea(author=customer)
    ideas.cast_vote(customer, idea)

    moderation.ban_user(admin, customer, "Abusive language")
    banned = _fresh(User, customer.id)

    assert banned.is_banned and not banned.is_active
    for call in (lambda: ideas.submit_idea(banned, idea.prototype, "Another idea"),
                 lambda: ideas.cast_vote(banned, _fresh(Idea, own.id)),
                 lambda: ideas.remove_vote(banned, _fresh(Idea, idea.id)),
                 lambda: ideas.add_comment(banned, _fresh(Idea, idea.id), "Hello")):
        with pytest.raises(PermissionDenied):
            call()
    db.session.rollback()
    assert _fresh(Idea, idea.id).vote_count == 2
    assert _fresh(Idea, idea.id).comment_count == 0


def test_a_ban_without_hiding_leaves_the_content_visible(ctx):
    customer = make_user()
    idea = make_idea(author=customer)
    comment = make_comment(customer, idea)

    moderation.ban_user(make_user("admin"), customer, "Abusive language")

    assert _hidden(Idea, [idea.id]) == set()
    assert _hidden(Comment, [comment.id]) == set()
    assert _listed(Guest()) == [idea.id]


def test_a_ban_can_hide_the_accounts_content_and_an_unban_restores_exactly_that(ctx):
    admin, designer = make_user("admin"), make_user("designer")
    troll, bystander = make_user(), make_user()
    elsewhere = make_idea(author=bystander)
    ideas_by_troll = [make_idea(author=troll) for _ in range(2)]
    already_hidden = make_idea(author=troll)
    moderation.hide_idea(designer, already_hidden, "Off topic")
    comments_by_troll = [make_comment(troll, elsewhere, "Nonsense"), make_comment(troll, ideas_by_troll[0], "More")]
    hidden_comment = make_comment(troll, elsewhere, "Rude")
    moderation.hide_comment(designer, hidden_comment, "Rude")
    reply = make_comment(bystander, elsewhere, "Please stop", parent=comments_by_troll[0])
    deleted = make_comment(troll, elsewhere, "Oops")
    ideas.delete_comment(troll, _fresh(Comment, deleted.id))
    all_ideas = [i.id for i in [*ideas_by_troll, already_hidden, elsewhere]]
    all_comments = [c.id for c in [*comments_by_troll, hidden_comment, reply]]
    _assert_comment_count(*all_ideas)

    moderation.ban_user(admin, troll, "Trolling", hide_content=True)

    assert _hidden(Idea, all_ideas) == {*(i.id for i in ideas_by_troll), already_hidden.id}
    assert _hidden(Comment, all_comments) == {*(c.id for c in comments_by_troll), hidden_comment.id}
    _assert_comment_count(*all_ideas)
    assert _listed(Guest()) == [elsewhere.id]
    # The bystander's reply stays readable under a placeholder for the troll's hidden opener.
    assert _timeline_comments(elsewhere.id, bystander) == [comments_by_troll[0].id, reply.id]
    assert not can_view_comment(bystander, _fresh(Comment, comments_by_troll[0].id))
    (entry,) = _audit("user.ban")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "user", troll.id)
    assert entry.after == {"reason": "Trolling", "hidden": 4}

    moderation.unban_user(admin, _fresh(User, troll.id))

    assert _hidden(Idea, all_ideas) == {already_hidden.id}
    assert _hidden(Comment, all_comments) == {hidden_comment.id}
    assert _fresh(Idea, already_hidden.id).hidden_reason == "Off topic"
    assert _fresh(Comment, hidden_comment.id).hidden_reason == "Rude"
    _assert_comment_count(*all_ideas)
    saved = _fresh(User, troll.id)
    assert (saved.banned_at, saved.ban_reason, saved.is_active) == (None, "", True)
    (entry,) = _audit("user.unban")
    assert (entry.actor_id, entry.target_id, entry.before) == (admin.id, troll.id, {"reason": "Trolling"})


def test_a_ban_hides_and_an_unban_restores_a_held_comment_without_counting_it(ctx):
    admin = make_user("admin")
    moderation.set_hold_first_posts(admin, True)
    newcomer = make_user()
    idea = make_idea(author=make_user("designer"))
    held = make_comment(newcomer, idea, "Held")

    moderation.ban_user(admin, newcomer, "Spammer", hide_content=True)
    _assert_comment_count(idea.id)
    moderation.unban_user(admin, _fresh(User, newcomer.id))
    _assert_comment_count(idea.id)
    moderation.approve_comment(admin, _fresh(Comment, held.id))

    _assert_comment_count(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 1


def test_admins_cannot_ban_themselves(ctx):
    admin = make_user("admin")

    with pytest.raises(PermissionDenied):
        moderation.ban_user(admin, admin, "Testing the button")

    db.session.rollback()
    assert not _fresh(User, admin.id).is_banned
    assert _audit() == []


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_ban(ctx, role):
    actor = make_user(role)
    target = make_user()

    with pytest.raises(PermissionDenied):
        moderation.ban_user(actor, target, "Abusive language")
    moderation.ban_user(make_user("admin"), _fresh(User, target.id), "Abusive language")
    with pytest.raises(PermissionDenied):
        moderation.unban_user(actor, _fresh(User, target.id))

    assert _fresh(User, target.id).is_banned
    assert [e.action for e in _audit()] == ["user.ban"]


def test_unbanning_an_account_that_is_not_banned_is_refused(ctx):
    with pytest.raises(ValidationError):
        moderation.unban_user(make_user("admin"), make_user())

    assert _audit() == []


def test_a_banned_account_cannot_sign_in(app, client, auth):
    with app.app_context():
        customer = make_user()
        moderation.ban_user(make_user("admin"), customer, "Abusive language")
        assert accounts.authenticate(customer.email, PASSWORD) is not None  # the password is right ...

    response = auth.login(customer)

    assert response.status_code == 422
    assert b"suspended" in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/settings/profile").status_code == 302


def test_a_banned_account_is_told_only_that_it_is_suspended(app, client, auth):
    with app.app_context():
        customer = make_user()
        moderation.ban_user(make_user("admin"), customer, "Abusive language")
        email = db.session.get(User, customer.id).email

    response = auth.login(email)

    assert b"suspended" in response.data
    assert b"match an account" not in response.data


def test_a_signed_in_account_is_signed_out_at_its_next_request_after_a_ban(app, client, auth):
    with app.app_context():
        customer = make_user()
        admin = make_user("admin")
    assert auth.login(customer).status_code == 302
    assert client.get("/settings/profile").status_code == 200

    with app.app_context():
        moderation.ban_user(admin, db.session.get(User, customer.id), "Abusive language")
    response = client.get("/settings/profile")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_unbanned_account_can_sign_in_again(app, client, auth):
    with app.app_context():
        customer = make_user()
        admin = make_user("admin")
        moderation.ban_user(admin, customer, "Abusive language")
        moderation.unban_user(admin, db.session.get(User, customer.id))
        email = db.session.get(User, customer.id).email

    assert auth.login(email).status_code == 302


# holding first posts ----------------------------------------------------------------------------------------------


def _holding():
    admin = make_user("admin")
    moderation.set_hold_first_posts(admin, True)
    return admin


def test_holding_first_posts_is_an_admin_setting_and_audited(ctx):
    admin = make_user("admin")
    assert not moderation.hold_first_posts()

    moderation.set_hold_first_posts(admin, True)
    assert moderation.hold_first_posts()
    moderation.set_hold_first_posts(admin, False)

    assert not moderation.hold_first_posts()
    assert [(e.action, e.actor_id, e.after) for e in _audit()] == [
        ("settings.hold_first_posts", admin.id, {"hold_first_posts": True}),
        ("settings.hold_first_posts", admin.id, {"hold_first_posts": False}),
    ]


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_change_the_setting(ctx, role):
    with pytest.raises(PermissionDenied):
        moderation.set_hold_first_posts(make_user(role), True)

    db.session.rollback()
    assert not moderation.hold_first_posts()
    assert _audit() == []


def test_a_new_customers_first_idea_waits_for_approval(ctx):
    _holding()
    newcomer, other = make_user(), make_user()
    prototype = make_prototype()

    idea = ideas.submit_idea(newcomer, prototype, "My first idea")

    assert _fresh(Idea, idea.id).pending_approval
    assert _listed(newcomer) == [idea.id]
    assert _listed(other) == []
    assert _listed(Guest()) == []
    assert _listed(make_user("designer")) == [idea.id]


def test_a_new_customers_first_comment_waits_for_approval(ctx):
    _holding()
    newcomer, other = make_user(), make_user()
    idea = make_idea(author=make_user("designer"))

    comment = ideas.add_comment(newcomer, idea, "My first comment")

    assert _fresh(Comment, comment.id).pending_approval
    _assert_comment_count(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 0
    assert _timeline_comments(idea.id, newcomer) == [comment.id]
    assert _timeline_comments(idea.id, other) == []
    assert _timeline_comments(idea.id, Guest()) == []
    assert _timeline_comments(idea.id, make_user("developer")) == [comment.id]


def test_approving_makes_held_posts_visible_and_counted(ctx):
    admin = _holding()
    designer = make_user("designer")
    newcomer, other = make_user(), make_user()
    host = make_idea(author=designer)
    idea = ideas.submit_idea(newcomer, make_prototype(), "My first idea")
    comment = ideas.add_comment(newcomer, _fresh(Idea, host.id), "My first comment")

    moderation.approve_idea(designer, _fresh(Idea, idea.id))
    moderation.approve_comment(designer, _fresh(Comment, comment.id))
    _assert_comment_count(host.id)
    moderation.approve_comment(designer, _fresh(Comment, comment.id))  # twice changes nothing

    assert idea.id in _listed(other)
    assert _timeline_comments(host.id, other) == [comment.id]
    _assert_comment_count(host.id)
    assert _fresh(Idea, host.id).comment_count == 1
    assert [(e.action, e.actor_id) for e in _audit() if e.actor_id != admin.id] == [
        ("idea.approve", designer.id), ("comment.approve", designer.id)]


def test_after_one_approval_the_next_posts_are_not_held(ctx):
    _holding()
    designer = make_user("designer")
    newcomer = make_user()
    host = make_idea(author=designer)
    first = ideas.add_comment(newcomer, host, "My first comment")
    moderation.approve_comment(designer, _fresh(Comment, first.id))

    second = ideas.add_comment(newcomer, _fresh(Idea, host.id), "My second comment")
    idea = ideas.submit_idea(newcomer, make_prototype(), "Now an idea")

    assert not _fresh(Comment, second.id).pending_approval
    assert not _fresh(Idea, idea.id).pending_approval
    _assert_comment_count(host.id)
    assert _fresh(Idea, host.id).comment_count == 2


def test_posts_stay_held_until_one_is_approved(ctx):
    _holding()
    newcomer = make_user()
    prototype = make_prototype()

    first = ideas.submit_idea(newcomer, prototype, "My first idea")
    second = ideas.submit_idea(newcomer, prototype, "My second idea")
    comment = ideas.add_comment(newcomer, _fresh(Idea, first.id), "On my own idea")

    assert all(_fresh(Idea, i.id).pending_approval for i in (first, second))
    assert _fresh(Comment, comment.id).pending_approval
    _assert_comment_count(first.id)


@pytest.mark.parametrize("role", ["developer", "designer", "admin"])
def test_team_posts_are_never_held(ctx, role):
    _holding()
    member = make_user(role)
    idea = ideas.submit_idea(member, make_prototype(), "Team idea")
    comment = ideas.add_comment(member, _fresh(Idea, idea.id), "Team comment")

    assert not _fresh(Idea, idea.id).pending_approval
    assert not _fresh(Comment, comment.id).pending_approval
    assert _fresh(Idea, idea.id).comment_count == 1


def test_established_customers_are_not_held_when_the_setting_is_switched_on(ctx):
    regular = make_user()
    make_idea(author=regular)
    _holding()

    idea = ideas.submit_idea(regular, make_prototype(), "Another idea")

    assert not _fresh(Idea, idea.id).pending_approval


def test_nothing_is_held_while_the_setting_is_off(ctx):
    newcomer = make_user()

    idea = ideas.submit_idea(newcomer, make_prototype(), "My first idea")

    assert not _fresh(Idea, idea.id).pending_approval


def test_deleting_a_held_comment_keeps_the_count_right(ctx):
    _holding()
    newcomer = make_user()
    idea = make_idea(author=make_user("designer"))
    held = ideas.add_comment(newcomer, idea, "Held")

    ideas.delete_comment(newcomer, _fresh(Comment, held.id))

    _assert_comment_count(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 0
