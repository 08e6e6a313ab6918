import click
from flask import current_app

from shelter.extensions import db
from shelter.nights import bp, services


@bp.cli.command("purge-guests")
def purge_guests_command() -> None:
    """Erase guest aliases and notes a set number of days after departure (idempotent)."""
    days = int(current_app.config["GUEST_RETENTION_DAYS"])
    purged = services.purge_guest_data(services.local_today(), days)
    db.session.commit()
    click.echo(f"Guest data erased from {purged} stay(s) that left more than {days} days ago.")
