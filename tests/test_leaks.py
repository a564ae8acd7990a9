"""Internal notes, internal tags, hidden content and on-behalf vote sources never reach customers or visitors."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation import services as moderation
from portal.triage import services as triage
from tests.factories import make_comment, make_idea, make_user

SECRETS = ("SECRET-NOTE-7Q", "SECRET-TAG-7Q", "HIDDEN-IDEA-7Q", "HIDDEN-COMMENT-7Q", "SECRET-SOURCE-7Q",
           "HIDDEN-REASON-7Q", "contact-7q@example.org")


@pytest.fixture
def secrets_world(app):
    """One product with a public idea carrying every kind of team-only information, and a hidden idea."""
    with app.app_context():
        designer = make_user(role="designer")
        customer = make_user()
        people = {"customer": customer.email, "designer": designer.email, "author": customer.id,
                  "designer_id": designer.id}
        idea = make_idea(author=customer, title="A perfectly public idea")
        hidden = make_idea(author=make_user(), prototype=idea.prototype, title="HIDDEN-IDEA-7Q")
        hidden_id = hidden.id
        comment = make_comment(customer, idea, "HIDDEN-COMMENT-7Q")
        make_comment(customer, idea, "A visible comment")
        tag = triage.save_tag(designer, None, name="SECRET-TAG-7Q", color="#123456", internal=True)
        idea = db.session.get(Idea, idea.id)
        triage.set_tags(designer, idea, [tag])
        triage.add_internal_note(designer, idea, "SECRET-NOTE-7Q")
        triage.vote_on_behalf(designer, idea, email="contact-7q@example.org", source="SECRET-SOURCE-7Q")
        triage.assign(designer, idea, designer)
        moderation.hide_idea(designer, db.session.get(Idea, hidden_id), "HIDDEN-REASON-7Q")
        moderation.hide_comment(designer, comment, "HIDDEN-REASON-7Q")
        idea = db.session.get(Idea, idea.id)
        return {"idea": idea.id, "hidden": hidden_id, "product": idea.product.slug,
                "prototype": idea.prototype.slug, "tag": tag.id, **people}


def _pages(world) -> list[str]:
    idea, hidden = world["idea"], world["hidden"]
    return [
        "/", f"/products/{world['product']}", f"/prototypes/{world['prototype']}",
        f"/products/{world['product']}?tag={world['tag']}", f"/prototypes/{world['prototype']}?sort=new",
        f"/ideas/{idea}", f"/ideas/{idea}?merge_q=HIDDEN", f"/ideas/{hidden}", f"/people/{world['author']}",
        f"/people/{world['designer_id']}", "/triage", "/admin/audit", "/admin/tags", "/admin/users",
        "/roadmap", "/changelog", f"/products/{world['product']}/roadmap", "/search?q=hidden",
        "/search?q=secret", "/search?q=7q", "/search?q=idea", "/ideas/similar?title=HIDDEN+IDEA+7Q",
        "/ideas/similar?title=perfectly+public+idea", "/feeds/ideas.atom", "/feeds/changelog.atom",
        f"/products/{world['product']}/ideas.atom", f"/prototypes/{world['prototype']}/ideas.atom",
        f"/ideas/{idea}/status.atom", f"/ideas/{hidden}/status.atom", "/sitemap.xml", "/robots.txt",
    ]


def _assert_clean(client, world) -> None:
    for path in _pages(world):
        response = client.get(path, follow_redirects=True)
        assert response.status_code < 500, path
        body = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked on {path}"


def test_anonymous_visitors_see_no_team_only_information(client, secrets_world):
    _assert_clean(client, secrets_world)


def test_customers_see_no_team_only_information(client, auth, secrets_world):
    auth.login(secrets_world["customer"])
    _assert_clean(client, secrets_world)
    response = client.post(f"/ideas/{secrets_world['idea']}/vote", data={"action": "add"},
                           headers={"Accept": "application/json"})
    assert not any(secret in response.get_data(as_text=True) for secret in SECRETS)


def test_the_team_does_see_it(client, auth, secrets_world):
    auth.login(secrets_world["designer"])
    body = client.get(f"/ideas/{secrets_world['idea']}", follow_redirects=True).get_data(as_text=True)
    for secret in ("SECRET-NOTE-7Q", "SECRET-TAG-7Q", "HIDDEN-COMMENT-7Q", "SECRET-SOURCE-7Q"):
        assert secret in body
    assert "HIDDEN-IDEA-7Q" in client.get(f"/ideas/{secrets_world['hidden']}", follow_redirects=True).get_data(
        as_text=True)


def test_refused_forms_do_not_reveal_a_hidden_idea(client, auth, secrets_world):
    auth.login(secrets_world["customer"])
    for path, data in ((f"/ideas/{secrets_world['hidden']}/comments", {"body": ""}),
                       (f"/ideas/{secrets_world['hidden']}/hide", {"reason": ""})):
        response = client.post(path, data=data)
        assert response.status_code in (403, 404)
        assert not any(secret in response.get_data(as_text=True) for secret in SECRETS)


def test_a_hidden_duplicate_or_original_stays_hidden_through_merges(app, client):
    with app.app_context():
        designer = make_user(role="designer")
        original = make_idea(title="VISIBLE-ORIGINAL")
        duplicate = make_idea(prototype=original.prototype, title="HIDDEN-DUPLICATE-7Q")
        other_original = make_idea(prototype=original.prototype, title="HIDDEN-ORIGINAL-7Q")
        other_duplicate = make_idea(prototype=original.prototype, title="Visible duplicate")
        ids = (original.id, duplicate.id, other_original.id, other_duplicate.id)
        triage.merge_ideas(designer, db.session.get(Idea, ids[1]), db.session.get(Idea, ids[0]))
        triage.merge_ideas(designer, db.session.get(Idea, ids[3]), db.session.get(Idea, ids[2]))
        moderation.hide_idea(designer, db.session.get(Idea, ids[1]), "Spam in it")
        moderation.hide_idea(designer, db.session.get(Idea, ids[2]), "Spam in it")
    page = client.get(f"/ideas/{ids[0]}?merged={ids[1]}", follow_redirects=True).get_data(as_text=True)
    assert "VISIBLE-ORIGINAL" in page and "HIDDEN-DUPLICATE-7Q" not in page
    response = client.get(f"/ideas/{ids[3]}")
    assert response.status_code == 404 and "hidden-original" not in (response.location or "")


def test_contact_accounts_made_for_votes_on_behalf_have_no_public_profile(app, client):
    with app.app_context():
        designer = make_user(role="designer")
        idea = make_idea()
        vote = triage.vote_on_behalf(designer, idea, email="jane.secret-ceo@example.org", source="Sales call")
        contact_id = vote.user_id
    assert client.get(f"/people/{contact_id}").status_code == 404


def test_prototype_idea_counts_count_only_what_the_visitor_can_see(client, secrets_world):
    html = client.get(f"/products/{secrets_world['product']}").get_data(as_text=True)
    card = html.split('class="prototype-card"')[1]
    assert "1 idea" in card  # the hidden idea is not counted
