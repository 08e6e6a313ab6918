"""The capacity guarantee under real concurrency: gunicorn, 4 workers, 40 requests at once."""

import html
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import Night, Stay
from tests.factories import DEFAULT_PASSWORD, make_night, make_stay, make_user
from tests.live import LiveClient, LiveResponse, gunicorn_server

pytestmark = pytest.mark.server

REQUESTS = 40
FRIDAY = date(2030, 12, 6)


def logged_in_clients(base_url: str, coordinators, per_coordinator: int = 2) -> list:
    """Return (client, CSRF token) pairs: several browser sessions per coordinator."""
    clients = []
    for person in coordinators:
        for _ in range(per_coordinator):
            client = LiveClient(base_url)
            client.login(person.email, DEFAULT_PASSWORD)
            clients.append((client, client.csrf_token("/calendrier/")))
    return clients


def race(clients, path: str, payloads: list[dict]) -> list[LiveResponse]:
    """Send every payload at once (released together by a barrier), one thread each."""
    barrier = threading.Barrier(len(payloads))
    responses: list[LiveResponse | None] = [None] * len(payloads)

    def send(index: int) -> None:
        client, token = clients[index % len(clients)]
        data = {**payloads[index], "csrf_token": token}
        barrier.wait()
        responses[index] = client.request("POST", path, data)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(response is not None for response in responses)
    return responses


def stay_payload(alias: str, arrival: date, departure: date) -> dict:
    return {
        "alias": alias,
        "places": "1",
        "arrival": arrival.isoformat(),
        "departure": departure.isoformat(),
        "note": "",
    }


def assert_counts_match_stays(nights: list[Night]) -> None:
    for night in nights:
        night = db.session.get(Night, night.id)
        booked = db.session.scalar(
            select(func.coalesce(func.sum(Stay.places), 0)).where(
                Stay.place_id == night.place_id,
                Stay.arrival <= night.date,
                Stay.departure > night.date,
            )
        )
        assert night.places_used == booked <= night.capacity


@pytest.fixture
def coordinators(coordinator):
    return [coordinator, make_user(role="coordinator", name="Dominique")]


def test_forty_coordinators_racing_for_ten_places_get_exactly_ten(
    migrated_database, tmp_path, coordinators
):
    night = make_night(FRIDAY)
    payloads = [stay_payload(f"Invité {i}", FRIDAY, FRIDAY + timedelta(days=1)) for i in range(40)]
    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_clients(base_url, coordinators)
        responses = race(clients, f"/nuits/{night.id}/sejours", payloads)
        log = (tmp_path / "live" / "gunicorn.log").read_text()
    db.session.rollback()  # see what the server committed, not an older snapshot

    statuses = [response.status for response in responses]
    assert not [status for status in statuses if status >= 500], log
    assert statuses.count(302) == 10
    assert statuses.count(409) == REQUESTS - 10
    for response in responses:
        if response.status == 409:
            assert "nuit du vendredi 6 décembre 2030 complète" in html.unescape(response.text)
    assert db.session.scalar(select(func.count()).select_from(Stay)) == 10
    assert_counts_match_stays([night])
    assert db.session.get(Night, night.id).places_used == 10


def test_overlapping_multi_night_stays_race_for_the_last_places(
    migrated_database, tmp_path, coordinators
):
    nights = [make_night(FRIDAY + timedelta(days=i)) for i in range(3)]
    make_stay(nights[1], places=8, alias="Déjà là")  # Saturday: 2 places left
    ranges = [(0, 2), (1, 3), (0, 3)]  # every range covers Saturday
    payloads = [
        stay_payload(
            f"Invité {i}",
            FRIDAY + timedelta(days=ranges[i % 3][0]),
            FRIDAY + timedelta(days=ranges[i % 3][1]),
        )
        for i in range(REQUESTS)
    ]
    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_clients(base_url, coordinators)
        responses = race(clients, f"/nuits/{nights[0].id}/sejours", payloads)
        log = (tmp_path / "live" / "gunicorn.log").read_text()
    db.session.rollback()  # see what the server committed, not an older snapshot

    statuses = [response.status for response in responses]
    assert not [status for status in statuses if status >= 500], log
    assert statuses.count(302) == 2
    assert statuses.count(409) == REQUESTS - 2
    for response in responses:
        if response.status == 409:
            assert "nuit du samedi 7 décembre 2030 complète" in html.unescape(response.text)
    assert db.session.scalar(select(func.count()).select_from(Stay)) == 3
    assert_counts_match_stays(nights)
    assert db.session.get(Night, nights[1].id).places_used == 10
