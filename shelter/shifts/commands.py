"""Cron jobs: ``flask --app shelter send-reminders``."""

import click

from shelter.clock import utcnow
from shelter.shifts import bp, calls, presence, queries, replacements
from shelter.work import each_in_its_own_unit, unit_of_work


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send due shift reminders and warn coordinators of nights not ready (idempotent).

    Also alerts coordinators, once each, about a replacement request still open 24 h before
    the start, and about a shift needing presence with nobody checked in 30 minutes after it.

    Each reminder is a unit of work of its own: one that fails is retried by the next run,
    and leaves the others sent.
    """
    now = utcnow()
    with unit_of_work():  # ends the read, so that each reminder's transaction starts afresh
        due = queries.due_reminders(now)
    reminders = each_in_its_own_unit(due, lambda signup_id: calls.remind(signup_id, now))
    click.echo(f"{reminders.done} reminder(s) sent.")
    with unit_of_work():
        nights = calls.warn_coordinators_of_unready_nights(now)
    click.echo(f"{nights} night(s) not ready reported.")
    with unit_of_work():
        unanswered = replacements.unanswered_requests(now)
    alerts = each_in_its_own_unit(
        unanswered, lambda request_id: replacements.alert_unanswered(request_id, now)
    )
    click.echo(f"{alerts.done} unanswered replacement request(s) reported.")
    with unit_of_work():
        empty = presence.due_no_show_alerts(now)
    no_shows = each_in_its_own_unit(empty, lambda shift_id: presence.alert_no_show(shift_id, now))
    click.echo(f"{no_shows.done} shift(s) with nobody checked in reported.")
    failed = [
        f"{count} {what} failed"
        for count, what in (
            (reminders.failed, "reminder(s)"),
            (alerts.failed, "replacement alert(s)"),
            (no_shows.failed, "no-show alert(s)"),
        )
        if count
    ]
    if failed:
        raise click.ClickException(f"{', '.join(failed)}; the next run retries.")
