"""Contact details never leak: every profile, vCard and idea page, seen by a visitor, a member, a connection and
the owner, shows each detail exactly where its visibility allows."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import vobject

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.extensions import db
from portal.network import services
from tests.factories import make_comment, make_idea, make_user

CONTACTS = {
    "phone": "+44 20 7946 0958",
    "website": "https://grace.example.org/site",
    "linkedin": "https://www.linkedin.com/in/grace-example",
    "github": "https://github.com/grace-example",
    "mastodon": "https://mastodon.example/@grace",
}
EMAIL = "grace.owner@example.com"
VIEWERS = ("anonymous", "member", "connection", "owner")
ALLOWED = {
    "me": {"owner"},
    "connections": {"connection", "owner"},
    "members": {"member", "connection", "owner"},
    "everyone": set(VIEWERS),
}


@pytest.fixture
def people(app):
    """The owner with every contact detail filled in, a connection of theirs, a member, and an idea of theirs."""
    with app.app_context():
        owner = make_user(email=EMAIL, display_name="Grace Owner")
        idea = make_idea(author=owner, title="Offline maps for field trips")
        make_comment(owner, idea, "I can test this in two schools.")
        friend, member = make_user(), make_user()
        make_idea(author=friend)
        services.accept_connection(owner, services.request_connection(friend, owner).id)
        # Plain values: the rows expire when their app context ends.
        return {name: SimpleNamespace(id=user.id, email=user.email)
                for name, user in (("owner", owner), ("connection", friend), ("member", member))} | {
            "idea_id": idea.id}


def _set_visibility(app, owner, level: str) -> None:
    with app.app_context():
        person = db.session.get(User, owner.id)
        accounts.update_profile(person, display_name=person.display_name, contacts=CONTACTS,
                                visibility={field: level for field in ("email", *CONTACTS)})


def _sign_in_as(client, auth, people, viewer: str) -> None:
    if viewer != "anonymous":
        auth.login(people[viewer].email)


def _values() -> dict[str, str]:
    return {"email": EMAIL, **CONTACTS}


@pytest.mark.parametrize("level", list(ALLOWED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_profile_shows_each_contact_detail_exactly_where_allowed(app, client, auth, people, level, viewer):
    _set_visibility(app, people["owner"], level)
    _sign_in_as(client, auth, people, viewer)

    page = client.get(f"/people/{people['owner'].id}").get_data(as_text=True)

    shown = viewer in ALLOWED[level]
    for field, value in _values().items():
        if field == "email" and viewer == "owner":
            continue  # the owner's own address is in their header menu whatever they chose
        assert (value in page) is shown, (field, level, viewer)


@pytest.mark.parametrize("level", list(ALLOWED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_vcard_holds_exactly_what_the_viewer_may_see(app, client, auth, people, level, viewer):
    _set_visibility(app, people["owner"], level)
    _sign_in_as(client, auth, people, viewer)

    response = client.get(f"/people/{people['owner'].id}/card.vcf")

    assert response.status_code == 200 and response.mimetype == "text/vcard"
    assert "no-store" in response.headers["Cache-Control"]
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.fn.value == "Grace Owner"
    lines = [line.value for line in card.getChildren()]
    shown = viewer in ALLOWED[level]
    for field, value in _values().items():
        assert (value in lines) is shown, (field, level, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_idea_page_never_shows_contact_details(app, client, auth, people, viewer):
    _set_visibility(app, people["owner"], "everyone")
    _sign_in_as(client, auth, people, viewer)

    page = client.get(f"/ideas/{people['idea_id']}", follow_redirects=True).get_data(as_text=True)

    assert "Offline maps for field trips" in page
    for value in CONTACTS.values():
        assert value not in page


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_people_directory_shows_no_more_than_the_profile(app, client, auth, people, viewer):
    _set_visibility(app, people["owner"], "connections")
    _sign_in_as(client, auth, people, viewer)

    page = client.get("/people").get_data(as_text=True)

    for value in _values().values():
        if value in page and not (value == EMAIL and viewer == "owner"):
            assert viewer in ALLOWED["connections"], value


def test_by_default_nothing_is_shown_to_anyone_else(app, client, auth, people):
    with app.app_context():
        fresh = make_user(email="fresh.person@example.com")
        accounts.update_profile(fresh, display_name=fresh.display_name, contacts=CONTACTS)
        fresh = SimpleNamespace(id=fresh.id)
    auth.login(people["member"].email)

    page = client.get(f"/people/{fresh.id}").get_data(as_text=True)
    card = client.get(f"/people/{fresh.id}/card.vcf").get_data(as_text=True)

    for value in ("fresh.person@example.com", *CONTACTS.values()):
        assert value not in page and value not in card


def test_a_banned_persons_details_are_shown_to_nobody(app, client, auth, people):
    _set_visibility(app, people["owner"], "everyone")
    with app.app_context():
        owner = db.session.get(User, people["owner"].id)
        owner.banned_at = owner.created_at
        db.session.commit()

    card = client.get(f"/people/{people['owner'].id}/card.vcf").get_data(as_text=True)

    assert all(value not in card for value in _values().values())
