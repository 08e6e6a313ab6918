"""Replacements under real concurrency: gunicorn with 4 workers, on SQLite or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import ReplacementRequest, Shift, SignUp
from tests.factories import make_night, make_shift_type, make_signup, make_user
from tests.helpers import french
from tests.live import gunicorn_server
from tests.test_shifts_live import logged_in_tabs

pytestmark = pytest.mark.server

RACERS = 10


def test_ten_volunteers_accept_the_same_request_at_once_and_one_wins(
    app, migrated_database, tmp_path
):
    [shift] = make_night(shift_types=[make_shift_type(minimum=2, maximum=2)]).shifts
    shift.starts_at = utcnow() + timedelta(hours=30)  # after the cut-off
    shift.ends_at = shift.starts_at + timedelta(hours=3)
    leaving = make_signup(shift, make_user(name="Alex"))
    staying = make_user(name="Noa")
    make_signup(shift, staying)
    leaving.withdrawal_requested_at = leaving.created_at
    request = ReplacementRequest(shift_id=shift.id, requester_id=leaving.user_id, reason="")
    db.session.add(request)
    db.session.commit()
    volunteers = [make_user() for _ in range(RACERS)]
    path = f"/remplacements/{request.id}/accepter"

    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_tabs(base_url, volunteers)
        start = threading.Barrier(RACERS)

        def race(entry):
            client, token = entry
            start.wait(timeout=60)
            return client.request("POST", path, {"csrf_token": token})

        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            responses = list(pool.map(race, clients))

    statuses = sorted(response.status for response in responses)
    assert statuses == [302] + [409] * (RACERS - 1), statuses
    taken = french("Quelqu'un l'a déjà remplacé·e, merci !")
    assert all(taken in r.text for r in responses if r.status == 409)
    winner = volunteers[[r.status for r in responses].index(302)]
    db.session.rollback()  # end the test's snapshot: read what the server wrote
    assert db.session.get(ReplacementRequest, request.id).accepted_by_id == winner.id
    holders = db.session.scalars(select(SignUp.user_id).where(SignUp.shift_id == shift.id)).all()
    assert sorted(holders) == sorted([winner.id, staying.id])
    assert db.session.get(Shift, shift.id).signup_count == 2
