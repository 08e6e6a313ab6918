import click

from shelter.public import bp
from shelter.public.newsletter import subscriptions as services
from shelter.work import each_in_its_own_unit, unit_of_work


@bp.cli.command("purge-newsletter")
def purge_newsletter_command() -> None:
    """Forget the newsletter addresses never confirmed before their link expired."""
    with unit_of_work():
        expired = services.expired_subscriptions()
    forgotten = each_in_its_own_unit(expired, services.forget_subscription)
    click.echo(f"{forgotten.done} unconfirmed address(es) forgotten.")
    if forgotten.failed:
        raise click.ClickException(f"{forgotten.failed} address(es) could not be forgotten.")
