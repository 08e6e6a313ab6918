"""Journey (e): a volunteer subscribes a phone and a laptop, then revokes the phone's link."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def create_link(page, name: str) -> str:
    """Name a new link, create it and return its address, shown this once."""
    form = page.locator("#feed-personal form.feed-link-form")
    form.get_by_label("Nom de l'appareil").fill(name)
    form.get_by_role("button").click()
    expect(page.get_by_text(f"Voici ton lien « {name} »")).to_be_visible()
    return page.get_by_label("Adresse de l'agenda").input_value()


def test_two_feed_links_work_at_once(journey, volunteer):
    page = journey.page
    journey.log_in(volunteer)
    journey.goto("/mon-agenda")
    expect(page.get_by_label("Nom de l'appareil")).to_have_value("Téléphone")
    phone = create_link(page, "Téléphone")
    journey.screenshot("first-link")
    laptop = create_link(page, "Ordinateur")
    assert re.match(rf"^{re.escape(journey.base_url)}/agenda/personnel\.ics\?token=.+", laptop)
    assert phone != laptop
    for url in (phone, laptop):
        response = page.request.get(url)
        assert response.status == 200 and "BEGIN:VCALENDAR" in response.text()

    journey.goto("/mon-agenda")
    links = page.locator(".feed-links li")
    expect(links).to_have_count(2)
    expect(links.first).to_contain_text("utilisé le")
    assert phone not in page.content() and laptop not in page.content()
    journey.screenshot("two-links")

    page.once("dialog", lambda dialog: dialog.accept())
    links.filter(has_text="Téléphone").get_by_role("button", name="Révoquer").click()
    expect(page.locator(".flash-success")).to_contain_text("Le lien « Téléphone » est révoqué")
    expect(page.locator(".feed-links li")).to_have_count(1)
    assert page.request.get(phone).status == 404
    assert page.request.get(laptop).status == 200
    journey.screenshot("one-revoked")
