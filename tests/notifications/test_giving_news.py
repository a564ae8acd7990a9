"""Good news for givers: the inviter hears when someone joins through their invitation, and a commenter when
their comment is marked helpful, under the bell and by email as their settings say."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment
from portal.invitations import services as invitations
from portal.invitations.tokens import make_token
from portal.notifications.digest import send_digests
from portal.notifications.models import Delivery, Event, Notification, OutboxMessage
from portal.notifications.preferences import delivery_for, save_preferences
from portal.reputation.services import set_helpful
from tests.factories import PASSWORD, make_comment, make_idea, make_prototype, make_user


def _notes(user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _mail_to(user: User) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)
                                   .order_by(OutboxMessage.id)))


def _join(inviter: User, email: str, prototype=None) -> User:
    invitation = invitations.send_invitations(inviter, email, "Come and help", prototype)[0]
    joined = invitations.join(make_token(invitation.id, invitation.email), email, "Nia Newcomer", PASSWORD)
    return db.session.get(User, joined.user.id)


def test_the_inviter_hears_at_once_when_someone_joins_through_their_invitation(ctx):
    inviter = make_user(display_name="Amina Okafor")
    invitee = _join(inviter, "nia@example.org", make_prototype(name="Solar lid"))

    [note] = _notes(inviter)
    assert (note.event, note.actor_id, note.delivery) == (Event.INVITEE_JOINED.value, invitee.id, "instant")
    [mail] = _mail_to(inviter)
    assert mail.subject == "Nia Newcomer joined through your invitation"
    assert "the Solar lid prototype" in mail.text_body and "http://portal.test/invitations" in mail.text_body
    assert "See who joined through you" in mail.html_body
    assert _notes(invitee) == []  # joining is their own action: nothing for them


def test_an_inviter_who_turned_the_email_off_still_sees_it_under_the_bell(ctx):
    inviter = make_user()
    save_preferences(inviter, {Event.INVITEE_JOINED: Delivery.OFF})
    _join(inviter, "quiet@example.org")
    assert [n.event for n in _notes(inviter)] == [Event.INVITEE_JOINED.value]
    assert _mail_to(inviter) == []


def test_the_commenter_hears_when_their_comment_is_marked_helpful_in_the_digest_by_default(ctx):
    author, helper = make_user(display_name="Idea Author"), make_user()
    comment = make_comment(helper, make_idea(author, title="Offline maps for field trips"), "Try the OSM tiles")
    before = len(_notes(helper))

    set_helpful(author, db.session.get(Comment, comment.id), True)

    [note] = _notes(helper)[before:]
    assert (note.event, note.actor_id, note.comment_id) == (Event.COMMENT_HELPFUL.value, author.id, comment.id)
    assert note.delivery == "digest" and _mail_to(helper) == []
    assert [n.event for n in _notes(author) if n.event == Event.COMMENT_HELPFUL.value] == []  # not the marker
    send_digests()
    [digest] = _mail_to(helper)
    assert "Idea Author marked your comment on “Offline maps for field trips” helpful" in digest.text_body


def test_a_helpful_mark_by_email_right_away_quotes_the_comment(ctx):
    author, helper = make_user(display_name="Idea Author"), make_user()
    save_preferences(helper, {Event.COMMENT_HELPFUL: Delivery.INSTANT})
    comment = make_comment(helper, make_idea(author, title="Offline maps"), "Try the OSM tiles")

    set_helpful(author, db.session.get(Comment, comment.id), True)

    [mail] = _mail_to(helper)
    assert mail.subject == "Idea Author marked your comment on “Offline maps” helpful"
    assert "Try the OSM tiles" in mail.text_body and f"#comment-{comment.id}" in mail.text_body
    assert "earns you reputation" in mail.html_body


def test_marking_again_after_unmarking_is_not_news_twice_and_off_means_no_email(ctx):
    designer, helper = make_user(role="designer"), make_user()
    save_preferences(helper, {Event.COMMENT_HELPFUL: Delivery.OFF})
    comment = make_comment(helper, make_idea(), "Useful")
    for helpful in (True, False, True):
        set_helpful(designer, db.session.get(Comment, comment.id), helpful)
    assert [n.event for n in _notes(helper)].count(Event.COMMENT_HELPFUL.value) == 1
    send_digests()
    assert _mail_to(helper) == []


def test_the_preferences_page_lists_both_and_the_bell_links_to_invitations(app, client, auth):
    with app.app_context():
        inviter = make_user()
        _join(inviter, "bell@example.org")
        email = inviter.email
    auth.login(email)

    settings = client.get("/settings/notifications").get_data(as_text=True)
    assert "Someone joins through my invitation" in settings and "My comment is marked helpful" in settings

    response = client.post("/settings/notifications", data={
        **{f"event_{e.value}": "instant" for e in Event if not e.team_only},
        "event_invitee_joined": "off", "event_comment_helpful": "off"})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == email))
        assert delivery_for(person, Event.INVITEE_JOINED) is Delivery.OFF
        assert delivery_for(person, Event.COMMENT_HELPFUL) is Delivery.OFF

    bell = client.get("/notifications").get_data(as_text=True)
    assert "Nia Newcomer joined through your invitation" in bell and 'href="/invitations"' in bell
