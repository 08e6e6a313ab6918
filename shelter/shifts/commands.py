"""Cron jobs: ``flask --app shelter send-reminders``."""

import click

from shelter.clock import utcnow
from shelter.shifts import bp, services
from shelter.work import each_in_its_own_unit, unit_of_work


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send due shift reminders and warn coordinators of nights not ready (idempotent).

    Each reminder is a unit of work of its own: one that fails is retried by the next run,
    and leaves the others sent.
    """
    now = utcnow()
    with unit_of_work():  # ends the read, so that each reminder's transaction starts afresh
        due = services.due_reminders(now)
    reminders = each_in_its_own_unit(due, lambda signup_id: services.remind(signup_id, now))
    click.echo(f"{reminders.done} reminder(s) sent.")
    with unit_of_work():
        nights = services.warn_coordinators_of_unready_nights(now)
    click.echo(f"{nights} night(s) not ready reported.")
    if reminders.failed:
        raise click.ClickException(f"{reminders.failed} reminder(s) failed; the next run retries.")
