"""idea search index

Full-text index of each idea's title, body and public comments: an FTS5 table on SQLite, a table with a
weighted tsvector and a GIN index on PostgreSQL. Neither is in the SQLAlchemy metadata; migrations/env.py and
tests/test_migrations.py skip tables named idea_search* when comparing. The index is filled here from what
exists and kept up to date by portal.search.index.reindex_idea.

Revision ID: 5e4c1a7b9d20
Revises: 067e063a882a
Create Date: 2026-11-22 04:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e4c1a7b9d20'
down_revision = '067e063a882a'
branch_labels = None
depends_on = None

# Public comments only: not deleted, not hidden, not waiting for approval.
_COMMENTS = ("SELECT group_concat(c.body, char(10)) FROM comment c WHERE c.idea_id = idea.id "
             "AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND c.pending_approval = 0")
_PG_COMMENTS = ("SELECT string_agg(c.body, E'\\n' ORDER BY c.id) FROM comment c WHERE c.idea_id = idea.id "
                "AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND NOT c.pending_approval")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # rowid is the idea id. Porter stemming over unicode61 tokens: "charging" finds "charge".
        op.execute("CREATE VIRTUAL TABLE idea_search USING fts5("
                   "title, body, comments, tokenize = 'porter unicode61')")
        # SQLite has no foreign key from a virtual table: a deleted idea (directly or by cascade) leaves it here.
        op.execute("CREATE TRIGGER idea_search_idea_deleted AFTER DELETE ON idea BEGIN "
                   "DELETE FROM idea_search WHERE rowid = old.id; END")
        op.execute(f"INSERT INTO idea_search (rowid, title, body, comments) "
                   f"SELECT id, title, body, coalesce(({_COMMENTS}), '') FROM idea")
    elif dialect == "postgresql":
        op.execute(
            "CREATE TABLE idea_search ("
            " idea_id integer PRIMARY KEY REFERENCES idea (id) ON DELETE CASCADE,"
            " title text NOT NULL DEFAULT '', body text NOT NULL DEFAULT '', comments text NOT NULL DEFAULT '',"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('english', title), 'A') ||"
            "  setweight(to_tsvector('english', body), 'B') ||"
            "  setweight(to_tsvector('english', comments), 'C')) STORED)"
        )
        op.execute("CREATE INDEX idea_search_document_gin ON idea_search USING gin (document)")
        op.execute(f"INSERT INTO idea_search (idea_id, title, body, comments) "
                   f"SELECT id, title, body, coalesce(({_PG_COMMENTS}), '') FROM idea")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS idea_search_idea_deleted")
        op.execute("DROP TABLE IF EXISTS idea_search")
    elif dialect == "postgresql":
        op.execute("DROP TABLE IF EXISTS idea_search")
