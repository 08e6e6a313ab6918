"""Journey (b): a volunteer on a phone fills a gap, finds it in their shifts, copies their feed."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import make_night, make_place, make_standard_shift_types

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_signing_up_for_a_gap_and_copying_the_feed_url(phone_journey, volunteer):
    make_place("La Maison", beds=10)
    make_night(date.today() + timedelta(days=3), shift_types=make_standard_shift_types())
    journey = phone_journey
    page = journey.page
    journey.log_in(volunteer)

    page.get_by_role("banner").get_by_role("link", name="Ce qui manque").click()
    expect(page.get_by_role("heading", name="Ce qui manque", level=1)).to_be_visible()
    meal = page.get_by_role("listitem").filter(has=page.get_by_text("Repas", exact=True))
    expect(meal).to_contain_text("Manque 2 personnes")
    journey.screenshot("missing")
    meal.get_by_role("button", name="M'inscrire").click()

    expect(page.get_by_role("status")).to_have_text("Tu es inscrit·e à « Repas ». Merci !")
    expect(meal.get_by_text("Tu es inscrit·e")).to_be_visible()
    page.get_by_role("link", name="Mes services").click()
    expect(page.get_by_role("heading", name="Mes services")).to_be_visible()
    shift = page.locator("article").filter(has=page.get_by_role("heading", name="Repas"))
    expect(shift).to_contain_text("La Maison")
    expect(shift).to_contain_text("Alex")
    expect(shift).to_contain_text("Manque 1 personne")
    journey.screenshot("my-shifts")

    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Mon agenda").click()
    page.get_by_role("button", name="Créer mon lien").click()
    feed_url = page.get_by_label("Adresse de l'agenda")
    expect(feed_url).to_have_value(re.compile(rf"^{re.escape(journey.base_url)}/.+token=."))
    url = feed_url.input_value()
    copy = page.get_by_role("button", name="Copier")
    copy.click()
    expect(page.get_by_role("button", name="Copié !")).to_be_visible()
    assert page.evaluate("window.isSecureContext")  # http://127.0.0.1 counts as secure
    assert page.evaluate("navigator.clipboard.readText()") == url
    journey.screenshot("feed-link")

    feed = page.request.get(url)
    assert feed.status == 200
    assert "BEGIN:VCALENDAR" in feed.text()
    assert "Repas" in feed.text()
