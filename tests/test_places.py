"""Coordinators manage places; their beds bound the nights' capacity."""

from datetime import timedelta

from sqlalchemy import select

from shelter.clock import local_today
from shelter.extensions import db
from shelter.models import AuditEntry, Night, Place
from tests.factories import make_night, make_place, make_stay
from tests.helpers import page


def place_data(**fields) -> dict:
    data = {"name": "L'Annexe", "beds": "6", "address": "Rue Neuve 3", "notes": "Code 1234"}
    data.update(fields)
    return data


def test_coordinator_adds_a_place(coordinator_client):
    response = coordinator_client.post("/lieux/", data=place_data())
    assert response.status_code == 302
    place = db.session.scalar(select(Place))
    assert (place.name, place.beds, place.address) == ("L'Annexe", 6, "Rue Neuve 3")
    text = page(coordinator_client.get("/lieux/"))
    assert "L'Annexe" in text and "6 lits" in text
    assert db.session.scalar(select(AuditEntry.action)) == "place.create"


def test_place_form_refuses_bad_input(coordinator_client):
    for fields, message in [
        ({"name": ""}, "Indique un nom."),
        ({"beds": "0"}, "Entre 1 et 200 lits."),
        ({"beds": "dix"}, "Indique un nombre entier."),
    ]:
        response = coordinator_client.post("/lieux/", data=place_data(**fields))
        assert response.status_code == 400
        assert message in page(response)
    assert db.session.scalar(select(Place)) is None


def test_fewer_beds_lower_the_capacity_of_coming_nights(coordinator_client):
    place = make_place(beds=10)
    past = make_night(local_today() - timedelta(days=3), place)
    coming = make_night(local_today() + timedelta(days=3), place)
    smaller = make_night(local_today() + timedelta(days=4), place, capacity=5)
    response = coordinator_client.post(f"/lieux/{place.id}", data=place_data(beds="8", active="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Night, n.id).capacity for n in (past, coming, smaller)] == [10, 8, 5]


def test_fewer_beds_than_places_used_are_refused(coordinator_client):
    place = make_place(beds=10)
    night = make_night(local_today() + timedelta(days=3), place)
    make_stay(night, places=9)
    response = coordinator_client.post(f"/lieux/{place.id}", data=place_data(beds="8"))
    assert response.status_code == 409
    assert "Impossible de passer à 8 lits" in page(response)
    db.session.expire_all()
    assert db.session.get(Place, place.id).beds == 10
    assert db.session.get(Night, night.id).capacity == 10


def test_inactive_places_are_not_offered_for_new_nights(coordinator_client):
    place = make_place("La Maison")
    coordinator_client.post(f"/lieux/{place.id}", data=place_data(name="Fermée"))
    assert ">Fermée</option>" not in page(coordinator_client.get("/nuits/planifier"))
    assert coordinator_client.get("/lieux/999999").status_code == 404
