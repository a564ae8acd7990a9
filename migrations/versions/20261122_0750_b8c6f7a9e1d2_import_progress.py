"""import progress

Imports run in chunks: each batch keeps the number of ideas it started with, the last CSV line written, the last
chunk's error, and a third status, 'importing', between 'previewed' and 'imported'.

Revision ID: b8c6f7a9e1d2
Revises: a7b5e6f8c9d0
Create Date: 2026-11-22 07:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8c6f7a9e1d2'
down_revision = 'a7b5e6f8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('total_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('done_line', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('error', sa.String(length=300), server_default='', nullable=False))
        batch_op.drop_constraint(op.f('ck_import_batch_status'), type_='check')
        batch_op.create_check_constraint('status', "status IN ('previewed', 'importing', 'imported')")


def downgrade():
    # A batch caught half-way is called previewed again: its remaining rows can be imported after an upgrade.
    op.execute("UPDATE import_batch SET status = 'previewed' WHERE status = 'importing'")
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_batch_status'), type_='check')
        batch_op.create_check_constraint('status', "status IN ('previewed', 'imported')")
        batch_op.drop_column('error')
        batch_op.drop_column('done_line')
        batch_op.drop_column('total_count')
