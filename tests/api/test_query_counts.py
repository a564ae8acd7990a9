"""API lists read a page in a fixed number of queries however many rows it holds (no N+1)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.triage.services import assign, save_tag, set_tags
from tests.api.conftest import Api, token_for
from tests.factories import make_comment, make_idea, make_prototype, make_user


@pytest.mark.parametrize("path", ["/ideas?sort=top", "/ideas?sort=new&q=idea", "/ideas/similar?title=idea"])
def test_an_idea_page_costs_the_same_queries_for_2_or_12_ideas(ctx, client, count_queries, path):
    team = make_user("designer")
    prototype = make_prototype()
    tag = save_tag(team, None, name="battery", color="#2454d6", internal=True)

    def grow(how_many: int) -> None:
        for _ in range(how_many):
            idea = make_idea(author=make_user(), prototype=prototype)
            make_comment(make_user(), idea)
            assign(team, idea, team)
            set_tags(team, idea, [tag])

    grow(2)
    api = Api(client, token_for(team))
    api.get(path)  # the first use of a token records when it was used
    db.session.remove()  # each measured request starts from an empty session, as a real one does
    with count_queries() as few:
        assert len(api.get(path).json["items"]) == 2
    grow(10)
    api.get(path)  # as above: the first request after a write fills what is kept until the next one
    db.session.remove()
    with count_queries() as many:
        assert len(api.get(path).json["items"]) >= 5
    assert len(many) == len(few), "\n".join(s[:90] for s in few) + "\n----\n" + "\n".join(s[:90] for s in many)


@pytest.mark.parametrize("path", ["/ideas/{idea}/comments", "/me/notifications"])
def test_comments_and_notifications_cost_the_same_for_2_or_12(ctx, client, count_queries, path):
    author = make_user()
    idea = make_idea(author, make_prototype())
    api = Api(client, token_for(author))
    url = path.format(idea=idea.id)
    for _ in range(2):
        make_comment(make_user(), idea)
    api.get(url)
    db.session.remove()  # each measured request starts from an empty session, as a real one does
    with count_queries() as few:
        assert len(api.get(url).json["items"]) == 2
    for _ in range(10):
        make_comment(make_user(), idea)
    api.get(url)  # the first request after a write fills what is kept until the next one
    db.session.remove()
    with count_queries() as many:
        assert len(api.get(url).json["items"]) == 12
    assert len(many) == len(few), "\n".join(s[:90] for s in few) + "\n----\n" + "\n".join(s[:90] for s in many)
