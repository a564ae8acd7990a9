"""contributor profiles: business-card fields and contact visibility

Reserved slot in the migration chain for issue 8 (filled in by the work on that issue; until then it changes
nothing). The chain is fixed up front so work on several issues at once never leaves Alembic with two heads.

Revision ID: d4e2b3c5f6a7
Revises: c3f1a2b4d5e6
Create Date: 2026-11-22 07:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'd4e2b3c5f6a7'
down_revision = 'c3f1a2b4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
