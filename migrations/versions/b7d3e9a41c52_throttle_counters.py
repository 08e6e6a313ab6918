"""throttle counters shared by every worker

Revision ID: b7d3e9a41c52
Revises: 8a1f0c2d7e31
Create Date: 2026-11-30 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d3e9a41c52'
down_revision = '8a1f0c2d7e31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'throttle_counters',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_counters')),
    )
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_counters_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counters_expires_at'))
    op.drop_table('throttle_counters')
