"""Atom feeds: valid, absolute, correctly dated, and never showing what visitors may not see."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import feedparser
import pytest

from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.statuses import set_status, status_by_name
from tests.factories import make_idea, make_user

from .conftest import SECRETS, head_of

FEEDS = ["/feeds/ideas.atom", "/products/{product}/ideas.atom", "/prototypes/{prototype}/ideas.atom",
         "/ideas/{shipped}/status.atom", "/feeds/changelog.atom", "/products/{product}/changelog.atom"]


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    return response


def _times(raw: str) -> list[datetime]:
    return [datetime.fromisoformat(t) for t in re.findall(r"<updated>([^<]+)</updated>", raw)]


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_is_valid_atom_with_absolute_links_and_correct_updated_times(client, world, path):
    response = _get(client, path.format(**world))
    feed = feedparser.parse(response.data)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.entries
    assert all(link.href.startswith("http://localhost/") for link in feed.feed.links)
    for entry in feed.entries:
        assert entry.link.startswith("http://localhost/") and entry.id.startswith("http://localhost/")
        assert entry.author
    feed_updated, *entry_updated = _times(response.get_data(as_text=True))
    assert all(t.tzinfo is not None for t in [feed_updated, *entry_updated])
    assert entry_updated == sorted(entry_updated, reverse=True)
    assert feed_updated == entry_updated[0]


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_never_show_hidden_pending_merged_ideas_internal_tags_or_notes(client, world, path):
    raw = _get(client, path.format(**world)).get_data(as_text=True)

    for secret in SECRETS:
        assert secret not in raw


def test_the_site_feed_lists_public_ideas_newest_first_with_their_html(client, world):
    feed = feedparser.parse(_get(client, "/feeds/ideas.atom").data)

    assert [e.title for e in feed.entries] == ["An idea for another product", "Export to CSV",
                                               "Dark mode for the dashboard"]
    assert "<strong>dark</strong>" in feed.entries[-1].content[0].value
    assert feed.entries[-1].link.startswith(f"http://localhost/ideas/{world['public']}/dark-mode")


def test_product_and_prototype_feeds_keep_to_their_own_ideas(client, world):
    product = feedparser.parse(_get(client, f"/products/{world['product']}/ideas.atom").data)
    prototype = feedparser.parse(_get(client, f"/prototypes/{world['prototype']}/ideas.atom").data)

    assert [e.title for e in product.entries] == ["Export to CSV", "Dark mode for the dashboard"]
    assert [e.title for e in prototype.entries] == ["Dark mode for the dashboard"]


def test_an_empty_feed_is_still_valid_with_a_fixed_updated_time(client, app):
    with app.app_context():
        idea = make_idea()
        slug = idea.prototype.slug
        db.session.delete(db.session.get(Idea, idea.id))
        db.session.commit()
    response = _get(client, f"/prototypes/{slug}/ideas.atom")
    feed = feedparser.parse(response.data)

    assert not feed.bozo and feed.entries == []
    assert _times(response.get_data(as_text=True))[0].tzinfo is not None


def test_the_status_feed_lists_each_change_with_its_public_note(client, world):
    feed = feedparser.parse(_get(client, f"/ideas/{world['shipped']}/status.atom").data)

    assert [e.title for e in feed.entries] == ["Moved from Planned to Shipped", "Moved from New to Planned"]
    shipped, planned = (e.content[0].value for e in feed.entries)
    assert "Out now in <strong>Beta</strong>." in shipped and "Shipped in" in shipped
    assert f"http://localhost/prototypes/{world['later']}" in shipped
    assert "We will build <em>this</em> next." in planned
    assert feed.entries[0].author == "Dana Designer"
    assert feed.entries[0].link.endswith(f"#status-change-{feed.entries[0].id.rsplit('-', 1)[1]}")


@pytest.mark.parametrize("which", ["hidden", "pending", "merged"])
def test_a_status_feed_of_an_idea_visitors_cannot_see_is_not_found(client, world, which):
    assert client.get(f"/ideas/{world[which]}/status.atom").status_code == 404


def test_a_status_feed_of_an_unknown_idea_is_not_found(client, world):
    assert client.get("/ideas/999999/status.atom").status_code == 404
    assert client.get("/products/nope/ideas.atom").status_code == 404
    assert client.get("/prototypes/nope/ideas.atom").status_code == 404
    assert client.get("/products/nope/changelog.atom").status_code == 404


def test_the_changelog_lists_done_ideas_newest_first_with_note_and_prototype(client, app, world):
    with app.app_context():
        designer = db.session.get(type(make_user()), world["designer"])
        idea = db.session.get(Idea, world["public"])
        set_status(designer, idea, status_by_name("Shipped"), "Dark mode is here.")
    feed = feedparser.parse(_get(client, "/feeds/changelog.atom").data)

    assert [e.title for e in feed.entries] == ["Shipped: Dark mode for the dashboard", "Shipped: Export to CSV"]
    assert "Dark mode is here." in feed.entries[0].content[0].value
    assert "Out now in <strong>Beta</strong>." in feed.entries[1].content[0].value
    assert "Shipped in" in feed.entries[1].content[0].value


def test_an_idea_moved_out_of_done_leaves_the_changelog(client, app, world):
    with app.app_context():
        designer = db.session.get(type(make_user()), world["designer"])
        set_status(designer, db.session.get(Idea, world["shipped"]), status_by_name("In progress"), "Reopened.")
    feed = feedparser.parse(_get(client, f"/products/{world['product']}/changelog.atom").data)

    assert feed.entries == [] and not feed.bozo


def test_a_hidden_shipped_idea_leaves_the_changelog(client, app, world):
    with app.app_context():
        from portal.moderation.services import hide_idea

        idea = db.session.get(Idea, world["shipped"])
        hide_idea(db.session.get(type(make_user()), world["designer"]), idea, "Leaked roadmap detail")
    raw = _get(client, "/feeds/changelog.atom").get_data(as_text=True)

    assert "Export to CSV" not in raw and "Out now" not in raw


@pytest.mark.parametrize(("page", "feeds"), [
    ("/", ["/feeds/ideas.atom", "/feeds/changelog.atom"]),
    ("/products/{product}", ["/products/{product}/ideas.atom", "/products/{product}/changelog.atom"]),
    ("/prototypes/{prototype}", ["/prototypes/{prototype}/ideas.atom"]),
    ("/ideas/{shipped}", ["/ideas/{shipped}/status.atom"]),
])
def test_pages_point_to_their_feeds(client, world, page, feeds):
    html = client.get(page.format(**world), follow_redirects=True).get_data(as_text=True)
    alternates = {link["href"] for link in head_of(html).links
                  if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"}

    assert {feed.format(**world) for feed in feeds} <= alternates


def test_a_feed_keeps_what_the_body_says_even_with_characters_xml_cannot_hold(client, app, world):
    with app.app_context():
        idea = db.session.get(Idea, world["public"])
        idea.body_html = "<p>Bell \x07 here</p>"
        idea.edited_at = datetime.now(UTC)
        db.session.commit()
    feed = feedparser.parse(_get(client, "/feeds/ideas.atom").data)

    assert not feed.bozo
    entry = next(e for e in feed.entries if e.title == "Dark mode for the dashboard")
    assert "Bell  here" in entry.content[0].value
