"""Command-line tools: ``flask --app shelter <command>``."""

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from shelter.auth.services import find_user_by_email, normalise_email
from shelter.demo import load_demo_data
from shelter.extensions import db
from shelter.models import Role, User
from shelter.passwords import password_problem


def init_app(app: Flask) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)


def _print_demo_logins(accounts) -> None:
    click.echo("Demo logins (email / password):")
    for account in accounts:
        click.echo(f"  {account.role.value:<12} {account.email:<34} {account.password}")


@click.command("setup")
def setup_command() -> None:
    """Create or migrate the database; load the demo data when it is empty."""
    upgrade()
    if db.session.scalar(select(func.count()).select_from(User)) == 0:
        accounts = load_demo_data()
        db.session.commit()
        click.echo("Empty database: demo data loaded.")
        _print_demo_logins(accounts)
    elif find_user_by_email("coordination@demo.example.org") is not None:
        from shelter.demo import DEMO_ACCOUNTS

        _print_demo_logins(DEMO_ACCOUNTS)
    else:
        click.echo("Database ready.")


@click.command("demo")
def demo_command() -> None:
    """Load the demo data set (idempotent) and print the demo logins."""
    accounts = load_demo_data()
    db.session.commit()
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
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"An account already exists for {email}.")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(str(problem))
    user = User(email=email, name=name, role=role, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")
