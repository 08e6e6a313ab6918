"""Sign-ups under real concurrency: gunicorn with 4 workers, on SQLite or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import Shift, SignUp
from tests.factories import (
    DEFAULT_PASSWORD,
    make_night,
    make_place,
    make_shift_type,
    make_signup,
    make_user,
)
from tests.helpers import french
from tests.live import LiveClient, gunicorn_server

pytestmark = pytest.mark.server

RACERS = 20


def logged_in_tabs(base_url: str, people) -> list[tuple[LiveClient, str]]:
    """One browser tab per person (a person may come twice), with its CSRF token."""
    tabs = []
    for person in people:
        client = LiveClient(base_url)
        client.login(person.email, DEFAULT_PASSWORD)
        tabs.append((client, client.csrf_token("/ce-qui-manque")))
    return tabs


def test_twenty_volunteers_race_for_the_last_two_spots(app, migrated_database, tmp_path):
    [shift] = make_night(shift_types=[make_shift_type(minimum=2, maximum=3)]).shifts
    make_signup(shift, make_user(name="Déjà là"))
    volunteers = [make_user() for _ in range(RACERS)]
    path = f"/services/{shift.id}/inscription"

    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_tabs(base_url, volunteers)
        start = threading.Barrier(RACERS)

        def race(entry):
            client, token = entry
            start.wait(timeout=60)
            return client.request("POST", path, {"csrf_token": token, "next": "/mes-services"})

        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            responses = list(pool.map(race, clients))
        pages = [client.get("/mes-services").text for client, _ in clients]

    assert [response.status for response in responses] == [302] * RACERS
    assert sum(french("Tu es inscrit·e à « Repas »") in text for text in pages) == 2
    assert sum("Ce service est complet." in text for text in pages) == RACERS - 2
    db.session.rollback()  # end the test's snapshot: read what the server wrote
    assert db.session.get(Shift, shift.id).signup_count == 3
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 3


def test_one_volunteer_racing_for_clashing_shifts_at_two_places_gets_one(
    app, migrated_database, tmp_path
):
    """Ten tabs of one person press "M'inscrire" at once: five on the meal at each place."""
    types = [make_shift_type(minimum=1, maximum=3)]
    day = date.today() + timedelta(days=10)
    house = make_night(day, make_place("La Maison"), shift_types=types)
    annex = make_night(day, make_place("L'Annexe"), shift_types=types)
    volunteer = make_user()
    paths = [f"/services/{night.shifts[0].id}/inscription" for night in (house, annex)]
    tabs = 10

    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_tabs(base_url, [volunteer] * tabs)
        start = threading.Barrier(tabs)

        def race(number):
            client, token = clients[number]
            start.wait(timeout=60)
            return client.request("POST", paths[number % 2], {"csrf_token": token})

        with ThreadPoolExecutor(max_workers=tabs) as pool:
            responses = list(pool.map(race, range(tabs)))
        pages = [client.get("/mes-services").text for client, _ in clients]

    assert [response.status for response in responses] == [302] * tabs
    assert sum(french("Tu es inscrit·e à « Repas »") in text for text in pages) == 1
    refused = [text for text in pages if french("Tu es inscrit·e à « Repas »") not in text]
    assert all("chevauche" in text or "déjà inscrit" in text for text in refused)
    db.session.rollback()  # end the test's snapshot: read what the server wrote
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 1
    counts = [db.session.get(Shift, night.shifts[0].id).signup_count for night in (house, annex)]
    assert sorted(counts) == [0, 1]
