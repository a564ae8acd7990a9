"""In Chromium: an admin adds an endpoint, pings it and reads the log; then imports ideas from a CSV."""

from __future__ import annotations

from portal.webhooks.services import set_private_allowed
from tests.factories import PASSWORD, make_prototype, make_user

CSV = ("title,description,product,prototype,status,tags,author_email\n"
       "Solar charging case,Charge in the sun,{product},{prototype},Planned,\"power, hardware\",ann@example.com\n"
       "No,,{product},{prototype},Someday,,not-an-address\n")


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def test_an_admin_adds_an_endpoint_pings_it_and_imports_ideas(app, page, hook):
    with app.app_context():
        admin = make_user("admin")
        email = admin.email
        set_private_allowed(admin, True)
        prototype = make_prototype()
        product_name, prototype_name = prototype.product.name, prototype.name
    _sign_in(page, email)
    page.goto("/admin/webhooks")
    page.click("text=Add endpoint")
    page.fill("input[name=url]", hook.url())
    page.fill("input[name=description]", "Support desk")
    page.uncheck("input[value='vote.created']")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Copy its signing secret below")
    assert page.inner_text("[data-webhook-secret]").startswith("whsec_")
    page.click("text=Send a test ping")
    page.wait_for_selector("text=The endpoint answered the ping with 200")
    assert page.is_visible("text=delivered")
    assert [r.json["type"] for r in hook.received] == ["ping"]

    page.goto("/triage")
    page.click("main >> text=Import")
    page.set_input_files("input[type=file]", files=[{
        "name": "ideas.csv", "mimeType": "text/csv",
        "buffer": CSV.format(product=product_name, prototype=prototype_name).encode()}])
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=2 rows read: 1 ready to import, 1 with errors (skipped).")
    assert page.is_visible("text=status “Someday” does not exist")
    page.click("text=Import 1 idea, skip 1 row")
    page.wait_for_selector("text=Imported 1 idea.")
    page.goto("/triage")
    assert page.is_visible("text=Solar charging case")
