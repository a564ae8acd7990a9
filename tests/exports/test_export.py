"""The team's ideas CSV (filtered as the triage inbox, formulas neutralised) and each person's JSON export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.services import add_comment, cast_vote
from portal.triage.services import save_tag, set_tags
from portal.triage.statuses import set_status, status_by_name
from tests.factories import make_idea, make_prototype, make_user


def _rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def ideas(app):
    """Two prototypes' ideas: one planned and tagged, one new, one on another prototype."""
    with app.app_context():
        designer, author = make_user("designer"), make_user(display_name="Ana Lima")
        first, second = make_prototype(), make_prototype()
        planned = make_idea(author, first, title="Brighter screen")
        fresh = make_idea(author, first, title="Quieter fan")
        elsewhere = make_idea(author, second, title="Other product idea")
        set_status(designer, db.session.get(Idea, planned.id), status_by_name("Planned"), "Soon")
        internal = save_tag(make_user("admin"), None, name="needs-research", color="#123456", internal=True)
        set_tags(designer, db.session.get(Idea, planned.id), [internal])
        return {"designer": designer.email, "author": author.email, "first": first.id, "planned": planned.id,
                "fresh": fresh.id, "elsewhere": elsewhere.id, "planned_status": status_by_name("Planned").id,
                "tag": internal.id}


def test_the_team_exports_ideas_filtered_as_in_the_inbox(client, auth, ideas):
    auth.login(ideas["designer"])
    response = client.get("/triage/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ideas-')
    assert [r["title"] for r in _rows(response)] == ["Brighter screen", "Quieter fan", "Other product idea"]
    rows = _rows(client.get(f"/triage/export.csv?status={ideas['planned_status']}"))
    assert [(r["title"], r["status"], r["tags"], r["votes"]) for r in rows] == [
        ("Brighter screen", "Planned", "needs-research", "1")]
    assert [r["title"] for r in _rows(client.get(f"/triage/export.csv?prototype={ideas['first']}"))] == [
        "Brighter screen", "Quieter fan"]
    assert [r["title"] for r in _rows(client.get(f"/triage/export.csv?tag={ideas['tag']}"))] == ["Brighter screen"]
    row = _rows(client.get("/triage/export.csv"))[0]
    assert row["author"] == "Ana Lima" and row["author_email"] == ""  # addresses are for admins only
    assert row["url"] == f"http://portal.test/ideas/{ideas['planned']}/brighter-screen"
    assert row["created_at"].endswith("Z") and row["comments"] == "0"


def test_a_bad_filter_is_ignored_as_in_the_inbox(client, auth, ideas):
    auth.login(ideas["designer"])
    rows = _rows(client.get("/triage/export.csv?status=banana&votes=-3&from=yesterday"))
    assert len(rows) == 3


def test_admins_get_the_authors_addresses(app, client, auth, ideas):
    with app.app_context():
        admin = make_user("admin")
    auth.login(admin)
    assert {r["author_email"] for r in _rows(client.get("/triage/export.csv"))} == {ideas["author"]}


def test_the_inbox_links_to_the_export_with_its_filters(client, auth, ideas):
    auth.login(ideas["designer"])
    page = client.get(f"/triage?status={ideas['planned_status']}&page=2").get_data(as_text=True)
    assert f'href="/triage/export.csv?status={ideas["planned_status"]}"' in page


@pytest.mark.parametrize("role", [None, "customer"])
def test_customers_and_visitors_cannot_export(app, client, auth, ideas, role):
    if role:
        with app.app_context():
            auth.login(make_user(role))
        assert client.get("/triage/export.csv").status_code == 403
    else:
        response = client.get("/triage/export.csv")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(1,2)", "\t=1+1", "=cmd|' /C notepad'!'A1'"])
def test_cells_that_spreadsheets_would_run_are_neutralised(app, client, auth, hostile):
    with app.app_context():
        designer = make_user("designer", display_name="=1+2 Mallory")
        make_idea(designer, title=f"{hostile} title", body=hostile)
    auth.login(designer)
    [row] = _rows(client.get("/triage/export.csv"))
    for cell in (row["title"], row["description"], row["author"]):
        assert cell.startswith("'") and cell[1] in "=+-@\t"
    assert row["description"] == "'" + hostile.strip()  # the portal strips what people type


def test_a_person_downloads_their_own_data_as_json(app, client, auth):
    with app.app_context():
        me, other = make_user(display_name="Me Myself"), make_user()
        my_email = me.email
        idea = make_idea(me, title="My own idea")
        theirs = make_idea(other, title="Their idea")
        cast_vote(me, db.session.get(Idea, theirs.id))
        add_comment(me, db.session.get(Idea, theirs.id), "My comment on theirs")
        add_comment(other, db.session.get(Idea, idea.id), "Their comment")
        ids = {idea.id, theirs.id}
    auth.login(my_email)
    page = client.get("/settings/data").get_data(as_text=True)
    assert "Download my data (JSON)" in page and 'href="/settings/data.json"' in page
    response = client.get("/settings/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == my_email and data["account"]["display_name"] == "Me Myself"
    assert "password_hash" not in data["account"] and "session_version" not in data["account"]
    assert [i["title"] for i in data["ideas"]] == ["My own idea"]
    assert [c["body"] for c in data["comments"]] == ["My comment on theirs"]
    assert {v["idea_title"] for v in data["votes"]} == {"My own idea", "Their idea"}
    assert {f["idea_id"] for f in data["follows"]} == ids
    assert any(n["event"] == "comment" for n in data["notifications"])
    assert "Their comment" not in json.dumps(data["comments"])


def test_visitors_are_asked_to_sign_in_for_their_data(client):
    for path in ("/settings/data", "/settings/data.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
