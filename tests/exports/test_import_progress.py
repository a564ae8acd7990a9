"""A large import is written in chunks with a progress page: it advances, shows N of M, resumes after a failed
chunk without losing or repeating rows, and is the admins' alone."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User
from portal.exports import importer, progress
from portal.exports.models import ImportBatch
from portal.extensions import db
from portal.ideas.models import Idea
from portal.prototypes.models import Prototype
from tests.factories import make_idea, make_prototype, make_user

HEADER = "title,description,product,prototype,status,tags,author_email,author,created_at\r\n"
JSON = {"Accept": "application/json"}


@pytest.fixture
def setup(app, monkeypatch):
    """An admin, a prototype, and chunks of 2 rows so five rows take three steps."""
    monkeypatch.setattr(progress, "CHUNK_ROWS", 2)
    with app.app_context():
        prototype = make_prototype()
        return {"admin": make_user("admin").email, "product": prototype.product.name, "prototype": prototype.name,
                "prototype_id": prototype.id}


def _file(setup: dict, count: int = 5) -> bytes:
    rows = [f"Imported idea {n},,{setup['product']},{setup['prototype']},,,,," for n in range(1, count + 1)]
    return (HEADER + "\r\n".join(rows) + "\r\n").encode()


def _upload(client, data: bytes) -> str:
    response = client.post("/admin/import", data={"file": (io.BytesIO(data), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def _titles() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Idea.title)))


def test_the_import_advances_chunk_by_chunk_with_and_without_javascript(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "<strong>2</strong> of 5 ideas imported" in page
    assert '<progress value="2" max="5"' in page and "Every row up to line 3 of the file is in." in page
    assert "Import the next 2 ideas" in page and "js/import.js" in page

    # Without JavaScript: the button imports the next chunk and comes back to the page.
    response = client.post(f"{url}/next")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "<strong>4</strong> of 5 ideas imported" in client.get(url).get_data(as_text=True)

    # The script's request: the status as JSON, here the last chunk.
    state = client.post(f"{url}/next", headers=JSON).get_json()
    assert state["imported"] == 5 and state["total"] == 5 and state["done"] is True and state["error"] is None
    page = client.get(url).get_data(as_text=True)
    assert "Imported: 5 ideas created." in page and "skipped" not in page
    with app.app_context():
        assert _titles() == [f"Imported idea {n}" for n in range(1, 6)]
        assert db.session.get(Prototype, setup["prototype_id"]).idea_count == 5


def test_a_small_file_is_imported_at_once_on_confirmation(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup, 2))
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Imported 2 ideas." in page and "Imported: 2 ideas created." in page


def test_the_status_endpoint_says_how_far_the_import_is(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    response = client.get(f"{url}/status.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    batch_id = int(url.rsplit("/", 1)[1])
    assert response.get_json() == {"id": batch_id, "filename": "big.csv", "status": "previewed", "imported": 0,
                                   "total": 0, "rows": 5, "done_line": 0, "done": False, "error": None}
    client.post(url)
    assert client.get(f"{url}/status.json").get_json() | {"id": 0} == {
        "id": 0, "filename": "big.csv", "status": "importing", "imported": 2, "total": 5, "rows": 5, "done_line": 3,
        "done": False, "error": None}


def test_a_failed_chunk_writes_nothing_says_which_rows_are_in_and_resumes(app, client, auth, setup, monkeypatch):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    client.post(url)
    original = importer.write_rows

    def fails_after_writing(maker, rows):
        original(maker, rows)  # the chunk's ideas are flushed, and must still not survive the failure
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(importer, "write_rows", fails_after_writing)
    response = client.post(f"{url}/next", headers=JSON)
    assert response.status_code == 422
    state = response.get_json()
    assert state["imported"] == 2 and state["done_line"] == 3 and state["done"] is False
    assert state["error"].startswith("Lines 4–5 could not be written (OperationalError); none of them was imported.")
    page = client.get(url).get_data(as_text=True)
    assert "Lines 4–5 could not be written" in page and "Resume the import" in page
    assert "<strong>2</strong> of 5 ideas imported" in page
    with app.app_context():
        assert _titles() == ["Imported idea 1", "Imported idea 2"]
        assert db.session.get(Prototype, setup["prototype_id"]).idea_count == 2

    monkeypatch.setattr(importer, "write_rows", original)
    page = client.post(f"{url}/next", follow_redirects=True).get_data(as_text=True)
    assert "<strong>4</strong> of 5 ideas imported" in page and "could not be written" not in page
    assert client.post(f"{url}/next", headers=JSON).get_json()["done"] is True
    with app.app_context():
        assert _titles() == [f"Imported idea {n}" for n in range(1, 6)]


def test_confirming_twice_or_going_on_after_the_end_never_imports_twice(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    client.post(url)
    client.post(url)  # a second confirmation (another tab) takes the next chunk, not the first one again
    assert client.get(f"{url}/status.json").get_json()["imported"] == 4
    client.post(f"{url}/next")
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "This file was imported already." in again
    state = client.post(f"{url}/next", headers=JSON).get_json()
    assert state["done"] is True and state["imported"] == 5
    with app.app_context():
        assert _titles() == [f"Imported idea {n}" for n in range(1, 6)]


def test_concurrent_chunks_take_turns(app, setup):
    """Two requests for the next chunk at the same moment: each row is written once."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == setup["admin"]))
        batch = importer.upload(admin, "big.csv", _file(setup, 9))
        progress.start_import(admin, batch)
        batch_id, admin_id = batch.id, admin.id
    errors: list[BaseException] = []

    def go_on() -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, admin_id)
                progress.continue_import(actor, db.session.get(ImportBatch, batch_id))
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=go_on) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.created_count, batch.done_line) == (8, 9)
        assert _titles() == sorted(f"Imported idea {n}" for n in range(1, 9))
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 8


def test_rows_that_turn_bad_mid_import_are_skipped_and_counted(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    client.post(url)
    with app.app_context():
        make_idea(prototype=db.session.get(Prototype, setup["prototype_id"]), title="Imported idea 5")
    client.post(f"{url}/next")
    state = client.post(f"{url}/next", headers=JSON).get_json()
    assert state["done"] is True and state["imported"] == 4
    page = client.get(url).get_data(as_text=True)
    assert "Imported: 4 ideas created." in page and "1 row that passed the preview" in page
    with app.app_context():
        assert _titles().count("Imported idea 5") == 1


def test_a_previewed_file_is_not_started_by_the_next_chunk_request(app, client, auth, setup):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    response = client.post(f"{url}/next", headers=JSON)
    assert response.status_code == 422 and response.get_json()["error"] == "Confirm the preview to start this import."
    with app.app_context():
        assert _titles() == []


def test_a_window_skips_rows_already_in_but_still_knows_their_titles(app, setup):
    text = (HEADER + f"No,,{setup['product']},{setup['prototype']},,,,,\r\n"
            f"Second idea,,{setup['product']},{setup['prototype']},,,,,\r\n"
            f"Third idea,,{setup['product']},{setup['prototype']},,,,,\r\n"
            f"Second idea,,{setup['product']},{setup['prototype']},,,,,\r\n"
            f"Fifth idea,,{setup['product']},{setup['prototype']},,,,,\r\n")
    with app.app_context():
        window = importer.read_csv(text, after_line=3, limit=1)
    assert [row.line for row in window.rows] == [4, 5] and window.more is True
    assert window.rows[1].errors == ["the same title for the same prototype appears earlier in the file."]
    with app.app_context():
        assert [row.line for row in importer.read_csv(text, after_line=4, limit=1).ready] == [6]


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_see_or_drive_an_import(app, client, auth, setup, role):
    auth.login(setup["admin"])
    url = _upload(client, _file(setup))
    client.post(url)
    with app.app_context():
        auth.login(make_user(role))
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/status.json", headers=JSON).status_code == 403
    assert client.post(f"{url}/next", headers=JSON).status_code == 403
    assert client.post(f"{url}/next").status_code == 403
    auth.logout()
    assert client.post(f"{url}/next").status_code in (302, 401)
    with app.app_context():
        assert len(_titles()) == 2
