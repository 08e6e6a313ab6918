"""The month view and the list of upcoming nights."""

from datetime import date, timedelta

import pytest

from shelter.clock import local_today
from shelter.extensions import db
from tests.factories import (
    make_night,
    make_place,
    make_shift_type,
    make_signup,
    make_stay,
    make_user,
)
from tests.helpers import count_queries, french, page, selects


def test_the_calendar_opens_on_the_current_month(volunteer_client):
    response = volunteer_client.get("/calendrier/")
    assert response.status_code == 200
    today = local_today()
    assert str(today.year) in page(response)
    assert "Calendrier" in page(response)


def test_month_shows_used_places_status_and_coverage(volunteer_client, volunteer):
    meal = make_shift_type("Repas", minimum=2, maximum=3)
    evening = make_shift_type("Soirée et nuit", minimum=1, maximum=2, position=1)
    night = make_night(date(2030, 12, 6), shift_types=[meal, evening])
    make_stay(night, places=7)
    make_signup(night.shifts[0], volunteer)
    make_signup(night.shifts[1], volunteer)
    make_night(date(2030, 12, 13), status="cancelled")
    response = volunteer_client.get("/calendrier/2030/12")
    assert response.status_code == 200
    text = page(response)
    assert "Décembre 2030" in text
    assert "7/10 places" in text
    assert french("Repas : manque 1") in text
    assert french("Soirée et nuit : ok") in text
    assert 'class="night-summary cancelled"' in response.text
    assert "Annulée" in text
    assert f'href="/nuits/{night.id}"' in response.text
    assert "/calendrier/2030/11" in response.text and "/calendrier/2031/1" in response.text


def test_month_weeks_start_on_monday_and_today_is_marked(volunteer_client):
    response = volunteer_client.get("/calendrier/")
    text = page(response)
    assert text.index("lun.") < text.index("mar.") < text.index("dim.")
    assert 'aria-current="date"' in response.text
    december = page(volunteer_client.get("/calendrier/2030/12"))
    # December 2030 starts on a Sunday: the grid opens on Monday 25 November.
    assert december.index("lun. 25 nov.") < december.index("dim. 1 déc.")


@pytest.mark.parametrize("url", ["/calendrier/2030/13", "/calendrier/2030/0", "/calendrier/1/1"])
def test_impossible_months_are_404(volunteer_client, url):
    assert volunteer_client.get(url).status_code == 404


def test_month_costs_a_fixed_number_of_queries(volunteer_client):
    place = make_place()
    types = [make_shift_type(f"Type {i}", position=i) for i in range(3)]
    db.session.expire_all()
    with count_queries(db.engine) as empty_month:
        assert volunteer_client.get("/calendrier/2030/11").status_code == 200
    volunteers = [make_user() for _ in range(3)]
    for day in range(1, 32):
        night = make_night(date(2030, 12, day), place, shift_types=types)
        make_stay(night, places=2)
        for shift, person in zip(night.shifts, volunteers, strict=True):
            make_signup(shift, person)
    db.session.expire_all()
    with count_queries(db.engine) as full_month:
        response = volunteer_client.get("/calendrier/2030/12")
    assert response.text.count('class="night-summary') == 31
    assert selects(full_month) <= 3
    assert selects(empty_month) <= selects(full_month)
    db.session.expire_all()
    with count_queries(db.engine) as one_night:
        volunteer_client.get("/calendrier/2031/1")  # the grid shows 1 December only
    assert selects(one_night) == selects(full_month)


def test_upcoming_lists_future_nights_with_today_marked(volunteer_client):
    today = local_today()
    make_night(today - timedelta(days=1))
    tonight = make_night(today)
    make_stay(tonight, places=4)
    make_night(today + timedelta(days=3), capacity=8)
    with count_queries(db.engine) as statements:
        response = volunteer_client.get("/calendrier/liste")
    assert response.status_code == 200
    text = page(response)
    assert response.text.count('class="night-summary') == 2
    assert "Ce soir" in text
    assert "4/10 places" in text and "0/8 places" in text
    assert selects(statements) <= 3


def test_coordinators_get_a_link_to_plan_nights(coordinator_client):
    assert "/nuits/planifier" in coordinator_client.get("/calendrier/").text


def test_volunteers_do_not(volunteer_client):
    text = volunteer_client.get("/calendrier/").text
    assert "/nuits/planifier" not in text
    assert "/lieux/" not in text
