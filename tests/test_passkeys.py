"""Passkeys: registered from the security page, used as second step or to sign in alone."""

import html
import re

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import AuditEntry, Passkey, RecoveryCode
from tests.authenticator import SoftAuthenticator, b64url
from tests.conftest import login_as
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import count_queries, french, page

FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*data-options="([^"]+)"')
STATE = re.compile(r'name="state" value="([^"]+)"')


def ceremony(response, action: str) -> tuple[str, str]:
    """The options and state of the page's passkey form posting to ``action``."""
    text = response.text
    for match in FORM.finditer(text):
        if match.group(1) == action:
            state = STATE.search(text, match.end()).group(1)
            return html.unescape(match.group(2)), html.unescape(state)
    raise AssertionError(f"no passkey form for {action}")


@pytest.fixture
def phone() -> SoftAuthenticator:
    return SoftAuthenticator()


def register(client, phone, name="Mon téléphone"):
    options, state = ceremony(client.get("/profil/connexion"), "/profil/connexion/cles")
    return client.post(
        "/profil/connexion/cles",
        data={"name": name, "state": state, "credential": phone.create(options)},
    )


def with_passkey_logged_out(client, user, phone) -> None:
    """Give ``user`` a passkey through the pages, then log out."""
    login_as(client, user)
    register(client, phone)
    client.post("/deconnexion")


def sign_in_with_passkey(client, phone, **overrides):
    options, state = ceremony(client.get("/connexion"), "/connexion/cle")
    data = {"state": state, "credential": phone.get(options), **overrides}
    return client.post("/connexion/cle", data=data), data


def is_logged_in(client) -> bool:
    return client.get("/profil").status_code == 200


def test_registering_a_passkey_then_signing_in_without_a_password(client, volunteer, phone):
    login_as(client, volunteer)
    response = register(client, phone)
    assert response.status_code == 200
    assert french("La clé d'accès « Mon téléphone » est enregistrée.") in page(response)
    # A first factor comes with its recovery codes.
    assert "Tes codes de secours" in page(response)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    passkey = db.session.scalar(select(Passkey))
    assert passkey.name == "Mon téléphone" and passkey.user_id == volunteer.id
    assert passkey.last_used_at is None
    assert "jamais utilisée" in page(client.get("/profil/connexion"))

    client.post("/deconnexion")
    signed_in, _ = sign_in_with_passkey(client, phone)
    assert signed_in.status_code == 302
    assert is_logged_in(client)
    db.session.refresh(passkey)
    assert passkey.last_used_at is not None
    assert passkey.sign_count == 1
    assert "utilisée le" in page(client.get("/profil/connexion"))


def password_step(client, user):
    response = client.post("/connexion", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/connexion/deuxieme-etape"
    return client.get("/connexion/deuxieme-etape")


def test_a_passkey_is_a_second_step_after_the_password(client, volunteer, phone):
    with_passkey_logged_out(client, volunteer, phone)
    step = password_step(client, volunteer)
    assert "Utiliser ma clé d'accès" in page(step)
    options, state = ceremony(step, "/connexion/deuxieme-etape/cle")
    assert b64url(phone.credentials[0].credential_id) in options
    answered = client.post(
        "/connexion/deuxieme-etape/cle", data={"state": state, "credential": phone.get(options)}
    )
    assert answered.status_code == 302
    assert is_logged_in(client)


def test_someone_elses_passkey_is_no_second_step(client, volunteer, other_volunteer, phone):
    other_phone = SoftAuthenticator()
    for user, authenticator in ((volunteer, phone), (other_volunteer, other_phone)):
        with_passkey_logged_out(client, user, authenticator)
    options, state = ceremony(password_step(client, volunteer), "/connexion/deuxieme-etape/cle")
    answer = other_phone.get(options, credential=other_phone.credentials[0])
    refused = client.post(
        "/connexion/deuxieme-etape/cle", data={"state": state, "credential": answer}
    )
    assert refused.status_code == 401
    assert "La clé d'accès n'a pas été reconnue." in page(refused)
    assert not is_logged_in(client)

    # Nor is a sign-in request meant for nobody in particular.
    options, state = ceremony(client.get("/connexion"), "/connexion/cle")
    refused = client.post(
        "/connexion/deuxieme-etape/cle", data={"state": state, "credential": phone.get(options)}
    )
    assert refused.status_code == 401
    assert not is_logged_in(client)


def test_an_answer_cannot_be_replayed(client, volunteer, phone):
    with_passkey_logged_out(client, volunteer, phone)
    first, data = sign_in_with_passkey(client, phone)
    assert first.status_code == 302
    client.post("/deconnexion")
    replayed = client.post("/connexion/cle", data=data)
    assert replayed.status_code == 401
    assert not is_logged_in(client)


def test_a_forged_state_or_another_origin_is_refused(app, client, volunteer, phone):
    with_passkey_logged_out(client, volunteer, phone)
    options, state = ceremony(client.get("/connexion"), "/connexion/cle")
    forged = client.post(
        "/connexion/cle", data={"state": state[:-2] + "xx", "credential": phone.get(options)}
    )
    assert forged.status_code == 401
    assert "La demande de clé d'accès a expiré." in page(forged)

    phishing = SoftAuthenticator(origin="http://shelter.example.net", credentials=phone.credentials)
    elsewhere = client.post(
        "/connexion/cle", data={"state": state, "credential": phishing.get(options)}
    )
    assert elsewhere.status_code == 401
    assert not is_logged_in(client)


def test_an_expired_request_is_refused(app, client, volunteer, phone):
    with_passkey_logged_out(client, volunteer, phone)
    options, state = ceremony(client.get("/connexion"), "/connexion/cle")
    app.config["PASSKEY_CHALLENGE_SECONDS"] = -1
    expired = client.post("/connexion/cle", data={"state": state, "credential": phone.get(options)})
    assert expired.status_code == 401
    assert "a expiré" in page(expired)


@pytest.mark.parametrize(
    "credential", ["pas du json", "[]", "{}", '{"id": "x", "rawId": "x", "response": {}}', "null"]
)
def test_garbage_answers_are_refused_with_a_message(client, volunteer, phone, credential):
    login_as(client, volunteer)
    _, state = ceremony(client.get("/profil/connexion"), "/profil/connexion/cles")
    registered = client.post(
        "/profil/connexion/cles", data={"name": "X", "state": state, "credential": credential}
    )
    assert registered.status_code == 409
    assert "La clé d'accès n'a pas été reconnue." in page(registered)
    client.post("/deconnexion")
    _, state = ceremony(client.get("/connexion"), "/connexion/cle")
    signed_in = client.post("/connexion/cle", data={"state": state, "credential": credential})
    assert signed_in.status_code == 401


def test_a_registration_without_a_name_or_answer_is_refused(client, volunteer):
    login_as(client, volunteer)
    response = client.post(
        "/profil/connexion/cles", data={"name": "", "state": "", "credential": ""}
    )
    assert response.status_code == 400
    assert "Donne un nom à cette clé" in page(response)
    assert db.session.scalar(select(Passkey.id)) is None


def test_several_passkeys_are_listed_and_removed_one_by_one(app, client, volunteer, phone):
    login_as(client, volunteer)
    register(client, phone, "Téléphone")
    laptop = SoftAuthenticator()
    second = register(client, laptop, "Ordinateur")
    # Not a first factor: no new recovery codes.
    assert second.status_code == 302
    text = page(client.get("/profil/connexion"))
    assert "Téléphone" in text and "Ordinateur" in text
    # One member, one user handle for all their passkeys.
    handles = db.session.scalars(select(Passkey.user_handle)).all()
    assert len(set(handles)) == 1

    elsewhere = app.test_client()
    login_as(elsewhere, volunteer)
    laptop_key = db.session.scalar(select(Passkey).where(Passkey.name == "Ordinateur"))
    removed = client.post(f"/profil/connexion/cles/{laptop_key.id}/supprimer")
    assert removed.status_code == 302
    assert db.session.scalars(select(Passkey.name)).all() == ["Téléphone"]
    assert not is_logged_in(elsewhere)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("twofactor.passkey_add") == 2
    assert "twofactor.passkey_remove" in actions

    client.post("/deconnexion")
    refused, _ = sign_in_with_passkey(client, laptop)
    assert refused.status_code == 401


def test_nobody_removes_someone_elses_passkey(client, volunteer, other_volunteer, phone):
    login_as(client, other_volunteer)
    register(client, phone)
    passkey = db.session.scalar(select(Passkey))
    client.post("/deconnexion")
    login_as(client, volunteer)
    refused = client.post(f"/profil/connexion/cles/{passkey.id}/supprimer")
    assert refused.status_code == 409
    assert "Cette clé d'accès n'existe pas ou plus." in page(refused)
    assert db.session.scalar(select(Passkey.id)) == passkey.id


def test_a_deactivated_members_passkey_opens_nothing(client, phone):
    user = make_user()
    with_passkey_logged_out(client, user, phone)
    user.active = False
    db.session.commit()
    refused, _ = sign_in_with_passkey(client, phone)
    assert refused.status_code == 401
    assert not is_logged_in(client)


def test_the_relying_party_comes_from_base_url_or_the_request(app, client, volunteer):
    options, _ = ceremony(client.get("/connexion"), "/connexion/cle")
    assert '"rpId": "shelter.test"' in options
    app.config["BASE_URL"] = ""
    options, _ = ceremony(
        client.get("/connexion", base_url="http://localhost:8123"), "/connexion/cle"
    )
    assert '"rpId": "localhost"' in options


def test_the_security_page_costs_the_same_queries_with_more_passkeys(app, client, volunteer):
    login_as(client, volunteer)
    register(client, SoftAuthenticator(), "Un")
    with count_queries(db.engine) as one:
        assert client.get("/profil/connexion").status_code == 200
    for name in ("Deux", "Trois"):
        register(client, SoftAuthenticator(), name)
    with count_queries(db.engine) as three:
        assert "Trois" in page(client.get("/profil/connexion"))
    assert len(three) == len(one)
