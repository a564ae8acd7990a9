"""A reply's parent id comes from a hidden field anyone can edit: odd values are answered, never a 500."""

from __future__ import annotations

import pytest

from tests.factories import make_comment, make_idea, make_user


@pytest.mark.parametrize("parent_id", ["⁰⁴⁵", "１２", "9" * 40, "-1", "1e3", " 1", "0x1", ""])
def test_odd_parent_ids_post_a_top_level_comment(app, client, auth, parent_id):
    with app.app_context():
        user = make_user()
        idea = make_idea()
    auth.login(user)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "Still a comment", "parent_id": parent_id})
    assert response.status_code == 302
    page = client.get(response.location)
    assert "Still a comment" in page.get_data(as_text=True)


def test_a_reply_joins_its_thread(app, client, auth):
    with app.app_context():
        user = make_user()
        idea = make_idea()
        parent = make_comment(make_user(), idea, "First!")
    auth.login(user)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "A reply", "parent_id": str(parent.id)})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert html.index("First!") < html.index('class="replies"') < html.index("A reply")
