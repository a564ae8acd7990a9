"""Who hears about what: following, the events, their recipients, and what goes into the outbox."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea
from portal.moderation import services as moderation
from portal.notifications import follows
from portal.notifications.delivery import deliver
from portal.notifications.models import Delivery, Event, Follow, Notification, OutboxMessage
from portal.notifications.preferences import save_preferences
from portal.triage import services as triage
from portal.triage.statuses import set_status, status_by_name
from tests.factories import make_comment, make_idea, make_product, make_prototype, make_user


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _events(user) -> list[str]:
    return [n.event for n in _notes(user)]


def _mail_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)))


def _fresh(idea: Idea) -> Idea:
    return db.session.get(Idea, idea.id)


def test_authors_voters_and_commenters_follow_automatically(ctx):
    author, voter, commenter = make_user(), make_user(), make_user()
    idea = make_idea(author)
    ideas.cast_vote(voter, _fresh(idea))
    make_comment(commenter, _fresh(idea))
    assert {f.user_id for f in db.session.scalars(select(Follow).where(Follow.idea_id == idea.id))} == {
        author.id, voter.id, commenter.id}
    assert follows.follower_count(_fresh(idea)) == 3


def test_automatic_following_can_be_turned_off(ctx):
    voter = make_user()
    follows.set_auto_follow(voter, False)
    voter = db.session.get(type(voter), voter.id)
    idea = make_idea()
    ideas.cast_vote(voter, _fresh(idea))
    assert not follows.is_following(voter, _fresh(idea))
    follows.follow(voter, _fresh(idea))  # by hand it still works
    assert follows.is_following(voter, _fresh(idea))


def test_a_voter_hears_of_a_status_change_with_its_note_in_the_portal_and_by_email(ctx, app):
    designer, voter = make_user("designer"), make_user()
    idea = make_idea()
    ideas.cast_vote(voter, _fresh(idea))
    set_status(designer, _fresh(idea), status_by_name("Planned"), "Coming in the **pilot v2** build.")
    [note] = _notes(voter)
    assert (note.event, note.about, note.actor_id) == (Event.STATUS_CHANGED.value, "Planned", designer.id)
    assert "Coming in the pilot v2 build." in note.excerpt
    [mail] = _mail_to(voter)
    assert mail.subject == f"{designer.display_name} moved “{idea.title}” to Planned"
    assert f"http://portal.test/ideas/{idea.id}/" in mail.text_body
    assert "Coming in the pilot v2 build." in mail.text_body and "pilot v2" in mail.html_body
    assert mail.unsubscribe_url.startswith("http://portal.test/unsubscribe/")
    # Without MAIL_SERVER the worker writes the message to the outbox folder.
    report = deliver()
    assert report.sent >= 1
    files = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert any(voter.email in f.read_text() for f in files)


def test_nobody_hears_of_their_own_action(ctx):
    designer = make_user("designer")
    idea = make_idea(designer)
    set_status(designer, _fresh(idea), status_by_name("Planned"), "Noted.")
    make_comment(designer, _fresh(idea))
    assert _notes(designer) == []


def test_a_reply_tells_the_person_replied_to_once_and_followers_hear_of_a_comment(ctx):
    author, first, replier = make_user(), make_user(), make_user()
    idea = make_idea(author)
    opener = make_comment(first, _fresh(idea), "Opening thoughts")
    make_comment(replier, _fresh(idea), "A reply", parent=opener)
    assert _events(first) == [Event.REPLY.value]
    assert _events(author) == [Event.COMMENT.value, Event.COMMENT.value]
    assert _events(replier) == []


def test_internal_notes_reach_only_team_followers(ctx):
    customer, developer, designer = make_user(), make_user("developer"), make_user("designer")
    idea = make_idea(customer)
    follows.follow(developer, _fresh(idea))
    triage.add_internal_note(designer, _fresh(idea), "Talk to the battery supplier first.")
    assert _events(developer) == [Event.INTERNAL_NOTE.value]
    assert _events(customer) == []


def test_merge_tells_the_duplicate_s_followers_once_and_they_follow_the_original(ctx):
    designer, voter = make_user("designer"), make_user()
    product = make_product()
    prototype = make_prototype(product)
    original, duplicate = make_idea(prototype=prototype), make_idea(prototype=prototype)
    ideas.cast_vote(voter, _fresh(duplicate))
    triage.merge_ideas(designer, _fresh(duplicate), _fresh(original))
    [note] = _notes(voter)
    assert (note.event, note.about) == (Event.MERGED.value, original.title)
    assert follows.is_following(voter, _fresh(original))


def test_banned_people_and_people_who_cannot_see_the_idea_are_not_told(ctx):
    admin, designer = make_user("admin"), make_user("designer")
    banned, customer, developer = make_user(), make_user(), make_user("developer")
    idea = make_idea()
    for person in (banned, customer, developer):
        follows.follow(person, _fresh(idea))
    moderation.ban_user(admin, banned, "spam")
    moderation.hide_idea(designer, _fresh(idea), "Off topic")
    set_status(designer, _fresh(idea), status_by_name("Declined"), "")
    assert _notes(banned) == [] and _notes(customer) == []
    assert _events(developer) == [Event.STATUS_CHANGED.value]


def test_held_comments_are_announced_when_approved(ctx):
    admin, author, newcomer = make_user("admin"), make_user(), make_user()
    idea = make_idea(author)
    moderation.set_hold_first_posts(admin, True)
    comment = make_comment(newcomer, _fresh(idea), "My first words")
    assert _notes(author) == []
    moderation.approve_comment(admin, comment)
    assert _events(author) == [Event.COMMENT.value]
    assert _notes(author)[0].actor_id == newcomer.id


def test_new_ideas_reach_the_product_s_watchers(ctx):
    designer, customer = make_user("designer"), make_user()
    prototype = make_prototype()
    follows.watch_product(designer, prototype.product, True)
    idea = make_idea(customer, prototype)
    [note] = _notes(designer)
    assert (note.event, note.idea_id) == (Event.NEW_IDEA.value, idea.id)


def test_delivery_preferences_decide_the_email_not_the_bell(ctx):
    designer, voter = make_user("designer"), make_user()
    save_preferences(voter, {Event.STATUS_CHANGED: Delivery.OFF, Event.COMMENT: Delivery.DIGEST})
    idea = make_idea()
    ideas.cast_vote(voter, _fresh(idea))
    set_status(designer, _fresh(idea), status_by_name("Planned"), "")
    make_comment(designer, _fresh(idea), "Thanks!")
    assert [(n.event, n.delivery) for n in _notes(voter)] == [
        (Event.STATUS_CHANGED.value, "off"), (Event.COMMENT.value, "digest")]
    assert _mail_to(voter) == []


def test_a_change_and_its_notifications_commit_or_roll_back_together(ctx):
    designer, voter = make_user("designer"), make_user()
    idea = make_idea()
    ideas.cast_vote(voter, _fresh(idea))
    set_status(designer, _fresh(idea), status_by_name("Planned"), "", commit=False)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
