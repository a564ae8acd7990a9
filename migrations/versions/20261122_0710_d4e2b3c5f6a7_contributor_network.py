"""contributor network: business-card profiles, contact visibility, connections, introductions, blocks

Profile columns on user (location, phone, social links) and one `<field>_visibility` per contact detail
(me / connections / members / everyone, default me); the old show_email/show_website switches become
"everyone". Tables: introduction, connection (one row per pair), block, profile_tag (offers and needs).

Revision ID: d4e2b3c5f6a7
Revises: c3f1a2b4d5e6
Create Date: 2026-11-22 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e2b3c5f6a7'
down_revision = 'c3f1a2b4d5e6'
branch_labels = None
depends_on = None

CONTACT_FIELDS = ('email', 'phone', 'website', 'linkedin', 'github', 'mastodon')
LENGTHS = {'location': 100, 'phone': 40, 'linkedin': 300, 'github': 300, 'mastodon': 300}


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        for column in ('location', 'phone', 'linkedin', 'github', 'mastodon'):
            batch_op.add_column(sa.Column(column, sa.String(length=LENGTHS[column]), server_default='', nullable=False))
        for field in CONTACT_FIELDS:
            batch_op.add_column(sa.Column(f'{field}_visibility', sa.String(length=12), server_default='me',
                                          nullable=False))
            batch_op.create_check_constraint(
                op.f(f'ck_user_{field}_visibility'),
                f"{field}_visibility IN ('me', 'connections', 'members', 'everyone')")

    # What people had opted to show on their public profile stays public.
    user = sa.table('user', sa.column('show_email', sa.Boolean()), sa.column('show_website', sa.Boolean()),
                    sa.column('email_visibility', sa.String()), sa.column('website_visibility', sa.String()))
    op.execute(user.update().where(user.c.show_email == sa.true()).values(email_visibility='everyone'))
    op.execute(user.update().where(user.c.show_website == sa.true()).values(website_visibility='everyone'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('show_email')
        batch_op.drop_column('show_website')

    op.create_table('introduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_id <> second_id', name=op.f('ck_introduction_two_people')),
    sa.ForeignKeyConstraint(['first_id'], ['user.id'], name=op.f('fk_introduction_first_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_id'], ['user.id'], name=op.f('fk_introduction_host_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['second_id'], ['user.id'], name=op.f('fk_introduction_second_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction'))
    )
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_second_id'), ['second_id'], unique=False)

    op.create_table('connection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('addressee_id', sa.Integer(), nullable=False),
    sa.Column('low_user_id', sa.Integer(), nullable=False),
    sa.Column('high_user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=True),
    sa.Column('requester_accepted', sa.Boolean(), nullable=False),
    sa.Column('addressee_accepted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('held', 'pending', 'accepted', 'declined', 'withdrawn')", name=op.f('ck_connection_status')),
    sa.CheckConstraint('low_user_id < high_user_id', name=op.f('ck_connection_pair_order')),
    sa.CheckConstraint('requester_id <> addressee_id', name=op.f('ck_connection_two_people')),
    sa.ForeignKeyConstraint(['addressee_id'], ['user.id'], name=op.f('fk_connection_addressee_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['high_user_id'], ['user.id'], name=op.f('fk_connection_high_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], name=op.f('fk_connection_introduction_id_introduction'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['low_user_id'], ['user.id'], name=op.f('fk_connection_low_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], name=op.f('fk_connection_requester_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connection')),
    sa.UniqueConstraint('low_user_id', 'high_user_id', name='uq_connection_pair')
    )
    with op.batch_alter_table('connection', schema=None) as batch_op:
        batch_op.create_index('ix_connection_addressee_status', ['addressee_id', 'status'], unique=False)
        batch_op.create_index('ix_connection_high_status', ['high_user_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_connection_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index('ix_connection_requester_requested', ['requester_id', 'requested_at'], unique=False)

    op.create_table('block',
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('blocker_id <> blocked_id', name=op.f('ck_block_two_people')),
    sa.ForeignKeyConstraint(['blocked_id'], ['user.id'], name=op.f('fk_block_blocked_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['user.id'], name=op.f('fk_block_blocker_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_block'))
    )
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_block_blocked_id'), ['blocked_id'], unique=False)

    op.create_table('profile_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('offer', 'need')", name=op.f('ck_profile_tag_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_profile_tag_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_tag')),
    sa.UniqueConstraint('user_id', 'kind', 'name', name='uq_profile_tag_user_kind_name')
    )
    with op.batch_alter_table('profile_tag', schema=None) as batch_op:
        batch_op.create_index('ix_profile_tag_kind_name', ['kind', 'name'], unique=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_email', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('show_website', sa.Boolean(), server_default=sa.false(), nullable=False))
    user = sa.table('user', sa.column('show_email', sa.Boolean()), sa.column('show_website', sa.Boolean()),
                    sa.column('email_visibility', sa.String()), sa.column('website_visibility', sa.String()))
    op.execute(user.update().where(user.c.email_visibility == 'everyone').values(show_email=True))
    op.execute(user.update().where(user.c.website_visibility == 'everyone').values(show_website=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        for field in CONTACT_FIELDS:
            batch_op.drop_constraint(op.f(f'ck_user_{field}_visibility'), type_='check')
            batch_op.drop_column(f'{field}_visibility')
        for column in ('mastodon', 'github', 'linkedin', 'phone', 'location'):
            batch_op.drop_column(column)

    for table in ('profile_tag', 'block', 'connection', 'introduction'):
        op.drop_table(table)
