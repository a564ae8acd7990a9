"""Admins read the audit log at /admin/audit: newest first, 50 a page, filtered by actor, action and date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.triage.services import save_tag
from tests.admin.html import field_error, selected_option
from tests.factories import make_idea


def _summaries(text: str) -> list[str]:
    return re.findall(r'<td data-label="Summary" class="admin-break">(.*?)</td>', text, re.S)


def _entry(actor_id: int | None, action: str, summary: str, at: datetime, **extra) -> None:
    db.session.add(AuditEntry(actor_id=actor_id, action=action, target_type=extra.pop("target_type", "tag"),
                              target_id=extra.pop("target_id", 1), summary=summary, created_at=at, **extra))


@pytest.fixture
def log(app, people) -> dict:
    """Three entries by two of the four people, over three days."""
    with app.app_context():
        admin, designer = people["admin"], people["designer"]
        idea = make_idea()
        _entry(designer.id, "idea.status", "Status changed", datetime(2026, 11, 20, 23, 59, tzinfo=UTC),
               target_type="idea", target_id=idea.id, before={"status": "New"},
               after={"status": "Planned", "note": "", "shipped_in": None})
        _entry(admin.id, "tag.save", "Tag saved", datetime(2026, 11, 21, 0, 0, tzinfo=UTC),
               after={"name": "Battery", "internal": True, "tags": ["a", "b"]})
        _entry(admin.id, "user.ban", "User banned", datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
               target_type="user", target_id=designer.id, after={"reason": "Spam"})
        db.session.commit()
        return {"admin": admin.id, "designer": designer.id, "idea": idea.id}


@pytest.fixture
def admin(client, auth, people):
    auth.login(people["admin"])
    return people["admin"]


def test_the_log_is_newest_first_with_actor_action_target_and_changes(client, admin, log):
    text = client.get("/admin/audit").get_data(as_text=True)

    assert _summaries(text) == ["User banned", "Tag saved", "Status changed"]
    assert "3 entries" in text
    assert f'href="/ideas/{log["idea"]}">Idea #{log["idea"]}</a>' in text
    assert f'href="/people/{log["designer"]}">User #{log["designer"]}</a>' in text
    assert '<code class="admin-action">idea.status</code>' in text
    assert "<dt>status</dt><dd>New</dd>" in text and "<dt>status</dt><dd>Planned</dd>" in text
    assert "<dt>note</dt><dd>“”</dd>" in text and "<dt>shipped_in</dt><dd>—</dd>" in text
    assert "<dt>internal</dt><dd>yes</dd>" in text and "<dt>tags</dt><dd>a, b</dd>" in text
    assert "The Designer" in text and "The Admin" in text


def test_the_actor_and_action_choices_come_from_the_log(client, admin, log):
    text = client.get("/admin/audit").get_data(as_text=True)

    actors = re.search(r'<select[^>]*name="actor"[^>]*>(.*?)</select>', text, re.S).group(1)
    actions = re.search(r'<select[^>]*name="action"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert re.findall(r'value="([^"]*)"', actors) == ["", str(log["admin"]), str(log["designer"])]
    assert re.findall(r'value="([^"]*)"', actions) == ["", "idea.status", "tag.save", "user.ban"]


def test_filtering_by_actor(client, admin, log):
    text = client.get(f"/admin/audit?actor={log['designer']}").get_data(as_text=True)

    assert _summaries(text) == ["Status changed"]
    assert selected_option(text, "actor") == str(log["designer"])


def test_filtering_by_action(client, admin, log):
    text = client.get("/admin/audit?action=tag.save").get_data(as_text=True)

    assert _summaries(text) == ["Tag saved"]
    assert selected_option(text, "action") == "tag.save"


@pytest.mark.parametrize(("query", "expected"), [
    ("from=2026-11-21", ["User banned", "Tag saved"]),
    ("to=2026-11-20", ["Status changed"]),  # the whole day, to 23:59
    ("from=2026-11-21&to=2026-11-21", ["Tag saved"]),
    ("from=2026-11-23", []),
    ("from=0001-01-01&to=9999-12-31", ["User banned", "Tag saved", "Status changed"]),
    ("actor={admin}&action=user.ban&from=2026-11-22&to=2026-11-22", ["User banned"]),
])
def test_filtering_by_date_range(client, admin, log, query, expected):
    response = client.get("/admin/audit?" + query.format(admin=log["admin"]))

    assert response.status_code == 200
    assert _summaries(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from=2026-13-45", "from", "“2026-13-45” is not a date. Enter a date like 2026-11-22 (year-month-day)."),
    ("to=yesterday", "to", "“yesterday” is not a date. Enter a date like 2026-11-22 (year-month-day)."),
    ("from=99999-01-01", "from", "“99999-01-01” is not a date. Enter a date like 2026-11-22 (year-month-day)."),
    ("from=2026-11-22&to=2026-11-20", "to", "The end date is before the start date."),
    ("actor=abc", "actor", "Choose one of the listed options."),
    ("action=nothing.like.this", "action", "Choose one of the listed options."),
])
def test_a_bad_filter_gets_a_clear_message_and_is_not_applied(client, admin, log, query, field, message):
    response = client.get("/admin/audit?" + query)

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(text, field) == message
    assert "Filters with a problem are not applied until they are corrected." in text
    assert len(_summaries(text)) >= 1


def test_fifty_entries_a_page(app, client, admin):
    with app.app_context():
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(55):
            _entry(None, "tag.save", f"Entry {n}", start + timedelta(minutes=n))
        db.session.commit()

    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)

    assert _summaries(first) == [f"Entry {n}" for n in range(54, 4, -1)]
    assert _summaries(second) == [f"Entry {n}" for n in range(4, -1, -1)]
    assert "Page 1 of 2" in first and 'href="/admin/audit?page=2"' in first
    assert "Deleted account" in first


def test_the_pagination_keeps_the_filters(app, client, admin, log):
    with app.app_context():
        for n in range(51):
            _entry(log["admin"], "tag.delete", f"Deleted {n}", datetime(2026, 2, 1, tzinfo=UTC))
        db.session.commit()

    text = client.get("/admin/audit?action=tag.delete").get_data(as_text=True)

    assert 'href="/admin/audit?action=tag.delete&amp;page=2"' in text


def test_what_the_services_record_shows_up(app, client, admin, people):
    with app.app_context():
        save_tag(db.session.get(User, people["designer"].id), None, name="Battery", color="#15803d", internal=False)

    text = client.get("/admin/audit").get_data(as_text=True)

    assert _summaries(text) == ["Battery"]
    assert "<dt>color</dt><dd>#15803d</dd>" in text
