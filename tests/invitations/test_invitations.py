"""Invitations: sending (with a cap), the emailed single-use link, and joining through it with credit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.errors import ValidationError
from portal.extensions import db
from portal.invitations import services
from portal.invitations.models import Invitation
from portal.invitations.tokens import InvalidInvitation, make_token
from portal.notifications.models import OutboxMessage
from tests.factories import PASSWORD, make_idea, make_prototype, make_user

LINK = re.compile(r"http://portal\.test/invite/([A-Za-z0-9_.\-]+)")


def _link_in_outbox(address: str) -> str:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                .order_by(OutboxMessage.id.desc()))
    assert message is not None, f"no mail to {address}"
    return LINK.search(message.text_body).group(1)


def test_inviting_writes_one_email_each_with_the_note_and_a_signed_link(ctx):
    inviter = make_user(display_name="Amina Okafor")
    prototype = make_prototype(name="Solar lid")
    sent = services.send_invitations(inviter, "one@example.org, Two@Example.org\none@example.org",
                                     "Come and *test* the lid", prototype)
    assert [inv.email for inv in sent] == ["one@example.org", "two@example.org"]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "one@example.org"))
    assert message.subject == "Amina Okafor invited you to the Solar lid prototype on The Portal"
    assert "Come and *test* the lid" in message.text_body
    assert "Come and *test* the lid" in message.html_body
    assert _link_in_outbox("two@example.org")


@pytest.mark.parametrize(("emails", "message"), [
    ("", "Enter at least one email address."),
    ("not-an-address", "doesn't look like an email address"),
    ("inviter@example.org", "That is your own address"),
    (", ".join(f"p{i}@example.org" for i in range(11)), "at most 10"),
])
def test_bad_addresses_get_clear_answers_and_send_nothing(ctx, emails, message):
    inviter = make_user(email="inviter@example.org")
    with pytest.raises(ValidationError) as caught:
        services.send_invitations(inviter, emails, "")
    assert message in caught.value.errors["emails"]
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_open_invitation_is_not_sent_twice(ctx):
    inviter = make_user()
    services.send_invitations(inviter, "friend@example.org", "")
    with pytest.raises(ValidationError) as caught:
        services.send_invitations(inviter, "friend@example.org", "")
    assert "already invited friend@example.org" in caught.value.errors["emails"]


def test_the_daily_cap_is_enforced(app, ctx):
    app.config["INVITATIONS_PER_DAY"] = 3
    try:
        inviter = make_user()
        services.send_invitations(inviter, "a@example.org b@example.org", "")
        with pytest.raises(ValidationError) as caught:
            services.send_invitations(inviter, "c@example.org d@example.org", "")
        assert "have 1 left" in caught.value.errors["emails"]
        services.send_invitations(inviter, "c@example.org", "")
        assert services.sent_in_last_day(inviter.id) == 3
    finally:
        app.config.pop("INVITATIONS_PER_DAY")


def test_unconfirmed_accounts_cannot_invite(ctx):
    from portal.errors import PermissionDenied

    app = ctx
    app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    try:
        with pytest.raises(PermissionDenied):
            services.send_invitations(make_user(verified=False), "x@example.org", "")
    finally:
        app.config["REQUIRE_EMAIL_VERIFICATION"] = False


def test_joining_credits_the_inviter_confirms_the_address_and_uses_the_link_up(ctx):
    inviter = make_user()
    prototype = make_prototype()
    services.send_invitations(inviter, "newcomer@example.org", "", prototype)
    token = _link_in_outbox("newcomer@example.org")
    joined = services.join(token, "newcomer@example.org", "New Comer", PASSWORD)
    assert joined.user is not None and joined.prototype.id == prototype.id
    assert joined.user.email_verified_at is not None  # the link reached that mailbox
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_by_id == joined.user.id
    with pytest.raises(InvalidInvitation) as caught:
        services.join(token, "someone@example.org", "Someone", PASSWORD)
    assert caught.value.reason == "used"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "someone@example.org")) == 0


def test_forged_and_foreign_tokens_are_refused(ctx):
    inviter = make_user()
    services.send_invitations(inviter, "a@example.org", "")
    invitation = db.session.scalar(select(Invitation))
    token = _link_in_outbox("a@example.org")
    for bad in (token[:-2] + "xx", "garbage", make_token(invitation.id, "other@example.org"),
                make_token(invitation.id + 100, "a@example.org")):
        with pytest.raises(InvalidInvitation) as caught:
            services.read_invitation(bad)
        assert caught.value.reason == "invalid"


def test_joining_with_another_address_under_verification_asks_to_confirm_it(ctx):
    ctx.config["REQUIRE_EMAIL_VERIFICATION"] = True
    try:
        inviter = make_user()
        services.send_invitations(inviter, "work@example.org", "")
        token = _link_in_outbox("work@example.org")
        joined = services.join(token, "home@example.org", "Home", PASSWORD)
        assert joined.user is None
        user = db.session.scalar(select(User).where(User.email == "home@example.org"))
        assert user.email_verified_at is None
        assert db.session.scalar(select(Invitation)).accepted_by_id == user.id
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "home@example.org"))
    finally:
        ctx.config["REQUIRE_EMAIL_VERIFICATION"] = False


def test_the_inviter_sees_who_joined_and_what_they_contributed(ctx):
    from portal.invitations.queries import sent_by

    inviter = make_user()
    services.send_invitations(inviter, "x@example.org y@example.org", "")
    joined = services.join(_link_in_outbox("x@example.org"), "x@example.org", "Xena", PASSWORD)
    make_idea(db.session.get(User, joined.user.id))
    rows = {row.invitation.email: row for row in sent_by(db.session.get(User, inviter.id))}
    assert rows["x@example.org"].contribution.ideas == 1 and rows["x@example.org"].contribution.any
    assert rows["y@example.org"].invitation.accepted_by is None


# --- over HTTP ---------------------------------------------------------------------------------------------

def test_invite_page_sends_and_lists(app, client, auth):
    with app.app_context():
        inviter = make_user()
        prototype = make_prototype(name="Keyboard")
    auth.login(inviter)
    page = client.get(f"/invitations?prototype={prototype.id}")
    assert page.status_code == 200 and b"Send an invitation" in page.data
    response = client.post("/invitations", data={"emails": "pal@example.org", "note": "Hi", "prototype":
                                                 str(prototype.id)}, follow_redirects=True)
    assert b"Invitation sent to pal@example.org" in response.data
    assert b"Keyboard" in response.data


def test_bad_input_keeps_what_was_typed(app, client, auth):
    with app.app_context():
        inviter = make_user()
    auth.login(inviter)
    response = client.post("/invitations", data={"emails": "pal@example, ok@example.org", "note": "My note",
                                                 "prototype": ""})
    assert response.status_code in (200, 422)
    assert b"doesn&#39;t look like an email address" in response.data or b"look like an email" in response.data
    assert b"pal@example, ok@example.org" in response.data and b"My note" in response.data


def test_join_page_signs_up_and_lands_on_the_prototype(app, client):
    with app.app_context():
        inviter = make_user(display_name="Carla Customer")
        prototype = make_prototype(name="Charging cart")
        services.send_invitations(inviter, "new@example.org", "Join us", prototype)
        token = _link_in_outbox("new@example.org")
        slug = prototype.slug
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert b"Carla Customer invited you to" in page.data and b"Join us" in page.data
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = client.post(f"/invite/{token}", data={"email": "new@example.org", "display_name": "Newbie",
                                                     "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/prototypes/{slug}")
    assert b"Newbie" in client.get(f"/prototypes/{slug}").data  # signed in
    client.post("/logout")
    used = client.get(f"/invite/{token}")
    assert used.status_code == 410 and b"already been used" in used.data


def test_forged_link_page_says_so(client):
    for token in ("not-a-real-token", "%00", "a" * 3000, "eyJpIjoxLCJlIjoiYSJ9.x.y"):
        response = client.get(f"/invite/{token}")
        assert response.status_code in (400, 404) and (response.status_code == 404 or b"link doesn" in response.data)
        assert client.post(f"/invite/{token}", data={"email": "a@example.org", "display_name": "A",
                                                      "password": PASSWORD}).status_code in (400, 404)


def test_join_form_errors_keep_the_input(app, client):
    with app.app_context():
        services.send_invitations(make_user(), "new@example.org", "")
        token = _link_in_outbox("new@example.org")
    response = client.post(f"/invite/{token}", data={"email": "new@example.org", "display_name": "Keep Me",
                                                     "password": "short"})
    assert response.status_code in (200, 422)
    assert b"Keep Me" in response.data and b"characters" in response.data
    with app.app_context():
        assert db.session.scalar(select(Invitation)).accepted_at is None


def test_a_note_with_markup_is_shown_as_text_everywhere(app, client, auth):
    note = '<script>alert(1)</script> <b>bold</b>'
    with app.app_context():
        inviter = make_user()
        services.send_invitations(inviter, "x@example.org", note)
        message = db.session.scalar(select(OutboxMessage))
        assert "<script>" not in message.html_body and "&lt;script&gt;" in message.html_body
        assert note in message.text_body  # plain text mail says exactly what was typed
        token = _link_in_outbox("x@example.org")
        email = inviter.email
    page = client.get(f"/invite/{token}").data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    auth.login(email)
    page = client.get("/invitations").data.decode()
    assert "<script>alert" not in page and "<b>bold" not in page
