"""Journey (d): a visitor switches between French and English."""

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_switching_language(journey):
    page = journey.page
    journey.goto("/connexion")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Connexion").is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in").is_visible()
    journey.screenshot("english")
    page.get_by_role("button", name="Français").click()
    assert page.get_by_role("heading", name="Connexion").is_visible()


def test_logging_in_keeps_the_chosen_language(journey, volunteer):
    page = journey.page
    journey.goto("/connexion")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Email address").fill(volunteer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/mon-espace")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Profile").click()
    assert page.get_by_role("heading", name="My profile").is_visible()
    journey.screenshot("profile")
