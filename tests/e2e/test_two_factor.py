"""Journeys: a passkey registered on a phone and used to sign in; an authenticator app."""

import pytest
from playwright.sync_api import expect

from shelter.auth import totp
from tests.factories import DEFAULT_PASSWORD, make_totp

pytestmark = [pytest.mark.e2e, pytest.mark.server]


@pytest.fixture
def live_host() -> str:
    # A passkey's relying party is a domain name: browsers refuse an IP address.
    return "localhost"


def add_virtual_authenticator(journey) -> None:
    """Give the tab a platform authenticator that holds passkeys and verifies its user."""
    cdp = journey.context.new_cdp_session(journey.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def give_password(journey, user) -> None:
    """Log in with the password of an account that has a second step, and reach that step."""
    page = journey.page
    page.get_by_label("Adresse email").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Deuxième étape")).to_be_visible()


def test_registering_a_passkey_and_signing_in_with_it(phone_journey, volunteer):
    journey = phone_journey
    page = journey.page
    add_virtual_authenticator(journey)
    journey.log_in(volunteer)

    journey.open_menu()
    page.get_by_role("link", name="Profil").click()
    page.get_by_role("link", name="Gérer ma deuxième étape").click()
    expect(page.get_by_role("heading", name="Connexion en deux étapes", level=1)).to_be_visible()
    journey.screenshot("security")
    page.get_by_label("Nom de la clé").fill("Mon téléphone")
    page.get_by_role("button", name="Ajouter une clé d'accès").click()

    expect(page.get_by_role("heading", name="Tes codes de secours")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "La clé d'accès « Mon téléphone » est enregistrée."
    )
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    journey.screenshot("recovery-codes")
    page.get_by_role("link", name="J'ai noté mes codes").click()
    passkeys = page.locator("#passkeys")
    expect(passkeys).to_contain_text("Mon téléphone")
    expect(passkeys).to_contain_text("jamais utilisée")
    journey.screenshot("passkey-listed")

    journey.open_menu()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion")
    journey.screenshot("login-with-passkey")
    page.get_by_role("button", name="Utiliser une clé d'accès").click()
    page.wait_for_url("**/mon-espace")
    journey.open_menu()
    page.get_by_role("link", name="Profil").click()
    page.get_by_role("link", name="Gérer ma deuxième étape").click()
    expect(page.locator("#passkeys")).to_contain_text("utilisée le")

    # With a passkey, the password is followed by the passkey as second step.
    journey.open_menu()
    page.get_by_role("button", name="Se déconnecter").click()
    give_password(journey, volunteer)
    journey.screenshot("second-step-passkey")
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    page.wait_for_url("**/mon-espace")


def test_setting_up_an_app_then_signing_in_with_a_code(journey, coordinator):
    page = journey.page
    journey.log_in(coordinator)
    journey.goto("/profil/connexion")
    page.get_by_role("button", name="Configurer une application").click()
    expect(
        page.get_by_role("heading", name="Configurer ton application d'authentification")
    ).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    journey.screenshot("totp-setup")
    # Typed from the page, as a person without a camera would.
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(totp.current_code(key))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", name="Tes codes de secours")).to_be_visible()
    page.get_by_role("link", name="J'ai noté mes codes").click()
    expect(page.locator("#application")).to_contain_text("Activée")

    journey.open_menu()
    page.get_by_role("button", name="Se déconnecter").click()
    give_password(journey, coordinator)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code n'est pas valable")
    journey.screenshot("second-step-wrong-code")
    # The refusal is a 401, which the browser reports on its console: expected here.
    assert all("401" in problem for problem in journey.problems)
    journey.problems.clear()
    # The code that turned the app on was used once already: wait for the next one.
    step = totp.step_at()
    page.get_by_label("Code").fill(totp.code_at(key, step + 1))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mon-espace")


def test_a_coordinator_signs_in_with_an_authenticator_code(phone_journey, coordinator):
    key = make_totp(coordinator)
    page = phone_journey.page
    phone_journey.goto("/connexion")
    give_password(phone_journey, coordinator)
    phone_journey.screenshot("second-step")
    page.get_by_label("Code").fill(totp.current_code(key))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mon-espace")
    phone_journey.open_menu()
    expect(page.get_by_role("link", name="Coordination")).to_be_visible()
