"""Pages read what they show in a fixed number of queries, however many ideas there are (no N+1)."""

from __future__ import annotations

import pytest

from tests.factories import make_comment, make_idea, make_prototype, make_user


def _grow(prototype, voter, how_many: int) -> None:
    for _ in range(how_many):
        idea = make_idea(author=make_user(role="designer"), prototype=prototype)
        make_comment(voter, idea)


@pytest.mark.parametrize("path", ["/", "/products/{product}", "/prototypes/{prototype}", "/people/{voter}"])
def test_page_query_count_does_not_grow_with_ideas(app, client, auth, count_queries, path):
    with app.app_context():
        prototype = make_prototype()
        voter = make_user()
        _grow(prototype, voter, 2)
        url = path.format(product=prototype.product.slug, prototype=prototype.slug, voter=voter.id)
    auth.login(voter)

    with count_queries() as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        _grow(prototype, voter, 12)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_idea_page_query_count_does_not_grow_with_comments(app, client, auth, count_queries):
    with app.app_context():
        idea = make_idea()
        voter = make_user()
        make_comment(make_user(role="developer"), idea)
    auth.login(voter)
    with count_queries() as few:
        client.get(f"/ideas/{idea.id}", follow_redirects=True)
    with app.app_context():
        for _ in range(10):
            make_comment(make_user(), idea)
    with count_queries() as many:
        client.get(f"/ideas/{idea.id}", follow_redirects=True)
    assert len(many) == len(few)
