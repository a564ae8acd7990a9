"""PostgreSQL connections (issue 7): page views run their reads without a transaction (no BEGIN, no ROLLBACK), a
write anywhere is still one transaction, and a connection the database dropped is replaced without an error page
and without pinging every connection handed out."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.pool import NullPool

from portal.core.pg_connections import _writes_or_locks
from portal.extensions import db
from portal.ideas.models import Idea
from tests.factories import make_idea, make_user

SQLITE_SKIP_REASON = "PostgreSQL's connections (SQLite has no round trips to save)"


class _Transactions:
    """Whether a transaction was open on the app's connection after each statement (psycopg's own view)."""

    def __init__(self, app) -> None:
        self.app, self.open_after = app, []

    def _after(self, conn, cursor, statement, *args) -> None:
        status = conn.connection.dbapi_connection.info.transaction_status.name
        self.open_after.append((statement.split()[0].upper(), status != "IDLE"))

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "after_cursor_execute", self._after)


def _app_backends_terminated(app) -> int:
    """Drop every connection the app holds, as a database restart would, from a connection outside its pool."""
    with app.app_context():
        outside = create_engine(db.engine.url, poolclass=NullPool)
    with outside.connect() as conn:
        dropped = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )).scalar()
        conn.commit()
    outside.dispose()
    return dropped


def test_a_page_view_runs_its_reads_without_a_transaction(postgresql, client, auth):
    app = postgresql
    with app.app_context():
        idea = make_idea(title="Brighter screen")
        reader = make_user()
        slug = idea.prototype.product.slug
    auth.login(reader)
    with _Transactions(app) as seen:
        page = client.get(f"/products/{slug}")
    assert page.status_code == 200 and "Brighter screen" in page.get_data(as_text=True)
    assert seen.open_after and all(kind == "SELECT" and not open_ for kind, open_ in seen.open_after)


def test_a_vote_is_still_one_transaction(postgresql, client, auth):
    app = postgresql
    with app.app_context():
        idea = make_idea()
        voter = make_user()
        idea_id, before = idea.id, idea.vote_count
    auth.login(voter)
    with _Transactions(app) as seen:
        voted = client.post(f"/ideas/{idea_id}/vote", headers={"Accept": "application/json"})
    assert voted.json["vote_count"] == before + 1
    assert seen.open_after and all(open_ for _, open_ in seen.open_after)


def test_a_write_during_a_page_view_opens_a_transaction_that_rolls_back_whole(postgresql):
    app = postgresql
    with app.app_context():
        idea = make_idea(title="Original title")
        idea_id, before = idea.id, idea.vote_count
        db.session.remove()
    with app.test_request_context("/", method="GET"):
        assert db.session.scalar(select(Idea.title).where(Idea.id == idea_id)) == "Original title"
        assert db.session.connection().connection.dbapi_connection.autocommit  # reads: no transaction
        db.session.execute(text("UPDATE idea SET title = 'First half' WHERE id = :id"), {"id": idea_id})
        db.session.execute(text("UPDATE idea SET vote_count = vote_count + 1 WHERE id = :id"), {"id": idea_id})
        db.session.rollback()  # as an error would: neither half may have landed
        db.session.remove()
    with app.app_context():
        title, votes = db.session.execute(select(Idea.title, Idea.vote_count).where(Idea.id == idea_id)).one()
        assert (title, votes) == ("Original title", before)


def test_a_lock_during_a_page_view_holds_until_the_end_of_its_transaction(postgresql):
    app = postgresql
    with app.app_context():
        idea_id = make_idea().id
        db.session.remove()
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(Idea.id).where(Idea.id == idea_id).with_for_update())
        assert db.session.connection().connection.dbapi_connection.info.transaction_status.name != "IDLE"
        db.session.remove()


@pytest.mark.parametrize("method", ["GET", "POST", None])
def test_a_connection_asked_for_autocommit_keeps_it(postgresql, method):
    """VACUUM cannot run inside a transaction: a write statement must not open one on such a connection."""
    app = postgresql
    context = app.test_request_context("/", method=method) if method else app.app_context()
    with context, db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE idea")


def test_a_dropped_connection_is_replaced_without_an_error_page(postgresql, client, auth):
    app = postgresql
    with app.app_context():
        idea = make_idea(title="Sturdier hinge")
        voter = make_user()
        idea_id, before = idea.id, idea.vote_count
    assert client.get(f"/ideas/{idea_id}", follow_redirects=True).status_code == 200
    assert _app_backends_terminated(app) >= 1  # as a database restart would

    for _ in range(3):  # every pooled connection is dead by now
        page = client.get(f"/ideas/{idea_id}", follow_redirects=True)
        assert page.status_code == 200 and "Sturdier hinge" in page.get_data(as_text=True)
    auth.login(voter)
    _app_backends_terminated(app)
    voted = client.post(f"/ideas/{idea_id}/vote", headers={"Accept": "application/json"})
    assert voted.json["vote_count"] == before + 1


@pytest.mark.parametrize(("statement", "writes"), [
    ("SELECT idea.id FROM idea WHERE idea.id = %(id)s", False),
    ("  select 1", False),
    ("WITH t AS (SELECT 1) SELECT * FROM t", False),
    ("SELECT idea.updated_at, idea.title FROM idea", False),
    ("SELECT idea.id FROM idea FOR NO KEY UPDATE OF idea", True),
    ("SELECT id FROM idea FOR UPDATE", True),
    ("SELECT id FROM idea FOR KEY SHARE", True),
    ("WITH moved AS (UPDATE idea SET vote_count = 0 RETURNING id) SELECT * FROM moved", True),
    ("INSERT INTO vote (idea_id) VALUES (1)", True),
    ("UPDATE idea SET title = 'x'", True),
    ("DELETE FROM vote", True),
    ("SET jit = off", True),
    ("SELECT pg_advisory_xact_lock(1)", True),
    ("SELECT set_config('portal.actor', '7', true)", True),
    ("SELECT * INTO idea_copy FROM idea", True),
    ("SELECT 1; DELETE FROM vote", True),
])
def test_which_statements_need_a_transaction(statement, writes):
    assert _writes_or_locks(statement) is writes
