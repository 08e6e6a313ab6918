"""Journey: a volunteer on duty opens the team sheet of their next night from a phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shelter.demo import DEMO_ACCOUNTS, load_demo_data
from shelter.extensions import db
from shelter.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.server]

ALEX = next(account for account in DEMO_ACCOUNTS if account.name == "Alex")


@pytest.fixture
def alex(app):
    load_demo_data()
    db.session.commit()
    return db.session.scalar(select(User).where(User.email == ALEX.email))


def test_a_volunteer_on_duty_opens_the_team_sheet_of_the_next_night(phone_journey, alex):
    journey = phone_journey
    journey.log_in(alex, ALEX.password)
    journey.page.get_by_role("link", name="Feuille de nuit").click()
    page = journey.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feuille de nuit")
    # The on-call coordinator, tap to call; Alex's own number; the cook's numbers, never who.
    expect(page.locator("a[href='tel:+32470000001']")).to_have_text("+32 470 00 00 01")
    expect(page.locator("a[href='tel:+32470000002']")).to_be_visible()
    expect(page.locator("a[href='tel:+32470000003']")).to_have_count(0)  # Sam did not share
    expect(page.locator(".cook-numbers")).to_contain_text("végétarien·ne")
    expect(page.get_by_text("Amina")).to_have_count(0)
    # A phone number never breaks across lines.
    for link in page.locator("a[href^='tel:']").all():
        box = link.bounding_box()
        assert box is not None and box["height"] < 40, box
    journey.screenshot("team-sheet")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    journey.screenshot("team-sheet-print", audit=False)
