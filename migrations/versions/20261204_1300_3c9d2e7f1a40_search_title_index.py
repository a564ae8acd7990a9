"""search title index

A search ranks a bounded pool of candidates (issue 7), one tier of which is the ideas holding every word in
their title. On PostgreSQL the tsvector index cannot tell a title word from a body word without reading each
matching row, so titles get their own GIN index over the same expression portal.search.queries uses. SQLite's
FTS5 table answers title-only queries itself ("{title} : ..."): nothing to do there.

Revision ID: 3c9d2e7f1a40
Revises: b8c6f7a9e1d2
Create Date: 2026-12-04 13:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c9d2e7f1a40'
down_revision = 'b8c6f7a9e1d2'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX idea_search_title_gin ON idea_search USING gin (to_tsvector('english', title))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS idea_search_title_gin")
