"""replacement requests, arrival check-in and the no-show alert

Revision ID: f3b8d2a6c915
Revises: e1a7c3b90f42
Create Date: 2026-12-01 03:00:00

New empty columns and a new table, plus two data steps:
- a shift type that ends on the day after it starts (the overnight one, *Soirée et nuit*
  20:00-09:00 in the usual set) requires presence; the others do not. Names are edited and
  translated by coordinators, times are what makes a shift overnight.
- the open withdrawal requests made after the cut-off become open replacement requests, so
  the free volunteers can take them from now on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8d2a6c915'
down_revision = 'e1a7c3b90f42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shift_types', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('presence_required', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_show_alerted_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))
    op.create_table(
        'replacement_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('requester_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.Column('accepted_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('alerted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['accepted_by_id'], ['users.id'],
            name=op.f('fk_replacement_requests_accepted_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['requester_id'], ['users.id'],
            name=op.f('fk_replacement_requests_requester_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['shift_id'], ['shifts.id'],
            name=op.f('fk_replacement_requests_shift_id_shifts'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_replacement_requests')),
    )
    with op.batch_alter_table('replacement_requests', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_replacement_requests_requester_id'), ['requester_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_replacement_requests_shift_id'), ['shift_id'], unique=False
        )

    shift_types = sa.table(
        'shift_types',
        sa.column('start_time', sa.Time()),
        sa.column('end_time', sa.Time()),
        sa.column('presence_required', sa.Boolean()),
    )
    op.execute(
        shift_types.update()
        .where(shift_types.c.end_time <= shift_types.c.start_time)
        .values(presence_required=True)
    )
    op.execute(
        "INSERT INTO replacement_requests (shift_id, requester_id, reason, created_at) "
        "SELECT shift_id, user_id, COALESCE(withdrawal_reason, ''), withdrawal_requested_at "
        "FROM signups WHERE withdrawal_requested_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('replacement_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replacement_requests_shift_id'))
        batch_op.drop_index(batch_op.f('ix_replacement_requests_requester_id'))
    op.drop_table('replacement_requests')
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_column('no_show_alerted_at')
    with op.batch_alter_table('shift_types', schema=None) as batch_op:
        batch_op.drop_column('presence_required')
