"""A designer works through a New idea in a real browser; a customer then sees the public part of each decision."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.triage import services as triage
from portal.triage.statuses import initial_status
from tests.factories import PASSWORD, make_idea, make_prototype, make_user


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_a_designer_triages_an_idea_and_a_customer_sees_the_decision(app, page):
    with app.app_context():
        initial_status()
        designer = make_user(role="designer", email="marta@example.org")
        customer = make_user(email="grace@example.org")
        prototype = make_prototype(name="Crank unit")
        idea = make_idea(author=customer, prototype=prototype, title="Make the crank easier to turn")
        duplicate = make_idea(prototype=prototype, title="Crank is too stiff for small hands")
        triage.save_tag(designer, None, name="Needs field test", color="#b45309", internal=True)
        idea_id, duplicate_id = idea.id, duplicate.id

    _sign_in(page, "marta@example.org")
    page.goto("/triage")
    page.get_by_role("link", name="Make the crank easier to turn").click()

    panel = page.locator("#team")
    panel.get_by_role("combobox", name="Status").select_option(label="Planned")
    panel.get_by_role("textbox", name="Public note").fill("A two-speed gear is planned for the **next** prototype.")
    panel.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Status updated.")).to_be_visible()
    expect(page.locator(".status-change .status-note strong")).to_have_text("next")

    panel.get_by_label("Needs field test (internal)").check()
    panel.get_by_role("button", name="Save tags").click()
    expect(page.get_by_text("Tags saved.")).to_be_visible()

    panel.get_by_role("textbox", name="Internal note").fill("Gear costs $0.60 per unit.")
    panel.get_by_role("button", name="Add note").click()
    expect(page.locator(".internal-note")).to_contain_text("Gear costs $0.60 per unit.")

    page.goto(f"/ideas/{duplicate_id}")
    page.locator("#team summary", has_text="Merge as a duplicate").click()
    page.get_by_label("Find the original").fill("easier to turn")
    page.get_by_role("button", name="Search").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge into this").click()
    expect(page.get_by_text("Merged.")).to_be_visible()
    expect(page.get_by_role("heading", name="Make the crank easier to turn")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, "grace@example.org")
    page.goto(f"/ideas/{duplicate_id}")
    expect(page).to_have_url(f"{page.url.split('/ideas/')[0]}/ideas/{idea_id}/make-the-crank-easier-to-turn?merged={duplicate_id}")
    expect(page.locator(".idea .status-badge")).to_have_text("Planned")
    expect(page.locator(".status-note")).to_contain_text("A two-speed gear is planned")
    body = page.content()
    assert "Gear costs" not in body and "Needs field test" not in body and 'id="team"' not in body


def test_a_refused_bulk_change_keeps_the_filters_the_ticks_and_the_typed_note(app, page):
    with app.app_context():
        new = initial_status()
        make_user(role="designer", email="marta@example.org")
        prototype = make_prototype(name="Crank unit")
        first, second = (make_idea(prototype=prototype, title=title).id
                         for title in ("Quieter crank", "Brighter lamp"))
        new_id = new.id

    _sign_in(page, "marta@example.org")
    page.goto(f"/triage?status={new_id}")
    page.locator(f"#select-{first}").check()
    note = "Both go into the pilot batch; field test in March."
    page.get_by_role("textbox", name="Note with the status").fill(note)
    page.get_by_role("button", name="Apply to selected").click()  # a note without a status is refused

    expect(page.get_by_text("A note goes with a status change: choose a status too.")).to_be_visible()
    assert page.url.endswith(f"/triage?status={new_id}")
    expect(page.get_by_role("textbox", name="Note with the status")).to_have_value(note)
    expect(page.locator(f"#select-{first}")).to_be_checked()
    expect(page.locator(f"#select-{second}")).not_to_be_checked()

    page.get_by_role("combobox", name="Set status").select_option(label="Planned")
    page.get_by_role("button", name="Apply to selected").click()

    expect(page.get_by_text("Updated 1 idea.")).to_be_visible()
    assert page.url.endswith(f"/triage?status={new_id}")
    expect(page.locator(f"#select-{first}")).to_have_count(0)  # Planned now: no longer in the New filter
    expect(page.locator(f"#select-{second}")).to_be_visible()
