"""sessions, email verification and sign-in throttle

A session version on each account (it is part of every session and remember-me cookie, so raising it signs the
account out everywhere); when the account's address was confirmed, which this migration sets for every
existing account that is not a contact, since they were made before confirming existed; and the sign-in
throttle's counts per account and per client address.

Revision ID: b97d3a482c15
Revises: 87b90f92db74
Create Date: 2026-11-22 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b97d3a482c15'
down_revision = '87b90f92db74'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope IN ('account', 'address')", name=op.f('ck_sign_in_throttle_scope')),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))

    # Everyone who had an account before confirming existed counts as confirmed; contacts, whose address the
    # team typed in, do not.
    user = sa.table('user', sa.column('email_verified_at', sa.DateTime(timezone=True)),
                    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('is_contact', sa.Boolean()))
    op.execute(user.update().where(user.c.is_contact == sa.false()).values(email_verified_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('session_version')

    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_expires_at'))

    op.drop_table('sign_in_throttle')
