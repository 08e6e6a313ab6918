import click
from flask import current_app

from shelter.clock import local_today
from shelter.nights import bp, services
from shelter.work import each_in_its_own_unit, unit_of_work


@bp.cli.command("purge-guests")
def purge_guests_command() -> None:
    """Erase guest aliases and notes a set number of days after departure (idempotent).

    Each stay is a unit of work of its own: one that fails is retried by the next run, and
    leaves the others erased.
    """
    days = int(current_app.config["GUEST_RETENTION_DAYS"])
    with unit_of_work():
        due = services.stays_to_purge(local_today(), days)
    purged = each_in_its_own_unit(due, services.purge_guest_data)
    click.echo(f"Guest data erased from {purged.done} stay(s) that left more than {days} days ago.")
    if purged.failed:
        raise click.ClickException(f"{purged.failed} stay(s) could not be erased; run it again.")
