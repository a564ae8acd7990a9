"""Importing ideas from CSV: the template, a preview with each row's errors before anything is written, one
transaction, and the round trip (export, import into an empty portal, the same ideas)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select, text

from portal.accounts.models import User
from portal.exports import importer
from portal.exports.models import ImportBatch
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.services import edit_idea
from portal.triage.models import Tag
from portal.triage.services import save_tag, set_tags
from portal.triage.statuses import set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user

HEADER = "title,description,product,prototype,status,tags,author_email,author,created_at\r\n"


def _csv(*lines: str) -> bytes:
    return (HEADER + "\r\n".join(lines) + "\r\n").encode()


def _upload(client, data: bytes, name: str = "ideas.csv"):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def admin(app):
    with app.app_context():
        return make_user("admin").email


def test_the_template_downloads_and_imports_as_is(app, client, auth, admin):
    auth.login(admin)
    response = client.get("/admin/import/template.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    template = response.get_data()
    assert template.decode().splitlines()[0] == ",".join(importer.TEMPLATE_COLUMNS)
    preview = _upload(client, template, "template.csv")
    assert preview.status_code == 302
    page = client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "2 rows read: 2 ready to import, 0 with errors." in page
    assert "1 product (Kestrel)" in page and "1 prototype (Kestrel v2 (Kestrel))" in page
    assert "Longer battery life" in page and "Offline lesson packs" in page


def test_the_preview_lists_each_rows_errors_and_writes_nothing(app, client, auth, admin):
    with app.app_context():
        prototype = make_prototype()
        make_prototype(make_product())  # a second product: rows must name theirs
        make_idea(prototype=prototype, title="Already here")
        prototype = db.session.get(type(prototype), prototype.id)
        product, name = prototype.product.name, prototype.name
        ideas_before, users_before = _count(Idea), _count(User)
    auth.login(admin)
    data = _csv(
        f"Good idea,Fine words,{product},{name},Planned,\"hardware, new-tag\",new@example.com,New Person,"
        "2025-03-01",
        f"No,,{product},{name},,,,,",
        f"Bad status,,{product},{name},Someday,,,,",
        f"Bad date,,{product},{name},,,,,yesterday",
        f"Future,,{product},{name},,,,,2999-01-01",
        f"Bad email,,{product},{name},,,not-an-email,,",
        "No product given,,,Somewhere,,,,,",
        f"Already here,,{product},{name},,,,,",
        f"Good idea,Twice,{product},{name},,,,,",
    )
    response = _upload(client, data)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "9 rows read: 1 ready to import, 8 with errors (skipped)." in page
    for message in ["title: Please write at least 4 characters.", "status “Someday” does not exist; use one of:",
                    "created_at “yesterday” is not a date", "created_at is in the future.",
                    "author_email “not-an-email” is not an email address.", "product: name the product",
                    "an idea with this title already exists on that prototype.",
                    "the same title for the same prototype appears earlier in the file."]:
        assert message in page, message
    assert "2 tags (hardware, new-tag)" in page and "1 contact account" in page
    assert "Import 1 idea, skip 8 rows" in page
    with app.app_context():
        assert (_count(Idea), _count(User)) == (ideas_before, users_before)
        assert _count(Tag) == 0


def test_confirming_imports_the_good_rows_in_one_go(app, client, auth, admin):
    with app.app_context():
        prototype = make_prototype()
        existing = make_user(email="known@example.com")
        save_tag(make_user("admin"), None, name="hardware", color="#123456", internal=False)
        product, name, known_id = prototype.product.name, prototype.name, existing.id
    auth.login(admin)
    response = _upload(client, _csv(
        f"Good idea,**Bold** words,{product},{name},Planned,\"hardware, new-tag\",new@example.com,New Person,"
        "2025-03-01",
        f"Known author,,{product},{name},,,KNOWN@example.com,,2025-03-02T10:00:00Z",
        f"Bad status,,{product},{name},Someday,,,,",
        f"Elsewhere,,{product},Brand new prototype,,,,,",
    ))
    preview_url = response.headers["Location"]
    response = client.post(preview_url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Imported 3 ideas." in page and "3 ideas created" in page
    with app.app_context():
        ideas = {i.title: i for i in db.session.scalars(select(Idea))}
        good = ideas["Good idea"]
        assert good.status.name == "Planned" and [t.name for t in good.tags] == ["hardware", "new-tag"]
        assert good.body_html.startswith("<p><strong>Bold</strong>") and good.vote_count == 1
        assert good.created_at.isoformat().startswith("2025-03-01")
        assert good.author.email == "new@example.com" and good.author.is_contact
        assert good.author.display_name == "New Person"
        assert ideas["Known author"].author_id == known_id
        assert ideas["Elsewhere"].prototype.name == "Brand new prototype"
        assert ideas["Elsewhere"].status.name == "New"
        assert ideas["Elsewhere"].prototype.idea_count == 1
    # Searchable at once, like any new idea.
    assert "Known author" in client.get("/search?q=known+author").get_data(as_text=True)
    again = client.post(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "This file was imported already." in again
    with app.app_context():
        assert _count(Idea) == 3


def test_a_row_that_turns_bad_before_confirmation_is_skipped_not_written(app, client, auth, admin):
    with app.app_context():
        prototype = make_prototype()
        product, name = prototype.product.name, prototype.name
    auth.login(admin)
    response = _upload(client, _csv(f"First idea,,{product},{name},,,,,", f"Second idea,,{product},{name},,,,,"))
    with app.app_context():
        make_idea(prototype=db.session.get(type(prototype), prototype.id), title="Second idea")
    page = client.post(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Imported 1 idea." in page
    with app.app_context():
        assert sorted(db.session.scalars(select(Idea.title))) == ["First idea", "Second idea"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Choose a CSV file to import."),
    (b"name,votes\r\nA,1\r\n", "The first row must name the columns"),
    ("title\r\nCaf\xe9 au lait\r\n".encode("latin-1"), "Save the file as CSV in UTF-8"),
    (b"title\r\n\x00\x01\x02\r\n", "That is not a CSV file"),
    (b"title\r\n", "The file has no ideas under its header row."),
])
def test_files_that_cannot_be_read_say_why(client, auth, admin, data, message):
    auth.login(admin)
    response = _upload(client, data)
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    else:
        assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_large_files_are_bounded(app, client, auth, admin, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    auth.login(admin)
    with app.app_context():
        prototype = make_prototype()
        product, name = prototype.product.name, prototype.name
    rows = [f"Idea number {n},,{product},{name},,,,," for n in range(5)]
    page = client.get(_upload(client, _csv(*rows)).headers["Location"]).get_data(as_text=True)
    assert "more than 3 ideas; split it into smaller files." in page and 'class="button">Import' not in page
    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    response = _upload(client, _csv(*rows))
    assert response.status_code == 422 and "The file is larger than" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_import(app, client, auth, role):
    with app.app_context():
        auth.login(make_user(role))
    assert client.get("/admin/import").status_code == 403
    assert client.get("/admin/import/template.csv").status_code == 403
    assert _upload(client, _csv("Some idea,,P,Q,,,,,")).status_code == 403
    assert client.post("/admin/import/1").status_code == 403


def _wipe() -> None:
    """Empty every table, as a brand-new portal."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


def test_round_trip_export_then_import_into_an_empty_portal_gives_the_same_ideas(app, client, auth):
    hostile = "=HYPERLINK(\"http://evil.example\") -1 for this"
    with app.app_context():
        admin, designer = make_user("admin"), make_user("designer")
        author = make_user(email="ana@example.com", display_name="Ana Lima")
        first, second = make_prototype(), make_prototype()
        one = make_idea(author, first, title="Brighter screen", body="Outdoors, **please**.\n\nSecond line")
        make_idea(author, first, title="-1 for the fan noise", body=hostile)
        three = make_idea(designer, second, title="Longer battery")
        set_status(designer, db.session.get(Idea, one.id), status_by_name("Planned"), "Soon")
        tag = save_tag(admin, None, name="hardware", color="#123456", internal=False)
        set_tags(designer, db.session.get(Idea, three.id), [tag])
        edit_idea(designer, db.session.get(Idea, three.id), "Longer battery life", "Edited words")
        admin_email = admin.email

        def snapshot() -> list[tuple]:
            db.session.expire_all()
            return sorted((i.title, i.body, i.status.name, tuple(t.name for t in i.tags), i.product.name,
                           i.prototype.name, i.author.email, i.created_at.replace(microsecond=0))
                          for i in db.session.scalars(select(Idea)))

        before = snapshot()
    auth.login(admin_email)
    exported = client.get("/triage/export.csv").get_data()
    assert b"'=HYPERLINK" in exported and b"'-1 for the fan noise" in exported
    with app.app_context():
        _wipe()
        admin_email = make_user("admin").email
    auth.login(admin_email)
    preview = _upload(client, exported, "export.csv").headers["Location"]
    assert "3 rows read: 3 ready to import, 0 with errors." in client.get(preview).get_data(as_text=True)
    assert "Imported 3 ideas." in client.post(preview, follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert snapshot() == before
        assert _count(ImportBatch) == 1
