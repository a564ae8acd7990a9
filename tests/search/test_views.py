"""The search page, the header search box, similar ideas as JSON and the new-idea form's confirm step."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.moderation import services as moderation
from tests.factories import make_idea, make_prototype, make_user


@pytest.fixture
def world(app):
    with app.app_context():
        author, voter, designer = make_user(), make_user(), make_user("designer")
        prototype = make_prototype()
        original = make_idea(author, prototype, "Dark mode for the dashboard", body="Easier on the <eyes>.")
        make_idea(author, prototype, "Export reports to PDF", body="")
        hidden = make_idea(author, prototype, "Dark mode hidden copy", body="")
        moderation.hide_idea(designer, hidden, "spam spam")
        idea_services.cast_vote(voter, original)
        # Emails and slugs, read while the session is open: the objects expire with the services' commits.
        return {"voter": voter.email, "designer": designer.email, "prototype": prototype.slug,
                "original": original.id, "hidden": hidden.id}


def test_the_search_page_lists_marked_matches_for_anonymous_visitors(client, world):
    page = client.get("/search?q=dark+modes").get_data(as_text=True)

    assert "<mark>Dark</mark> <mark>mode</mark> for the dashboard" in page
    assert "Easier on the &lt;eyes&gt;." in page
    assert "hidden copy" not in page
    assert "1 idea found" in page


def test_the_team_finds_hidden_ideas_on_the_page(client, auth, world):
    auth.login(world["designer"])

    page = client.get("/search?q=dark").get_data(as_text=True)

    assert "hidden copy" in page and "2 ideas found" in page


def test_an_empty_search_says_what_to_do(client, world):
    assert "Type a few words to search for." in client.get("/search").get_data(as_text=True)
    assert "No ideas match that search." in client.get("/search?q=nothingmatches").get_data(as_text=True)
    assert "too common" in client.get("/search?q=the+and+of").get_data(as_text=True)


HOSTILE = [
    '"', '""', "'", '"dark', 'dark"', "dark AND", "OR", "AND OR NOT", "NEAR(dark mode, 2)", "dark NEAR mode",
    "dark*", "*", "^dark", "-dark", "- -", "title:dark", "{title}: dark", "(dark", "dark)", "((((", "))",
    "dark OR (mode AND", "\x00", "dark\x00mode", "dark\x00", "😀", "dark 😀 mode", "🇫🇷👩‍👩‍👧", "x" * 10_000,
    "dark " * 2_000, "' OR 1=1 --", "'; DROP TABLE idea; --", "\\", "%", "_", "%_%", "dark & mode | !x",
    "<script>alert(1)</script>", "{{7*7}}", "\u202e\u200b", "ＤＡＲＫ", "dárk mödé", "\ud7ff", "a:b:c", "!!!",
    "dark_mode", "\t\n\r",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, world, query):
    response = client.get("/search", query_string={"q": query, "product": query[:50], "prototype": query[:50],
                                                   "status": query[:20], "tag": query[:20], "page": query[:20]})

    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", HOSTILE[:12] + ["\x00", "x" * 10_000, "😀 dark"])
def test_hostile_titles_never_fail_the_similar_ideas_endpoint(client, world, query):
    response = client.get("/ideas/similar", query_string={"title": query, "prototype": query[:50]})

    assert response.status_code == 200
    assert isinstance(response.get_json()["ideas"], list)


def test_the_header_has_a_search_box(client, world):
    page = client.get("/").get_data(as_text=True)

    assert 'action="/search"' in page
    assert '<label for="header-search-q"' in page and 'id="header-search-q" name="q"' in page


def test_similar_ideas_come_as_json_with_votes(client, auth, world):
    auth.login(world["voter"])

    response = client.get("/ideas/similar", query_string={"title": "Dashboard in dark mode",
                                                          "prototype": world["prototype"]})

    ideas = response.get_json()["ideas"]
    assert ideas[0] == {"id": world["original"], "title": "Dark mode for the dashboard",
                        "url": f"/ideas/{world['original']}/dark-mode-for-the-dashboard", "vote_count": 2,
                        "voted": True, "can_vote": True, "status": "New"}
    assert world["hidden"] not in [idea["id"] for idea in ideas]


def test_without_javascript_a_similar_idea_is_shown_before_posting(app, client, auth, world):
    auth.login(world["voter"])
    data = {"prototype": world["prototype"], "title": "A dark mode, please", "body": "My *own* words"}

    shown = client.post("/ideas/new", data=data)

    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Is your idea already here?" in page and "Dark mode for the dashboard" in page
    assert "Post mine anyway" in page and 'name="confirmed" value="1"' in page
    assert 'value="A dark mode, please"' in page and "My *own* words" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 3

    posted = client.post("/ideas/new", data={**data, "confirmed": "1"})

    assert posted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 4


def test_an_idea_like_no_other_is_posted_at_once(client, auth, world):
    auth.login(world["voter"])

    posted = client.post("/ideas/new", data={"prototype": world["prototype"], "title": "Haptic feedback"})

    assert posted.status_code == 302
    assert "Haptic feedback" in client.get(posted.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_results_page_costs_the_same_queries_however_many_results(app, client, auth, count_queries, signed_in):
    with app.app_context():
        voter, prototype = make_user(), make_prototype()
        voter_email = voter.email
        make_idea(make_user(), prototype, "Solar lamp one", body="A brighter solar lamp.")
    if signed_in:
        auth.login(voter_email)
    client.get("/search?q=solar")  # fills what is kept until the next write (the filter menus)
    with count_queries() as one:
        assert "1 idea found" in client.get("/search?q=solar").get_data(as_text=True)
    with app.app_context():
        for n in range(19):
            make_idea(make_user(), prototype, f"Solar lamp {n}", body=f"Solar lamp number {n}, by someone else.")
    client.get("/search?q=solar")
    with count_queries() as twenty:
        page = client.get("/search?q=solar").get_data(as_text=True)
    assert "20 ideas found" in page and "<mark>Solar</mark> lamp number 7" in page
    assert len(twenty) == len(one), "\n".join(twenty)
    # The page shows neither the authors nor the descriptions (its snippets come from the index): not loaded.
    assert not [s for s in twenty if 'JOIN "user"' in s or "JOIN user" in s or "idea.body_html" in s], twenty


def test_the_same_search_again_skips_the_ranking_until_something_is_written(app, client, count_queries):
    with app.app_context():
        prototype = make_prototype()
        make_idea(make_user(), prototype, "Solar lamp one", body="A brighter solar lamp.")
    assert "1 idea found" in client.get("/search?q=solar").get_data(as_text=True)

    with count_queries() as again:
        page = client.get("/search?q=solar").get_data(as_text=True)
    assert "1 idea found" in page and "<mark>Solar</mark> lamp one" in page
    ranking = [s for s in again if "MATCH" in s or "@@" in s]
    assert not ranking, "\n".join(ranking)

    with app.app_context():
        make_idea(make_user(), prototype, "Solar kettle", body="Boils water in the sun.")
    page = client.get("/search?q=solar").get_data(as_text=True)
    assert "2 ideas found" in page and "<mark>Solar</mark> kettle" in page


def test_a_kept_answer_still_hides_an_idea_hidden_without_a_new_content_version(app, client, auth):
    # A migration (or anything writing beside the app's engine) makes no new content version: the ideas of a
    # kept answer are read with the visibility rule again. Signed in: an anonymous visitor's whole page is kept,
    # like every anonymous page, for PAGE_CACHE_SECONDS at most after such a write (docs/deploy.md).
    with app.app_context():
        reader = make_user().email
        prototype = make_prototype()
        make_idea(make_user(), prototype, "Solar lamp one", body="A brighter solar lamp.")
        hidden_id = make_idea(make_user(), prototype, "Solar lamp two", body="Another solar lamp.").id
    auth.login(reader)
    assert "2 ideas found" in client.get("/search?q=solar").get_data(as_text=True)

    beside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with beside.begin() as conn:
        conn.execute(text("UPDATE idea SET hidden_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": hidden_id})
    beside.dispose()

    page = client.get("/search?q=solar").get_data(as_text=True)
    assert "Solar</mark> lamp one" in page and "lamp two" not in page


def _statements(app, client, path):
    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(args[2])  # noqa: E731 - the statement, as the engine sent it
    from sqlalchemy import event
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return page, seen


def test_anonymous_visitors_asking_again_get_the_kept_page_until_a_write(app, client, world):
    first, _ = _statements(app, client, "/search?q=dark+mode")
    again, statements = _statements(app, client, "/search?q=dark+mode")

    assert again.get_data() == first.get_data()
    assert not [s for s in statements if "idea" in s.lower()]  # no search, no ideas read: only the version
    for response in (first, again):
        assert "Set-Cookie" not in response.headers
        assert 'name="csrf-token"' not in response.get_data(as_text=True)
    with app.app_context():
        make_idea(make_user(), db.session.get(Idea, world["original"]).prototype, "Dark mode for the reports")
    fresh = client.get("/search?q=dark+mode").get_data(as_text=True)
    assert "<mark>Dark</mark> <mark>mode</mark> for the reports" in fresh and "2 ideas found" in fresh


def test_a_signed_in_search_is_never_the_anonymous_copy(app, client, auth, world):
    client.get("/search?q=dark")
    auth.login(world["designer"])

    page = client.get("/search?q=dark").get_data(as_text=True)

    assert "hidden copy" in page and "2 ideas found" in page
    assert 'name="csrf-token"' in page
    auth.logout()
    assert "hidden copy" not in client.get("/search?q=dark").get_data(as_text=True)


def test_a_search_that_failed_is_not_kept_for_the_next_visitors(app, client, world, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from portal.search import queries

    real = queries._search_page

    def fails_once(*args, **kwargs):
        monkeypatch.setattr(queries, "_search_page", real)
        raise OperationalError("SELECT", {}, Exception("the connection dropped"))

    monkeypatch.setattr(queries, "_search_page", fails_once)
    assert "could not be run" in client.get("/search?q=dark").get_data(as_text=True)

    page = client.get("/search?q=dark").get_data(as_text=True)
    assert "could not be run" not in page and "<mark>Dark</mark> mode for the dashboard" in page


def test_a_page_whose_rendering_used_the_session_is_not_kept(app):
    from flask import session

    from portal.pagecache import kept_for_anonymous

    rendered = []

    def render() -> str:
        session["csrf_token"] = f"token-{len(rendered)}"  # as a template asking for a form token would
        rendered.append(1)
        return session["csrf_token"]

    with app.app_context():
        make_idea(make_user(), make_prototype(), "Something written, so there is a content version")
    for expected in ("token-0", "token-1"):
        with app.test_request_context("/search?q=dark"):
            assert kept_for_anonymous(render) == expected
