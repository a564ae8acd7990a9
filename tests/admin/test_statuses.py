"""Admins manage statuses at /admin/statuses: add, edit, reorder, retire and delete, every one audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.triage.models import Status
from portal.triage.statuses import ordered_statuses
from tests.admin.html import field_error, flashes, input_value, selected_option
from tests.factories import make_idea


def _statuses(app) -> list[dict]:
    with app.app_context():
        return [{"name": s.name, "color": s.color, "kind": s.kind, "retired": s.retired}
                for s in ordered_statuses()]


def _names(app) -> list[str]:
    return [s["name"] for s in _statuses(app)]


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(client, auth, people):
    auth.login(people["admin"])
    return people["admin"]


def test_the_list_shows_each_status_in_order_with_its_colour_kind_flags_and_use(app, client, admin, statuses):
    with app.app_context():
        make_idea()  # starts in New
        db.session.get(Status, statuses["Declined"]).retired = True
        db.session.commit()

    text = client.get("/admin/statuses").get_data(as_text=True)

    positions = [text.index(f'id="status-{statuses[name]}"') for name in statuses]
    assert positions == sorted(positions)
    new_row = text[positions[0]:positions[1]]
    assert "--swatch: #64748b" in new_row and "Initial" in new_row and ">1</td>" in new_row
    assert "Delete" not in new_row  # in use, and new ideas start here
    declined_row = text[text.index(f'id="status-{statuses["Declined"]}"'):]
    assert "Retired" in declined_row.split("</tr>")[0] and "Unretire" in declined_row.split("</tr>")[0]
    assert "Closed" in declined_row.split("</tr>")[0]


def test_an_admin_adds_a_status(app, client, admin, statuses):
    response = client.post("/admin/statuses", data={"name": "  Needs  info ", "color": "#A21CAF", "kind": "open"})

    created = _statuses(app)[-1]
    assert created == {"name": "Needs info", "color": "#a21caf", "kind": "open", "retired": False}
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/statuses#status-")
    assert "“Needs info” is added." in flashes(client.get("/admin/statuses").get_data(as_text=True))
    assert _actions(app) == ["status.save"]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "X", "color": "#123456", "kind": "open"}, "name", "Please write at least 2 characters."),
    ({"name": "planned", "color": "#123456", "kind": "open"}, "name", "A status with this name already exists."),
    ({"name": "Needs info", "color": "blue", "kind": "open"}, "color", "Use a colour like #2454d6."),
    ({"name": "Needs info", "color": "#123456", "kind": "someday"}, "kind", "Choose one of the listed kinds."),
])
def test_a_bad_new_status_is_shown_again_with_the_message_beside_the_field(app, client, admin, statuses, data,
                                                                            field, message):
    before = _statuses(app)

    response = client.post("/admin/statuses", data=data)

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(text, field) == message
    assert input_value(text, "name") == data["name"]
    assert _statuses(app) == before
    assert _actions(app) == []


def test_an_admin_renames_recolours_and_changes_a_kind(app, client, admin, statuses):
    form = client.get(f"/admin/statuses/{statuses['Planned']}/edit").get_data(as_text=True)
    assert input_value(form, "name") == "Planned" and input_value(form, "color") == "#2454d6"
    assert selected_option(form, "kind") == "planned"

    response = client.post(f"/admin/statuses/{statuses['Planned']}/edit",
                           data={"name": "Next up", "color": "#0e7490", "kind": "active"})

    assert response.status_code == 302
    assert _statuses(app)[2] == {"name": "Next up", "color": "#0e7490", "kind": "active", "retired": False}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert entry.before == {"name": "Planned", "color": "#2454d6", "kind": "planned"}


def test_renaming_to_a_taken_name_keeps_the_input_and_changes_nothing(app, client, admin, statuses):
    before = _statuses(app)

    response = client.post(f"/admin/statuses/{statuses['Planned']}/edit",
                           data={"name": "Shipped", "color": "#000000", "kind": "done"})

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(text, "name") == "A status with this name already exists."
    assert input_value(text, "name") == "Shipped" and input_value(text, "color") == "#000000"
    assert selected_option(text, "kind") == "done"
    assert _statuses(app) == before


def test_an_admin_moves_a_status_up_and_down(app, client, admin, statuses):
    client.post(f"/admin/statuses/{statuses['Planned']}/move", data={"direction": "up"})
    assert _names(app)[:3] == ["New", "Planned", "Under review"]

    client.post(f"/admin/statuses/{statuses['New']}/move", data={"direction": "down"})
    assert _names(app)[:3] == ["Planned", "New", "Under review"]


def test_moving_past_either_end_or_in_no_direction_changes_nothing(app, client, admin, statuses):
    before = _names(app)

    client.post(f"/admin/statuses/{statuses['New']}/move", data={"direction": "up"})
    client.post(f"/admin/statuses/{statuses['Duplicate']}/move", data={"direction": "down"})
    response = client.post(f"/admin/statuses/{statuses['Planned']}/move", data={"direction": "sideways"})

    assert _names(app) == before
    assert response.status_code == 302
    assert "A status moves up or down." in flashes(client.get("/admin/statuses").get_data(as_text=True))


def test_an_admin_retires_and_unretires_a_status(app, client, admin, statuses):
    client.post(f"/admin/statuses/{statuses['Declined']}/retire")
    assert _statuses(app)[5]["retired"] is True

    client.post(f"/admin/statuses/{statuses['Declined']}/unretire")
    assert _statuses(app)[5]["retired"] is False
    assert _actions(app) == ["status.retire", "status.unretire"]


def test_the_initial_status_cannot_be_retired_and_the_page_says_why(app, client, admin, statuses):
    response = client.post(f"/admin/statuses/{statuses['New']}/retire")

    assert response.status_code == 302
    assert "New ideas start in this status, so it can't be retired." in flashes(
        client.get("/admin/statuses").get_data(as_text=True))
    assert _statuses(app)[0]["retired"] is False


def test_an_admin_deletes_an_unused_status(app, client, admin, statuses):
    response = client.post(f"/admin/statuses/{statuses['Shipped']}/delete")

    assert response.status_code == 302
    assert "Shipped" not in _names(app)
    assert "“Shipped” is deleted." in flashes(client.get("/admin/statuses").get_data(as_text=True))


def test_a_status_in_use_is_not_deleted_and_the_message_is_shown(app, client, admin, statuses):
    with app.app_context():
        idea = make_idea()
        idea.status_id = statuses["Planned"]
        db.session.commit()

    response = client.post(f"/admin/statuses/{statuses['Planned']}/delete")

    assert response.status_code == 302
    assert "Planned" in _names(app)
    assert "“Planned” is in use, so it can only be retired." in flashes(
        client.get("/admin/statuses").get_data(as_text=True))


def test_an_unknown_status_is_404(client, admin, statuses):
    assert client.get("/admin/statuses/999999/edit").status_code == 404
    assert client.post("/admin/statuses/999999/retire").status_code == 404
