"""performance: list indexes, Idea.shipped_at and the content version

Partial indexes matching each idea list's order (product or prototype, sort column, id) over listed ideas;
roadmap and changelog indexes on (status, votes) and (status, shipped_at); Idea.shipped_at, backfilled from the
status history; the merged-into index only over merged ideas; and the one-row content_version table the
anonymous page cache is keyed on. Ends with ANALYZE.

Revision ID: c3f1a2b4d5e6
Revises: b97d3a482c15
Create Date: 2026-11-22 07:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a2b4d5e6'
down_revision = 'b97d3a482c15'
branch_labels = None
depends_on = None

LISTED = "merged_into_id IS NULL AND hidden_at IS NULL"
ORDERS = {"top": "vote_count", "trending": "trending_score", "new": "created_at", "discussed": "comment_count"}
OLD_INDEXES = {"ix_idea_product_votes": ["product_id", "vote_count"],
               "ix_idea_prototype_votes": ["prototype_id", "vote_count"],
               "ix_idea_product_created": ["product_id", "created_at"],
               "ix_idea_product_trending": ["product_id", "trending_score"]}
DONE = "SELECT id FROM status WHERE kind = 'done'"
MERGED = "merged_into_id IS NOT NULL"


def upgrade():
    op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.execute(f"INSERT INTO content_version (id, token) VALUES (1, '{secrets.token_hex(8)}')")
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True))
    # When each done idea shipped: its latest change into a done status, else when it was posted.
    op.execute(f"UPDATE idea SET shipped_at = (SELECT max(sc.created_at) FROM status_change sc "
               f"WHERE sc.idea_id = idea.id AND sc.to_status_id IN ({DONE})) WHERE status_id IN ({DONE})")
    op.execute(f"UPDATE idea SET shipped_at = created_at WHERE shipped_at IS NULL AND status_id IN ({DONE})")
    for name in OLD_INDEXES:
        op.drop_index(name, table_name='idea')
    for scope in ("product", "prototype"):
        for name, column in ORDERS.items():
            op.create_index(f"ix_idea_{scope}_{name}", 'idea', [f"{scope}_id", column, "id"], unique=False,
                            postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))
    op.create_index('ix_idea_status_votes', 'idea', ['status_id', 'vote_count', 'id'], unique=False)
    op.create_index('ix_idea_status_shipped', 'idea', ['status_id', 'shipped_at', 'id'], unique=False)
    op.drop_index('ix_idea_merged_into_id', table_name='idea')
    op.create_index('ix_idea_merged_into_id', 'idea', ['merged_into_id'], unique=False,
                    postgresql_where=sa.text(MERGED), sqlite_where=sa.text(MERGED))
    # Statistics for the planners (SQLite gathers none unless asked), now that the indexes changed.
    op.execute("ANALYZE")


def downgrade():
    op.drop_index('ix_idea_merged_into_id', table_name='idea')
    op.create_index('ix_idea_merged_into_id', 'idea', ['merged_into_id'], unique=False)
    op.drop_index('ix_idea_status_shipped', table_name='idea')
    op.drop_index('ix_idea_status_votes', table_name='idea')
    for scope in ("product", "prototype"):
        for name in ORDERS:
            op.drop_index(f"ix_idea_{scope}_{name}", table_name='idea')
    for name, columns in OLD_INDEXES.items():
        op.create_index(name, 'idea', columns, unique=False)
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_column('shipped_at')
    op.drop_table('content_version')
