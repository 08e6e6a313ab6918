"""The policy: coordinators need a second factor; resets by a coordinator and from the CLI."""

import pytest
from sqlalchemy import func, select

from shelter import create_app
from shelter.auth import totp
from shelter.auth.policy import ENROLMENT_ENDPOINTS
from shelter.demo import DEMO_ACCOUNTS, DEMO_TOTP_KEY
from shelter.deploy import deployment_checks
from shelter.extensions import db
from shelter.models import AuditEntry, Passkey, RecoveryCode, TotpAuthenticator
from shelter.security import is_public_endpoint
from tests.conftest import login_as, make_config
from tests.factories import make_feed_link, make_recovery_codes, make_totp, make_user
from tests.helpers import page
from tests.test_access import routes

ENROLMENT = "/profil/connexion"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REQUIRE_2FA_FOR_COORDINATORS": True}


def is_logged_in(client) -> bool:
    return client.get("/profil").status_code == 200


def test_a_coordinator_without_second_factor_is_sent_to_enrolment_from_every_route(
    app, client, coordinator
):
    login_as(client, coordinator)
    checked = coordinator_routes = 0
    for rule, method, url in routes(app):
        if is_public_endpoint(app, rule.endpoint) or rule.endpoint in ENROLMENT_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (rule.endpoint, response.status_code)
        assert response.headers["Location"] == ENROLMENT, rule.endpoint
        checked += 1
        view = app.view_functions[rule.endpoint]
        coordinator_routes += getattr(view, "shelter_role", None) == "coordinator"
    assert checked >= 30 and coordinator_routes >= 20
    enrolment = client.get(ENROLMENT)
    assert enrolment.status_code == 200
    assert "Choisis une méthode ci-dessous pour continuer." in page(enrolment)


def test_enrolling_opens_the_coordinator_pages(client, coordinator):
    login_as(client, coordinator)
    assert client.get("/gestion/comptes").headers["Location"] == ENROLMENT
    client.post("/profil/connexion/application/nouvelle")
    key = db.session.scalar(select(TotpAuthenticator.secret))
    done = client.post("/profil/connexion/application", data={"code": totp.current_code(key)})
    assert done.status_code == 200
    assert client.get("/gestion/comptes").status_code == 200


def test_a_coordinator_cannot_remove_their_last_factor(client, coordinator):
    make_totp(coordinator)
    login_as(client, coordinator)
    refused = client.post("/profil/connexion/application/supprimer")
    assert refused.status_code == 409
    assert "La coordination doit garder une deuxième étape" in page(refused)
    assert db.session.scalar(select(TotpAuthenticator.id)) is not None


def test_volunteers_may_go_without_a_second_factor(client, volunteer):
    login_as(client, volunteer)
    assert client.get("/calendrier/").status_code == 200
    assert "Choisis une méthode" not in page(client.get(ENROLMENT))


def test_the_coordinators_feed_says_why_it_is_closed(client, coordinator):
    coordination = make_feed_link(coordinator, "coordination")
    personal = make_feed_link(coordinator, "personal")
    closed = client.get(coordination)
    assert closed.status_code == 403
    assert closed.headers["Content-Type"].startswith("text/plain")
    assert "active la connexion en deux étapes" in closed.text
    assert client.get(personal).status_code == 200
    make_totp(coordinator)
    assert client.get(coordination).status_code == 200


@pytest.mark.parametrize(
    ("environment", "setting", "expected"),
    [
        ("production", None, True),
        ("development", None, False),
        ("production", "false", False),
        ("development", "true", True),
    ],
)
def test_the_policy_is_on_by_default_in_production_only(
    tmp_path, monkeypatch, environment, setting, expected
):
    monkeypatch.setenv("SHELTER_ENV", environment)
    if setting is None:
        monkeypatch.delenv("SHELTER_REQUIRE_2FA_FOR_COORDINATORS", raising=False)
    else:
        monkeypatch.setenv("SHELTER_REQUIRE_2FA_FOR_COORDINATORS", setting)
    app = create_app(
        {
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "sqlite://",
            # Required in production, where links come from it alone.
            "BASE_URL": "https://shelter.example.org",
        }
    )
    assert app.config["REQUIRE_2FA_FOR_COORDINATORS"] is expected


def test_the_tests_run_without_the_policy(tmp_path):
    app = create_app(make_config("sqlite://", tmp_path))
    assert app.config["REQUIRE_2FA_FOR_COORDINATORS"] is False


def give_factors(user) -> None:
    make_totp(user)
    make_recovery_codes(user)
    db.session.add(
        Passkey(
            user_id=user.id,
            name="Clé",
            credential_id=b"credential",
            public_key=b"key",
            user_handle=b"handle",
        )
    )
    db.session.commit()


def factor_rows(user) -> int:
    return sum(
        db.session.scalar(select(func.count()).where(model.user_id == user.id))
        for model in (TotpAuthenticator, Passkey, RecoveryCode)
    )


def test_a_coordinator_resets_a_members_second_factor(app, client, coordinator, mailbox):
    make_totp(coordinator)
    member = make_user(name="Lou", email="lou@example.org", language="en")
    give_factors(member)
    their_phone = app.test_client()
    login_as(their_phone, member)
    login_as(client, coordinator)

    users = page(client.get("/gestion/comptes"))
    assert "Réinitialiser la deuxième étape" in users
    response = client.post(f"/gestion/comptes/{member.id}/deux-etapes/reinitialiser")
    assert response.status_code == 302
    assert factor_rows(member) == 0
    assert factor_rows(coordinator) == 1
    assert not is_logged_in(their_phone)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "twofactor.reset"))
    assert (entry.actor_id, entry.target_id) == (coordinator.id, member.id)
    (message,) = mailbox.to("lou@example.org")
    assert message["Subject"] == "Your two-step login was reset"
    body = mailbox.body(message)
    assert "Camille removed the second step" in body
    assert "http://shelter.test/profil/connexion" in body

    again = client.post(f"/gestion/comptes/{member.id}/deux-etapes/reinitialiser")
    assert again.status_code == 409
    assert client.post("/gestion/comptes/999999/deux-etapes/reinitialiser").status_code == 404


def test_a_coordinator_does_not_reset_their_own_second_factor(client, coordinator):
    make_totp(coordinator)
    login_as(client, coordinator)
    refused = client.post(f"/gestion/comptes/{coordinator.id}/deux-etapes/reinitialiser")
    assert refused.status_code == 409
    assert factor_rows(coordinator) == 1


def test_volunteers_cannot_reset_anybody(client, volunteer, other_volunteer):
    give_factors(other_volunteer)
    login_as(client, volunteer)
    url = f"/gestion/comptes/{other_volunteer.id}/deux-etapes/reinitialiser"
    assert client.post(url).status_code == 403
    assert factor_rows(other_volunteer) == 12


def test_reset_from_the_command_line(app, client, coordinator, mailbox):
    give_factors(coordinator)
    login_as(client, coordinator)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-2fa", "Camille@Example.org"])
    assert result.exit_code == 0, result.output
    assert "Second factor removed for camille@example.org" in result.output
    assert factor_rows(coordinator) == 0
    assert not is_logged_in(client)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "twofactor.reset"))
    assert entry.actor_id is None
    (message,) = mailbox.to(coordinator.email)
    assert "Ta connexion en deux étapes a été réinitialisée" in message["Subject"]
    assert "tu devras tout de suite configurer une nouvelle deuxième étape" in mailbox.body(message)

    again = runner.invoke(args=["reset-2fa", coordinator.email])
    assert again.exit_code != 0 and "has no second factor" in again.output
    unknown = runner.invoke(args=["reset-2fa", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account for nobody@example.org" in unknown.output


def test_check_deploy_lists_coordinators_without_second_factor(app, coordinator):
    other = make_user(role="coordinator", email="dominique@example.org")
    make_totp(other)
    make_user(email="volunteer@example.org")
    checks = {check.name: check for check in deployment_checks(app)}
    assert checks["second factor for coordinators"].ok
    missing = checks["coordinators without a second factor"]
    assert not missing.ok and not missing.blocking
    assert missing.detail.startswith("camille@example.org ")
    assert "dominique" not in missing.detail and "volunteer@" not in missing.detail
    make_totp(coordinator)
    checks = {check.name: check for check in deployment_checks(app)}
    assert checks["coordinators without a second factor"].ok


def test_the_demo_coordinator_signs_in_with_the_printed_key(app, client):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert totp.grouped(DEMO_TOTP_KEY) in result.output
    assert f"oathtool --totp -b {DEMO_TOTP_KEY}" in result.output
    assert "Code right now" in result.output
    coordinator = DEMO_ACCOUNTS[0]
    response = client.post(
        "/connexion", data={"email": coordinator.email, "password": coordinator.password}
    )
    assert response.headers["Location"] == "/connexion/deuxieme-etape"
    code = totp.current_code(DEMO_TOTP_KEY)
    assert client.post("/connexion/deuxieme-etape", data={"code": code}).status_code == 302
    assert client.get("/gestion/comptes").status_code == 200
