"""Bad input gets a clear 4xx, never a 500 (nor a minute-long request)."""

from datetime import UTC, date, datetime

import pytest

from shelter.extensions import db
from shelter.models import Night, PublicEvent
from tests.factories import make_night, make_public_event, make_stay


@pytest.mark.parametrize("path", ["/actualites", "/agenda/archives"])
def test_a_page_number_too_large_for_the_database_is_not_found(client, path):
    assert client.get(f"{path}?page=99999999999999999999").status_code == 404


@pytest.mark.parametrize(
    ("first", "last"), [("9999-12-31", ""), ("9999-12-30", "9999-12-31"), ("0001-01-01", "")]
)
def test_planning_nights_at_the_ends_of_the_date_range_is_refused(coordinator_client, first, last):
    place = make_night().place
    response = coordinator_client.post(
        "/nuits/planifier",
        data={
            "place": place.id,
            "first_date": first,
            "last_date": last,
            "capacity": "1",
            "note": "",
        },
    )
    assert response.status_code == 400
    assert "Indique une date entre 2000 et 2100." in response.get_data(as_text=True)
    assert db.session.query(Night).count() == 1


def test_a_stay_of_centuries_is_refused_at_once(coordinator_client):
    night = make_night()
    response = coordinator_client.post(
        f"/nuits/{night.id}/sejours",
        data={
            "alias": "A",
            "places": "1",
            "arrival": "2026-01-01",
            "departure": "2099-01-01",
            "note": "",
        },
    )
    assert response.status_code == 400
    assert "Un séjour dure au plus 366 nuits." in response.get_data(as_text=True)


def test_moving_a_stay_to_the_ends_of_the_date_range_is_refused(coordinator_client):
    night = make_night()
    stay = make_stay(night)
    response = coordinator_client.post(
        f"/sejours/{stay.id}",
        data={
            "alias": "A",
            "places": "1",
            "arrival": "0001-01-01",
            "departure": "9999-12-31",
            "place": night.place_id,
        },
    )
    assert response.status_code == 400


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:30", "9999-12-31T10:00", "0001-01-01T00:30"])
def test_a_public_event_at_the_ends_of_time_is_refused(coordinator_client, starts_at):
    response = coordinator_client.post(
        "/gestion/agenda-public/nouveau",
        data={"title": "T", "starts_at": starts_at, "location": "L", "published": "y"},
    )
    assert response.status_code == 400
    assert db.session.query(PublicEvent).count() == 0


def test_the_public_calendar_feed_takes_an_event_at_the_last_accepted_instant(client):
    # The form now stops at 2100; later, as in year 9999, the whole feed answered 500.
    make_public_event()
    event = db.session.query(PublicEvent).one()
    event.starts_at = datetime(2100, 12, 31, 22, 0, tzinfo=UTC)
    event.ends_at = None
    db.session.commit()
    assert client.get("/agenda/public.ics").status_code == 200


def test_news_published_at_the_ends_of_time_is_refused(coordinator_client):
    response = coordinator_client.post(
        "/gestion/actualites/nouvelle",
        data={"title": "T", "slug": "t", "body": "b", "published_at": "0001-01-01T00:30"},
    )
    assert response.status_code == 400


def test_dates_inside_the_calendar_years_are_still_accepted(coordinator_client):
    place = make_night(day=date(2030, 1, 1)).place
    response = coordinator_client.post(
        "/nuits/planifier",
        data={"place": place.id, "first_date": "2100-12-30", "capacity": "1", "note": ""},
    )
    assert response.status_code == 302


def test_planning_without_the_note_field_works(coordinator_client):
    place = make_night(day=date(2030, 1, 1)).place
    response = coordinator_client.post(
        "/nuits/planifier", data={"place": place.id, "first_date": "2030-02-01"}
    )
    assert response.status_code == 302
    assert db.session.query(Night).filter_by(date=date(2030, 2, 1)).one().note == ""


def test_changing_a_night_without_the_note_field_works(coordinator_client):
    night = make_night()
    response = coordinator_client.post(f"/nuits/{night.id}/modifier", data={"night-capacity": "5"})
    assert response.status_code == 302


def test_a_stay_without_the_note_field_is_booked(coordinator_client):
    night = make_night()
    response = coordinator_client.post(
        f"/nuits/{night.id}/sejours",
        data={
            "alias": "A",
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    assert response.status_code == 302


def test_a_place_without_address_nor_notes_fields_is_created(coordinator_client):
    response = coordinator_client.post("/lieux/", data={"name": "P2", "beds": "3"})
    assert response.status_code == 302
