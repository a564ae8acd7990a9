"""reputation votes counted

Each cached reputation total keeps the count of its person's votes the votes rule counts (votes on others'
visible ideas, not cast on their behalf), past the rule's cap too. A vote then moves the total by comparing that
count with the cap in one UPDATE, instead of counting the person's votes again: a prolific author's votes are
mostly on their own ideas, and counting past them took milliseconds on every vote (issue 7). Existing totals get
their count here, from the records, as `flask reputation recompute` would.

Revision ID: c4e8a1b2d3f5
Revises: 3c9d2e7f1a40
Create Date: 2026-12-05 05:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a1b2d3f5'
down_revision = '3c9d2e7f1a40'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("reputation_total", sa.Column("votes_counted", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE reputation_total SET votes_counted = ("
        "SELECT count(*) FROM vote JOIN idea ON idea.id = vote.idea_id "
        "WHERE vote.user_id = reputation_total.user_id AND vote.on_behalf_by_id IS NULL "
        "AND idea.hidden_at IS NULL AND idea.author_id != vote.user_id)")


def downgrade():
    with op.batch_alter_table("reputation_total") as batch:
        batch.drop_column("votes_counted")
