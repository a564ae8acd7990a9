"""Connections, introductions, profile settings and the idea page's suggestions over HTTP."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.network import services
from portal.network.models import Connection, Introduction, ProfileTag
from portal.network.queries import are_connected, connection_between
from tests.factories import make_comment, make_idea, make_user
from tests.network.conftest import contributor


def _ids(**people: User) -> SimpleNamespace:
    return SimpleNamespace(**{name: SimpleNamespace(id=p.id, email=p.email, name=p.display_name)
                              for name, p in people.items()})


@pytest.fixture
def pair(app):
    with app.app_context():
        return _ids(ada=contributor(display_name="Ada Tester"), bob=make_user(display_name="Bob Teacher"))


def _refused(response) -> bool:
    """The form came back for correction (422 once forms answer so, 200 before), not a redirect or a crash."""
    return response.status_code in (200, 422)


def _connections(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Connection.id)))


def test_a_visitor_is_asked_to_sign_in_to_connect(client, pair):
    page = client.get(f"/people/{pair.bob.id}").get_data(as_text=True)

    assert "to connect with Bob Teacher" in page
    response = client.post(f"/people/{pair.bob.id}/connect", data={"message": "hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sending_a_request_from_the_profile_and_accepting_it(app, client, auth, pair):
    auth.login(pair.ada.email)
    assert "Send request" in client.get(f"/people/{pair.bob.id}").get_data(as_text=True)

    response = client.post(f"/people/{pair.bob.id}/connect",
                           data={"message": "We both test batteries.", "next": f"/people/{pair.bob.id}"},
                           follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "Your request is sent to Bob Teacher." in page and "Request sent" in page
    auth.logout()
    auth.login(pair.bob.email)
    inbox = client.get("/connections").get_data(as_text=True)
    assert "Ada Tester" in inbox and "We both test batteries." in inbox
    with app.app_context():
        row_id = connection_between(pair.ada.id, pair.bob.id).id
    client.post(f"/connections/{row_id}/accept", follow_redirects=True)
    with app.app_context():
        assert are_connected(pair.ada.id, pair.bob.id)
    assert "Connected" in client.get(f"/people/{pair.ada.id}").get_data(as_text=True)


def test_a_request_to_oneself_gets_a_clear_answer_and_changes_nothing(app, client, auth, pair):
    auth.login(pair.ada.email)

    response = client.post(f"/people/{pair.ada.id}/connect", data={"message": "me"})

    assert _refused(response)
    assert "You can't send a connection request to yourself." in unescape(response.get_data(as_text=True))
    assert _connections(app) == 0


def test_a_too_long_message_is_explained_and_kept(app, client, auth, pair):
    auth.login(pair.ada.email)
    message = "Long " * 70

    response = client.post(f"/people/{pair.bob.id}/connect", data={"message": message})

    page = response.get_data(as_text=True)
    assert _refused(response) and "300 characters or fewer" in page and message.strip() in page
    assert _connections(app) == 0


def test_a_duplicate_request_is_answered_on_the_request_page(app, client, auth, pair):
    auth.login(pair.ada.email)
    client.post(f"/people/{pair.bob.id}/connect", data={"message": "one"})

    response = client.post(f"/people/{pair.bob.id}/connect", data={"message": "two"})

    assert _refused(response)
    assert "You already asked Bob Teacher" in response.get_data(as_text=True)
    assert _connections(app) == 1


def test_declining_from_the_connections_page_says_they_are_not_told(app, client, auth, pair):
    with app.app_context():
        row = services.request_connection(db.session.get(User, pair.ada.id), db.session.get(User, pair.bob.id))
        row_id = row.id
    auth.login(pair.bob.email)

    page = client.post(f"/connections/{row_id}/decline", follow_redirects=True).get_data(as_text=True)

    assert "Declined. They are not told." in page and "Nothing waiting" in page
    auth.logout()
    auth.login(pair.ada.email)
    assert "Request sent" in client.get(f"/people/{pair.bob.id}").get_data(as_text=True)


def test_answering_someone_elses_request_is_not_found(app, client, auth, pair):
    with app.app_context():
        row_id = services.request_connection(db.session.get(User, pair.ada.id),
                                             db.session.get(User, pair.bob.id)).id
        eve = make_user().email
    auth.login(eve)

    assert client.post(f"/connections/{row_id}/accept").status_code == 404


def test_blocking_from_the_profile_stops_requests(app, client, auth, pair):
    auth.login(pair.bob.email)
    page = client.post(f"/people/{pair.ada.id}/block", follow_redirects=True).get_data(as_text=True)
    assert "You blocked Ada Tester" in page and "Unblock" in page
    auth.logout()
    auth.login(pair.ada.email)

    response = client.post(f"/people/{pair.bob.id}/connect", data={"message": "hi"})

    assert _refused(response)
    assert "You can't send a request to Bob Teacher." in unescape(response.get_data(as_text=True))


def test_state_changing_routes_refuse_get(client, auth, pair):
    auth.login(pair.ada.email)

    for path in ("/connections/1/accept", "/connections/1/decline", "/connections/1/withdraw",
                 f"/people/{pair.bob.id}/block", f"/people/{pair.bob.id}/unblock", f"/people/{pair.bob.id}/disconnect"):
        assert client.get(path).status_code == 405, path


def test_a_customer_may_not_introduce(client, auth, pair):
    auth.login(pair.ada.email)

    assert client.get("/introductions/new").status_code == 403


def test_a_host_introduces_from_profile_links_and_names(app, client, auth, pair):
    with app.app_context():
        host = make_user("designer").email
    auth.login(host)
    form = client.get(f"/introductions/new?first={pair.ada.id}").get_data(as_text=True)
    assert f'value="/people/{pair.ada.id}"' in form

    response = client.post("/introductions/new", data={
        "first": f"http://localhost/people/{pair.ada.id}", "second": "bob teacher", "note": "You both test laptops."},
        follow_redirects=True)

    assert "You introduced Ada Tester and Bob Teacher." in response.get_data(as_text=True)
    with app.app_context():
        intro = db.session.scalars(select(Introduction)).one()
        assert (intro.first_id, intro.second_id, intro.note) == (pair.ada.id, pair.bob.id, "You both test laptops.")


@pytest.mark.parametrize("value", ["²", "⁰⁴⁵", "١٢", "99999999999", "-1", "12abc"])
def test_a_prefill_that_is_not_an_id_leaves_the_field_empty(app, client, auth, pair, value):
    # Superscript digits pass str.isdigit() but not int(): they once answered 500.
    with app.app_context():
        host = make_user("designer").email
    auth.login(host)

    response = client.get("/introductions/new", query_string={"first": value, "second": str(pair.bob.id)})

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'value="/people/{pair.bob.id}"' in page
    assert page.count('value="/people/') == 1  # only "second" is filled in


def test_an_introduction_of_nobody_is_explained_with_the_input_kept(app, client, auth, pair):
    with app.app_context():
        host = make_user("developer").email
    auth.login(host)

    response = client.post("/introductions/new", data={"first": "Ada Tester", "second": "Nobody Here",
                                                       "note": "Meet"})

    page = response.get_data(as_text=True)
    assert _refused(response) and "Nobody here matches “Nobody Here”" in page
    assert 'value="Nobody Here"' in page and "Meet</textarea>" in page


def test_profile_settings_save_tags_and_visibility(app, client, auth, pair):
    auth.login(pair.ada.email)

    response = client.post("/settings/profile", data={
        "display_name": "Ada Tester", "location": "Leeds, UK",
        "offers": "Battery testing, teacher training, battery testing",
        "needs": "offline maps", "phone": "+44 113 496 0000", "phone_visibility": "connections",
        "email_visibility": "members", "website_visibility": "me", "linkedin_visibility": "me",
        "github_visibility": "me", "mastodon_visibility": "me"})

    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, pair.ada.id)
        assert (user.location, user.phone, user.phone_visibility, user.email_visibility) == (
            "Leeds, UK", "+44 113 496 0000", "connections", "members")
        assert [t.name for t in db.session.scalars(select(ProfileTag).where(ProfileTag.kind == "offer")
                                                   .order_by(ProfileTag.position))] == [
            "battery testing", "teacher training"]
    form = client.get("/settings/profile").get_data(as_text=True)
    assert 'value="battery testing, teacher training"' in form
    profile = client.get(f"/people/{pair.ada.id}").get_data(as_text=True)
    assert "Leeds, UK" in profile and "offline maps" in profile and "My connections" in profile


@pytest.mark.parametrize("field, value, message", [
    ("phone", "call me maybe", "Use digits, spaces"),
    ("linkedin", "linkedin.com/in/ada", "Start the address with https://"),
    ("offers", ",".join(f"tag {n}" for n in range(9)), "Up to 8 tags"),
    ("needs", "x", "Each tag takes 2 to 40 characters"),
    ("phone_visibility", "the-world", "Not a valid choice"),
])
def test_profile_settings_explain_bad_input_and_keep_the_rest(app, client, auth, pair, field, value, message):
    auth.login(pair.ada.email)
    data = {"display_name": "Ada Renamed", "location": "Leeds", "phone_visibility": "me", field: value}

    response = client.post("/settings/profile", data=data)

    page = response.get_data(as_text=True)
    assert _refused(response) and message in page and 'value="Leeds"' in page
    with app.app_context():
        assert db.session.get(User, pair.ada.id).display_name == "Ada Tester"


def test_others_who_care_favours_people_not_yet_connected_and_across_roles(app, client, auth):
    with app.app_context():
        viewer = contributor(display_name="Viewing Customer")
        idea = make_idea(title="Offline maps for field trips")
        designer = make_user("designer", display_name="Dana Designer")
        fellow = make_user(display_name="Fiona Fellow")
        friend = make_user(display_name="Fred Friend")
        blocked = make_user(display_name="Blocked Person")
        for person in (designer, fellow, friend, blocked):
            make_comment(person, idea, "Me too")
        services.accept_connection(friend, services.request_connection(viewer, friend).id)
        services.block_person(blocked, viewer)
        names = SimpleNamespace(viewer=viewer.email, idea=idea.id, author=idea.author.display_name)
    assert "Others who care" not in client.get(f"/ideas/{names.idea}", follow_redirects=True).get_data(as_text=True)
    auth.login(names.viewer)

    page = client.get(f"/ideas/{names.idea}", follow_redirects=True).get_data(as_text=True)

    panel = page[page.index("data-others-care"):]
    panel = panel[:panel.index("</section>")]
    order = [name for name in ("Dana Designer", "Fiona Fellow", "Fred Friend") if name in panel]
    assert order == sorted(order, key=panel.index) and panel.index("Dana Designer") < panel.index("Fiona Fellow")
    assert panel.index("Fiona Fellow") < panel.index("Fred Friend")  # already connected: last
    assert "Blocked Person" not in panel and "Viewing Customer" not in panel


def test_network_news_shows_under_the_bell_with_a_link_to_connections(app, client, auth, pair):
    with app.app_context():
        services.request_connection(db.session.get(User, pair.ada.id), db.session.get(User, pair.bob.id))
    auth.login(pair.bob.email)

    page = client.get("/notifications").get_data(as_text=True)

    assert "Ada Tester asked to connect with you" in page and 'href="/connections"' in page


def test_accepting_an_introduction_says_who_still_has_to_accept(app, client, auth, pair):
    with app.app_context():
        host = make_user("designer")
        services.introduce(host, db.session.get(User, pair.ada.id), db.session.get(User, pair.bob.id), "Meet")
        row_id = connection_between(pair.ada.id, pair.bob.id).id
    auth.login(pair.ada.email)
    inbox = client.get("/connections").get_data(as_text=True)
    assert "Introduced by" in inbox and "Meet" in inbox

    page = client.post(f"/connections/{row_id}/accept", follow_redirects=True).get_data(as_text=True)

    assert "You will be connected once Bob Teacher accepts too." in page
    assert "Introduction accepted by you" in page
