"""Link previews: Open Graph and Twitter card tags on idea, prototype and product pages, escaped."""

from __future__ import annotations

from portal.extensions import db
from portal.prototypes.models import Prototype
from tests.factories import make_idea, make_prototype

from .conftest import head_of

NASTY = '"><script>alert(1)</script>'


def test_an_idea_page_carries_open_graph_and_twitter_tags(client, world):
    html = client.get(f"/ideas/{world['public']}", follow_redirects=True).get_data(as_text=True)
    meta = head_of(html).meta

    assert meta["og:title"] == ["Dark mode for the dashboard"]
    assert meta["og:description"] == ["Please add dark mode."]
    assert meta["og:type"] == ["article"]
    assert meta["og:site_name"] == ["The Portal"]
    assert meta["og:url"] == [f"http://localhost/ideas/{world['public']}/dark-mode-for-the-dashboard"]
    assert meta["twitter:card"] == ["summary"]


def test_an_idea_title_with_markup_is_escaped_in_every_tag(client, app):
    with app.app_context():
        idea = make_idea(title=NASTY, body=f"Body {NASTY}")
    html = client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert '&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;' in html
    meta = head_of(html).meta
    assert meta["og:title"] == [NASTY] and meta["twitter:card"] == ["summary"]


def test_a_prototype_with_a_cover_shares_it_as_an_absolute_image(client, app):
    with app.app_context():
        prototype = make_prototype(name="Gamma <b>bold</b>")
        row = db.session.get(Prototype, prototype.id)
        row.cover_image, row.description_html = "abc123.png", "<p>A <em>quick</em> look.</p>"
        db.session.commit()
        slug, product = prototype.slug, prototype.product.name
    meta = head_of(client.get(f"/prototypes/{slug}").get_data(as_text=True)).meta

    assert meta["og:image"] == ["http://localhost/media/covers/abc123.png"]
    assert meta["og:title"] == [f"{product} Gamma <b>bold</b>"]
    assert meta["og:description"] == ["A quick look."]
    assert meta["og:url"] == [f"http://localhost/prototypes/{slug}"]


def test_a_prototype_without_a_cover_has_no_image_and_a_product_page_has_tags(client, world):
    prototype = head_of(client.get(f"/prototypes/{world['prototype']}").get_data(as_text=True)).meta
    product = head_of(client.get(f"/products/{world['product']}").get_data(as_text=True)).meta

    assert "og:image" not in prototype and prototype["twitter:card"] == ["summary"]
    assert product["og:title"] == ["Atlas"] and product["og:url"] == [f"http://localhost/products/{world['product']}"]


def test_other_pages_get_default_tags_once(client, world):
    meta = head_of(client.get("/").get_data(as_text=True)).meta

    assert meta["og:title"] == ["The Portal"] and meta["og:url"] == ["http://localhost/"]
