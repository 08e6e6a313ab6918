"""Benchmark the calendar feeds on a year of data: ``.venv/bin/python bench/feeds.py``.

Builds, in a temporary SQLite database, 365 nights with 3 shifts each, 60 volunteers with
about 18 sign-ups each and 8 stays per night, then times requests made in-process (Flask
test client, no network) and prints median and p95 times with the ratio to a floor: a
bare route of the same app returning the same bytes as the coordinators' feed.
"""

import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from flask import Response
from flask_migrate import upgrade
from sqlalchemy import event, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shelter import create_app
from shelter.extensions import db
from shelter.feeds.http import known_etags
from shelter.feeds.services import issue_feed_token
from shelter.ical import event_bytes
from shelter.models import BRUSSELS, Night, Place, Shift, ShiftType, SignUp, Stay, User
from shelter.security import public

FLOOR_URL = "/bench/floor"
NIGHTS = 365
VOLUNTEERS = 60
SIGNUPS_EACH = 18
STAYS_PER_NIGHT = 8
SHIFT_TYPES = [
    ("Repas", clock(18, 0), clock(21, 0), 1, 2),
    ("Soirée et nuit", clock(20, 0), clock(9, 0), 2, 2),
    ("Matin", clock(7, 30), clock(10, 0), 1, 2),
]


def build_data(today: date) -> tuple[User, User]:
    """Insert the year of data; return a coordinator and the busiest volunteer."""
    now = datetime.now(UTC)
    place = Place(name="La Maison", beds=10, address="Rue de l'Exemple 1")
    db.session.add(place)
    types = [
        ShiftType(name=name, start_time=start, end_time=end, min_volunteers=low, max_volunteers=up)
        for name, start, end, low, up in SHIFT_TYPES
    ]
    db.session.add_all(types)
    coordinator = User(email="coord@bench.test", name="Coordination", role="coordinator")
    volunteers = [
        User(email=f"v{number}@bench.test", name=f"Bénévole {number}") for number in range(60)
    ]
    db.session.add_all([coordinator, *volunteers])
    db.session.flush()

    first = today - timedelta(days=60)
    night_rows = [
        {
            "place_id": place.id,
            "date": first + timedelta(days=offset),
            "capacity": 10,
            "places_used": STAYS_PER_NIGHT,
            "status": "planned",
            "note": "",
            "sequence": 0,
            "created_at": now,
            "updated_at": now,
        }
        for offset in range(NIGHTS)
    ]
    db.session.execute(insert(Night), night_rows)
    nights = db.session.query(Night.id, Night.date).order_by(Night.date).all()

    shift_rows = []
    for night_id, day in nights:
        for shift_type in types:
            end_day = day + timedelta(days=1) if shift_type.ends_next_day else day
            shift_rows.append(
                {
                    "night_id": night_id,
                    "shift_type_id": shift_type.id,
                    "name": shift_type.name,
                    "description": "Accueil, repas et rangement.",
                    "starts_at": datetime.combine(day, shift_type.start_time, BRUSSELS),
                    "ends_at": datetime.combine(end_day, shift_type.end_time, BRUSSELS),
                    "min_volunteers": shift_type.min_volunteers,
                    "max_volunteers": shift_type.max_volunteers,
                    "signup_count": 0,
                    "status": "planned",
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    db.session.execute(insert(Shift), shift_rows)
    shift_ids = [row.id for row in db.session.query(Shift.id).order_by(Shift.starts_at, Shift.id)]

    # Volunteer v takes shifts v, v + 60, v + 120... (18 each, on nights 20 days apart).
    signups = {}
    for number, volunteer in enumerate(volunteers):
        for index in range(number, len(shift_ids), VOLUNTEERS)[:SIGNUPS_EACH]:
            signups[shift_ids[index]] = [volunteer.id]
    busiest = volunteers[0]
    for index in range(30, len(shift_ids), 30):  # a dozen more for the busiest one
        signups.setdefault(shift_ids[index], [])
        if busiest.id not in signups[shift_ids[index]]:
            signups[shift_ids[index]].append(busiest.id)
    db.session.execute(
        insert(SignUp),
        [
            {"shift_id": shift_id, "user_id": user_id, "created_at": now}
            for shift_id, user_ids in signups.items()
            for user_id in user_ids
        ],
    )
    for shift_id, user_ids in signups.items():
        db.session.query(Shift).filter(Shift.id == shift_id).update({"signup_count": len(user_ids)})
    db.session.execute(
        insert(Stay),
        [
            {
                "place_id": place.id,
                "arrival": day,
                "departure": day + timedelta(days=1),
                "places": 1,
                "alias": f"Invité {number}",
                "note": "",
                "created_at": now,
                "updated_at": now,
            }
            for _night_id, day in nights
            for number in range(STAYS_PER_NIGHT)
        ],
    )
    db.session.commit()
    return coordinator, busiest


def elapsed_ms(client, url: str, headers=None) -> float:
    started = time.perf_counter()
    response = client.get(url, headers=headers or {})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 304), (url, response.status_code)
    return elapsed


def timed(client, url: str, runs: int, headers=None, before=None, floor=None) -> list[float]:
    """Time ``runs`` requests; before each, time one floor request into ``floor``.

    Interleaving keeps the floor comparable on a machine whose load changes.
    """
    times = []
    for _ in range(runs):
        if before:
            before()
        if floor is not None:
            floor.append(elapsed_ms(client, FLOOR_URL))
        times.append(elapsed_ms(client, url, headers))
    return times


def count_queries(client, url: str, headers=None, before=None) -> int:
    statements = []

    def listener(*_args):
        statements.append(1)

    if before:
        before()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get(url, headers=headers or {})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def percentile_95(sorted_times: list[float]) -> float:
    return sorted_times[int(len(sorted_times) * 0.95)]


def forget_caches() -> None:
    known_etags.clear()
    event_bytes.cache_clear()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="shelter-bench-") as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-long-enough-for-the-checks",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite",
                "INSTANCE_PATH": folder,
                "BASE_URL": "https://shelter.example.org",
                # As in the test app: with memory:// storage the limiter adds a timer thread
                # per request, which would weigh on the feeds only, not on the floor.
                "RATELIMIT_ENABLED": False,
            }
        )
        floor_body: list[bytes] = []

        @public
        def floor():
            return Response(floor_body[0], content_type="text/calendar; charset=utf-8")

        app.add_url_rule(FLOOR_URL, "bench_floor", floor)

        with app.app_context():
            upgrade()
            today = datetime.now(BRUSSELS).date()
            started = time.perf_counter()
            coordinator, busiest = build_data(today)
            built_in = time.perf_counter() - started
            base = app.url_map.bind("localhost")
            coordination_url = base.build(
                "feeds.coordination", {"token": issue_feed_token(coordinator, "coordination")}
            )
            personal_url = base.build(
                "feeds.personal", {"token": issue_feed_token(busiest, "personal")}
            )
            db.session.commit()
            signups_of_busiest = db.session.query(SignUp).filter_by(user_id=busiest.id).count()
            night_id = db.session.query(Night.id).order_by(Night.date.desc()).limit(1).scalar()
            shift_id = (
                db.session.query(SignUp.shift_id).filter_by(user_id=busiest.id).limit(1).scalar()
            )
            db.session.remove()

        client = app.test_client()
        first = client.get(coordination_url)
        floor_body.append(first.data)
        personal = client.get(personal_url)

        def change_a_night():
            # A coordinator records a stay on one night: its title changes (7/10 <-> 8/10).
            with app.app_context():
                night = db.session.get(Night, night_id)
                night.places_used = 15 - night.places_used
                db.session.commit()

        def change_a_shift():
            with app.app_context():
                shift = db.session.get(Shift, shift_id)
                shift.description = "Courses." if shift.description != "Courses." else "Cuisine."
                db.session.commit()

        def etag_of(url):
            return {"If-None-Match": client.get(url).headers["ETag"]}

        cases = [
            ("coordinators' year, first build", coordination_url, 15, None, forget_caches),
            ("coordinators' year, after a change", coordination_url, 40, None, change_a_night),
            ("coordinators' year, unconditional", coordination_url, 40, None, None),
            ("coordinators' year, 304", coordination_url, 300, etag_of(coordination_url), None),
            ("busy volunteer, first build", personal_url, 100, None, forget_caches),
            ("busy volunteer, after a change", personal_url, 100, None, change_a_shift),
            ("busy volunteer, 304", personal_url, 300, etag_of(personal_url), None),
        ]
        floor_times: list[float] = []
        rows = []
        with app.app_context():
            for name, url, runs, headers, before in cases:
                timed(client, url, 3, headers, before)  # warm-up
                times = sorted(timed(client, url, runs, headers, before, floor_times))
                queries = count_queries(client, url, headers, before)
                rows.append((name, statistics.median(times), percentile_95(times), queries))
        floor_times.sort()
        floor = ("bare route, same bytes (floor)", statistics.median(floor_times))
        rows.insert(0, (*floor, percentile_95(floor_times), 0))

        floor_median = rows[0][1]
        print(
            f"Data: {NIGHTS} nights x {len(SHIFT_TYPES)} shifts, {VOLUNTEERS} volunteers "
            f"(~{SIGNUPS_EACH} sign-ups each; the busy one has {signups_of_busiest}), "
            f"{STAYS_PER_NIGHT} stays per night; built in {built_in:.1f} s."
        )
        print(
            f"Coordinators' feed: {len(first.data) // 1024} KiB; "
            f"busy volunteer's feed: {len(personal.data) // 1024} KiB. "
            "In-process (Flask test client), SQLite."
        )
        print()
        print(f"| {'what':<34} | {'median ms':>9} | {'p95 ms':>7} | {'x floor':>7} | {'SQL':>3} |")
        print(f"|{'-' * 36}|{'-' * 10}:|{'-' * 8}:|{'-' * 8}:|{'-' * 4}:|")
        for name, median, p95, queries in rows:
            print(
                f"| {name:<34} | {median:>9.2f} | {p95:>7.2f} | "
                f"{median / floor_median:>7.1f} | {queries:>3} |"
            )


if __name__ == "__main__":
    main()
