"""A common word matches thousands of ideas: a search ranks a bounded pool of them, and the pool still holds only
what the viewer may see and the filters keep, best match first, page by page (issue 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from portal.accounts.models import Guest
from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation import services as moderation
from portal.search import queries
from portal.search.queries import SearchFilters, search_ideas
from portal.search.text import highlight
from tests.factories import make_comment, make_idea, make_product, make_prototype, make_user

GUEST = Guest()
POOL, TITLE_POOL = 6, 3
MOST = POOL + TITLE_POOL


@pytest.fixture
def small_pool(ctx, monkeypatch):
    monkeypatch.setattr(queries, "POOL_SIZE", POOL)
    monkeypatch.setattr(queries, "TITLE_POOL_SIZE", TITLE_POOL)


def _set_votes(idea: Idea, votes: int) -> None:
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(vote_count=votes))
    db.session.commit()


def test_with_more_matches_than_the_pool_only_the_pool_is_ranked(small_pool):
    prototype = make_prototype()
    for n in range(15):  # the same words: equal scores, so votes decide
        _set_votes(make_idea(make_user(), prototype, "Lantern flickers at night", body="It flickers."), n)

    results = search_ideas("lantern", GUEST)

    votes = [hit.idea.vote_count for hit in results.hits]
    assert POOL <= len(votes) <= MOST and votes == sorted(votes, reverse=True)
    assert (results.page.total, results.page.capped) == (len(votes), True)  # "Page 1 of 1+": there are more


def test_the_pool_pages_through_without_repeats(small_pool, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 4)
    prototype = make_prototype()
    for n in range(10):
        make_idea(make_user(), prototype, f"Lantern idea {n}", body="")

    pages = [search_ideas("lantern", GUEST, page=number) for number in (1, 2, 3, 4)]

    total = pages[0].page.total
    ids = [hit.idea.id for page in pages for hit in page.hits]
    assert POOL <= total <= MOST < 3 * 4
    assert [len(page.hits) for page in pages] == [min(4, max(0, total - 4 * n)) for n in range(4)]
    assert len(ids) == len(set(ids)) == total
    # Past the last page the count is still right, so the pager can link back.
    assert [page.page.total for page in pages] == [total] * 4
    assert pages[3].message == ""


def test_a_full_pool_holds_only_ideas_the_viewer_may_see(small_pool):
    prototype = make_prototype()
    designer, author = make_user("designer"), make_user()
    visible = [make_idea(author, prototype, f"Lantern visible {n}", body="") for n in range(3)]
    # A spam wave after them: the newest matches are all hidden. They must not fill the pool.
    for n in range(POOL + 2):
        moderation.hide_idea(designer, make_idea(author, prototype, f"Lantern spam {n}", body=""), "spam spam")

    found = {hit.idea.id for hit in search_ideas("lantern", GUEST).hits}

    assert found == {idea.id for idea in visible}


def test_a_full_pool_holds_only_ideas_the_filters_keep(small_pool):
    author = make_user()
    wanted = make_prototype(make_product())
    kept = [make_idea(author, wanted, f"Lantern kept {n}", body="") for n in range(3)]
    crowd = make_prototype(make_product())
    for n in range(POOL + 2):
        make_idea(author, crowd, f"Lantern elsewhere {n}", body="")

    results = search_ideas("lantern", GUEST, SearchFilters(product=wanted.product))

    assert {hit.idea.id for hit in results.hits} == {idea.id for idea in kept}
    assert (results.page.total, results.page.capped) == (3, False)


def test_a_title_match_is_ranked_however_many_ideas_mention_the_word_in_passing(small_pool):
    prototype, author = make_prototype(), make_user()
    make_idea(author, prototype, "Solar lantern for the classroom", body="Short.")
    for n in range(3 * POOL):  # newer, and far more of them than the pool holds
        make_idea(author, prototype, f"Unrelated idea {n}", body="The lantern is mentioned once in passing.")

    titles = [hit.idea.title for hit in search_ideas("lantern", GUEST).hits]

    assert titles[0] == "Solar lantern for the classroom"


def test_a_title_match_still_beats_body_and_comment_matches_among_many(ctx):
    prototype, author = make_prototype(), make_user()
    for n in range(30):
        make_idea(author, prototype, f"Unrelated idea {n}", body="The lantern is mentioned once in passing.")
    commented = make_idea(author, prototype, "Another unrelated idea", body="Nothing here.")
    make_comment(make_user(), commented, "My lantern broke.")
    make_idea(author, prototype, "Solar lantern for the classroom", body="Short.")

    titles = [hit.idea.title for hit in search_ideas("lantern", GUEST).hits]

    assert titles[0] == "Solar lantern for the classroom"
    assert "Another unrelated idea" not in titles  # 31 better matches: the comment-only one is on page 2


def test_snippets_come_from_the_indexed_text_readers_see(ctx):
    make_idea(make_user(), make_prototype(), "Plain title", body="A **bold** [lantern](https://example.com/x) here.")

    hit = search_ideas("lantern", GUEST).hits[0]

    assert str(hit.snippet) == "A bold <mark>lantern</mark> here."


# Highlighting long text reads only around the first match -----------------------------------------------------

def test_a_snippet_from_a_long_thread_is_a_window_around_the_first_match():
    text = "filler words " * 20_000 + "the lantern was stolen " + "more words " * 20_000

    snippet = str(highlight(text, ["lantern"], max_words=30))

    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet.count("<mark>lantern</mark>") == 1
    assert len(snippet.split()) == 30
    assert snippet.split().index("<mark>lantern</mark>") == 30 // 3  # a third of the words before it


@pytest.mark.parametrize(("text", "expected"), [
    ("lantern " + "a1 " * 40, "<mark>lantern</mark> a1 a1"),  # at the start: no "…" before
    ("a1 " * 40 + "lanterns", "a1 a1 <mark>lanterns</mark>"),  # at the end: the window ends with the text
    ("no match " * 40, "no match no"),  # no match: the beginning
    ("x" * 300 + " lantern", "x" * 300 + " <mark>lantern</mark>"),  # a long word before the match
])
def test_snippet_windows_at_the_edges(text, expected):
    snippet = str(highlight(text, ["lantern"], max_words=30))

    assert expected in snippet
    assert len([w for w in snippet.replace("…", " ").split() if w]) <= 30


def test_marks_only_whole_words_that_stem_alike():
    marked = str(highlight("Lanterns, lantern_x, xlantern, LANTERN! lanternfish", ["lantern"]))

    assert marked == ("<mark>Lanterns</mark>, <mark>lantern</mark>_x, xlantern, <mark>LANTERN</mark>! "
                      "lanternfish")
