"""Command-line tools."""

from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import AuditEntry, Place, User


def test_create_user_reads_the_password_from_standard_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Chef@Example.org",
            "--name",
            "Chef",
            "--role",
            "coordinator",
        ],
        input="une phrase de passe\nune phrase de passe\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chef@example.org"))
    assert user.is_coordinator
    assert user.check_password("une phrase de passe")
    assert "une phrase de passe" not in result.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert (entry.actor_id, entry.target_id) == (None, user.id)


def test_create_user_refuses_a_weak_password_and_duplicates(app, volunteer):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X"],
        input="motdepasse\nmotdepasse\n",
    )
    assert result.exit_code != 0
    assert "trop courant" in result.output
    result = runner.invoke(args=["create-user", "--email", volunteer.email, "--name", "X"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert "coordination@demo.example.org" in first.output
    assert "demo-coordination" in first.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    assert db.session.scalar(select(func.count()).select_from(Place)) == 1


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    response = client.post(
        "/connexion",
        data={"email": "coordination@demo.example.org", "password": "demo-coordination"},
    )
    assert response.status_code == 302
