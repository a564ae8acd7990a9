"""Every triage and moderation action on an idea's page, for every role: the intended answer and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.triage import services as triage
from portal.triage.models import InternalNote, StatusChange
from portal.triage.statuses import initial_status, status_by_name
from tests.factories import make_comment, make_idea, make_user

ROLES = ("anonymous", "customer", "developer", "designer", "admin")
OK, DENIED, LOGIN = "ok", "denied", "login"


@pytest.fixture
def world(app):
    with app.app_context():
        initial_status()
        people = {role: make_user(role=role).email for role in ROLES[1:]}
        idea = make_idea(title="Brighter screen for outdoor lessons")
        other = make_idea(prototype=idea.prototype, title="Screen readable in the sun")
        comment = make_comment(make_user(), idea, "Agree")
        tag = triage.save_tag(make_user(role="admin"), None, name="Screen", color="#123456", internal=False)
        return {"people": people, "idea": idea.id, "other": other.id, "comment": comment.id, "tag": tag.id,
                "planned": status_by_name("Planned").id}


def _actions(w):
    i, c = w["idea"], w["comment"]
    team, designers = (DENIED, DENIED, OK, OK, OK), (DENIED, DENIED, DENIED, OK, OK)
    return [
        ("status", f"/ideas/{i}/status", {"status_id": w["planned"], "note": "Soon"}, designers),
        ("tags", f"/ideas/{i}/tags", {"tag_ids": [str(w["tag"])]}, designers),
        ("assign", f"/ideas/{i}/assign", {"assignee_id": ""}, designers),
        ("note", f"/ideas/{i}/notes", {"internal_note": "Internal"}, team),
        ("merge", f"/ideas/{i}/merge", {"original_id": str(w["other"])}, designers),
        ("on-behalf", f"/ideas/{i}/on-behalf", {"email": "caller@example.org", "source": "Phone call"}, team),
        ("hide idea", f"/ideas/{i}/hide", {"reason": "Spam here"}, team),
        ("lock", f"/ideas/{i}/lock", {}, team),
        ("hide comment", f"/comments/{c}/hide", {"reason": "Rude words"}, team),
    ]


def _snapshot(app, w) -> tuple:
    with app.app_context():
        idea = db.session.get(Idea, w["idea"])
        comment = db.session.get(Comment, w["comment"])
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in
                  (StatusChange, InternalNote, Vote, AuditEntry)]
        return (idea.status_id, idea.merged_into_id, idea.hidden_at, idea.comments_locked, idea.assignee_id,
                len(idea.tags), comment.hidden_at, *counts)


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("action_index", range(9), ids=[
    "status", "tags", "assign", "note", "merge", "on-behalf", "hide-idea", "lock", "hide-comment"])
def test_each_role_gets_the_intended_answer_and_refusals_change_nothing(app, client, auth, world, role_index,
                                                                        action_index):
    role = ROLES[role_index]
    _, path, data, answers = _actions(world)[action_index]
    expected = LOGIN if role == "anonymous" else answers[role_index]
    if role != "anonymous":
        auth.login(world["people"][role])
    before = _snapshot(app, world)

    response = client.post(path, data=data)

    if expected == LOGIN:
        assert response.status_code == 302 and "/login" in response.location
    elif expected == DENIED:
        assert response.status_code == 403
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if expected != OK:
        assert _snapshot(app, world) == before
    else:
        assert _snapshot(app, world) != before


def test_a_status_note_that_is_refused_comes_back_with_the_text_kept(app, client, auth, world):
    auth.login(world["people"]["designer"])
    response = client.post(f"/ideas/{world['idea']}/status",
                           data={"status_id": "999999", "note": "My long carefully written note"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "My long carefully written note" in html and "Choose one of the listed options." in html


def test_the_public_part_of_a_decision_shows_on_the_idea_page(app, client, auth, world):
    auth.login(world["people"]["designer"])
    client.post(f"/ideas/{world['idea']}/status", data={"status_id": world["planned"], "note": "In the **v2** batch"})
    client.post("/logout")
    html = client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(as_text=True)
    assert "Planned" in html and "<strong>v2</strong>" in html and "moved this from" in html


def test_a_merged_duplicate_leads_to_its_original_and_undo_restores_it(app, client, auth, world):
    auth.login(world["people"]["designer"])
    client.post(f"/ideas/{world['idea']}/merge", data={"original_id": f"#{world['other']}"})
    team_view = client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(as_text=True)
    assert "Merged into" in team_view and "Undo merge" in team_view
    client.post("/logout")
    response = client.get(f"/ideas/{world['idea']}")
    assert response.status_code == 302 and f"/ideas/{world['other']}/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "was merged into this idea" in page and "Agree" in page
    auth.login(world["people"]["designer"])
    client.post(f"/ideas/{world['idea']}/unmerge")
    assert client.get(f"/ideas/{world['idea']}", follow_redirects=True).status_code == 200
    with app.app_context():
        idea = db.session.get(Idea, world["idea"])
        assert idea.merged_into_id is None and idea.status.is_initial


def test_every_field_on_the_team_view_of_an_idea_has_its_own_id(app, client, auth, world):
    import re
    from collections import Counter

    auth.login(world["people"]["admin"])
    html = client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    duplicated = {name for name, count in ids.items() if count > 1 and name != "csrf_token"}
    assert duplicated == set()
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert ids[target] == 1, target


def test_ideas_of_different_products_cannot_be_merged_or_ship_in_each_other(app, client, auth, world):
    from tests.factories import make_product, make_prototype

    with app.app_context():
        elsewhere = make_idea(prototype=make_prototype(make_product(name="Another product")))
        foreign_prototype = elsewhere.prototype_id
        shipped = status_by_name("Shipped").id
    auth.login(world["people"]["designer"])
    before = _snapshot(app, world)
    merge = client.post(f"/ideas/{world['idea']}/merge", data={"original_id": str(elsewhere.id)})
    assert merge.status_code == 422 and "within one product" in merge.get_data(as_text=True)
    ship = client.post(f"/ideas/{world['idea']}/status", data={"status_id": shipped, "shipped_in": foreign_prototype})
    assert ship.status_code == 422 and "this idea&#39;s product" in ship.get_data(as_text=True)
    assert _snapshot(app, world) == before


def test_an_original_with_merged_duplicates_cannot_be_deleted_until_they_are_unmerged(app, client, auth, world):
    with app.app_context():
        designer = make_user(role="designer")
        triage.merge_ideas(designer, db.session.get(Idea, world["other"]), db.session.get(Idea, world["idea"]))
    auth.login(world["people"]["admin"])
    response = client.post(f"/ideas/{world['idea']}/delete", follow_redirects=True)
    assert "undo those merges" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Idea, world["idea"]) is not None
        assert db.session.get(Idea, world["other"]).merged_into_id == world["idea"]
