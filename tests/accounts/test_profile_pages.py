"""A public profile lists all of a person's ideas, a page at a time."""

from __future__ import annotations

from tests.factories import make_idea, make_prototype, make_user


def test_a_prolific_persons_ideas_are_all_reachable_page_by_page(app, client):
    with app.app_context():
        person = make_user(display_name="Prolific Person")
        prototype = make_prototype()
        titles = [make_idea(author=person, prototype=prototype, title=f"Idea number {n:02d}").title for n in range(25)]
    first = client.get(f"/people/{person.id}").get_data(as_text=True)
    second = client.get(f"/people/{person.id}?page=2").get_data(as_text=True)
    shown = [t for t in titles if t in first] + [t for t in titles if t in second]
    assert sorted(shown) == sorted(titles)
    assert "Page 1 of 2" in first and "Next" in first
