"""The public roadmap: columns by status kind, order, filters, what never leaks, and a fixed query count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.models import Tag
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user


def _move(idea, name, note="", shipped_in=None, days_ago=None):
    designer = make_user(role="designer")
    idea = db.session.get(Idea, idea.id)
    change = set_status(designer, idea, status_by_name(name), note, shipped_in)
    if days_ago is not None:
        change.created_at = utcnow() - timedelta(days=days_ago)
        if idea.shipped_at is not None:  # a done status: it shipped when the change happened
            idea.shipped_at = change.created_at
        db.session.commit()
    return change


def _idea(title, status=None, votes=0, prototype=None, **move):
    initial_status()
    idea = make_idea(title=title, prototype=prototype)
    idea = db.session.get(Idea, idea.id)
    idea.vote_count = votes
    db.session.commit()
    if status:
        _move(idea, status, **move)
    return idea


def _tag(name, internal=False):
    tag = Tag(name=name, internal=internal)
    db.session.add(tag)
    db.session.commit()
    return tag


def _column(html, title):
    start = html.index(f">{title} <")
    end = html.find("</section>", start)
    return html[start:end]


def test_columns_come_from_status_kinds(app, client):
    with app.app_context():
        _idea("Planned thing", "Planned")
        _idea("Active thing", "In progress")
        _idea("Shipped thing", "Shipped")
        _idea("Open thing", "Under review")
        _idea("Declined thing", "Declined")
        _idea("Brand new thing")
    html = client.get("/roadmap").get_data(as_text=True)
    assert "Planned thing" in _column(html, "Planned")
    assert "Active thing" in _column(html, "In progress")
    assert "Shipped thing" in _column(html, "Shipped recently")
    for absent in ("Open thing", "Declined thing", "Brand new thing"):
        assert absent not in html


def test_retired_status_still_counts_by_its_kind(app, client):
    with app.app_context():
        _idea("Old plan", "Planned")
        status = status_by_name("Planned")
        status.retired = True
        db.session.commit()
    assert "Old plan" in _column(client.get("/roadmap").get_data(as_text=True), "Planned")


def test_cards_are_ordered_by_votes_then_id(app, client):
    with app.app_context():
        _idea("Few votes", "Planned", votes=1)
        _idea("Most votes", "Planned", votes=9)
        _idea("Tied first", "Planned", votes=5)
        _idea("Tied second", "Planned", votes=5)
    column = _column(client.get("/roadmap").get_data(as_text=True), "Planned")
    positions = [column.index(t) for t in ("Most votes", "Tied first", "Tied second", "Few votes")]
    assert positions == sorted(positions)


def test_shipped_recently_is_a_90_day_window(app, client):
    with app.app_context():
        _idea("Shipped last month", "Shipped", days_ago=30)
        _idea("Shipped long ago", "Shipped", days_ago=120)
    html = client.get("/roadmap").get_data(as_text=True)
    assert "Shipped last month" in html
    assert "Shipped long ago" not in html
    assert "Shipped long ago" in client.get("/changelog").get_data(as_text=True)


def test_leaving_done_takes_an_idea_off_shipped_recently(app, client):
    with app.app_context():
        idea = _idea("Reopened after shipping", "Shipped")
        assert db.session.get(Idea, idea.id).shipped_at is not None
        _move(idea, "Planned")
        assert db.session.get(Idea, idea.id).shipped_at is None
    html = client.get("/roadmap").get_data(as_text=True)
    assert "Reopened after shipping" in _column(html, "Planned")
    assert "Reopened after shipping" not in _column(html, "Shipped recently")


def test_columns_are_capped_with_a_count_of_the_rest(app, client, monkeypatch):
    monkeypatch.setattr("portal.roadmap.queries.COLUMN_LIMIT", 2)
    with app.app_context():
        for n in range(4):
            _idea(f"Plan {n}", "Planned", votes=n)
    html = client.get("/roadmap").get_data(as_text=True)
    assert "Plan 3" in html and "Plan 2" in html and "Plan 0" not in html
    assert "and 2 more" in html


def test_filters_by_product_prototype_and_public_tag(app, client):
    with app.app_context():
        first = make_prototype()
        second = make_prototype()
        other_product = make_prototype(make_product())
        tagged = _idea("Tagged plan", "Planned", prototype=first)
        _idea("Second plan", "Planned", prototype=second)
        _idea("Elsewhere plan", "Planned", prototype=other_product)
        tag = _tag("Battery")
        db.session.get(Idea, tagged.id).tags.append(tag)
        db.session.commit()
        slugs = (first.product.slug, first.slug, other_product.product.slug, tag.id)
    product, proto, other, tag_id = slugs
    by_product = client.get(f"/roadmap?product={product}").get_data(as_text=True)
    assert "Tagged plan" in by_product and "Second plan" in by_product and "Elsewhere plan" not in by_product
    on_page = client.get(f"/products/{product}/roadmap").get_data(as_text=True)
    assert "Second plan" in on_page and "Elsewhere plan" not in on_page
    by_proto = client.get(f"/roadmap?prototype={proto}").get_data(as_text=True)
    assert "Tagged plan" in by_proto and "Second plan" not in by_proto
    by_tag = client.get(f"/roadmap?tag={tag_id}").get_data(as_text=True)
    assert "Tagged plan" in by_tag and "Second plan" not in by_tag
    # A prototype of another product than the page's is ignored, not an empty roadmap.
    foreign = client.get(f"/products/{other}/roadmap?prototype={proto}").get_data(as_text=True)
    assert "Elsewhere plan" in foreign


@pytest.mark.parametrize("query", ["tag=abc", "tag=-1", "tag=99999999999999999999999", "tag=%00", "product=%00x",
                                   "prototype=../../x", "product=" + "x" * 500, "tag=1&tag=2", "prototype=nope"])
def test_garbage_filters_are_ignored(app, client, query):
    with app.app_context():
        _idea("Still here", "Planned")
    response = client.get(f"/roadmap?{query}")
    assert response.status_code == 200
    assert "Still here" in response.get_data(as_text=True)


def test_an_internal_tag_filter_is_ignored_even_for_the_team(app, client, auth):
    with app.app_context():
        tagged = _idea("Tagged secretly", "Planned")
        _idea("Untagged", "Planned")
        secret = _tag("Secret-sauce", internal=True)
        db.session.get(Idea, tagged.id).tags.append(secret)
        db.session.commit()
        secret_id = secret.id
        designer = make_user(role="designer")
    auth.login(designer)
    html = client.get(f"/roadmap?tag={secret_id}").get_data(as_text=True)
    assert "Untagged" in html and "Tagged secretly" in html
    assert "Secret-sauce" not in html


def test_hidden_pending_and_merged_ideas_never_appear(app, client, auth):
    with app.app_context():
        _idea("Visible plan", "Planned")
        hidden = _idea("Hidden plan", "Planned")
        pending = _idea("Pending plan", "Planned")
        merged = _idea("Merged plan", "Planned")
        original = _idea("Original plan", "Planned")
        db.session.get(Idea, hidden.id).hidden_at = utcnow()
        db.session.get(Idea, pending.id).pending_approval = True
        db.session.get(Idea, merged.id).merged_into_id = original.id
        db.session.commit()
        admin = make_user(role="admin")
    for _ in ("anonymous", "team"):
        for path in ("/roadmap", "/changelog"):
            html = client.get(path).get_data(as_text=True)
            for absent in ("Hidden plan", "Pending plan", "Merged plan"):
                assert absent not in html
        assert "Visible plan" in client.get("/roadmap").get_data(as_text=True)
        auth.login(admin)


def test_hidden_shipped_ideas_stay_out_of_the_changelog(app, client):
    with app.app_context():
        hidden = _idea("Hidden ship", "Shipped")
        db.session.get(Idea, hidden.id).hidden_at = utcnow()
        db.session.commit()
    assert "Hidden ship" not in client.get("/changelog").get_data(as_text=True)


def test_internal_tags_and_notes_never_appear(app, client, auth):
    from portal.triage.models import InternalNote

    with app.app_context():
        idea = _idea("Leaky plan", "Planned", note="Public plan note")
        visible, confidential = _tag("Visible-tag"), _tag("Confidential-tag", internal=True)
        row = db.session.get(Idea, idea.id)
        row.tags.extend([visible, confidential])
        db.session.add(InternalNote(idea_id=idea.id, author_id=row.author_id, body="Top secret margin",
                                    body_html="<p>Top secret margin</p>"))
        db.session.commit()
        admin = make_user(role="admin")
    for signed_in in (False, True):
        if signed_in:
            auth.login(admin)
        html = client.get("/roadmap").get_data(as_text=True)
        assert "Visible-tag" in html and "Public plan note" in html
        assert "Confidential-tag" not in html and "Top secret margin" not in html


def test_the_latest_public_note_is_shown(app, client):
    with app.app_context():
        idea = _idea("Noted plan", "Under review", note="First note")
        _move(idea, "Planned", note="Second note")
        _move(idea, "In progress")  # no note: the last note stays
    column = _column(client.get("/roadmap").get_data(as_text=True), "In progress")
    assert "Second note" in column and "First note" not in column


def test_anonymous_visitors_and_unknown_products(app, client):
    with app.app_context():
        product = make_product()
        slug = product.slug
    assert client.get("/roadmap").status_code == 200
    assert client.get(f"/products/{slug}/roadmap").status_code == 200
    assert client.get("/products/no-such-thing/roadmap").status_code == 404


def test_empty_roadmap_says_so(app, client):
    html = client.get("/roadmap").get_data(as_text=True)
    assert "Nothing is planned yet" in html and "Nothing shipped in the last 90 days" in html


def _grow(prototype_id, how_many, tag_id, shipped_in_id=None):
    from portal.prototypes.models import Prototype

    prototype = db.session.get(Prototype, prototype_id)
    shipped_in = db.session.get(Prototype, shipped_in_id) if shipped_in_id else None
    for n in range(how_many):
        for status in ("Planned", "In progress", "Shipped"):
            idea = _idea(f"Grown {status} {n}", status, prototype=prototype, note=f"Note {n}",
                         **({"shipped_in": shipped_in} if status == "Shipped" and shipped_in else {}))
            db.session.get(Idea, idea.id).tags.append(db.session.get(Tag, tag_id))
            db.session.commit()


@pytest.mark.parametrize("path", ["/roadmap", "/products/{product}/roadmap", "/changelog",
                                  "/products/{product}/changelog"])
def test_query_count_does_not_grow_with_ideas(app, client, count_queries, path):
    with app.app_context():
        prototype = make_prototype()
        ids = (prototype.id, _tag("Grown").id, make_prototype().id, make_prototype().id)
        _grow(ids[0], 1, ids[1], ids[2])
        url = path.format(product=prototype.product.slug)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        _grow(ids[0], 4, ids[1], ids[2])
        _grow(ids[0], 4, ids[1], ids[3])
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
