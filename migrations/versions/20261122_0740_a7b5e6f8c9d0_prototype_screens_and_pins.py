"""prototype screens, pins and versions

Screens of a prototype (images with a caption and an order), pins on them (a spot or a rectangle as fractions of
the image, holding an idea or a comment), ideas carried forward into a newer version, and each prototype's
previous version.

Revision ID: a7b5e6f8c9d0
Revises: f6a4d5e7b8c9
Create Date: 2026-11-22 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b5e6f8c9d0'
down_revision = 'f6a4d5e7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('screen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prototype_id', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=160), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('image', sa.String(length=100), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('team_only', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['copied_from_id'], ['screen.id'], name=op.f('fk_screen_copied_from_id_screen'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prototype_id'], ['prototype.id'], name=op.f('fk_screen_prototype_id_prototype'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screen'))
    )
    with op.batch_alter_table('screen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screen_copied_from_id'), ['copied_from_id'], unique=False)
        batch_op.create_index('ix_screen_prototype_position', ['prototype_id', 'position'], unique=False)

    op.create_table('carried_idea',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('prototype_id', sa.Integer(), nullable=False),
    sa.Column('carried_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carried_by_id'], ['user.id'], name=op.f('fk_carried_idea_carried_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_carried_idea_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prototype_id'], ['prototype.id'], name=op.f('fk_carried_idea_prototype_id_prototype'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('idea_id', 'prototype_id', name=op.f('pk_carried_idea'))
    )
    with op.batch_alter_table('carried_idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carried_idea_prototype_id'), ['prototype_id'], unique=False)

    op.create_table('pin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.Column('w', sa.Float(), nullable=False),
    sa.Column('h', sa.Float(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('not_applicable', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('addressed_in_id', sa.Integer(), nullable=True),
    sa.Column('addressed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('w >= 0 AND h >= 0 AND x + w <= 1.000001 AND y + h <= 1.000001', name=op.f('ck_pin_size')),
    sa.CheckConstraint('x >= 0 AND x <= 1 AND y >= 0 AND y <= 1', name=op.f('ck_pin_inside')),
    sa.ForeignKeyConstraint(['addressed_in_id'], ['prototype.id'], name=op.f('fk_pin_addressed_in_id_prototype'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_pin_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['carried_from_id'], ['pin.id'], name=op.f('fk_pin_carried_from_id_pin'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_pin_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_pin_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['screen_id'], ['screen.id'], name=op.f('fk_pin_screen_id_screen'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pin'))
    )
    with op.batch_alter_table('pin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pin_addressed_in_id'), ['addressed_in_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pin_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pin_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pin_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pin_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index('ix_pin_screen_idea', ['screen_id', 'idea_id'], unique=False)

    with op.batch_alter_table('prototype', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_prototype_previous_version_id'), ['previous_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_prototype_previous_version_id_prototype'), 'prototype', ['previous_version_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('prototype', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_prototype_previous_version_id_prototype'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_prototype_previous_version_id'))
        batch_op.drop_column('previous_version_id')

    with op.batch_alter_table('pin', schema=None) as batch_op:
        batch_op.drop_index('ix_pin_screen_idea')
        batch_op.drop_index(batch_op.f('ix_pin_idea_id'))
        batch_op.drop_index(batch_op.f('ix_pin_comment_id'))
        batch_op.drop_index(batch_op.f('ix_pin_carried_from_id'))
        batch_op.drop_index(batch_op.f('ix_pin_author_id'))
        batch_op.drop_index(batch_op.f('ix_pin_addressed_in_id'))

    op.drop_table('pin')
    with op.batch_alter_table('carried_idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carried_idea_prototype_id'))

    op.drop_table('carried_idea')
    with op.batch_alter_table('screen', schema=None) as batch_op:
        batch_op.drop_index('ix_screen_prototype_position')
        batch_op.drop_index(batch_op.f('ix_screen_copied_from_id'))

    op.drop_table('screen')
