"""Admins ban people from /admin/users (with a reason, optionally hiding what they wrote) and lift bans."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation.services import ban_user
from tests.admin.html import field_error, flashes, input_value, is_checked
from tests.factories import make_comment, make_idea


@pytest.fixture
def admin(client, auth, people):
    auth.login(people["admin"])
    return people["admin"]


@pytest.fixture
def spammer(app, people) -> dict:
    with app.app_context():
        customer = db.session.merge(people["customer"])
        idea = make_idea(author=customer)
        make_comment(customer, idea)
        return {"id": customer.id, "idea": idea.id}


def _person(app, user_id: int) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        ideas = db.session.scalars(select(Idea).where(Idea.author_id == user_id)).all()
        return {"banned": user.is_banned, "reason": user.ban_reason,
                "hidden_ideas": sum(i.hidden_at is not None for i in ideas)}


def _ban(client, user_id: int, reason: str, hide: bool = False, q: str | None = None):
    data = {f"ban-{user_id}-reason": reason}
    if hide:
        data[f"ban-{user_id}-hide_content"] = "y"
    return client.post(f"/admin/users/{user_id}/ban" + (f"?q={q}" if q else ""), data=data)


def test_each_person_has_a_ban_form_except_the_admin_themself(client, admin, people):
    text = client.get("/admin/users").get_data(as_text=True)

    for role in ("customer", "developer", "designer"):
        person = people[role]
        assert f'action="/admin/users/{person.id}/ban"' in text
        assert f'<label for="ban-{person.id}-reason">Reason</label>' in text
        assert f'<label for="ban-{person.id}-hide_content">Also hide their ideas and comments</label>' in text
    assert f'action="/admin/users/{admin.id}/ban"' not in text


def test_an_admin_bans_someone_and_hides_their_content(app, client, admin, spammer):
    response = _ban(client, spammer["id"], "Spam links everywhere", hide=True, q="person")

    assert response.status_code == 302 and response.headers["Location"] == "/admin/users?q=person"
    assert _person(app, spammer["id"]) == {"banned": True, "reason": "Spam links everywhere", "hidden_ideas": 1}
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.after)) == {"reason": "Spam links everywhere", "hidden": 2}


def test_a_ban_without_hiding_leaves_the_content_alone(app, client, admin, spammer):
    _ban(client, spammer["id"], "Abusive replies")

    assert _person(app, spammer["id"]) == {"banned": True, "reason": "Abusive replies", "hidden_ideas": 0}


def test_banned_people_are_marked_in_the_list_with_a_lift_ban_button(app, client, admin, spammer):
    _ban(client, spammer["id"], "Spam links everywhere")

    text = client.get("/admin/users").get_data(as_text=True)

    row = text[text.index(f'id="person-{spammer["id"]}"'):].split("</tr>")[0]
    assert 'class="is-banned"' in row and ">Banned</span>" in row
    assert "Reason: Spam links everywhere" in row
    assert f'action="/admin/users/{spammer["id"]}/unban"' in row
    assert f'action="/admin/users/{spammer["id"]}/ban"' not in row
    assert "The Customer is banned." in flashes(text)


@pytest.mark.parametrize(("reason", "message"), [
    ("", "This field is required."),
    ("no", "Please write at least 3 characters."),
    ("x" * 201, "Please keep this to 200 characters or fewer (it has 201)."),
])
def test_a_ban_without_a_proper_reason_is_shown_again_with_the_message(app, client, admin, spammer, reason, message):
    response = _ban(client, spammer["id"], reason, hide=True)

    text = response.get_data(as_text=True)
    prefix = f"ban-{spammer['id']}-"
    assert response.status_code == 422
    assert field_error(text, prefix + "reason") == message
    assert input_value(text, prefix + "reason") == reason
    assert is_checked(text, prefix + "hide_content")
    assert _person(app, spammer["id"])["banned"] is False


def test_an_admin_lifts_a_ban_and_the_hidden_content_comes_back(app, client, admin, spammer):
    _ban(client, spammer["id"], "Spam links everywhere", hide=True)

    response = client.post(f"/admin/users/{spammer['id']}/unban")

    assert response.status_code == 302
    assert _person(app, spammer["id"]) == {"banned": False, "reason": "", "hidden_ideas": 0}
    assert "The Customer's ban is lifted." in flashes(client.get("/admin/users").get_data(as_text=True))


def test_lifting_a_ban_nobody_has_says_so(app, client, admin, spammer):
    client.post(f"/admin/users/{spammer['id']}/unban")

    assert "This account is not banned." in flashes(client.get("/admin/users").get_data(as_text=True))


def test_an_admin_cannot_ban_themself(app, client, admin):
    response = _ban(client, admin.id, "Testing the limits")

    assert response.status_code == 403
    assert _person(app, admin.id)["banned"] is False


def test_a_customer_cannot_ban_or_lift_a_ban(app, client, auth, people, spammer):
    with app.app_context():
        ban_user(db.session.merge(people["admin"]), db.session.get(User, people["developer"].id), "Test ban")
    auth.login(people["customer"])

    assert _ban(client, people["designer"].id, "Because I can", hide=True).status_code == 403
    assert client.post(f"/admin/users/{people['developer'].id}/unban").status_code == 403
    assert _person(app, people["designer"].id)["banned"] is False
    assert _person(app, people["developer"].id)["banned"] is True
