"""audit entries keep structured details instead of a summary

Revision ID: a4c1e9d27b53
Revises: a7e3c2d91f04
Create Date: 2026-11-30 21:10:00

The summary was a short text such as "2026-12-04 capacity=10" or "Repas user=3"; each is
read back into details ({"date": "2026-12-04", "capacity": 10}), completed from the rows
it names (the night of a shift, the title of a news post) so that the log can say it in
sentences. Downgrading writes a summary from the details.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c1e9d27b53'
down_revision = 'a7e3c2d91f04'
branch_labels = None
depends_on = None

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("details", sa.JSON),
)
RENAMED = {"min": "minimum", "max": "maximum", "user": "user_id", "place": "place_id"}


def _parse(summary):
    """Split "Repas min=1 max=4" into ("Repas", {"minimum": 1, "maximum": 4})."""
    words, facts = [], {}
    for word in (summary or "").split():
        key, equals, value = word.partition("=")
        if equals and key.isidentifier():
            facts[RENAMED.get(key, key)] = int(value) if value.isdigit() else value
        else:
            words.append(word)
    return " ".join(words), facts


def _details(connection, action, target_type, target_id, summary):
    text, details = _parse(summary)

    def scalar(query):
        return connection.execute(sa.text(query), {"id": target_id}).first()

    if target_type == "night" and text:
        details["date"] = text
    elif action == "stay.purge":
        details["stays"] = details.pop("stays", 0)
        details["before"] = text.partition("<")[2]
    elif target_type == "stay" and ".." in text:
        details["arrival"], _, details["departure"] = text.partition("..")
    elif target_type in ("shift_type",):
        details["name"] = text
    elif target_type == "shift":
        if "night" in details:
            details["date"] = details.pop("night")
        details["shift"] = text
        night = scalar(
            "SELECT nights.id, nights.date FROM shifts JOIN nights ON nights.id = shifts.night_id"
            " WHERE shifts.id = :id"
        )
        if night is not None:
            details["night_id"], details["date"] = night[0], str(night[1])[:10]
    elif target_type == "place":
        place = scalar("SELECT name FROM places WHERE id = :id")
        if place is not None:
            details["place"] = place[0]
    elif target_type in ("news", "event"):
        table = "news_posts" if target_type == "news" else "public_events"
        row = scalar(f"SELECT title FROM {table} WHERE id = :id")
        if row is not None:
            details["title"] = row[0]
        elif text:
            details["title"] = text
    return details


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            entries.c.id,
            entries.c.action,
            entries.c.target_type,
            entries.c.target_id,
            entries.c.summary,
        )
    ).all()
    for id_, action, target_type, target_id, summary in rows:
        connection.execute(
            entries.update()
            .where(entries.c.id == id_)
            .values(details=_details(connection, action, target_type, target_id, summary))
        )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('details', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('summary')
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))
        batch_op.add_column(
            sa.Column('summary', sa.String(length=300), nullable=False, server_default="")
        )
    connection = op.get_bind()
    for id_, details in connection.execute(sa.select(entries.c.id, entries.c.details)).all():
        summary = " ".join(f"{key}={value}" for key, value in (details or {}).items())
        connection.execute(
            entries.update().where(entries.c.id == id_).values(summary=summary[:300])
        )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('summary', existing_type=sa.String(length=300), server_default=None)
        batch_op.drop_column('details')
