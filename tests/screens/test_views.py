"""Screen and pin pages over HTTP: what people see, the no-JavaScript pin path, bad input kept, team actions."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.screens.models import CarriedIdea, Pin, Screen
from portal.screens.pins import resolve_pin
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user
from tests.screens.helpers import make_screen, pin_at, png


@pytest.fixture
def world(app):
    with app.app_context():
        initial_status()
        designer = make_user(role="designer")
        customer = make_user()
        prototype = make_prototype(name="Reader app")
        screen = make_screen(prototype, "Library shelf", designer=designer)
        idea = make_idea(customer, prototype, title="Shelf label is cut off")
        pin = pin_at(customer, screen, idea, 0.4, 0.3)
        return {"designer": designer.email, "customer": customer.email, "customer_id": customer.id,
                "slug": prototype.slug, "prototype_id": prototype.id, "screen": screen.id, "idea": idea.id,
                "pin": pin.id, "url": f"/prototypes/{prototype.slug}/screens/{screen.id}"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _pin_post(client, world, **data):
    form = {"mode": "new", "x": "50", "y": "50", "w": "", "h": "", "title": "", "body": "", "idea": "",
            "comment": "", **data}
    return client.post(f"{world['url']}/pins", data=form)


def test_anyone_sees_the_screen_with_numbered_pins_and_the_same_pins_as_a_list(client, world):
    page = client.get(world["url"]).get_data(as_text=True)

    assert 'type="image"' in page and "sign in to pin an idea" in page
    assert f'id="pin-{world["pin"]}"' in page and "left: 40.0000%; top: 30.0000%" in page
    assert "Pin 1: Shelf label is cut off, 1 vote, New" in page
    assert f'id="pin-item-{world["pin"]}"' in page


def test_the_prototype_page_shows_screens_as_thumbnails_with_pin_counts(client, world):
    page = client.get(f"/prototypes/{world['slug']}").get_data(as_text=True)

    assert "Library shelf" in page and "1 pin</span>" in page


def test_a_screen_of_another_prototype_is_not_found_under_this_one(app, client, world):
    with app.app_context():
        other = make_prototype(make_product())

    assert client.get(f"/prototypes/{other.slug}/screens/{world['screen']}").status_code == 404


def test_a_draft_screen_is_found_by_the_team_only(app, client, auth, world):
    with app.app_context():
        draft = make_screen(db.session.get(Screen, world["screen"]).prototype, "Draft", team_only=True)
    url = f"/prototypes/{world['slug']}/screens/{draft.id}"

    assert client.get(url).status_code == 404
    auth.login(world["customer"])
    assert client.get(url).status_code == 404
    refused = client.post(f"{url}/pins", data={"mode": "new", "x": "5", "y": "5", "title": "Draft idea"})
    assert refused.status_code == 404
    auth.logout()
    auth.login(world["designer"])
    assert client.get(url).status_code == 200


def test_the_image_input_click_leads_to_the_form_with_the_spot_in_percent(client, auth, world):
    auth.login(world["customer"])
    # 800 x 500 shown 640 x 400 wide without JavaScript: (160, 300) is 25% across, 75% down.
    page = client.get(f"{world['url']}/pins/new?at.x=160&at.y=300").get_data(as_text=True)

    assert re.search(r'id="x"[^>]*value="25"', page) and re.search(r'id="y"[^>]*value="75"', page)
    assert "left: 25.0%; top: 75.0%" in page


def test_posting_a_pinned_idea_redirects_to_the_screen_with_the_pin_highlighted(app, client, auth, world):
    auth.login(world["customer"])
    response = _pin_post(client, world, x="12.5", y="80", title="Cover the charging port")

    assert response.status_code == 302
    with app.app_context():
        pin = db.session.scalar(select(Pin).order_by(Pin.id.desc()))
        assert (pin.x, pin.y) == (0.125, 0.8) and pin.idea.title == "Cover the charging port"
    assert response.headers["Location"].endswith(f"pin={pin.id}#pin-{pin.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your idea is posted and pinned, with your vote." in page and "is-highlighted" in page


@pytest.mark.parametrize("position, message", [
    ({"x": "120", "y": "50"}, "outside the image"),
    ({"x": "", "y": ""}, "Choose a spot on the image first."),
    ({"x": "10", "y": "10", "w": "0", "h": "20"}, "needs a width and a height"),
    ({"x": "90", "y": "10", "w": "20", "h": "20"}, "reaches outside the image"),
    ({"x": "abc", "y": "10"}, "Choose a spot on the image first."),
])
def test_a_bad_position_is_refused_with_the_input_kept_and_nothing_saved(app, client, auth, world, position,
                                                                          message):
    auth.login(world["customer"])
    ideas_before = _count(app, Idea)
    response = _pin_post(client, world, title="Keep this title", **position)

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'value="Keep this title"' in page
    assert _count(app, Pin) == 1 and _count(app, Idea) == ideas_before


@pytest.mark.parametrize("data, message", [
    ({"mode": "new", "title": "Hi!"}, "a title of at least 4 characters"),
    ({"mode": "existing", "idea": "abc"}, "Choose the idea this is about."),
    ({"mode": "existing", "idea": "²"}, "Choose the idea this is about."),
    ({"mode": "comment", "idea": "⁰⁴⁵", "comment": "Keep this comment"}, "Choose the idea this is about."),
    ({"mode": "existing", "idea": "99999999999999999999"}, "Choose the idea this is about."),
    ({"mode": "comment", "idea": "2147483648", "comment": "Keep this comment"}, "Choose the idea this is about."),
])
def test_a_bad_title_or_idea_is_refused_with_a_message_not_a_server_error(app, client, auth, world, data, message):
    # The form's checks raised ValueError, which WTForms does not catch (a 500), and isdigit() let superscript digits
    # through to int() (a 500) and numbers past the id column through to the database (a 500 on PostgreSQL).
    auth.login(world["customer"])
    ideas_before = _count(app, Idea)

    response = _pin_post(client, world, **data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert data.get("comment", "") in page  # what was typed comes back
    assert _count(app, Pin) == 1 and _count(app, Idea) == ideas_before


def test_an_idea_of_another_prototype_is_refused(app, client, auth, world):
    with app.app_context():
        elsewhere = make_idea(db.session.get(Idea, world["idea"]).author, make_prototype())
    auth.login(world["customer"])

    response = _pin_post(client, world, mode="existing", idea=str(elsewhere.id))

    assert response.status_code == 422 and "belongs to another prototype" in response.get_data(as_text=True)
    assert _count(app, Pin) == 1


def test_a_pinned_comment_shows_on_the_idea_page_with_a_link_to_its_spot(app, client, auth, world):
    auth.login(world["designer"])
    response = _pin_post(client, world, mode="comment", idea=str(world["idea"]), comment="and here it is cut off",
                         x="90", y="10")
    assert response.status_code == 302

    page = client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        pin = db.session.scalar(select(Pin).where(Pin.comment_id == comment.id))
    assert "and here it is cut off" in page and f"pin={pin.id}#pin-{pin.id}" in page
    assert "Pinned on Library shelf" in page


def test_the_idea_page_shows_a_crop_linking_to_the_screen_with_the_pin_highlighted(client, world):
    page = client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(as_text=True)

    assert "Pinned on 1 screen spot" in page and 'class="pin-crop"' in page
    assert f"{world['url']}?pin={world['pin']}#pin-{world['pin']}" in page


def test_filters_by_status_mine_and_hide(app, client, auth, world):
    with app.app_context():
        screen = db.session.get(Screen, world["screen"])
        planned = make_idea(prototype=screen.prototype, title="Bigger shelf icons")
        pin_at(planned.author, screen, planned, 0.8, 0.8)
        set_status(make_user(role="designer"), planned, status_by_name("Planned"), "")
        planned_id = status_by_name("Planned").id

    page = client.get(f"{world['url']}?status={planned_id}").get_data(as_text=True)
    assert ">Bigger shelf icons</a>" in page and ">Shelf label is cut off</a>" not in page and "(filtered)" in page
    auth.login(world["customer"])
    page = client.get(f"{world['url']}?mine=1").get_data(as_text=True)
    assert ">Shelf label is cut off</a>" in page and ">Bigger shelf icons</a>" not in page
    assert "pins-hidden" in client.get(f"{world['url']}?hide=1").get_data(as_text=True)


def test_a_designer_adds_a_screen_through_the_form_and_a_bad_file_gets_a_message(app, client, auth, world):
    auth.login(world["designer"])
    url = f"/prototypes/{world['slug']}/screens/new"

    bad = client.post(url, data={"caption": "Settings", "image": (io.BytesIO(b"not an image"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "not a readable PNG" in bad.get_data(as_text=True)
    assert 'value="Settings"' in bad.get_data(as_text=True)
    good = client.post(url, data={"caption": "Settings", "image": (io.BytesIO(png()), "s.png")},
                       content_type="multipart/form-data")
    assert good.status_code == 302 and _count(app, Screen) == 2


def test_customers_cannot_reach_screen_management(client, auth, world):
    auth.login(world["customer"])

    assert client.get(f"/prototypes/{world['slug']}/screens/new").status_code == 403
    assert client.get(f"{world['url']}/edit").status_code == 403
    assert client.post(f"{world['url']}/delete").status_code == 403
    assert client.get(f"/prototypes/{world['slug']}/versions/new").status_code == 403


def test_the_pin_page_moves_a_pin_by_coordinates_without_javascript(app, client, auth, world):
    auth.login(world["customer"])
    assert client.get(f"/pins/{world['pin']}?at.x=320&at.y=100").status_code == 200

    response = client.post(f"/pins/{world['pin']}/move", data={"x": "50", "y": "25", "w": "", "h": ""})
    assert response.status_code == 302
    refused = client.post(f"/pins/{world['pin']}/move", data={"x": "-5", "y": "25"})
    assert refused.status_code == 422 and "outside the image" in refused.get_data(as_text=True)
    with app.app_context():
        assert (db.session.get(Pin, world["pin"]).x, db.session.get(Pin, world["pin"]).y) == (0.5, 0.25)


def test_dragging_a_pin_moves_it_over_json(app, client, auth, world):
    auth.login(world["designer"])
    response = client.post(f"/pins/{world['pin']}/move", data={"x": "10", "y": "20"},
                           headers={"Accept": "application/json"})

    assert response.status_code == 200 and response.get_json() == {"x": 0.1, "y": 0.2}


def test_another_customer_cannot_manage_someone_elses_pin(app, client, auth, world):
    with app.app_context():
        other = make_user()
    auth.login(other)

    assert client.get(f"/pins/{world['pin']}").status_code == 403
    assert client.post(f"/pins/{world['pin']}/move", data={"x": "1", "y": "1"}).status_code == 403
    assert client.post(f"/pins/{world['pin']}/delete").status_code == 403


def test_triage_marks_a_pin_addressed_and_the_version_page_lists_it(app, client, auth, world):
    with app.app_context():
        later = make_prototype(db.session.get(Screen, world["screen"]).prototype.product, name="Reader app v2")
    auth.login(world["designer"])

    response = client.post(f"/pins/{world['pin']}/resolve", data={"version": str(later.id)})

    assert response.status_code == 302
    assert "Shelf label is cut off" in client.get(f"/prototypes/{later.slug}").get_data(as_text=True)
    assert "✓ addressed in" in client.get(world["url"]).get_data(as_text=True)


def test_a_new_version_through_the_form_carries_the_checked_ideas(app, client, auth, world):
    auth.login(world["designer"])
    url = f"/prototypes/{world['slug']}/versions/new"
    page = client.get(url).get_data(as_text=True)
    assert "Shelf label is cut off" in page and "checked" in page

    response = client.post(url, data={"name": "Reader app", "version_label": "v2", "stage": "pilot", "slug": "",
                                      "copy_screens": "y", "carry": [str(world["idea"])]})

    assert response.status_code == 302 and response.headers["Location"].endswith("/prototypes/reader-app-v2")
    with app.app_context():
        assert db.session.scalar(select(CarriedIdea.idea_id)) == world["idea"]
    page = client.get("/prototypes/reader-app-v2").get_data(as_text=True)
    assert "Shelf label is cut off" in page and "Made from" in page and "1 pin</span>" in page
    assert "Carried forward into" in client.get(f"/ideas/{world['idea']}", follow_redirects=True).get_data(
        as_text=True)


def test_screen_images_are_served_only_by_the_names_the_upload_made(app, client, world):
    with app.app_context():
        name = db.session.get(Screen, world["screen"]).image

    served = client.get(f"/media/screens/{name}")
    served.close()
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/screens/..%2Fsecret.png").status_code == 404


def test_addressed_pins_are_shown_on_the_screen_list(app, client, world):
    with app.app_context():
        pin = db.session.get(Pin, world["pin"])
        resolve_pin(make_user(role="admin"), pin, pin.screen.prototype)

    assert "✓ addressed in" in client.get(world["url"]).get_data(as_text=True)


def test_the_roadmap_and_changelog_show_which_version_addressed_what(app, client, world):
    with app.app_context():
        pin = db.session.get(Pin, world["pin"])
        product = pin.screen.prototype.product
        later = make_prototype(product, name="Reader app v2")
        set_status(make_user(role="designer"), pin.idea, status_by_name("Planned"), "")
        resolve_pin(make_user(role="admin"), pin, later)
        product_slug = product.slug

    roadmap = client.get("/roadmap").get_data(as_text=True)
    changelog = client.get(f"/products/{product_slug}/changelog").get_data(as_text=True)

    assert "✓ addressed in Reader app v2" in roadmap
    assert "Addressed on the screens, by version" in changelog and "Shelf label is cut off" in changelog


def test_a_prototype_closed_for_feedback_takes_pins_of_existing_ideas_but_no_new_ideas(app, client, auth, world):
    with app.app_context():
        prototype = db.session.get(Screen, world["screen"]).prototype
        prototype.open_for_feedback = False
        db.session.commit()
    auth.login(world["customer"])

    page = client.get(f"{world['url']}/pins/new?at.x=10&at.y=10").get_data(as_text=True)
    refused = _pin_post(client, world, title="A new idea on a closed prototype")
    pinned = _pin_post(client, world, mode="existing", idea=str(world["idea"]))

    assert "Post a new idea here" not in page and "Pin an existing idea here" in page
    assert refused.status_code == 422 and _count(app, Idea) == 1
    assert pinned.status_code == 302 and _count(app, Pin) == 2
