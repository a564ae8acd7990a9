"""/sitemap.xml, /robots.txt and the admin's "ask search engines not to index" switch."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.errors import PermissionDenied
from portal.extensions import db
from portal.moderation.services import search_engines_blocked, set_search_engines_blocked
from tests.factories import make_user

from .conftest import head_of

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _block(app, world, blocked: bool = True) -> None:
    with app.app_context():
        set_search_engines_blocked(db.session.get(User, world["admin"]), blocked)


def test_the_sitemap_lists_public_pages_and_visible_ideas_only(client, world):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)
    urls = {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in root.findall("s:url", NS)}

    assert response.mimetype == "application/xml"
    assert "http://localhost/" in urls
    assert f"http://localhost/products/{world['product']}" in urls
    assert f"http://localhost/prototypes/{world['prototype']}" in urls
    assert f"http://localhost/ideas/{world['public']}/dark-mode-for-the-dashboard" in urls
    assert f"http://localhost/ideas/{world['other']}/an-idea-for-another-product" in urls
    for which in ("hidden", "pending", "merged"):
        assert not any(url.startswith(f"http://localhost/ideas/{world[which]}/") for url in urls)
    assert all(lastmod and lastmod.endswith("+00:00") for lastmod in urls.values())


def test_robots_txt_points_to_the_sitemap(client, world):
    response = client.get("/robots.txt")

    assert response.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in response.get_data(as_text=True)
    assert "Disallow: /\n" not in response.get_data(as_text=True)


def test_pages_are_indexable_by_default(client, world):
    response = client.get("/")

    assert "X-Robots-Tag" not in response.headers
    assert "robots" not in head_of(response.get_data(as_text=True)).meta


@pytest.mark.parametrize("path", ["/", "/products/{product}", "/prototypes/{prototype}", "/login"])
def test_when_blocked_every_page_says_noindex(app, client, world, path):
    _block(app, world)
    response = client.get(path.format(**world))

    assert response.headers["X-Robots-Tag"] == "noindex"
    assert head_of(response.get_data(as_text=True)).meta["robots"] == ["noindex"]


def test_when_blocked_robots_disallows_everything_and_the_sitemap_is_gone(app, client, world):
    _block(app, world)

    robots = client.get("/robots.txt").get_data(as_text=True)
    assert robots == "User-agent: *\nDisallow: /\n"
    assert client.get("/sitemap.xml").status_code == 404
    assert client.get("/feeds/ideas.atom").headers["X-Robots-Tag"] == "noindex"

    _block(app, world, blocked=False)
    assert "X-Robots-Tag" not in client.get("/").headers
    assert client.get("/sitemap.xml").status_code == 200


def test_an_admin_switches_it_on_and_off_on_the_settings_page(app, client, auth, world):
    with app.app_context():
        admin = db.session.get(User, world["admin"])
    auth.login(admin)

    response = client.post("/admin/settings", data={"block_search_engines": "y"})
    assert response.status_code == 302
    assert 'name="block_search_engines"' in client.get("/admin/settings").get_data(as_text=True)
    with app.app_context():
        assert search_engines_blocked() is True
    assert client.get("/").headers["X-Robots-Tag"] == "noindex"

    client.post("/admin/settings", data={})
    with app.app_context():
        assert search_engines_blocked() is False
        audit = [e.after for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "settings.search_engines_blocked").order_by(AuditEntry.id))]
    assert audit == [{"search_engines_blocked": True}, {"search_engines_blocked": False}]


def test_a_customer_cannot_switch_it(app, client, auth, world):
    with app.app_context():
        customer = make_user()
    auth.login(customer)

    assert client.post("/admin/settings", data={"block_search_engines": "y"}).status_code == 403
    with app.app_context():
        assert search_engines_blocked() is False
        with pytest.raises(PermissionDenied):
            set_search_engines_blocked(db.session.get(User, customer.id), True)


def test_the_sitemap_names_the_roadmap_and_changelog_pages(client, app):
    from tests.factories import make_product

    with app.app_context():
        slug = make_product(name="Mapped product").slug
    body = client.get("/sitemap.xml").get_data(as_text=True)
    for path in ("/roadmap", "/changelog", f"/products/{slug}/roadmap", f"/products/{slug}/changelog"):
        assert f"{path}</loc>" in body
