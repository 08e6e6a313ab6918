"""The benchmark: ``make bench`` (``python -m bench.run``) prints one table.

With the reference data set in a temporary SQLite database: median and p95 server time and SQL
queries per request, timed in-process (Flask test client, no network), each next to a bare
route of the same app timed between its requests; then the throughput of a mixed read load
and of the bare route through gunicorn (2 workers) on 127.0.0.1.
"""

import argparse
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from bench import dataset
from bench.harness import (
    FLOOR_PATH,
    REFERENCE,
    Keys,
    Sizes,
    bench_config,
    counted_queries,
    create_bench_app,
    prepare,
    summarize,
    table,
)
from bench.web import Client, csrf_token_in, serve
from shelter.extensions import db
from shelter.models import SignUp, User
from shelter.security import start_session_clock


@dataclass
class Row:
    what: str
    median: str
    p95: str
    queries: str
    ratio: str


@dataclass
class Case:
    what: str
    client: FlaskClient
    path: str
    expected: int = 200
    method: str = "GET"
    headers: dict | None = None
    form: dict | None = None
    before: Callable[[], None] | None = None


def timed_request(client: FlaskClient, case_or_floor: Case | None) -> float:
    """Make one request and return its duration in milliseconds."""
    if case_or_floor is None:
        started = time.perf_counter()
        response = client.get(FLOOR_PATH)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return elapsed * 1000
    case = case_or_floor
    started = time.perf_counter()
    response = case.client.open(
        case.path, method=case.method, headers=case.headers or {}, data=case.form
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == case.expected, (case.what, response.status_code)
    return elapsed * 1000


def time_cases(app: Flask, cases: list[Case], runs: int) -> list[Row]:
    """Time each case ``runs`` times, a floor request before each; count one request's SQL."""
    floor_client = app.test_client()
    floor_times: list[float] = []
    measured = []
    for case in cases:
        for _ in range(3):  # warm-up: templates compiled, caches filled
            if case.before:
                case.before()
            timed_request(floor_client, case)
        times = []
        for _ in range(runs):
            if case.before:
                case.before()
            floor_times.append(timed_request(floor_client, None))
            times.append(timed_request(floor_client, case))
        if case.before:
            case.before()
        with app.app_context(), counted_queries(db.engine) as statements:
            timed_request(floor_client, case)
        measured.append((case.what, summarize(times), len(statements)))
    floor = summarize(floor_times)
    rows = [Row("bare route (floor)", f"{floor.median:.2f}", f"{floor.p95:.2f}", "0", "1.0")]
    for what, summary, queries in measured:
        ratio = summary.median / floor.median
        rows.append(
            Row(what, f"{summary.median:.2f}", f"{summary.p95:.2f}", str(queries), f"{ratio:.1f}")
        )
    return rows


def logged_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            start_session_clock(session)
    return client


def in_process_cases(app: Flask, keys: Keys) -> list[Case]:
    coordinator = logged_in(app, keys.coordinator)
    anonymous = app.test_client()
    etag = anonymous.get(keys.coordination_feed).headers["ETag"]
    year, month = keys.month
    cases = [
        Case(f"month calendar ({year}-{month:02d})", coordinator, f"/calendrier/{year}/{month}"),
        Case("night page", coordinator, f"/nuits/{keys.night_id}"),
        Case('"what is missing"', coordinator, "/ce-qui-manque"),
        Case("public home page (counter on)", anonymous, "/"),
        Case("Soutiens-nous", anonymous, "/soutiens-nous"),
        Case("Soutiens-nous, QR code of 25 EUR", anonymous, "/soutiens-nous?montant=25"),
        Case("impact report", coordinator, "/coordination/bilan"),
        Case("coordinators' feed, a year", anonymous, keys.coordination_feed),
        Case(
            "coordinators' feed, 304",
            anonymous,
            keys.coordination_feed,
            expected=304,
            headers={"If-None-Match": etag},
        ),
        Case("personal feed, busiest volunteer", anonymous, keys.personal_feed),
    ]
    if keys.free_signup is not None:
        cases.append(signup_case(app, *keys.free_signup))
    return cases


def signup_case(app: Flask, email: str, shift_id: int) -> Case:
    """A sign-up POST that does real work: an untimed withdrawal comes before each one."""
    volunteer = logged_in(app, email)
    csrf = csrf_token_in(volunteer.get("/mon-agenda").text)
    form = {"csrf_token": csrf}

    def withdraw():
        volunteer.post(f"/services/{shift_id}/desistement", data=form)
        with volunteer.session_transaction() as session:
            session.pop("_flashes", None)  # no browser follows the redirects here

    return Case(
        "sign-up POST (then withdrawal, untimed)",
        volunteer,
        f"/services/{shift_id}/inscription",
        expected=302,
        method="POST",
        form=form,
        before=withdraw,
    )


def check_signup_works(app: Flask, keys: Keys) -> None:
    """Make sure the timed sign-ups were accepted, not refused with a flash message."""
    email, shift_id = keys.free_signup
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        signed = db.session.query(SignUp).filter_by(shift_id=shift_id, user_id=user.id)
        assert signed.count() == 1, "the benchmarked sign-up was refused"


# --- Throughput through gunicorn ------------------------------------------------------------


def mixed_reads(keys: Keys, rng: random.Random) -> tuple[str, dict]:
    """Pick one request of the mixed read load: feed polls, calendar, nights, gaps, home."""
    choice = rng.random()
    if choice < 0.3:
        return keys.coordination_feed, {"If-None-Match": "poll"}
    if choice < 0.35:
        return keys.coordination_feed, {}
    if choice < 0.55:
        year, month = keys.month
        return f"/calendrier/{year}/{month}", {}
    if choice < 0.75:
        night_id, _ = rng.choice(keys.hot_nights)
        return f"/nuits/{night_id}", {}
    if choice < 0.9:
        return "/ce-qui-manque", {}
    return "/", {}


def throughput(
    base_url: str,
    cookies: dict,
    pick: Callable[[random.Random], tuple[str, dict]],
    seconds: float,
    clients: int,
) -> tuple[float, int]:
    """Run ``clients`` threads requesting ``pick()`` for ``seconds``; return req/s and errors."""
    done = [0] * clients
    errors = [0] * clients
    deadline = time.monotonic() + seconds

    def work(number: int) -> None:
        rng = random.Random(number)
        client = Client(base_url)
        client.cookies = dict(cookies)
        while time.monotonic() < deadline:
            path, headers = pick(rng)
            status = client.get(path, headers).status
            done[number] += 1
            if status >= 400:
                errors[number] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def gunicorn_rows(base_url: str, keys: Keys, seconds: float, clients: int) -> list[Row]:
    coordinator = Client(base_url)
    coordinator.login(keys.coordinator, dataset.PASSWORD)
    etag = coordinator.get(keys.coordination_feed).headers["ETag"]

    def reads(rng: random.Random) -> tuple[str, dict]:
        path, headers = mixed_reads(keys, rng)
        return path, {"If-None-Match": etag} if headers else {}

    throughput(base_url, coordinator.cookies, reads, min(1, seconds), clients)  # warm-up
    floor, floor_errors = throughput(base_url, {}, lambda rng: (FLOOR_PATH, {}), seconds, clients)
    mixed, errors = throughput(base_url, coordinator.cookies, reads, seconds, clients)
    assert floor_errors == 0 and errors == 0, f"errors: floor {floor_errors}, mixed {errors}"
    return [
        Row("throughput: bare route (floor)", f"{floor:.0f} req/s", "", "", "1.00"),
        Row("throughput: mixed read load", f"{mixed:.0f} req/s", "", "", f"{mixed / floor:.2f}"),
    ]


def run(
    folder: Path, sizes: Sizes, runs: int, seconds: float, clients: int
) -> tuple[list[Row], float]:
    """Build the data set in ``folder`` and measure; return the rows and the build time."""
    database_url = f"sqlite:///{folder}/bench.sqlite"
    app = create_bench_app(bench_config(database_url, folder / "instance"))
    started = time.perf_counter()
    keys = prepare(app, sizes)
    built_in = time.perf_counter() - started
    rows = time_cases(app, in_process_cases(app, keys), runs)
    if keys.free_signup is not None:
        check_signup_works(app, keys)
    with app.app_context():
        db.engine.dispose()
    with serve(database_url, folder / "gunicorn") as base_url:
        rows += gunicorn_rows(base_url, keys, seconds, clients)
    return rows, built_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed requests per row")
    parser.add_argument("--seconds", type=float, default=10, help="per throughput phase")
    parser.add_argument("--clients", type=int, default=8, help="threads of the throughput phases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shelter-bench-") as folder:
        rows, built_in = run(Path(folder), REFERENCE, args.runs, args.seconds, args.clients)
    print(
        f"Shelter benchmark, {datetime.now():%Y-%m-%d %H:%M}. Data: {REFERENCE.describe()} "
        f"(built in {built_in:.1f} s), SQLite. Server time in-process (Flask test client, no "
        f"network), {args.runs} requests per row, a floor request timed before each; throughput "
        f"with {args.clients} client threads on the same machine, {args.seconds:.0f} s per phase."
    )
    print()
    headers = ("what", "median ms", "p95 ms", "SQL", "x floor")
    print(table(headers, [(r.what, r.median, r.p95, r.queries, r.ratio) for r in rows]))


if __name__ == "__main__":
    main()
