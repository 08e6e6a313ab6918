"""Sign-ups under real concurrency: gunicorn with 4 workers, on SQLite or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import Shift, SignUp
from tests.factories import DEFAULT_PASSWORD, make_night, make_shift_type, make_signup, make_user
from tests.helpers import french
from tests.live import LiveClient, gunicorn_server

pytestmark = pytest.mark.server

RACERS = 20


def test_twenty_volunteers_race_for_the_last_two_spots(app, migrated_database, tmp_path):
    [shift] = make_night(shift_types=[make_shift_type(minimum=2, maximum=3)]).shifts
    make_signup(shift, make_user(name="Déjà là"))
    volunteers = [make_user() for _ in range(RACERS)]
    path = f"/services/{shift.id}/inscription"

    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = []
        for volunteer in volunteers:
            client = LiveClient(base_url)
            client.login(volunteer.email, DEFAULT_PASSWORD)
            clients.append((client, client.csrf_token("/ce-qui-manque")))
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
