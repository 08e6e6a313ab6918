"""the coordinator on call for a night

Revision ID: e1a7c3b90f42
Revises: d5c341006fae
Create Date: 2026-12-01 02:45:00

A new empty column: existing nights have nobody on call, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1a7c3b90f42'
down_revision = 'd5c341006fae'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nights', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_call_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_nights_on_call_id'), ['on_call_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_nights_on_call_id_users'), 'users', ['on_call_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('nights', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_nights_on_call_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_nights_on_call_id'))
        batch_op.drop_column('on_call_id')
