"""A screen with 500 pins renders in the same number of queries as one with five, and its list is paged."""

from __future__ import annotations

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, Vote
from portal.prototypes.models import Prototype
from portal.screens.models import Pin, Screen
from portal.screens.queries import PINS_PER_PAGE
from portal.triage.statuses import initial_status
from tests.factories import make_prototype, make_user
from tests.screens.helpers import make_screen


def _many_pins(screen, prototype, author, count: int, start: int = 0) -> None:
    """Rows written directly: the services would take minutes for hundreds of ideas."""
    status = initial_status()
    for n in range(start, start + count):
        idea = Idea(product_id=prototype.product_id, prototype_id=prototype.id, author_id=author.id,
                    title=f"Pinned idea {n}", status_id=status.id, vote_count=1, created_at=utcnow())
        db.session.add(idea)
        db.session.flush()
        db.session.add(Vote(idea_id=idea.id, user_id=author.id))
        db.session.add(Pin(screen_id=screen.id, idea_id=idea.id, author_id=author.id,
                           x=(n * 37 % 100) / 100, y=(n * 61 % 100) / 100))
    db.session.commit()


def _render(client, url: str, count_queries) -> tuple[int, str]:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_a_screen_with_500_pins_needs_no_more_queries_than_one_with_5(app, client, count_queries):
    with app.app_context():
        author = make_user()
        prototype = make_prototype()
        screen = make_screen(prototype)
        _many_pins(screen, prototype, author, 5)
        url = f"/prototypes/{prototype.slug}/screens/{screen.id}"
        ids = (screen.id, prototype.id, author.id)
    few, _ = _render(client, url, count_queries)

    with app.app_context():
        screen, prototype, author = (db.session.get(m, i) for m, i in zip((Screen, Prototype, User), ids, strict=True))
        _many_pins(screen, prototype, author, 495, start=5)
    many, page = _render(client, url, count_queries)

    assert many == few, (few, many)
    assert "500 pins" in page and "Page 1 of 10" in page
    assert page.count('<li id="pin-item-') == PINS_PER_PAGE
    assert 'class="pin-cluster"' in page  # crowded spots are clustered on the image


def test_the_second_page_of_the_list_continues_the_numbering(app, client):
    with app.app_context():
        author = make_user()
        prototype = make_prototype()
        screen = make_screen(prototype)
        _many_pins(screen, prototype, author, 60)
        url = f"/prototypes/{prototype.slug}/screens/{screen.id}?page=2"

    page = client.get(url).get_data(as_text=True)

    assert 'value="51"' in page and 'value="60"' in page and 'value="50"' not in page
