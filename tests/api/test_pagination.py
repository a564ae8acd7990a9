"""Cursor pagination: pages follow each other by `next_cursor` or the Link header, and stay right under inserts."""

from __future__ import annotations

import base64
import json
import re

import pytest

from portal.ideas import services as idea_services
from tests.api.conftest import Api
from tests.factories import make_comment, make_idea, make_prototype, make_user

LINK = re.compile(r'<(?P<url>[^>]+)>; rel="next"')


def _walk(api: Api, path: str, between_pages=None) -> list[int]:
    """Every id on every page, following the Link header like a client would."""
    seen: list[int] = []
    response = api.get(path)
    while True:
        assert response.status_code == 200, response.json
        seen += [item["id"] for item in response.json["items"]]
        link = response.headers.get("Link")
        assert (link is None) == (response.json["next_cursor"] is None)
        if link is None:
            return seen
        if between_pages:
            between_pages()
        url = LINK.fullmatch(link).group("url")
        assert response.json["next_cursor"] in url
        response = api.client.get(url.removeprefix("http://localhost"), headers=api.headers())


@pytest.mark.parametrize("sort", ["new", "top", "trending", "discussed"])
def test_every_idea_once_in_every_sort(api_as, ctx, sort):
    prototype = make_prototype()
    ideas = [make_idea(prototype=prototype, title=f"Idea about topic {n}") for n in range(7)]
    voter = make_user()
    for idea in ideas[:3]:
        idea_services.cast_vote(voter, idea)
    seen = _walk(api_as(None), f"/ideas?sort={sort}&limit=2")
    assert sorted(seen) == sorted(i.id for i in ideas)
    assert len(seen) == len(set(seen))


def test_new_ideas_posted_while_paging_neither_repeat_nor_hide_older_ones(api_as, ctx):
    prototype = make_prototype()
    author = make_user()
    older = [make_idea(author, prototype, title=f"Older idea {n}") for n in range(5)]

    def post_more() -> None:
        make_idea(author, prototype, title="Arrived while paging")

    seen = _walk(api_as(None), "/ideas?sort=new&limit=2", between_pages=post_more)
    assert sorted(seen) == sorted(i.id for i in older)  # the newcomers sort before the first page: not repeated


def test_comments_page_oldest_first(api_as, ctx):
    idea = make_idea(prototype=make_prototype())
    commenter = make_user()
    comments = [make_comment(commenter, idea, f"Comment {n}") for n in range(5)]
    assert _walk(api_as(None), f"/ideas/{idea.id}/comments?limit=2") == [c.id for c in comments]


def test_a_cursor_only_works_for_the_list_it_came_from(api_as, ctx):
    prototype = make_prototype()
    for n in range(3):
        make_idea(prototype=prototype, title=f"Idea about topic {n}")
    cursor = api_as(None).get("/ideas?sort=new&limit=1").json["next_cursor"]
    refused = api_as(None).get(f"/ideas?sort=top&cursor={cursor}")
    assert refused.status_code == 400
    assert refused.json["errors"] == {"cursor": "Use the `next_cursor` of the previous page of this same list."}


def test_filters_and_search_match_the_site(api_as, ctx):
    first, second = make_prototype(), make_prototype()
    charging = make_idea(prototype=first, title="Faster charging please")
    make_idea(prototype=second, title="A brighter screen")
    api = api_as(None)
    assert [i["id"] for i in api.get(f"/ideas?prototype_id={first.id}").json["items"]] == [charging.id]
    assert [i["id"] for i in api.get("/ideas?q=charge").json["items"]] == [charging.id]
    assert [i["id"] for i in api.get("/ideas/similar?title=charging%20speed").json["items"]] == [charging.id]


@pytest.mark.parametrize("values", [["abc", 1], [1.5, "x"], [None, 1], [True, 1], [2**70, 1], [{"t": "2026-01-01"}, 1],
                                    [{"t": "not a date"}, 1], [1e308 * 10, 1], [[1], 1], [1]])
def test_a_forged_cursor_is_a_400_never_a_database_error(api_as, ctx, values):
    make_idea(prototype=make_prototype())
    for sort in ("top", "new", "trending"):
        raw = json.dumps({"k": f"ideas:{sort}", "v": values})
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        response = api_as(None).get(f"/ideas?sort={sort}&cursor={cursor}")
        assert response.status_code == 400, (sort, response.get_data(as_text=True))
