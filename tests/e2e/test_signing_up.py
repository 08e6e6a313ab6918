"""Journey (d): the demo volunteer presses every sign-up button offered, and none is a trap."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shelter.clock import local_today
from shelter.demo import DEMO_ACCOUNTS, load_demo_data
from shelter.extensions import db
from shelter.models import Night, Place, Shift, SignUp, User
from shelter.nights.services import plan_nights

pytestmark = [pytest.mark.e2e, pytest.mark.server]

ALEX = next(account for account in DEMO_ACCOUNTS if account.name == "Alex")


@pytest.fixture
def demo(app):
    """The demo data set, and a second place open on the first coming night of the first."""
    load_demo_data()
    house = db.session.scalar(select(Place).where(Place.name == "La Maison"))
    first = db.session.scalar(
        select(Night)
        .where(Night.place_id == house.id, Night.date > local_today())
        .order_by(Night.date)
        .limit(1)
    )
    annex = Place(name="L'Annexe", beds=6, address="", notes="")
    db.session.add(annex)
    db.session.flush()
    [elsewhere] = plan_nights(annex, [first.date], None, "", None).created
    db.session.commit()
    return {
        "first": first.id,
        "elsewhere": elsewhere.id,
        "nights": list(db.session.scalars(select(Night.id).order_by(Night.date, Night.id))),
        "alex": db.session.scalar(select(User).where(User.email == ALEX.email)),
    }


def press_every_sign_up(journey, where: str) -> int:
    """Press "M'inscrire" until the page offers none; each press must be accepted."""
    page = journey.page
    pressed = 0
    while (buttons := page.get_by_role("button", name="M'inscrire")).count():
        buttons.first.click()
        expect(page.locator(".flash-success")).to_contain_text("Tu es inscrit·e à «")
        expect(page.locator(".flash-error")).to_have_count(0)
        pressed += 1
        assert pressed < 60, f"{where}: the buttons never run out"
    return pressed


def held_by(user: User) -> list[Shift]:
    db.session.rollback()  # read what the server committed
    return list(
        db.session.scalars(
            select(Shift).join(SignUp).where(SignUp.user_id == user.id).order_by(Shift.starts_at)
        )
    )


def test_every_sign_up_button_offered_succeeds(journey, demo):
    page = journey.page
    journey.log_in(demo["alex"], ALEX.password)

    # Cook and stay, then breakfast: the shifts of one night at one place go together.
    journey.goto(f"/nuits/{demo['first']}")
    journey.screenshot("night-before")
    press_every_sign_up(journey, "first night")
    journey.screenshot("night-after")
    first_night = {shift.name for shift in held_by(demo["alex"]) if shift.night_id == demo["first"]}
    assert {"Repas", "Soirée et nuit"} <= first_night

    # The same evening at another place overlaps: the reason stands where the button was.
    journey.goto(f"/nuits/{demo['elsewhere']}")
    expect(page.get_by_role("button", name="M'inscrire")).to_have_count(0)
    reasons = page.locator(".shift-reason").filter(has_text="Chevauche ton service")
    expect(reasons.first).to_contain_text("à La Maison")
    assert reasons.count() == 3
    journey.screenshot("night-elsewhere")

    page.get_by_role("link", name="Ce qui manque").click()
    expect(page.get_by_role("heading", name="Ce qui manque", level=1)).to_be_visible()
    journey.screenshot("missing-before")
    press_every_sign_up(journey, "Ce qui manque")
    journey.screenshot("missing-after")

    for night_id in demo["nights"]:
        journey.goto(f"/nuits/{night_id}")
        press_every_sign_up(journey, f"night {night_id}")

    held = held_by(demo["alex"])
    assert not [(one.id, other.id) for one in held for other in held if one.clashes_with(other)], (
        "two shifts held at once at two places"
    )
    assert not [shift for shift in held if shift.night_id == demo["elsewhere"]]
