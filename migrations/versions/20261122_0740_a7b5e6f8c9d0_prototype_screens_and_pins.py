"""prototype screens, pins and versions

Reserved slot in the migration chain for issue 10 (filled in by the work on that issue; until then it changes
nothing). The chain is fixed up front so work on several issues at once never leaves Alembic with two heads.

Revision ID: a7b5e6f8c9d0
Revises: f6a4d5e7b8c9
Create Date: 2026-11-22 07:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'a7b5e6f8c9d0'
down_revision = 'f6a4d5e7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
