"""Markdown rendered once, when it is saved: news bodies, event descriptions, site texts

Revision ID: 8a1f0c2d7e31
Revises: b7e2f0c5d913
Create Date: 2026-11-30 20:45:00

"""
from alembic import op
import sqlalchemy as sa

from shelter.markup import render_markdown


revision = '8a1f0c2d7e31'
down_revision = 'b7e2f0c5d913'
branch_labels = None
depends_on = None

# (table, key column, Markdown column, HTML column, which rows hold Markdown)
RENDERED = (
    ("news_posts", "id", "body", "body_html", None),
    ("public_events", "id", "description", "description_html", None),
    ("site_settings", "key", "value", "html", ("presentation", "donation_text")),
)


def upgrade():
    for table, _key, _source, target, _keys in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(target, sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    for table, key, source, target, keys in RENDERED:
        rows = sa.table(table, sa.column(key), sa.column(source), sa.column(target))
        query = sa.select(rows.c[key], rows.c[source])
        if keys is not None:
            query = query.where(rows.c[key].in_(keys))
        for row_key, text in connection.execute(query).all():
            connection.execute(
                rows.update()
                .where(rows.c[key] == row_key)
                .values({target: render_markdown(text)})
            )


def downgrade():
    for table, _key, _source, target, _keys in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(target)
