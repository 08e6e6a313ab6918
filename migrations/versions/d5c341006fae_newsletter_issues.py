"""newsletter issues, and an HTML part for queued messages

Revision ID: d5c341006fae
Revises: c4e8f1a25d63
Create Date: 2026-11-30 22:41:53

Nothing existing changes: a new table, and a new empty column in the mail queue. Downgrading
drops both; a message still queued then goes out with its plain text only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5c341006fae'
down_revision = 'c4e8f1a25d63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('recipient_count', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(sent_at IS NULL AND recipient_count IS NULL) OR (sent_at IS NOT NULL AND recipient_count >= 0)', name=op.f('ck_newsletter_issues_sent_to_a_count')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_newsletter_issues_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_issues'))
    )
    with op.batch_alter_table('newsletter_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_issues_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('mail_queue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('mail_queue', schema=None) as batch_op:
        batch_op.drop_column('html_body')

    with op.batch_alter_table('newsletter_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_issues_sent_at'))

    op.drop_table('newsletter_issues')
