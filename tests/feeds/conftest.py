"""A small public world with one of each thing the feeds must leave out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from portal.extensions import db
from portal.moderation.services import hide_idea, set_hold_first_posts
from portal.triage.services import add_internal_note, add_tag, merge_ideas, save_tag
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user

SECRETS = ("Hidden rant about pricing", "Pending first post idea", "Merged duplicate idea",
           "Secret-internal-tag", "Internal note: customer is Acme", "Hidden because of spam")
BASE_TIME = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _at(idea, minutes: int) -> None:
    idea.created_at = BASE_TIME + timedelta(minutes=minutes)
    db.session.add(idea)
    db.session.commit()


@pytest.fixture
def world(app) -> dict:
    """Ideas of one product: public, shipped (with internal tag and note), hidden, pending and merged."""
    with app.app_context():
        initial_status()
        admin, designer = make_user(role="admin"), make_user(role="designer", display_name="Dana Designer")
        product = make_product("Atlas")
        proto, later = make_prototype(product, name="Alpha"), make_prototype(product, name="Beta")
        public = make_idea(prototype=proto, title="Dark mode for the dashboard", body="Please add **dark** mode.")
        shipped = make_idea(prototype=later, title="Export to CSV", body="Spreadsheets.")
        hidden = make_idea(prototype=proto, title=SECRETS[0])
        merged = make_idea(prototype=proto, title=SECRETS[2])
        for minutes, idea in enumerate((public, shipped, hidden, merged)):
            _at(idea, minutes)
        set_hold_first_posts(admin, True)
        pending = make_idea(author=make_user(), prototype=proto, title=SECRETS[1])
        set_hold_first_posts(admin, False)
        hide_idea(designer, hidden, SECRETS[5])
        merge_ideas(designer, merged, public)
        add_tag(designer, shipped, save_tag(designer, None, name=SECRETS[3], color="#123456", internal=True))
        add_internal_note(designer, shipped, SECRETS[4])
        set_status(designer, shipped, status_by_name("Planned"), "We will build *this* next.")
        set_status(designer, shipped, status_by_name("Shipped"), "Out now in **Beta**.", later)
        other = make_idea(prototype=make_prototype(make_product("Zephyr")), title="An idea for another product")
        return {"product": product.slug, "prototype": proto.slug, "later": later.slug, "public": public.id,
                "shipped": shipped.id, "hidden": hidden.id, "pending": pending.id, "merged": merged.id,
                "other": other.id, "designer": designer.id, "admin": admin.id}


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)


def head_of(page: str) -> _Head:
    """The page's meta tags (name/property -> contents, unescaped) and <link> tags."""
    parser = _Head()
    parser.feed(page)
    return parser
