"""API tokens

Reserved slot in the migration chain for issue 9 (filled in by the work on that issue; until then it changes
nothing). The chain is fixed up front so work on several issues at once never leaves Alembic with two heads.

Revision ID: e5f3c4d6a7b8
Revises: b8c6f7a9d0e1
Create Date: 2026-11-22 07:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e5f3c4d6a7b8'
down_revision = 'b8c6f7a9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
