"""The people directory and the network page: who is listed, search and filters, privacy, charts with tables."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.network.models import Connection, ProfileTag
from portal.people import services
from portal.reputation.services import recompute_all
from tests.factories import make_comment, make_idea, make_product, make_prototype, make_user


def _names(html: bytes) -> list[str]:
    import re

    return re.findall(r'<p class="person-name"><a href="/people/\d+">([^<]+)</a>', html.decode())


@pytest.fixture
def people(app):
    """Three people who took part in two prototypes of two products, and one who never did."""
    with app.app_context():
        solar = make_prototype(make_product("Solar"), name="Solar lid")
        keys = make_prototype(make_product("Keys"), name="Keyboard")
        amina = make_user(display_name="Amina Okafor")
        amina.company = "Lagos Schools"
        bo = make_user(role="designer", display_name="Bo Designer")
        cy = make_user(display_name="Cy Voter")
        make_user(display_name="Lurker")
        db.session.add(ProfileTag(user_id=amina.id, kind="offer", name="battery testing"))
        db.session.add(ProfileTag(user_id=cy.id, kind="need", name="offline maps"))
        db.session.commit()
        idea = make_idea(db.session.get(User, amina.id), solar)
        make_comment(db.session.get(User, bo.id), idea)
        for _ in range(3):
            idea_services.cast_vote(db.session.get(User, cy.id), db.session.get(Idea, make_idea(prototype=keys).id))
        recompute_all()
        return {"amina": amina.id, "bo": bo.id, "cy": cy.id, "solar": solar.slug, "keys": keys.slug,
                "solar_product": solar.product.slug}


def test_directory_lists_those_who_took_part(client, people):
    names = _names(client.get("/people").data)
    assert {"Amina Okafor", "Bo Designer", "Cy Voter"} <= set(names)
    assert "Lurker" not in names


def test_search_by_name_company_and_tags(client, people):
    assert _names(client.get("/people?q=amina").data) == ["Amina Okafor"]
    assert _names(client.get("/people?q=lagos").data) == ["Amina Okafor"]
    assert _names(client.get("/people?q=battery").data) == ["Amina Okafor"]
    assert _names(client.get("/people?q=offline+maps").data) == ["Cy Voter"]
    assert _names(client.get("/people?q=%25").data) == []  # LIKE wildcards are only characters
    assert b"Nobody matches" in client.get("/people?q=zzzz").data


def test_filters_by_role_product_and_prototype(client, people):
    assert _names(client.get("/people?role=designer").data) == ["Bo Designer"]
    on_solar = set(_names(client.get(f"/people?prototype={people['solar']}").data))
    assert on_solar == {"Amina Okafor", "Bo Designer"}
    assert "Cy Voter" in _names(client.get(f"/people?prototype={people['keys']}").data)
    assert "Cy Voter" not in _names(client.get(f"/people?product={people['solar_product']}").data)


def test_sorted_by_reputation_or_recency(client, people):
    by_points = _names(client.get("/people?sort=reputation").data)
    assert by_points[0] == "Cy Voter"  # three votes on others' ideas
    assert _names(client.get("/people?sort=recent").data)[0] == "Cy Voter"  # voted last
    assert client.get("/people?sort=bogus").status_code == 200


def test_bad_query_strings_are_harmless(client, people):
    for query in ("page=-3", "page=abc", "role=king", "product=nope", "prototype=%00", "q=%00a", "q=%FF",
                  "sort=%00", "q=" + "x" * 5000, "product=%C0%80"):
        assert client.get(f"/people?{query}").status_code == 200


def test_paginated(app, client):
    with app.app_context():
        idea = make_idea()
        for _ in range(26):
            idea_services.cast_vote(make_user(), db.session.get(Idea, idea.id))
    first = client.get("/people")
    assert b"Page 1 of 2" in first.data and len(_names(first.data)) == 24
    assert len(_names(client.get("/people?page=2").data)) == 3


def test_leaving_the_directory_hides_a_person_everywhere_people_are_listed(app, client, auth, people):
    with app.app_context():
        amina = db.session.get(User, people["amina"]).email
    auth.login(amina)
    assert b"Leave the directory" in client.get("/settings/directory").data
    client.post("/settings/directory", data={"listed": "0"})
    assert "Amina Okafor" not in _names(client.get("/people").data)
    assert "Amina Okafor" not in _names(client.get("/people?q=battery").data)
    board = client.get("/reputation/leaderboard?period=all").data.decode().split("<main", 1)[1]
    assert "Cy Voter" in board and "Amina Okafor" not in board
    client.post("/settings/directory", data={"listed": "1"})
    assert "Amina Okafor" in _names(client.get("/people").data)


def test_banned_and_contact_accounts_are_not_listed(app, client, people):
    with app.app_context():
        from portal.core.models import utcnow

        cy = db.session.get(User, people["cy"])
        cy.banned_at = utcnow()
        db.session.commit()
    assert "Cy Voter" not in _names(client.get("/people").data)


@pytest.mark.parametrize("viewer", ["anonymous", "member", "connection", "owner"])
def test_contact_details_appear_only_where_their_owner_allows(app, client, auth, people, viewer):
    with app.app_context():
        amina = db.session.get(User, people["amina"])
        amina.email, amina.website = "amina@lagos.example", "https://amina.example"
        amina.email_visibility, amina.website_visibility = "connections", "members"
        db.session.commit()
        member, friend = make_user(), make_user()
        db.session.add(Connection(requester_id=friend.id, addressee_id=amina.id, status="accepted",
                                  addressee_accepted=True))
        db.session.commit()
        logins = {"member": member.email, "connection": friend.email, "owner": amina.email}
    if viewer in logins:
        auth.login(logins[viewer])
    page = client.get("/people").data
    assert (b"amina@lagos.example" in page) is (viewer in ("connection", "owner"))
    assert (b"https://amina.example" in page) is (viewer != "anonymous")


def test_only_me_contact_details_never_show(client, people, app):
    with app.app_context():
        amina = db.session.get(User, people["amina"])
        amina.phone = "+234 555 0100"
        db.session.commit()
        email = amina.email
    page = client.get("/people").data
    assert email.encode() not in page and b"555 0100" not in page


def test_network_page_draws_charts_and_the_same_numbers_as_tables(client, people):
    page = client.get("/network")
    assert page.status_code == 200
    html = page.data.decode()
    assert html.count("<svg") == 4 and "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Collaborators by role" in html and "<td>Designer</td><td>1</td>" in html
    assert "<td>Customer</td><td>" in html
    assert "Solar lid" in html and "Keyboard" in html


def test_service_refuses_guests(app):
    from portal.accounts.models import Guest
    from portal.errors import PermissionDenied

    with app.app_context(), pytest.raises(PermissionDenied):
        services.set_listed(Guest(), False)
    with app.app_context():
        assert db.session.scalar(select(User.id).limit(1)) is None
