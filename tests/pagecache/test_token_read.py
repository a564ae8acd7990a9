"""PostgreSQL: the content version is read on connections of its own, in one round trip (issue 7), and a
connection the database dropped (a restart, an idle timeout) is replaced without an error page."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.extensions import db
from portal.pagecache.versions import TOKEN_READER, current_token
from tests.factories import make_idea


@pytest.fixture
def postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the one-round-trip read is PostgreSQL's (SQLite reads a local file)")
    return app


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


def test_the_token_read_sees_a_write_at_once(postgresql):
    app = postgresql
    with app.app_context():
        before = current_token()
        make_idea()
        assert current_token() != before
