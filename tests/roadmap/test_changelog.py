"""The changelog: shipped ideas grouped by the version they shipped in and by month, with their notes."""

from __future__ import annotations

from datetime import timedelta

from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user


def _ship(title, shipped_in=None, note="", days_ago=0, votes=0, prototype=None):
    initial_status()
    idea = db.session.get(Idea, make_idea(title=title, prototype=prototype).id)
    idea.vote_count = votes
    db.session.commit()
    change = set_status(make_user(role="designer"), idea, status_by_name("Shipped"), note, shipped_in)
    change.created_at = idea.shipped_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return idea


def test_groups_by_version_and_month_newest_first(app, client):
    with app.app_context():
        v1 = make_prototype(name="Alpha board")
        v2 = make_prototype(name="Beta board")
        _ship("Old alpha fix", v1, days_ago=200)
        _ship("Recent alpha fix", v1, days_ago=1)
        _ship("Beta fix", v2, days_ago=40)
        _ship("Loose fix", None, days_ago=0)
        old_month = (utcnow() - timedelta(days=200)).strftime("%B %Y")
        new_month = (utcnow() - timedelta(days=1)).strftime("%B %Y")
    html = client.get("/changelog").get_data(as_text=True)
    order = [html.index(t) for t in ("Alpha board", new_month, "Recent alpha fix", old_month, "Old alpha fix",
                                     "Beta board", "Beta fix", "Not tied to a version", "Loose fix")]
    assert order == sorted(order)


def test_entry_shows_shipping_note_link_and_asked_for_count(app, client):
    with app.app_context():
        version = make_prototype()
        idea = _ship("Faster charging", version, note="Landed in **firmware 2**", votes=7)
        url = f"/ideas/{idea.id}/"
    html = client.get("/changelog").get_data(as_text=True)
    assert "<strong>firmware 2</strong>" in html
    assert url in html
    assert "asked for by 7 people" in html


def test_per_product_changelog(app, client):
    with app.app_context():
        mine = make_prototype()
        theirs = make_prototype(make_product())
        _ship("Mine shipped", mine, prototype=mine)
        _ship("Theirs shipped", theirs, prototype=theirs)
        slug = mine.product.slug
    html = client.get(f"/products/{slug}/changelog").get_data(as_text=True)
    assert "Mine shipped" in html and "Theirs shipped" not in html
    assert client.get("/products/nope/changelog").status_code == 404


def test_unshipped_ideas_are_not_in_the_changelog(app, client):
    with app.app_context():
        initial_status()
        idea = db.session.get(Idea, make_idea(title="Only planned").id)
        set_status(make_user(role="designer"), idea, status_by_name("Planned"))
    assert "Only planned" not in client.get("/changelog").get_data(as_text=True)


def test_empty_changelog_says_so(app, client):
    assert "Nothing has shipped yet" in client.get("/changelog").get_data(as_text=True)
