"""Journey: a visitor gives through Soutiens-nous, adds an event to a calendar; a coordinator
reads the impact report. On a phone and a desktop."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shelter.clock import local_today
from shelter.extensions import db
from shelter.public.settings.services import save_site_settings
from tests.factories import (
    make_night,
    make_place,
    make_public_event,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.server]


@pytest.fixture
def bank_details(app):
    save_site_settings(
        {
            "account_holder": "Collectif Hébergement Liège",
            "iban": "BE68 5390 0754 7034",
            "bic": "GEBABEBB",
            "structured_communication": "+++090/9337/55493+++",
        }
    )
    db.session.commit()


def groups_on_one_line(page) -> list[int]:
    """How many lines each IBAN group takes on screen."""
    return page.eval_on_selector_all(
        ".iban-group", "groups => groups.map(group => group.getClientRects().length)"
    )


def test_giving_from_a_phone_or_a_desktop(journey, bank_details):
    page = journey.page
    journey.goto("/soutiens-nous")
    expect(page.get_by_role("heading", level=1)).to_have_text("Soutiens-nous")
    assert groups_on_one_line(page) == [1, 1, 1, 1]

    page.get_by_role("button", name="Copier l'IBAN").click()
    expect(page.get_by_role("button", name="Copié !")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "BE68539007547034"

    page.get_by_role("link", name="25 €").click()
    qr = page.locator("svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    expect(page.locator(".qr-code figcaption")).to_contain_text("Virement de 25,00")
    journey.screenshot("qr-code")

    page.get_by_label("Autre montant (€)").fill("douze")
    page.get_by_role("button", name="Afficher le code").click()
    expect(page.get_by_text("Indique un montant en euros")).to_be_visible()
    expect(qr).to_have_count(0)
    # The browser logs the page's 400 status, the one expected here.
    assert [problem for problem in journey.problems if "400" not in problem] == []
    journey.problems.clear()


def test_an_event_goes_to_the_calendar_and_the_map(journey):
    event = make_public_event(title="Soirée de soutien", location="La Zone, Liège")
    page = journey.page
    journey.goto(f"/agenda/{event.id}")

    calendar_link = page.get_by_role("link", name="Ajouter à mon agenda")
    expect(calendar_link).to_have_attribute("href", f"/agenda/{event.id}.ics")
    map_link = page.get_by_role("link", name="Voir le lieu sur OpenStreetMap")
    expect(map_link).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=La+Zone%2C+Li%C3%A8ge"
    )
    journey.screenshot("event")


def test_a_coordinator_reads_the_report(journey, coordinator):
    place = make_place()
    types = make_standard_shift_types()
    first = local_today().replace(day=1) - timedelta(days=300)
    for offset in range(0, 300, 3):
        night = make_night(first + timedelta(days=offset), place, shift_types=types)
        make_stay(night, places=1 + offset % 9)
        make_signup(night.shifts[offset % 3], make_user())
    page = journey.page
    journey.log_in(coordinator)

    journey.open_menu()
    page.get_by_role("link", name="Coordination").click()
    page.get_by_role("link", name="Bilan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan de l'activité")
    charts = page.locator("svg.bar-chart")
    expect(charts).to_have_count(6)
    for index in range(6):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    journey.screenshot("report")
    expect(page.get_by_role("link", name="Télécharger en CSV")).to_be_visible()
