"""Journey (f): a coordinator reads the audit log in sentences and filters it."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from shelter.extensions import db
from shelter.nights.services import book_stay, plan_nights
from tests.factories import make_place, make_standard_shift_types

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_the_audit_log_reads_as_sentences(journey, coordinator):
    place = make_place("La Maison")
    make_standard_shift_types()
    first = date.today() + timedelta(days=8)
    night, _next = plan_nights(
        place, [first, first + timedelta(days=1)], None, "", coordinator
    ).created
    book_stay(place, first, first + timedelta(days=2), 2, "Zorglub", "", coordinator)
    db.session.commit()
    page = journey.page
    journey.log_in(coordinator)
    journey.goto("/gestion/journal")

    day = format_date(
        first, "EEEE d MMMM" if first.year == date.today().year else "EEEE d MMMM y", locale="fr"
    )
    planned = page.get_by_text(f"Camille a planifié la nuit du {day}.")
    expect(planned).to_be_visible()
    expect(
        page.get_by_text(f"Camille a enregistré un séjour à partir de la nuit du {day}.")
    ).to_be_visible()
    expect(page.get_by_text("Zorglub")).to_have_count(0)
    journey.screenshot("journal")

    page.get_by_text("Filtrer").click()
    page.get_by_label("Quoi").select_option(label="Séjours")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("1 modification", exact=True)).to_be_visible()
    expect(page.get_by_text("a planifié")).to_have_count(0)
    journey.screenshot("journal-stays")

    planned_link = page.get_by_role("link", name=f"nuit du {day}")
    planned_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(day)
    assert page.url.endswith(f"/nuits/{night.id}")
