"""Command-line tools: ``flask --app shelter <command>``."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from shelter import backup
from shelter.auth import totp
from shelter.auth.services import create_account, find_user_by_email, normalise_email
from shelter.auth.twofactor import reset_second_factor
from shelter.demo import DEMO_ACCOUNTS, DEMO_TOTP_KEY, enrol_demo_totp, load_demo_data
from shelter.deploy import CRON_LINES, deployment_checks
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import Role, User
from shelter.second_factors import has_second_factor
from shelter.work import unit_of_work


def init_app(app: Flask) -> None:
    for command in (
        setup_command,
        demo_command,
        create_user_command,
        check_deploy_command,
        reset_two_factor_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


def _print_demo_logins(accounts) -> None:
    click.echo("Demo logins (email / password):")
    for account in accounts:
        click.echo(f"  {account.role.value:<12} {account.email:<34} {account.password}")
    click.echo(
        f"The coordinator then gives an authenticator code. Key: {totp.grouped(DEMO_TOTP_KEY)}\n"
        "  (add it to an authenticator app such as Aegis, FreeOTP or Google Authenticator,\n"
        f"  or run: oathtool --totp -b {DEMO_TOTP_KEY})\n"
        f"  Code right now (valid 30 s, each code once): {totp.current_code(DEMO_TOTP_KEY)}"
    )


@click.command("setup")
def setup_command() -> None:
    """Create or migrate the database; load the demo data when it is empty."""
    upgrade()
    if db.session.scalar(select(func.count()).select_from(User)) == 0:
        with unit_of_work():
            accounts = load_demo_data()
        click.echo("Empty database: demo data loaded.")
        _print_demo_logins(accounts)
    elif find_user_by_email(DEMO_ACCOUNTS[0].email) is not None:
        with unit_of_work():
            enrol_demo_totp()
        _print_demo_logins(DEMO_ACCOUNTS)
    else:
        click.echo("Database ready.")


@click.command("demo")
def demo_command() -> None:
    """Load the demo data set (idempotent) and print the demo logins."""
    with unit_of_work():
        accounts = load_demo_data()
    _print_demo_logins(accounts)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([role.value for role in Role]), default=Role.VOLUNTEER.value
)
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr")
def create_user_command(email: str, name: str, role: str, language: str) -> None:
    """Create an account; the password is asked for (or read from standard input)."""
    email = normalise_email(email)
    # Checked before the password is typed; the service checks again when it creates.
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"An account already exists for {email}.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            create_account(email, name, role, language, password)
    except DomainError as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Created {role} account {email}.")


@click.command("check-deploy")
def check_deploy_command() -> None:
    """Check that this configuration is fit for production; exit 1 when it is not."""
    checks = deployment_checks(current_app)
    # The checks only read: give their connection back before the command ends.
    db.session.remove()
    for check in checks:
        click.echo(f"[{check.label:>4}] {check.name}: {check.detail}")
    click.echo("Cron jobs to install (as the app's user, in its directory):")
    for line in CRON_LINES:
        click.echo(f"       {line}")
    if any(not check.ok and check.blocking for check in checks):
        raise click.ClickException("not ready for production (see FAIL above)")


@click.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Remove the second factors of EMAIL's account (a lost phone or key) and tell them."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {normalise_email(email)}.")
    if not has_second_factor(user.id):
        raise click.ClickException(f"{user.email} has no second factor.")
    with unit_of_work():
        reset_second_factor(user, None)
    click.echo(
        f"Second factor removed for {user.email}: their sessions are closed, "
        "they were told by email and sign in with their password alone."
    )


def _passphrase(confirm: bool) -> str:
    return click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--unencrypted",
    is_flag=True,
    help="Write the backup in clear (it holds guest data): only onto an encrypted disk.",
)
def backup_command(path: Path, unencrypted: bool) -> None:
    """Write an encrypted, consistent copy of the database to PATH (safe while the app runs)."""
    passphrase = None if unencrypted else _passphrase(confirm=True)
    try:
        backup.backup(backup.current_url(), path, passphrase)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {path}{'' if unencrypted else ' (encrypted)'}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Restore the backup at PATH into this instance's empty database."""
    url = backup.current_url()
    if not backup.database_is_empty():
        raise click.ClickException(
            "The database is not empty: restore only into a new instance or an empty database."
        )
    target = url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Restore {path} into {target}?", abort=True)
    passphrase = _passphrase(confirm=False) if backup.is_encrypted(path) else None
    db.session.remove()
    db.engine.dispose()
    try:
        backup.restore(url, path, passphrase)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path} into {target}.")
