"""availability: profiles, devices, main numbers, schedules, calendars, states

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import api.core.db


revision = "0002"
down_revision = "0001"
branch_labels = ("availability",)
depends_on = None


def upgrade() -> None:
    op.create_table('main_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('displayable', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_main_numbers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_main_numbers')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_main_numbers_tenant_id'))
    )
    op.create_index(op.f('ix_main_numbers_tenant_id'), 'main_numbers', ['tenant_id'], unique=False)
    op.create_table('availability_busy_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_busy_periods_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_busy_periods_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_busy_periods'))
    )
    op.create_index(op.f('ix_availability_busy_periods_starts_at'), 'availability_busy_periods', ['starts_at'], unique=False)
    op.create_index(op.f('ix_availability_busy_periods_tenant_id'), 'availability_busy_periods', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_availability_busy_periods_user_id'), 'availability_busy_periods', ['user_id'], unique=False)
    op.create_table('availability_calendars',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('synced_at', api.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('created_at', api.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_calendars_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_calendars_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_availability_calendars'))
    )
    op.create_index(op.f('ix_availability_calendars_tenant_id'), 'availability_calendars', ['tenant_id'], unique=False)
    op.create_table('availability_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('sip_uri', sa.String(length=200), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('mex', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_devices_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_devices'))
    )
    op.create_index(op.f('ix_availability_devices_tenant_id'), 'availability_devices', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_availability_devices_user_id'), 'availability_devices', ['user_id'], unique=False)
    op.create_table('availability_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('icon', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('activation_code', sa.String(length=8), nullable=True),
    sa.Column('announce', sa.Boolean(), nullable=False),
    sa.Column('devices', sa.JSON(), nullable=False),
    sa.Column('ring_order', sa.String(length=20), nullable=False),
    sa.Column('mobile_delay', sa.Integer(), nullable=False),
    sa.Column('when_free', sa.JSON(), nullable=False),
    sa.Column('when_busy', sa.JSON(), nullable=False),
    sa.Column('no_answer', sa.JSON(), nullable=False),
    sa.Column('no_answer_after', sa.Integer(), nullable=False),
    sa.Column('exceptions', sa.JSON(), nullable=False),
    sa.Column('display_numbers', sa.JSON(), nullable=False),
    sa.Column('queue_logout', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_profiles_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_profiles')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_availability_profiles_user_id'))
    )
    op.create_index(op.f('ix_availability_profiles_tenant_id'), 'availability_profiles', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_availability_profiles_user_id'), 'availability_profiles', ['user_id'], unique=False)
    op.create_table('availability_states',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('until', api.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('set_at', api.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('applied_profile_id', sa.Integer(), nullable=True),
    sa.Column('applied_snapshot', sa.JSON(), nullable=True),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_states_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_availability_states'))
    )
    op.create_index(op.f('ix_availability_states_tenant_id'), 'availability_states', ['tenant_id'], unique=False)
    op.create_table('availability_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('starts', sa.DateTime(), nullable=False),
    sa.Column('ends', sa.DateTime(), nullable=False),
    sa.Column('recurrence', sa.String(length=10), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('repeat_until', sa.Date(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['availability_profiles.id'], name=op.f('fk_availability_schedules_profile_id_availability_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_availability_schedules_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_availability_schedules_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_schedules'))
    )
    op.create_index(op.f('ix_availability_schedules_profile_id'), 'availability_schedules', ['profile_id'], unique=False)
    op.create_index(op.f('ix_availability_schedules_tenant_id'), 'availability_schedules', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_availability_schedules_user_id'), 'availability_schedules', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_availability_schedules_user_id'), table_name='availability_schedules')
    op.drop_index(op.f('ix_availability_schedules_tenant_id'), table_name='availability_schedules')
    op.drop_index(op.f('ix_availability_schedules_profile_id'), table_name='availability_schedules')
    op.drop_table('availability_schedules')
    op.drop_index(op.f('ix_availability_states_tenant_id'), table_name='availability_states')
    op.drop_table('availability_states')
    op.drop_index(op.f('ix_availability_profiles_user_id'), table_name='availability_profiles')
    op.drop_index(op.f('ix_availability_profiles_tenant_id'), table_name='availability_profiles')
    op.drop_table('availability_profiles')
    op.drop_index(op.f('ix_availability_devices_user_id'), table_name='availability_devices')
    op.drop_index(op.f('ix_availability_devices_tenant_id'), table_name='availability_devices')
    op.drop_table('availability_devices')
    op.drop_index(op.f('ix_availability_calendars_tenant_id'), table_name='availability_calendars')
    op.drop_table('availability_calendars')
    op.drop_index(op.f('ix_availability_busy_periods_user_id'), table_name='availability_busy_periods')
    op.drop_index(op.f('ix_availability_busy_periods_tenant_id'), table_name='availability_busy_periods')
    op.drop_index(op.f('ix_availability_busy_periods_starts_at'), table_name='availability_busy_periods')
    op.drop_table('availability_busy_periods')
    op.drop_index(op.f('ix_main_numbers_tenant_id'), table_name='main_numbers')
    op.drop_table('main_numbers')
