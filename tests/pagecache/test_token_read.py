"""The content version is read on connections of its own, one statement each (issue 7); on PostgreSQL a
connection the database dropped (a restart, an idle timeout) is replaced without an error page. A request whose
transaction is open already reads it there."""

from __future__ import annotations

import re

from sqlalchemy import event, text

from portal.extensions import db
from portal.pagecache.versions import TOKEN_READER, current_token
from tests.factories import make_idea

SQLITE_SKIP_REASON = "the one-round-trip read is PostgreSQL's (SQLite reads a local file)"


def _drop_token_connections(app) -> int:
    with app.app_context(), db.engine.connect() as conn:
        dropped = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name AND datname = current_database()"), {"name": TOKEN_READER}).scalar()
        conn.commit()
        return dropped


def test_a_dropped_connection_is_replaced_without_an_error(postgresql, client):
    app = postgresql
    with app.app_context():
        idea = make_idea(title="Sturdier hinge")
    assert client.get(f"/ideas/{idea.id}", follow_redirects=True).status_code == 200
    assert _drop_token_connections(app) >= 1

    for _ in range(3):  # every pooled connection may be dead by now
        response = client.get(f"/ideas/{idea.id}", follow_redirects=True)
        assert response.status_code == 200 and "Sturdier hinge" in response.get_data(as_text=True)


def test_the_token_read_sees_a_write_at_once(app):
    with app.app_context():
        before = current_token()
        make_idea()
        db.session.remove()
        assert current_token() != before
        # A write on a connection of its own: the reader's pooled connection holds no old snapshot.
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE idea SET title = 'Sturdier hinges'"))
        assert current_token() not in (before, None)


def test_outside_a_transaction_the_read_is_one_statement(app, count_queries):
    with app.app_context():
        make_idea()
        db.session.remove()
        with count_queries() as statements:
            assert current_token() is not None
        assert [s.split()[0].upper() for s in statements] == ["SELECT"]


def test_inside_a_transaction_the_read_uses_its_connection(app):
    with app.app_context():
        make_idea()
        db.session.remove()
        db.session.execute(text("SELECT 1"))  # the request's transaction is open, as after loading its user
        own = db.session.connection()
        seen = []
        listener = lambda conn, *args: seen.append(conn)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert current_token() is not None
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert seen == [own]
        db.session.remove()


def test_a_signed_in_page_reads_the_version_and_the_bell_with_the_person(app, client, auth, count_queries):
    from tests.factories import make_user

    with app.app_context():
        idea = make_idea(title="Sturdier hinge")
        reader = make_user()
        slug = idea.prototype.product.slug
    auth.login(reader)
    client.get(f"/products/{slug}")
    with count_queries() as statements:
        assert "Sturdier hinge" in client.get(f"/products/{slug}").get_data(as_text=True)
    first = [s for s in statements if s.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE")][0]
    assert "content_version" in first and "notification" in first and re.search(r'\bFROM "?user"?\s', first)
    assert not [s for s in statements if s is not first and "content_version" in s]
