import click

from shelter.extensions import db
from shelter.public import bp, services


@bp.cli.command("purge-newsletter")
def purge_newsletter_command() -> None:
    """Forget the newsletter addresses never confirmed before their link expired."""
    count = services.forget_expired_subscriptions()
    db.session.commit()
    click.echo(f"{count} unconfirmed address(es) forgotten.")
