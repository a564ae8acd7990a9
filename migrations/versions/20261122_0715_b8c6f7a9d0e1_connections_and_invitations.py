"""invitations, helpful marks, reputation totals and the directory opt-out

Issue 8, part 2: invitations with credit to the inviter, helpful marks on comments (reputation for giving), a
cached reputation total per person (rebuilt exactly by `flask reputation recompute`), and the people who left the
directory. The connection and introduction tables are part 1's, in the revision before this one.

Revision ID: b8c6f7a9d0e1
Revises: d4e2b3c5f6a7
Create Date: 2026-11-22 07:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8c6f7a9d0e1'
down_revision = 'd4e2b3c5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_exit',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_directory_exit_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_directory_exit'))
    )
    op.create_table('reputation_total',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reputation_total_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reputation_total'))
    )
    with op.batch_alter_table('reputation_total', schema=None) as batch_op:
        batch_op.create_index('ix_reputation_total_points', ['points'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inviter_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('prototype_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_invitation_accepted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inviter_id'], ['user.id'], name=op.f('fk_invitation_inviter_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prototype_id'], ['prototype.id'], name=op.f('fk_invitation_prototype_id_prototype'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('accepted_by_id', name=op.f('uq_invitation_accepted_by_id'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_email', ['email'], unique=False)
        batch_op.create_index('ix_invitation_inviter_created', ['inviter_id', 'created_at'], unique=False)

    op.create_table('helpful_mark',
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_helpful_mark_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user.id'], name=op.f('fk_helpful_mark_marked_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('comment_id', name=op.f('pk_helpful_mark'))
    )


def downgrade():
    op.drop_table('helpful_mark')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_inviter_created')
        batch_op.drop_index('ix_invitation_email')

    op.drop_table('invitation')
    with op.batch_alter_table('reputation_total', schema=None) as batch_op:
        batch_op.drop_index('ix_reputation_total_points')

    op.drop_table('reputation_total')
    op.drop_table('directory_exit')
