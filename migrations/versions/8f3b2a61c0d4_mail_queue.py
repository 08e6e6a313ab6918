"""mail queue

Revision ID: 8f3b2a61c0d4
Revises: 694509b92cf1
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f3b2a61c0d4'
down_revision = '694509b92cf1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_mail_queue_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_queue'))
    )
    op.create_index('ix_mail_queue_sent_at_next_attempt_at', 'mail_queue', ['sent_at', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_index('ix_mail_queue_sent_at_next_attempt_at', table_name='mail_queue')
    op.drop_table('mail_queue')
