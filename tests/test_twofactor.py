"""Authenticator codes and recovery codes: enrolment, the second step of signing in, resets."""

import time

import pytest
from sqlalchemy import select

from shelter import throttle
from shelter.auth import totp
from shelter.auth.twofactor import PENDING_KEY
from shelter.extensions import db
from shelter.models import AuditEntry, RecoveryCode, TotpAuthenticator
from tests.conftest import login_as
from tests.factories import DEFAULT_PASSWORD, make_recovery_codes, make_totp, make_user
from tests.helpers import links_in, page, path_of

SECOND_STEP = "/connexion/deuxieme-etape"


def log_in(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post("/connexion", data={"email": email, "password": password, **extra})


def give_code(client, code):
    return client.post(SECOND_STEP, data={"code": code})


def is_logged_in(client) -> bool:
    return client.get("/profil").status_code == 200


def audit_actions(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_id == user.id, AuditEntry.target_type == "user")
            .order_by(AuditEntry.id)
        )
    )


def enrol_totp(client) -> tuple[str, object]:
    """Set up an authenticator app through the pages; return its key and the codes page."""
    assert client.post("/profil/connexion/application/nouvelle").status_code == 302
    setup = client.get("/profil/connexion/application")
    key = db.session.scalar(select(TotpAuthenticator.secret))
    assert totp.grouped(key) in page(setup)
    return key, client.post("/profil/connexion/application", data={"code": totp.current_code(key)})


def test_enrolling_an_authenticator_app(client, volunteer):
    login_as(client, volunteer)
    assert "Configurer une application" in page(client.get("/profil/connexion"))
    assert client.post("/profil/connexion/application/nouvelle").status_code == 302
    setup = client.get("/profil/connexion/application")
    assert setup.status_code == 200
    key = db.session.scalar(select(TotpAuthenticator.secret))
    # The QR code is drawn by the app itself: inline SVG, no image from elsewhere.
    assert '<svg width="' in setup.text and "<img" not in setup.text
    assert totp.grouped(key) in page(setup)
    assert "otpauth://totp/" in page(setup)

    wrong = client.post("/profil/connexion/application", data={"code": "000000"})
    assert wrong.status_code == 409
    assert "Ce code ne correspond pas" in page(wrong)
    assert db.session.scalar(select(TotpAuthenticator.confirmed_at)) is None

    done = client.post("/profil/connexion/application", data={"code": totp.current_code(key)})
    assert done.status_code == 200
    assert "Ton application d'authentification est activée." in page(done)
    assert "ils ne seront plus jamais affichés" in page(done)
    shown = [line.strip() for line in page(done).split("<code>")[1:]]
    codes = [chunk.split("</code>")[0] for chunk in shown]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert "twofactor.totp_add" in audit_actions(volunteer)
    # The page itself does not show them again.
    assert codes[0] not in page(client.get("/profil/connexion"))
    assert "Il te reste 10 codes." in page(client.get("/profil/connexion"))


def test_the_setup_page_needs_a_key_in_progress(client, volunteer):
    login_as(client, volunteer)
    assert client.get("/profil/connexion/application").status_code == 302
    make_totp(volunteer)
    refused = client.post("/profil/connexion/application/nouvelle")
    assert refused.status_code == 409
    assert "déjà configurée" in page(refused)


def test_sign_in_asks_for_a_code_before_logging_in(client, volunteer):
    key = make_totp(volunteer)
    response = log_in(client, volunteer.email, next="/calendrier/liste")
    assert response.status_code == 302
    assert response.headers["Location"] == SECOND_STEP
    assert not is_logged_in(client)
    step = client.get(SECOND_STEP)
    assert step.status_code == 200
    assert "Deuxième étape" in page(step)

    done = give_code(client, totp.current_code(key))
    assert done.status_code == 302
    assert done.headers["Location"] == "/calendrier/liste"
    assert is_logged_in(client)
    assert volunteer.last_login_at is not None


def test_members_without_second_factor_log_in_with_their_password(client, volunteer):
    response = log_in(client, volunteer.email)
    assert response.headers["Location"] != SECOND_STEP
    assert is_logged_in(client)


def test_a_code_is_accepted_once(client, volunteer):
    key = make_totp(volunteer)
    code = totp.current_code(key)
    log_in(client, volunteer.email)
    assert give_code(client, code).status_code == 302
    client.post("/deconnexion")
    log_in(client, volunteer.email)
    replayed = give_code(client, code)
    assert replayed.status_code == 401
    assert "Ce code n'est pas valable (ou a déjà servi)." in page(replayed)
    assert not is_logged_in(client)


def test_codes_of_the_next_and_previous_steps_only():
    key = totp.new_secret()
    now = time.time()
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        assert totp.matching_step(key, totp.code_at(key, step + offset), now) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_at(key, step + offset)
        if all(code != totp.code_at(key, step + near) for near in (-1, 0, 1)):
            assert totp.matching_step(key, code, now) is None
    assert totp.matching_step(key, "12345a", now) is None
    assert totp.matching_step(key, " ".join(totp.code_at(key, step)), now) == step


def test_an_older_code_is_refused_after_a_newer_one(client, volunteer):
    key = make_totp(volunteer)
    step = totp.step_at()
    log_in(client, volunteer.email)
    assert give_code(client, totp.code_at(key, step + 1)).status_code == 302
    client.post("/deconnexion")
    log_in(client, volunteer.email)
    assert give_code(client, totp.code_at(key, step)).status_code == 401


class TestThrottling:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "SECOND_STEP_LIMIT_PER_ACCOUNT": "3/hour"}

    def test_wrong_codes_are_throttled_per_account(self, app, client, volunteer, other_volunteer):
        key = make_totp(volunteer)
        make_totp(other_volunteer)
        log_in(client, volunteer.email)
        for _ in range(3):
            assert give_code(client, "000000").status_code == 401
        blocked = give_code(client, totp.current_code(key))
        assert blocked.status_code == 429
        assert "Trop de tentatives" in page(blocked)
        assert not is_logged_in(client)

        other = app.test_client()
        log_in(other, other_volunteer.email)
        assert give_code(other, "000000").status_code == 401

    def test_giving_the_password_again_gives_no_fresh_guesses(self, client, volunteer):
        key = make_totp(volunteer)
        log_in(client, volunteer.email)
        for _ in range(3):
            assert give_code(client, "000000").status_code == 401
        client.post("/deconnexion")
        log_in(client, volunteer.email)
        assert give_code(client, totp.current_code(key)).status_code == 429
        assert not is_logged_in(client)

    def test_the_browser_is_trusted_only_after_the_second_step(self, client, volunteer):
        key = make_totp(volunteer)
        log_in(client, volunteer.email)
        assert client.get_cookie(throttle.DEVICE_COOKIE) is None
        assert give_code(client, totp.current_code(key)).status_code == 302
        assert client.get_cookie(throttle.DEVICE_COOKIE) is not None

    def test_right_codes_do_not_count(self, client, volunteer):
        key = make_totp(volunteer)
        step = totp.step_at()
        for offset in (-1, 0, 1, None):
            log_in(client, volunteer.email)
            code = totp.code_at(key, step + offset) if offset is not None else "000000"
            expected = 302 if offset is not None else 401
            assert give_code(client, code).status_code == expected
            client.post("/deconnexion")


def test_recovery_codes_are_single_use(client, volunteer):
    make_totp(volunteer)
    codes = make_recovery_codes(volunteer)
    log_in(client, volunteer.email)
    assert give_code(client, codes[0].upper().replace("-", " ")).status_code == 302
    assert "twofactor.recovery_use" in audit_actions(volunteer)
    client.post("/deconnexion")

    log_in(client, volunteer.email)
    assert give_code(client, codes[0]).status_code == 401
    assert give_code(client, codes[1]).status_code == 302
    assert "Il te reste 8 codes." in page(client.get("/profil/connexion"))


def test_new_recovery_codes_replace_the_old_ones(client, volunteer):
    make_totp(volunteer)
    old = make_recovery_codes(volunteer)
    login_as(client, volunteer)
    response = client.post("/profil/connexion/codes")
    assert response.status_code == 200
    assert "les anciens ne fonctionnent plus" in page(response)
    assert old[0] not in page(response)
    assert "twofactor.recovery_new" in audit_actions(volunteer)
    client.post("/deconnexion")
    log_in(client, volunteer.email)
    assert give_code(client, old[0]).status_code == 401


def test_recovery_codes_need_a_second_factor(client, volunteer):
    login_as(client, volunteer)
    response = client.post("/profil/connexion/codes")
    assert response.status_code == 409
    assert db.session.scalar(select(RecoveryCode.id)) is None


def test_the_second_step_expires_after_five_minutes(client, volunteer):
    key = make_totp(volunteer)
    log_in(client, volunteer.email)
    with client.session_transaction() as session:
        session[PENDING_KEY] = {**session[PENDING_KEY], "since": int(time.time()) - 301}
    expired = client.get(SECOND_STEP)
    assert expired.status_code == 302
    assert expired.headers["Location"] == "/connexion"
    assert "Ta connexion a expiré" in page(client.get("/connexion"))
    assert give_code(client, totp.current_code(key)).status_code == 302
    assert not is_logged_in(client)


def test_the_second_step_without_a_password_first_goes_back_to_login(client, volunteer):
    make_totp(volunteer)
    response = give_code(client, "123456")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion"


def test_a_password_reset_link_still_asks_for_the_second_step(client, volunteer, mailbox):
    key = make_totp(volunteer)
    client.post("/mot-de-passe-oublie", data={"email": volunteer.email})
    link = path_of(links_in(mailbox.body(mailbox.to(volunteer.email)[0]))[0])
    new_password = "une toute nouvelle phrase"
    response = client.post(link, data={"password": new_password, "confirm": new_password})
    assert response.headers["Location"] == SECOND_STEP
    assert not is_logged_in(client)
    assert give_code(client, totp.current_code(key)).status_code == 302
    assert is_logged_in(client)


def test_enrolling_ends_the_other_sessions(app, client, volunteer):
    login_as(client, volunteer)
    elsewhere = app.test_client()
    login_as(elsewhere, volunteer)
    assert is_logged_in(elsewhere)
    enrol_totp(client)
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)


def test_removing_the_app_ends_the_other_sessions_and_is_audited(app, client, volunteer):
    make_totp(volunteer)
    make_recovery_codes(volunteer)
    login_as(client, volunteer)
    elsewhere = app.test_client()
    login_as(elsewhere, volunteer)
    response = client.post("/profil/connexion/application/supprimer")
    assert response.status_code == 302
    assert db.session.scalar(select(TotpAuthenticator.id)) is None
    # Without a second factor, recovery codes have nothing left to recover.
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert "twofactor.totp_remove" in audit_actions(volunteer)
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)
    client.post("/deconnexion")
    assert log_in(client, volunteer.email).headers["Location"] != SECOND_STEP


def test_security_pages_speak_english(client):
    user = make_user(language="en")
    login_as(client, user)
    text = page(client.get("/profil/connexion"))
    assert "Two-step login" in text
    assert "Recovery codes" in text
    client.post("/profil/connexion/application/nouvelle")
    assert "Enter the code shown" in page(client.get("/profil/connexion/application"))
