"""Journey (a): a coordinator plans a week of nights, records a stay and sees it on the month."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from tests.factories import make_place

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def day_cell(page, day: date):
    """The month view's cell for ``day``, found by the label a person reads in it."""
    label = format_date(day, "EEE d MMM", locale="fr")
    return page.get_by_role("cell").filter(has=page.get_by_text(label, exact=True))


def test_planning_a_week_and_recording_a_stay(journey, coordinator):
    place = make_place("La Maison", beds=10)
    first = date.today() + timedelta(days=7)
    last = first + timedelta(days=6)
    page = journey.page
    journey.log_in(coordinator)

    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Coordination").click()
    page.get_by_role("link", name="Planifier des nuits").click()
    expect(page.get_by_role("heading", name="Planifier des nuits")).to_be_visible()
    expect(page.get_by_label("Lieu")).to_have_value(str(place.id))
    page.get_by_label("Première nuit").fill(first.isoformat())
    page.get_by_label("Dernière nuit").fill(last.isoformat())
    journey.screenshot("plan-form")
    page.get_by_role("button", name="Planifier", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("7 nuits planifiées.")
    first_cell = day_cell(page, first)
    expect(first_cell).to_contain_text("0/10 places")
    journey.screenshot("month-planned")

    first_cell.get_by_role("link").click()
    night_title = format_date(first, "EEEE d MMMM yyyy", locale="fr")
    expect(page.get_by_role("heading", name=f"Nuit du {night_title}")).to_be_visible()
    page.get_by_text("Ajouter un séjour").click()  # the form is folded until needed
    page.get_by_label("Prénom ou pseudonyme").fill("Amina")
    page.get_by_label("Nombre de places").fill("1")
    expect(page.get_by_label("Arrivée (soir)")).to_have_value(first.isoformat())
    expect(page.get_by_label("Départ (matin)")).to_have_value(
        (first + timedelta(days=1)).isoformat()
    )
    page.get_by_role("button", name="Enregistrer le séjour").click()

    expect(page.get_by_role("status")).to_have_text("Séjour enregistré.")
    expect(page.locator(".stays").get_by_text("Amina")).to_be_visible()
    journey.screenshot("night-with-stay")

    page.get_by_role("navigation", name="Nuits voisines").get_by_role(
        "link", name="Calendrier"
    ).click()
    expect(day_cell(page, first)).to_contain_text("1/10 places")
    if last.month == first.month:
        expect(day_cell(page, last)).to_contain_text("0/10 places")
    journey.screenshot("month-with-stay")
