"""An admin imports a CSV larger than one chunk in a real browser: the progress page moves on by itself, stops at a
failed chunk with the rows that are in, and resumes to the end."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.exports import importer, progress
from portal.extensions import db
from portal.ideas.models import Idea
from tests.factories import PASSWORD, make_prototype, make_user

HEADER = "title,description,product,prototype,status,tags,author_email,author,created_at\n"


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_an_admin_watches_a_large_import_fail_midway_and_resumes_it(app, page, tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "CHUNK_ROWS", 3)
    with app.app_context():
        prototype = make_prototype(name="Crank unit")
        make_user("admin", email="ada@example.org")
        rows = "".join(f"Imported idea {n},,{prototype.product.name},Crank unit,,,,,\n" for n in range(1, 11))
    csv_file = tmp_path / "ideas.csv"
    csv_file.write_text(HEADER + rows)
    original, calls = importer.write_rows, []

    def third_chunk_fails(maker, planned):
        calls.append(len(planned))
        if len(calls) == 3:
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        original(maker, planned)

    monkeypatch.setattr(importer, "write_rows", third_chunk_fails)

    _sign_in(page, "ada@example.org")
    page.goto("/admin/import")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("10 rows read: 10 ready to import, 0 with errors.")).to_be_visible()
    page.get_by_role("button", name="Import 10 ideas").click()

    # The script goes on by itself after the first chunk, and stops at the failed third one.
    expect(page.get_by_role("alert")).to_contain_text("Lines 8–10 could not be written")
    expect(page.locator("[data-import-count]")).to_have_text("6 of 10 ideas imported")
    expect(page.locator("progress")).to_have_attribute("value", "6")
    expect(page.get_by_text("Every row up to line 7 of the file is in.")).to_be_visible()

    monkeypatch.setattr(importer, "write_rows", original)
    page.get_by_role("button", name="Resume the import").click()
    expect(page.get_by_text("Imported: 10 ideas created.")).to_be_visible()
    with app.app_context():
        assert sorted(db.session.scalars(select(Idea.title))) == sorted(f"Imported idea {n}" for n in range(1, 11))
