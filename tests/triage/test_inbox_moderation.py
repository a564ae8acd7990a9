"""The moderation queue in /triage: first posts awaiting approval, hidden ideas, and the buttons that clear them."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.moderation.services import hide_idea, set_hold_first_posts
from tests.factories import make_comment, make_idea, make_prototype, make_user


@pytest.fixture
def queue(app):
    """With first posts held: a newcomer's idea and another newcomer's comment wait; one idea is hidden."""
    with app.app_context():
        designer, admin = make_user(role="designer"), make_user(role="admin")
        set_hold_first_posts(db.session.get(User, admin.id), True)
        prototype = make_prototype()
        regular = make_idea(author=make_user(), prototype=prototype, title="Already approved idea")
        db.session.get(Idea, regular.id).pending_approval = False
        db.session.commit()
        waiting = make_idea(author=make_user(display_name="Newcomer One"), prototype=prototype,
                            title="Waiting for approval")
        comment = make_comment(make_user(display_name="Newcomer Two"), db.session.get(Idea, regular.id),
                               body="My very first comment")
        spam = make_idea(author=make_user(), prototype=prototype, title="Buy cheap watches")
        db.session.get(Idea, spam.id).pending_approval = False
        db.session.commit()
        hide_idea(db.session.get(User, designer.id), db.session.get(Idea, spam.id), "Spam link")
        ids = {"regular": regular.id, "waiting": waiting.id, "comment": comment.id, "spam": spam.id}
        assert db.session.get(Idea, waiting.id).pending_approval
        assert db.session.get(Comment, comment.id).pending_approval
        return {"designer": designer, "developer": make_user(role="developer"), "customer": make_user(), **ids}


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def audit(app, action: str) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.target_id).where(AuditEntry.action == action)))


def test_the_queue_lists_ideas_and_comments_awaiting_approval_with_links(client, auth, queue):
    auth.login(queue["developer"])

    text = text_of(client, "/triage/awaiting-approval")

    assert f'<a href="/ideas/{queue["waiting"]}/waiting-for-approval">Waiting for approval</a>' in text
    assert "Newcomer One" in text
    assert "My very first comment" in text and "Newcomer Two" in text
    assert f'href="/ideas/{queue["regular"]}/already-approved-idea#comment-{queue["comment"]}"' in text
    assert f'action="/triage/ideas/{queue["waiting"]}/approve"' in text
    assert f'action="/triage/comments/{queue["comment"]}/approve"' in text
    assert "Buy cheap watches" not in text


def test_the_tabs_count_what_waits(client, auth, queue):
    auth.login(queue["designer"])

    text = text_of(client, "/triage")

    assert re.search(r'Awaiting approval <span class="triage-count">2</span>', text)
    assert re.search(r'Hidden <span class="triage-count">1</span>', text)


def test_approving_an_idea_publishes_it_and_returns_to_the_queue(app, client, auth, queue):
    auth.login(queue["designer"])

    response = client.post(f"/triage/ideas/{queue['waiting']}/approve", data={"next": "/triage/awaiting-approval"})

    assert response.status_code == 302 and response.headers["Location"] == "/triage/awaiting-approval"
    with app.app_context():
        assert db.session.get(Idea, queue["waiting"]).pending_approval is False
    assert audit(app, "idea.approve") == [queue["waiting"]]
    text = text_of(client, "/triage/awaiting-approval")
    assert "“Waiting for approval” is approved" in text
    assert f'action="/triage/ideas/{queue["waiting"]}/approve"' not in text
    auth.logout()
    auth.login(queue["customer"])
    assert client.get(f"/ideas/{queue['waiting']}/waiting-for-approval").status_code == 200


def test_approving_a_comment_publishes_it_and_counts_it(app, client, auth, queue):
    with app.app_context():
        before = db.session.get(Idea, queue["regular"]).comment_count
    auth.login(queue["developer"])

    response = client.post(f"/triage/comments/{queue['comment']}/approve")

    assert response.status_code == 302 and response.headers["Location"] == "/triage/awaiting-approval"
    with app.app_context():
        assert db.session.get(Comment, queue["comment"]).pending_approval is False
        assert db.session.get(Idea, queue["regular"]).comment_count == before + 1
    assert audit(app, "comment.approve") == [queue["comment"]]
    assert "No comments are waiting." in text_of(client, "/triage/awaiting-approval")


def test_the_hidden_tab_lists_hidden_ideas_with_their_reason(client, auth, queue):
    auth.login(queue["designer"])

    text = text_of(client, "/triage/hidden")

    assert f'<a href="/ideas/{queue["spam"]}/buy-cheap-watches">Buy cheap watches</a>' in text
    assert "Spam link" in text
    assert f'action="/triage/ideas/{queue["spam"]}/restore"' in text
    assert "Waiting for approval" not in text


def test_restoring_a_hidden_idea_shows_it_again(app, client, auth, queue):
    auth.login(queue["designer"])

    response = client.post(f"/triage/ideas/{queue['spam']}/restore", data={"next": "/triage/hidden"})

    assert response.status_code == 302 and response.headers["Location"] == "/triage/hidden"
    with app.app_context():
        idea = db.session.get(Idea, queue["spam"])
        assert (idea.hidden_at, idea.hidden_reason) == (None, "")
    assert audit(app, "idea.restore") == [queue["spam"]]
    assert "No hidden ideas." in text_of(client, "/triage/hidden")


@pytest.mark.parametrize("path", ["/triage/ideas/999999/approve", "/triage/comments/999999/approve",
                                  "/triage/ideas/999999/restore"])
def test_moderating_something_missing_is_not_found(client, auth, queue, path):
    auth.login(queue["designer"])

    assert client.post(path).status_code == 404


@pytest.mark.parametrize("path", ["/triage/ideas/{waiting}/approve", "/triage/comments/{comment}/approve",
                                  "/triage/ideas/{spam}/restore"])
def test_a_customer_cannot_moderate_and_nothing_changes(app, client, auth, queue, path):
    auth.login(queue["customer"])

    assert client.post(path.format(**queue)).status_code == 403
    with app.app_context():
        assert db.session.get(Idea, queue["waiting"]).pending_approval is True
        assert db.session.get(Comment, queue["comment"]).pending_approval is True
        assert db.session.get(Idea, queue["spam"]).hidden_at is not None


@pytest.mark.parametrize("path", ["/triage/awaiting-approval", "/triage/hidden"])
def test_every_moderation_button_carries_a_csrf_token(client, auth, queue, path):
    auth.login(queue["designer"])

    text = text_of(client, path)
    forms = re.findall(r'<form method="post".*?</form>', text, re.S)

    assert len(forms) >= 2  # sign out, plus at least one moderation button
    assert all('name="csrf_token"' in form for form in forms)
