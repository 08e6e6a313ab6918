"""Cron jobs: ``flask --app shelter send-reminders``."""

import click

from shelter.shifts import bp, services


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send due shift reminders and warn coordinators of nights not ready (idempotent)."""
    reminders = services.send_reminders()
    nights = services.warn_coordinators_of_unready_nights()
    click.echo(f"{reminders} reminder(s) sent; {nights} night(s) not ready reported.")
