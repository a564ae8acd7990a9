"""Bulk changes from the triage inbox: one POST, one transaction, only the selected ideas, a history and an audit."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.models import StatusChange
from portal.triage.services import assign, merge_ideas, save_tag
from portal.triage.statuses import set_status, set_status_retired, status_by_name
from tests.factories import make_idea, make_prototype, make_user

BACK = "/triage?status=1&assignee=none"


@pytest.fixture
def world(app):
    """The team, three New ideas and a tag."""
    with app.app_context():
        people = {role: make_user(role=role, display_name=f"{role.capitalize()} Person")
                  for role in ("customer", "developer", "designer", "admin")}
        tag = save_tag(db.session.get(User, people["designer"].id), None, name="Bulk tag", color="#336699",
                       internal=True)
        prototype = make_prototype()  # the factories reload what the commit above expired
        ideas = [make_idea(prototype=prototype, title=f"Bulk idea {n}").id for n in range(3)]
        statuses = {name: status_by_name(name).id for name in ("New", "Under review", "Planned", "In progress")}
        return {"people": people, "ideas": ideas, "tag": tag.id, "statuses": statuses}


def state(app, idea_ids: list[int]) -> list[dict]:
    """What a bulk change may touch, per idea."""
    with app.app_context():
        rows = []
        for idea_id in idea_ids:
            idea = db.session.get(Idea, idea_id)
            rows.append({"status": idea.status.name, "tags": [t.name for t in idea.tags],
                         "assignee": idea.assignee.display_name if idea.assignee else None})
        return rows


def history(app) -> dict[str, int]:
    with app.app_context():
        return {"changes": db.session.scalar(select(func.count()).select_from(StatusChange)),
                "audit": db.session.scalar(select(func.count()).select_from(AuditEntry))}


def audit_actions(app, action: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(AuditEntry.target_id).where(AuditEntry.action == action)))


def flashes(client, url: str = "/triage") -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def post(client, ideas, **fields):
    """Post the bulk form as the inbox at BACK (its filters in the address) sends it."""
    return client.post(BACK, data={"ideas": [str(i) for i in ideas], **fields})


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# Designers change many ideas at once ------------------------------------------------------------------------------

def test_a_bulk_status_changes_the_selected_ideas_only_with_history_and_audit(app, client, auth, world):
    first, second, third = world["ideas"]
    auth.login(world["people"]["designer"])

    response = post(client, [first, third], status=str(world["statuses"]["Planned"]),
                    note="Going into the **pilot** batch.")

    assert response.status_code == 302
    assert response.headers["Location"] == BACK
    assert [row["status"] for row in state(app, world["ideas"])] == ["Planned", "New", "Planned"]
    with app.app_context():
        changes = db.session.scalars(select(StatusChange).order_by(StatusChange.idea_id)).all()
        assert [(c.idea_id, c.to_status.name, c.from_status.name, c.actor_id) for c in changes] == [
            (first, "Planned", "New", world["people"]["designer"].id),
            (third, "Planned", "New", world["people"]["designer"].id)]
        assert all(c.note == "Going into the **pilot** batch." for c in changes)
        assert all("<strong>pilot</strong>" in c.note_html for c in changes)
    assert audit_actions(app, "idea.status") == [first, third]
    assert "Updated 2 ideas." in flashes(client)


def test_a_bulk_status_without_a_note(app, client, auth, world):
    first, second, _ = world["ideas"]
    auth.login(world["people"]["admin"])

    post(client, [second], status=str(world["statuses"]["Under review"]))

    assert [row["status"] for row in state(app, world["ideas"])] == ["New", "Under review", "New"]
    assert history(app)["changes"] == 1
    assert audit_actions(app, "idea.status") == [second]


def test_a_bulk_tag_is_added_to_the_selected_ideas_only(app, client, auth, world):
    first, second, third = world["ideas"]
    auth.login(world["people"]["designer"])

    post(client, [first, second], tag=str(world["tag"]))

    assert [row["tags"] for row in state(app, world["ideas"])] == [["Bulk tag"], ["Bulk tag"], []]
    assert audit_actions(app, "idea.tags") == [first, second]
    assert history(app)["changes"] == 0


def test_a_bulk_assignment_and_unassignment(app, client, auth, world):
    first, second, third = world["ideas"]
    developer = world["people"]["developer"]
    auth.login(world["people"]["designer"])

    post(client, [first, second, third], assignee=str(developer.id))
    assert [row["assignee"] for row in state(app, world["ideas"])] == ["Developer Person"] * 3

    post(client, [second], assignee="none")
    assert [row["assignee"] for row in state(app, world["ideas"])] == ["Developer Person", None,
                                                                         "Developer Person"]
    assert audit_actions(app, "idea.assign") == [first, second, second, third]


def test_status_tag_and_assignee_in_one_post(app, client, auth, world):
    first, second, third = world["ideas"]
    auth.login(world["people"]["designer"])

    post(client, [third], status=str(world["statuses"]["Under review"]), note="Looking", tag=str(world["tag"]),
         assignee=str(world["people"]["designer"].id))

    assert state(app, world["ideas"])[2] == {"status": "Under review", "tags": ["Bulk tag"],
                                             "assignee": "Designer Person"}
    assert state(app, world["ideas"])[:2] == [{"status": "New", "tags": [], "assignee": None}] * 2
    assert history(app)["changes"] == 1


def test_select_all_on_this_page_applies_to_every_row_of_the_page(app, client, auth, world):
    auth.login(world["people"]["designer"])

    client.post("/triage", data={"all_on_page": "y", "page_ids": [str(i) for i in world["ideas"]],
                                      "ideas": [str(world["ideas"][0])], "tag": str(world["tag"])})

    assert [row["tags"] for row in state(app, world["ideas"])] == [["Bulk tag"]] * 3


def test_the_inbox_form_carries_the_page_the_csrf_token_and_the_way_back(client, auth, world):
    auth.login(world["people"]["designer"])

    text = client.get("/triage?assignee=none&votes=0").get_data(as_text=True)

    # The form posts to the page's own address, so the filters survive a refusal and the way back is the page.
    assert '<form method="post" action="/triage?assignee=none&amp;votes=0"' in text
    assert 'name="csrf_token"' in text
    for idea_id in world["ideas"]:
        assert f'<input type="hidden" name="page_ids" value="{idea_id}">' in text
        assert f'name="ideas" value="{idea_id}" id="select-{idea_id}"' in text
    assert 'for="all_on_page">All 3 ideas on this page</label>' in text


def test_a_bulk_post_without_a_csrf_token_is_refused(app, client, auth, world, monkeypatch):
    auth.login(world["people"]["designer"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = post(client, world["ideas"], tag=str(world["tag"]))

    assert response.status_code == 400
    assert [row["tags"] for row in state(app, world["ideas"])] == [[], [], []]


# Refusals change nothing --------------------------------------------------------------------------------------

def test_a_developers_bulk_status_on_unassigned_ideas_changes_nothing(app, client, auth, world):
    first, second, third = world["ideas"]
    developer = world["people"]["developer"]
    with app.app_context():
        designer = db.session.get(User, world["people"]["designer"].id)
        mine = db.session.get(Idea, first)
        set_status(designer, mine, db.session.get(type(mine.status), world["statuses"]["Planned"]))
        assign(designer, db.session.get(Idea, first), db.session.get(User, developer.id))
    before, counted = state(app, world["ideas"]), history(app)
    auth.login(developer)

    response = post(client, [first, second, third], status=str(world["statuses"]["In progress"]))

    assert response.status_code == 403
    assert state(app, world["ideas"]) == before
    assert history(app) == counted
    assert "Nothing was changed. You can't move this idea to that status." in page_text(response)


def test_a_developer_moves_ideas_assigned_to_them_between_delivery_statuses(app, client, auth, world):
    first, second, _ = world["ideas"]
    developer = world["people"]["developer"]
    with app.app_context():
        designer = db.session.get(User, world["people"]["designer"].id)
        for idea_id in (first, second):
            idea = db.session.get(Idea, idea_id)
            set_status(designer, idea, status_by_name("Planned"))
            assign(designer, idea, db.session.get(User, developer.id))
    auth.login(developer)

    post(client, [first, second], status=str(world["statuses"]["In progress"]), note="Started")

    assert [row["status"] for row in state(app, world["ideas"])] == ["In progress", "In progress", "New"]


def test_a_developer_cannot_bulk_tag_or_assign(app, client, auth, world):
    auth.login(world["people"]["developer"])
    before, counted = state(app, world["ideas"]), history(app)

    tagged = post(client, world["ideas"], tag=str(world["tag"]))
    assigned = post(client, world["ideas"], assignee=str(world["people"]["developer"].id))

    assert state(app, world["ideas"]) == before
    assert history(app) == counted
    for response in (tagged, assigned):
        assert response.status_code in (403, 422)
        assert "Nothing was changed." in page_text(response)


def test_the_developers_inbox_offers_no_tag_or_assignee_controls(client, auth, world):
    auth.login(world["people"]["developer"])

    text = client.get("/triage").get_data(as_text=True)

    assert 'name="status"' in text
    assert 'name="tag"' in text  # the tag filter
    assert 'id="tag"' not in text and 'id="assignee"' not in text


@pytest.mark.parametrize("fields, message", [
    ({"ideas": []}, "Select at least one idea."),
    ({}, "Choose a status, a tag or an assignee to apply."),
    ({"status": "999999"}, "Set status: Choose one of the listed statuses."),
    ({"status": "abc"}, "Set status: Choose one of the listed statuses."),
    ({"tag": "-1"}, "Add tag: Choose one of the listed tags."),
    ({"assignee": "me"}, "Assign to: Choose one of the listed team members."),
    ({"note": "Without a status"}, "A note goes with a status change: choose a status too."),
    ({"status": "{planned}", "note": "x" * 5001}, "Please keep this to 5,000 characters or fewer"),
    ({"status": "{planned}", "note": "bad \x00 byte"}, "control characters"),
])
def test_bad_bulk_input_is_explained_and_changes_nothing(app, client, auth, world, fields, message):
    auth.login(world["people"]["designer"])
    before, counted = state(app, world["ideas"]), history(app)
    data = {"ideas": [str(i) for i in world["ideas"]]}
    data.update({k: v.format(planned=world["statuses"]["Planned"]) if isinstance(v, str) else v
                 for k, v in fields.items()})

    response = client.post(BACK, data=data)

    assert response.status_code == 422
    assert state(app, world["ideas"]) == before
    assert history(app) == counted
    assert message in page_text(response)


def test_a_customer_cannot_be_assigned(app, client, auth, world):
    auth.login(world["people"]["designer"])

    post(client, world["ideas"], assignee=str(world["people"]["customer"].id))

    assert [row["assignee"] for row in state(app, world["ideas"])] == [None] * 3


def test_a_retired_status_is_not_offered_or_accepted(app, client, auth, world):
    with app.app_context():
        set_status_retired(db.session.get(User, world["people"]["admin"].id),
                           status_by_name("Under review"), True)
    auth.login(world["people"]["designer"])

    response = post(client, world["ideas"], status=str(world["statuses"]["Under review"]))

    assert [row["status"] for row in state(app, world["ideas"])] == ["New"] * 3
    assert "Choose one of the listed statuses." in page_text(response)


def test_nonsense_ids_and_merged_duplicates_are_skipped(app, client, auth, world):
    first, second, third = world["ideas"]
    with app.app_context():
        designer = db.session.get(User, world["people"]["designer"].id)
        merge_ideas(designer, db.session.get(Idea, second), db.session.get(Idea, first))
    auth.login(world["people"]["designer"])

    client.post("/triage", data={"ideas": ["x", "-3", "9" * 40, str(second), str(third)],
                                      "tag": str(world["tag"])})

    assert [row["tags"] for row in state(app, world["ideas"])] == [[], [], ["Bulk tag"]]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_bulk_change_never_redirects_off_site(client, auth, world, target):
    auth.login(world["people"]["designer"])

    response = client.post("/triage", data={"ideas": [str(world["ideas"][0])], "tag": str(world["tag"]),
                                                 "next": target})

    assert response.headers["Location"] == "/triage"



def test_a_refused_change_comes_back_as_typed_on_the_same_filtered_page(app, client, auth, world):
    first, second, third = world["ideas"]
    planned = world["statuses"]["Planned"]
    auth.login(world["people"]["designer"])
    note = "A long, carefully written note for the pilot batch. " * 100  # past the 5,000-character limit

    response = client.post(BACK, data={"ideas": [str(first), str(third)], "status": str(planned), "note": note,
                                       "tag": str(world["tag"])})

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Please keep this to 5,000 characters or fewer" in html.unescape(text)
    assert note.strip() in html.unescape(text)  # the note is in its box, not lost
    assert f'<option selected value="{planned}">' in text and f'<option selected value="{world["tag"]}">' in text
    assert f'value="{first}" id="select-{first}" checked' in text
    assert f'value="{third}" id="select-{third}" checked' in text
    assert f'value="{second}" id="select-{second}">' in text  # not ticked, as it was not
    # Still the filtered inbox: the form posts back to it, and its filter links keep the filters.
    assert '<form method="post" action="/triage?status=1&amp;assignee=none"' in text
    assert [row["status"] for row in state(app, world["ideas"])] == ["New"] * 3
