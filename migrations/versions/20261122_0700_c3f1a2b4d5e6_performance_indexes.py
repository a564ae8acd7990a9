"""performance: indexes and stored values for lists at scale

Reserved slot in the migration chain for issue 7 (filled in by the work on that issue; until then it changes
nothing). The chain is fixed up front so work on several issues at once never leaves Alembic with two heads.

Revision ID: c3f1a2b4d5e6
Revises: b97d3a482c15
Create Date: 2026-11-22 07:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'c3f1a2b4d5e6'
down_revision = 'b97d3a482c15'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
