"""Designers and admins manage tags at /admin/tags: create, edit and delete, every one audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.models import Tag
from portal.triage.services import save_tag, set_tags
from tests.admin.html import field_error, flashes, input_value, is_checked
from tests.factories import make_idea


def _tags(app) -> list[tuple]:
    with app.app_context():
        return [(t.name, t.color, t.internal) for t in db.session.scalars(select(Tag).order_by(Tag.name))]


@pytest.fixture
def designer(client, auth, people):
    auth.login(people["designer"])
    return people["designer"]


@pytest.fixture
def battery(app, people) -> int:
    with app.app_context():
        return save_tag(db.session.merge(people["designer"]), None, name="Battery", color="#15803d",
                        internal=False).id


def test_the_list_shows_name_colour_visibility_and_idea_count(app, client, designer, people, battery):
    with app.app_context():
        actor = db.session.merge(people["designer"])
        research = save_tag(actor, None, name="Needs research", color="#c2410c", internal=True)
        set_tags(actor, make_idea(), [db.session.get(Tag, battery), research])
        set_tags(actor, make_idea(), [db.session.get(Tag, battery)])

    text = client.get("/admin/tags").get_data(as_text=True)

    battery_row = text[text.index(f'id="tag-{battery}"'):].split("</tr>")[0]
    research_row = text[text.index('id="tag-', text.index(f'id="tag-{battery}"') + 1):].split("</tr>")[0]
    assert "#15803d" in battery_row and "Everyone" in battery_row and ">2</td>" in battery_row
    assert "Needs research" in research_row and "Internal" in research_row and ">1</td>" in research_row


def test_a_designer_creates_a_tag(app, client, designer):
    response = client.post("/admin/tags", data={"name": "Pilot feedback", "color": "#2454D6", "internal": "y"})

    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/tags#tag-")
    assert _tags(app) == [("Pilot feedback", "#2454d6", True)]
    assert "Tag “Pilot feedback” is added." in flashes(client.get("/admin/tags").get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "tag.save"


def test_an_admin_creates_a_tag_too(app, client, auth, people):
    auth.login(people["admin"])

    client.post("/admin/tags", data={"name": "Ops", "color": "#000000"})

    assert _tags(app) == [("Ops", "#000000", False)]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "color": "#123456"}, "name", "This field is required."),
    ({"name": "BATTERY", "color": "#123456", "internal": "y"}, "name", "A tag with this name already exists."),
    ({"name": "Ergonomics", "color": "red", "internal": "y"}, "color", "Use a colour like #2454d6."),
])
def test_a_bad_new_tag_is_shown_again_with_the_message_and_the_input(app, client, designer, battery, data, field,
                                                                     message):
    before = _tags(app)

    response = client.post("/admin/tags", data=data)

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(text, field) == message
    assert input_value(text, "name") == data["name"]
    assert is_checked(text, "internal") == ("internal" in data)
    assert _tags(app) == before


def test_a_designer_edits_a_tag(app, client, designer, battery):
    form = client.get(f"/admin/tags/{battery}/edit").get_data(as_text=True)
    assert input_value(form, "name") == "Battery" and input_value(form, "color") == "#15803d"

    response = client.post(f"/admin/tags/{battery}/edit", data={"name": "Power", "color": "#c2410c",
                                                                "internal": "y"})

    assert response.status_code == 302
    assert _tags(app) == [("Power", "#c2410c", True)]


def test_renaming_a_tag_to_a_taken_name_keeps_the_input(app, client, designer, people, battery):
    with app.app_context():
        save_tag(db.session.merge(people["designer"]), None, name="Power", color="#000000", internal=False)
    before = _tags(app)

    response = client.post(f"/admin/tags/{battery}/edit", data={"name": "power", "color": "#ffffff"})

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(text, "name") == "A tag with this name already exists."
    assert input_value(text, "name") == "power" and input_value(text, "color") == "#ffffff"
    assert _tags(app) == before


def test_a_designer_deletes_a_tag_and_ideas_lose_it(app, client, designer, people, battery):
    with app.app_context():
        idea = make_idea()
        set_tags(db.session.merge(people["designer"]), idea, [db.session.get(Tag, battery)])
        idea_id = idea.id

    response = client.post(f"/admin/tags/{battery}/delete")

    assert response.status_code == 302
    assert _tags(app) == []
    with app.app_context():
        assert db.session.get(Idea, idea_id).tags == []
    assert "Tag “Battery” is deleted; the ideas that had it simply lost it." in flashes(
        client.get("/admin/tags").get_data(as_text=True))


def test_an_unknown_tag_is_404(client, designer):
    assert client.get("/admin/tags/999999/edit").status_code == 404
    assert client.post("/admin/tags/999999/delete").status_code == 404
