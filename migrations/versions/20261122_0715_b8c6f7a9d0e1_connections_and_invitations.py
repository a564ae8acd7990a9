"""connections, introductions, invitations and reputation

Reserved slot in the migration chain for issue 8 (filled in by the work on that issue; until then it changes
nothing). The chain is fixed up front so work on several issues at once never leaves Alembic with two heads.

Revision ID: b8c6f7a9d0e1
Revises: d4e2b3c5f6a7
Create Date: 2026-11-22 07:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'b8c6f7a9d0e1'
down_revision = 'd4e2b3c5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
