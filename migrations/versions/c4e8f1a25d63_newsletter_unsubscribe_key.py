"""newsletter unsubscribe links tied to their subscription

Revision ID: c4e8f1a25d63
Revises: b7d3e9a41c52
Create Date: 2026-11-30 21:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8f1a25d63'
down_revision = 'b7d3e9a41c52'
branch_labels = None
depends_on = None


def upgrade():
    # Existing subscriptions keep an empty key, so that the links already sent still work;
    # new ones get a random key.
    with op.batch_alter_table('newsletter_subscribers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('unsubscribe_key', sa.String(length=32), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('newsletter_subscribers', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_key')
