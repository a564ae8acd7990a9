"""Anonymous visitors get whole pages from the cache, fresh after any write, and nobody ever gets a signed-in page."""

from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.pagecache.versions import current_token
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_comment, make_idea, make_user


def _idea_path(app) -> tuple[str, int]:
    with app.app_context():
        initial_status()
        idea = make_idea(title="Longer battery life")
        return f"/products/{idea.product.slug}?sort=top", idea.id


def _get(client, path, **headers):
    return client.get(path, headers=headers)


def test_an_anonymous_page_is_served_from_the_cache_without_a_cookie(app, client):
    path, _ = _idea_path(app)
    first = _get(client, path)
    second = _get(client, path)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    for response in (first, second):
        assert "Set-Cookie" not in response.headers
        assert 'name="csrf-token"' not in response.get_data(as_text=True)
        assert "Cookie" in response.headers["Vary"]
    # The security headers are the current request's, not a stored copy's.
    assert "Content-Security-Policy" in second.headers


def test_an_unchanged_page_answers_304_to_its_etag(app, client):
    path, _ = _idea_path(app)
    etag = _get(client, path).headers["ETag"]
    again = _get(client, path, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert _get(client, path, **{"If-None-Match": '"something-else"'}).status_code == 200


def test_a_vote_is_shown_by_the_next_anonymous_request(app, client):
    path, idea_id = _idea_path(app)
    _get(client, path)
    with app.app_context():
        idea_services.cast_vote(make_user(), db.session.get(Idea, idea_id))
    fresh = _get(client, path)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert '<span class="vote-count">2</span>' in fresh.get_data(as_text=True)


def test_a_comment_and_a_status_change_reach_the_idea_page_at_once(app, client):
    _, idea_id = _idea_path(app)
    page = client.get(f"/ideas/{idea_id}", follow_redirects=True)
    path = page.request.path
    assert client.get(path).headers["X-Page-Cache"] == "hit"
    with app.app_context():
        make_comment(make_user(), db.session.get(Idea, idea_id), "Solar charging would help")
    assert "Solar charging would help" in client.get(path).get_data(as_text=True)
    with app.app_context():
        set_status(make_user(role="designer"), db.session.get(Idea, idea_id), status_by_name("Planned"),
                   "On the plan for the next pilot")
    assert "On the plan for the next pilot" in client.get(path).get_data(as_text=True)


def test_a_write_by_any_path_invalidates_even_raw_sql(app, client):
    path, idea_id = _idea_path(app)
    _get(client, path)
    with app.app_context():
        before = current_token()
        db.session.rollback()  # end the read, so the script's connection can write
        with db.engine.begin() as conn:  # as a CLI command, an import or another engineer's service might
            conn.execute(text("UPDATE idea SET title = 'Renamed by a script' WHERE id = :id"), {"id": idea_id})
        assert current_token() != before
    assert "Renamed by a script" in _get(client, path).get_data(as_text=True)


def test_a_rolled_back_write_keeps_the_cache(app, client):
    path, idea_id = _idea_path(app)
    _get(client, path)
    with app.app_context():
        before = current_token()
        db.session.execute(text("UPDATE idea SET title = 'Never saved' WHERE id = :id"), {"id": idea_id})
        db.session.rollback()
        assert current_token() == before
    assert _get(client, path).headers["X-Page-Cache"] == "hit"


def test_signed_in_pages_are_never_cached_nor_served_from_the_cache(app, client, auth):
    path, _ = _idea_path(app)
    with app.app_context():
        person = make_user(display_name="Signed In Sam")
    _get(client, path)  # an anonymous copy is in the cache
    auth.login(person)
    mine = _get(client, path)
    assert "X-Page-Cache" not in mine.headers
    assert "Signed In Sam" in mine.get_data(as_text=True)
    assert 'name="csrf-token"' in mine.get_data(as_text=True)
    stranger = app.test_client()
    theirs = _get(stranger, path)
    assert "Signed In Sam" not in theirs.get_data(as_text=True)
    assert theirs.headers["X-Page-Cache"] == "hit"


def test_a_visitor_with_a_flashed_message_gets_a_fresh_page(app, client):
    path, _ = _idea_path(app)
    _get(client, path)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You have been signed out.")]
    response = _get(client, path)
    assert "X-Page-Cache" not in response.headers
    assert "You have been signed out." in response.get_data(as_text=True)


def test_search_and_forms_are_not_cached(app, client):
    _idea_path(app)
    for path in ("/search?q=battery", "/login"):
        client.get(path)
        assert "X-Page-Cache" not in client.get(path).headers


def test_the_cache_can_be_switched_off(app, client, monkeypatch):
    path, _ = _idea_path(app)
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENABLED", False)
    _get(client, path)
    assert "X-Page-Cache" not in _get(client, path).headers


def test_no_public_page_gives_a_visitor_a_cookie_with_csrf_on(app, client, monkeypatch):
    """With CSRF on, as in production: a page that made a token would set a cookie and never be cached."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.app_context():
        initial_status()
        idea = make_idea(title="Longer battery life")
        make_comment(make_user(), db.session.get(Idea, idea.id), "A comment with a reply button for members")
        paths = ["/", f"/products/{idea.product.slug}", f"/prototypes/{idea.prototype.slug}",
                 client.get(f"/ideas/{idea.id}").headers["Location"], "/roadmap", "/changelog",
                 f"/products/{idea.product.slug}/roadmap", f"/products/{idea.product.slug}/changelog",
                 f"/people/{idea.author_id}", "/feeds/ideas.atom", "/sitemap.xml"]
    for path in paths:
        first, second = client.get(path), client.get(path)
        assert first.status_code == 200, path
        assert "Set-Cookie" not in first.headers, path
        assert second.headers["X-Page-Cache"] == "hit", path
