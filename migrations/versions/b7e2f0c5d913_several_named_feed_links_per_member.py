"""several named feed links per member, with their last use

Revision ID: b7e2f0c5d913
Revises: a4c1e9d27b53
Create Date: 2026-11-30 22:00:00

Existing links keep working: they become links without a name, shown as "Lien existant".
Downgrading keeps the latest link of each member and kind (one was the rule then).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2f0c5d913'
down_revision = 'a4c1e9d27b53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feed_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feed_tokens_user_kind', type_='unique')
        batch_op.add_column(sa.Column('name', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_feed_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    op.execute(
        "DELETE FROM feed_tokens WHERE id NOT IN ("
        " SELECT MAX(id) FROM feed_tokens GROUP BY user_id, kind)"
    )
    with op.batch_alter_table('feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_tokens_user_id'))
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('name')
        batch_op.create_unique_constraint('uq_feed_tokens_user_kind', ['user_id', 'kind'])
