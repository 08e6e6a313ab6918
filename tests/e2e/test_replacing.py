"""Journey: on a phone, a volunteer who cannot come asks for a replacement; another takes it,
and the night's team sheet shows the new team."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shelter.clock import local_today
from shelter.extensions import db
from shelter.models import SignUp
from tests.e2e.conftest import PHONE, Journey
from tests.factories import (
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_user,
    shift_named,
)

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_a_volunteer_asks_for_a_replacement_and_another_takes_it(browser, live_url, app):
    # Tomorrow's meal starts within the 48 h cut-off: withdrawing means finding a replacement.
    night = make_night(
        local_today() + timedelta(days=1),
        make_place("La Maison"),
        shift_types=list(make_standard_shift_types()),
    )
    meal = shift_named(night, "Repas")
    alex = make_user(name="Alex", email="alex@example.org")
    lou = make_user(name="Lou", email="lou@example.org")
    make_signup(meal, alex)
    make_signup(meal, make_user(name="Noa", email="noa@example.org"))

    leaving = Journey(browser, live_url, PHONE, "replacing-alex")
    leaving.log_in(alex)
    leaving.goto("/mes-services")
    leaving.page.get_by_role("link", name="Je ne peux plus venir").click()
    expect(leaving.page.get_by_role("heading", level=1)).to_have_text("Je ne peux plus venir")
    leaving.page.get_by_label("Pourquoi dois-tu te désister ?").fill("Malade, désolé")
    leaving.screenshot("request-form")
    leaving.page.get_by_role("button", name="Demander un remplacement").click()
    expect(leaving.page.locator(".flash-success")).to_contain_text("Ta demande de remplacement")
    expect(leaving.page.locator(".shift-reason").first).to_contain_text("Tu cherches un·e")
    leaving.close()
    assert leaving.problems == []

    coming = Journey(browser, live_url, PHONE, "replacing-lou")
    coming.log_in(lou)
    requests = coming.page.locator("section.replacements")
    expect(requests).to_contain_text("Alex ne peut plus venir.")
    coming.screenshot("landing-with-request")
    requests.get_by_role("button", name="Je remplace").click()
    expect(coming.page.locator(".flash-success")).to_contain_text("Tu remplaces Alex")
    card = coming.page.locator(f"#shift-{meal.id}")
    expect(card.locator(".shift-people")).to_contain_text("Lou (toi)")
    expect(card.locator(".shift-people")).not_to_contain_text("Alex")
    coming.screenshot("night-after")
    coming.goto("/mon-espace")
    team = coming.page.locator("section.next-shift")
    expect(team).to_contain_text("Lou (toi)")
    expect(team).not_to_contain_text("Alex")
    expect(coming.page.locator("section.replacements")).to_have_count(0)
    coming.screenshot("landing-after")
    coming.goto(f"/nuits/{night.id}/feuille")
    sheet_team = coming.page.locator("section[aria-labelledby=sheet-team]")
    expect(sheet_team).to_contain_text("Lou")
    expect(sheet_team).to_contain_text("Noa")
    expect(sheet_team).not_to_contain_text("Alex")
    coming.screenshot("team-sheet-after")
    coming.close()
    assert coming.problems == []

    db.session.rollback()  # read what the server committed
    holders = db.session.scalars(select(SignUp.user_id).where(SignUp.shift_id == meal.id)).all()
    assert lou.id in holders and alex.id not in holders
