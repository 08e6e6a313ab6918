"""``flask --app shelter send-mail``: deliver what is still queued; cron runs it every minute."""

from datetime import timedelta

import click
from flask import current_app

from shelter.mail import delivery

# check-deploy warns when a message has been failing for longer than this.
FAILING_TOO_LONG = timedelta(hours=1)


@click.command("send-mail")
@click.option("--status", is_flag=True, help="Only print how many messages are in each state.")
def send_mail_command(status: bool) -> None:
    """Send the queued messages that are due, then forget the old sent ones (idempotent)."""
    if status:
        _print_status()
        return
    done = delivery.deliver()
    keep_days = current_app.config["MAIL_KEEP_SENT_DAYS"]
    forgotten = delivery.forget_sent(timedelta(days=keep_days))
    if done.sent or done.failed or forgotten:
        click.echo(
            f"{done.sent} message(s) sent, {done.failed} failed (retried later); "
            f"{forgotten} sent more than {keep_days} days ago forgotten."
        )


def _print_status() -> None:
    for state, count in delivery.count_by_state().items():
        click.echo(f"{state.value:<9} {count}")
    failing = delivery.failing_since(timedelta(0))
    if failing:
        click.echo("Failing (id, queued at, attempts, last error):")
    for mail in failing:
        click.echo(
            f"  {mail.id:>6}  {mail.created_at:%Y-%m-%d %H:%M} UTC  {mail.attempts:>3}  "
            f"{mail.last_error}"
        )
