"""What the operations do, as a client sees it: votes, comments, triage, products, notifications, the document."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation.services import set_hold_first_posts
from portal.triage.services import save_tag
from portal.triage.statuses import status_by_name
from tests.api.conftest import Api, token_for
from tests.factories import make_comment, make_idea, make_prototype, make_user


def test_voting_twice_counts_once_and_removing_takes_it_back(api_as, customer):
    idea = make_idea(prototype=make_prototype())
    api = api_as(customer)
    assert api.put(f"/ideas/{idea.id}/vote").json == {"idea_id": idea.id, "voted": True, "vote_count": 2}
    assert api.put(f"/ideas/{idea.id}/vote").json["vote_count"] == 2
    assert api.get(f"/ideas/{idea.id}").json["voted"] is True
    assert api.delete(f"/ideas/{idea.id}/vote").json == {"idea_id": idea.id, "voted": False, "vote_count": 1}


def test_a_shipped_idea_takes_no_more_votes(api_as, customer, designer):
    idea = make_idea(prototype=make_prototype())
    api_as(designer).post(f"/ideas/{idea.id}/status", {"status_id": status_by_name("Shipped").id})
    assert api_as(customer).put(f"/ideas/{idea.id}/vote").status_code == 403


def test_comments_replies_edits_and_a_deleted_placeholder(api_as, customer):
    idea = make_idea(prototype=make_prototype())
    api = api_as(customer)
    opener = api.post(f"/ideas/{idea.id}/comments", {"body": "Would love **this**"}).json
    assert opener["body_html"] == "<p>Would love <strong>this</strong></p>"
    reply = api_as(make_user()).post(f"/ideas/{idea.id}/comments", {"body": "Same", "parent_id": opener["id"]}).json
    assert reply["parent_id"] == opener["id"]
    edited = api.patch(f"/comments/{opener['id']}", {"body": "Would love it"}).json
    assert edited["edited_at"] is not None
    assert api.delete(f"/comments/{opener['id']}").status_code == 204
    items = api.get(f"/ideas/{idea.id}/comments").json["items"]
    assert [(c["id"], c["deleted"], c["author"]) for c in items][0] == (opener["id"], True, None)
    assert items[0]["body"] == "" and items[1]["body"] == "Same"


def test_a_reply_to_a_comment_on_another_idea_is_refused(api_as, customer):
    prototype = make_prototype()
    first, second = make_idea(prototype=prototype), make_idea(prototype=prototype)
    elsewhere = make_comment(customer, first)
    response = api_as(customer).post(f"/ideas/{second.id}/comments", {"body": "Hi", "parent_id": elsewhere.id})
    assert response.status_code == 422
    assert response.json["errors"] == {"body": "You can only reply to comments on this idea."}


def test_triage_status_note_tags_assignee_and_what_customers_see(api_as, customer, designer):
    idea = make_idea(prototype=make_prototype())
    team = api_as(designer)
    internal = save_tag(designer, None, name="needs-research", color="#2454d6", internal=True)
    public = save_tag(designer, None, name="battery", color="#15803d", internal=False)
    changed = team.post(f"/ideas/{idea.id}/status", {"status_id": status_by_name("Planned").id,
                                                      "note": "Coming **next term**"}).json
    assert changed["changed"] is True and changed["idea"]["status"]["name"] == "Planned"
    assert team.post(f"/ideas/{idea.id}/status", {"status_id": status_by_name("Planned").id}).json["changed"] is False
    team.put(f"/ideas/{idea.id}/tags", {"tag_ids": [internal.id, public.id]})
    team.put(f"/ideas/{idea.id}/assignee", {"assignee_id": designer.id})
    as_team = team.get(f"/ideas/{idea.id}").json
    assert {t["name"] for t in as_team["tags"]} == {"needs-research", "battery"}
    assert as_team["assignee"]["id"] == designer.id
    as_customer = api_as(customer).get(f"/ideas/{idea.id}").json
    assert [t["name"] for t in as_customer["tags"]] == ["battery"]
    assert as_customer["assignee"] is None
    assert [t["name"] for t in api_as(customer).get("/tags").json["items"]] == ["battery"]
    unknown = team.put(f"/ideas/{idea.id}/tags", {"tag_ids": [999]})
    assert unknown.status_code == 422 and unknown.json["errors"] == {"tag_ids": "There is no tag with that id."}


def test_merge_and_unmerge_move_the_votes_and_back(api_as, customer, designer):
    prototype = make_prototype()
    original, duplicate = make_idea(prototype=prototype), make_idea(prototype=prototype)
    team = api_as(designer)
    merged = team.post(f"/ideas/{duplicate.id}/merge", {"original_id": original.id}).json
    assert merged["id"] == original.id and merged["vote_count"] == 2
    assert api_as(customer).get(f"/ideas/{duplicate.id}").json["merged_into_id"] == original.id
    restored = team.post(f"/ideas/{duplicate.id}/unmerge").json
    assert restored["merged_into_id"] is None and restored["vote_count"] == 1


def test_voters_and_votes_on_behalf(api_as, designer):
    idea = make_idea(prototype=make_prototype())
    team = api_as(designer)
    recorded = team.post(f"/ideas/{idea.id}/voters", {"email": "Pat@Example.org", "source": "Support call 41"}).json
    assert recorded == {"recorded": True, "vote_count": 2}
    again = team.post(f"/ideas/{idea.id}/voters", {"email": "pat@example.org", "source": "Support call 42"}).json
    assert again == {"recorded": False, "vote_count": 2}
    voters = team.get(f"/ideas/{idea.id}/voters").json["items"]
    assert [(v["on_behalf"], v["source"]) for v in voters] == [(False, ""), (True, "Support call 41")]


def test_the_team_manages_products_and_prototypes(api_as, designer):
    api = api_as(designer)
    product = api.post("/products", {"name": "Kestrel tablet", "tagline": "For classrooms"})
    assert product.status_code == 201 and product.json["slug"] == "kestrel-tablet"
    product_id = product.json["id"]
    prototype = api.post(f"/products/{product_id}/prototypes", {"name": "Tablet v1", "stage": "pilot",
                                                                "description": "*First* run"}).json
    assert prototype["description_html"] == "<p><em>First</em> run</p>" and prototype["open_for_feedback"] is True
    closed = api.patch(f"/prototypes/{prototype['id']}", {"open_for_feedback": False}).json
    assert closed["open_for_feedback"] is False and closed["stage"] == "pilot" and closed["name"] == "Tablet v1"
    clash = api.post("/products", {"name": "Another", "slug": "kestrel-tablet"})
    assert clash.status_code == 422 and "slug" in clash.json["errors"]
    assert [p["name"] for p in api.get(f"/products/{product_id}/prototypes").json["items"]] == ["Tablet v1"]


def test_notifications_list_and_mark_read(api_as, customer):
    idea = make_idea(customer, make_prototype())
    make_comment(make_user(), idea, "A reply to your idea")
    api = api_as(customer)
    assert api.get("/me").json["unread_notifications"] == 1
    items = api.get("/me/notifications").json["items"]
    assert items[0]["event"] == "comment" and items[0]["idea_id"] == idea.id and items[0]["read"] is False
    assert api.post(f"/me/notifications/{items[0]['id']}/read").status_code == 204
    assert api.get("/me").json["unread_notifications"] == 0
    stranger = api_as(make_user())
    assert stranger.post(f"/me/notifications/{items[0]['id']}/read").status_code == 404


def test_a_held_idea_is_seen_by_its_author_and_the_team_only(api_as, customer, designer, client, ctx):
    set_hold_first_posts(make_user("admin"), True)
    prototype = make_prototype()
    newcomer = make_user()
    posted = Api(client, token_for(newcomer)).post("/ideas", {"prototype_id": prototype.id, "title": "First post"})
    assert posted.json["pending_approval"] is True
    idea_id = posted.json["id"]
    assert api_as(customer).get(f"/ideas/{idea_id}").status_code == 404
    assert idea_id not in [i["id"] for i in api_as(customer).get("/ideas").json["items"]]
    assert api_as(designer).get(f"/ideas/{idea_id}").status_code == 200
    assert db.session.get(Idea, idea_id).pending_approval


def test_the_document_and_the_documentation_page(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    create = document["paths"]["/api/v1/ideas"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IdeaIn"}
    assert set(create["responses"]) >= {"201", "401", "403", "415", "422", "429"}
    assert document["components"]["schemas"]["IdeaIn"]["additionalProperties"] is False
    page = client.get("/api/docs")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for path, methods in document["paths"].items():
        for operation in methods.values():
            assert f'id="{operation["operationId"]}"' in text, path
    assert "<script" not in text.split("</header>", 1)[1]  # server-rendered, no script needed
