"""The load test: ``make load`` (``python -m bench.load --clients 50 --seconds 60``).

Serves the reference data set with gunicorn (2 workers) on 127.0.0.1 and runs concurrent
clients for a bounded time: volunteers read pages, poll feeds, sign up and withdraw;
coordinators read pages, poll feeds, book one place on a coming night and cancel stays. Then
it checks the database: no night over capacity, every night's ``places_used`` equal to its
stays' places, no shift over its maximum, every ``signup_count`` equal to its sign-ups; and
that no request got a 5xx. Exits non-zero when one of these fails.
"""

import argparse
import json
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select

from bench import dataset
from bench.harness import (
    MEMORY_PATH,
    REFERENCE,
    Keys,
    Sizes,
    bench_config,
    create_bench_app,
    prepare,
    summarize,
    table,
)
from bench.web import Client, serve
from shelter.extensions import db
from shelter.models import Night, Shift, SignUp, Stay

CANCEL_LINK = re.compile(r'action="/sejours/(\d+)/annuler"')
COORDINATOR_EVERY = 10  # one client in ten is a coordinator


@dataclass
class Results:
    """What the clients saw; each thread appends, the totals are read after they stop."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.latencies[kind].append(ms)
            self.statuses[kind][status] += 1

    def failed(self, kind: str, error: Exception) -> None:
        with self.lock:
            self.failures[f"{kind}: {type(error).__name__}"] += 1


class Visitor:
    """One simulated member: a role, a browser, and the actions of that role."""

    def __init__(self, base_url: str, keys: Keys, email: str, coordinator: bool, seed: int):
        self.client = Client(base_url)
        self.keys = keys
        self.email = email
        self.coordinator = coordinator
        self.rng = random.Random(seed)
        self.etags: dict[str, str] = {}
        self.signed: set[int] = set()
        self.results: Results | None = None

    def hit(self, kind: str, method: str, path: str, form=None, headers=None):
        reply = self.client.request(method, path, form=form, headers=headers)
        self.results.add(kind, reply.status, reply.ms)
        if reply.status == 302 and method == "POST":  # the browser follows, flashes are shown
            location = urllib.parse.urlsplit(reply.headers["Location"])
            query = f"?{location.query}" if location.query else ""
            followed = self.client.get(location.path + query)
            self.results.add("page after a POST", followed.status, followed.ms)
        return reply

    # --- actions -------------------------------------------------------------------------

    def feed_poll(self) -> None:
        path = self.keys.coordination_feed if self.coordinator else self.keys.personal_feed
        etag = self.etags.get(path)
        if etag and self.rng.random() < 0.8:
            self.hit("feed poll, If-None-Match", "GET", path, headers={"If-None-Match": etag})
            return
        reply = self.hit("feed poll, full", "GET", path)
        if reply.status == 200:
            self.etags[path] = reply.headers["ETag"]

    def calendar(self) -> None:
        year, month = self.keys.month
        self.hit("month calendar", "GET", f"/calendrier/{year}/{month}")

    def night(self) -> None:
        night_id, _ = self.rng.choice(self.keys.hot_nights)
        self.hit("night page", "GET", f"/nuits/{night_id}")

    def missing(self) -> None:
        self.hit('"what is missing"', "GET", "/ce-qui-manque")

    def home(self) -> None:
        self.hit("home", "GET", "/")

    def sign_up(self) -> None:
        shift_id = self.rng.choice(self.keys.hot_shifts)
        self.hit("sign-up", "POST", f"/services/{shift_id}/inscription", form={})
        self.signed.add(shift_id)

    def withdraw(self) -> None:
        if not self.signed:
            return self.sign_up()
        shift_id = self.rng.choice(sorted(self.signed))
        self.signed.discard(shift_id)
        self.hit("withdrawal", "POST", f"/services/{shift_id}/desistement", form={})
        return None

    def book_stay(self) -> None:
        night_id, day = self.rng.choice(self.keys.hot_nights)
        form = {
            "alias": f"Charge {self.rng.randrange(1000)}",
            "places": "1",
            "arrival": day.isoformat(),
            "departure": (day + timedelta(days=1)).isoformat(),
            "note": "",
        }
        self.hit("stay booked", "POST", f"/nuits/{night_id}/sejours", form=form)

    def cancel_stay(self) -> None:
        night_id, _ = self.rng.choice(self.keys.hot_nights)
        page = self.hit("night page", "GET", f"/nuits/{night_id}")
        stays = CANCEL_LINK.findall(page.text)
        if stays:
            stay_id = self.rng.choice(stays)
            self.hit("stay cancelled", "POST", f"/sejours/{stay_id}/annuler", form={})

    def actions(self) -> list[tuple]:
        if self.coordinator:
            return [
                (self.feed_poll, 20), (self.calendar, 20), (self.night, 20), (self.missing, 5),
                (self.book_stay, 20), (self.cancel_stay, 15),
            ]  # fmt: skip
        return [
            (self.feed_poll, 20), (self.calendar, 15), (self.night, 15), (self.missing, 15),
            (self.home, 5), (self.sign_up, 15), (self.withdraw, 15),
        ]  # fmt: skip

    def run(self, results: Results, deadline: float, think: float) -> None:
        self.results = results
        moves, weights = zip(*self.actions(), strict=True)
        while time.monotonic() < deadline:
            action = self.rng.choices(moves, weights)[0]
            try:
                action()
            except OSError as error:  # refused, reset, timed out: counted as failures
                results.failed(action.__name__, error)
            if think:
                time.sleep(self.rng.expovariate(1 / think))


def start_visitors(base_url: str, keys: Keys, clients: int) -> list[Visitor]:
    """Log every client in (outside the timed window); one in ten is a coordinator."""
    visitors = []
    for number in range(clients):
        coordinator = number % COORDINATOR_EVERY == 0
        email = keys.coordinator if coordinator else keys.volunteers[number % len(keys.volunteers)]
        visitor = Visitor(base_url, keys, email, coordinator, seed=number)
        visitor.client.login(email, dataset.PASSWORD)
        visitors.append(visitor)
    return visitors


def run_load(base_url: str, keys: Keys, clients: int, seconds: float, think: float) -> Results:
    visitors = start_visitors(base_url, keys, clients)
    results = Results()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=visitor.run, args=(results, deadline, think), daemon=True)
        for visitor in visitors
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results


def worker_memory(base_url: str) -> dict[int, int]:
    """Ask the workers their resident memory (KiB), until both answered or 40 tries."""
    memory: dict[int, int] = {}
    client = Client(base_url)
    for _ in range(40):
        answer = client.get(MEMORY_PATH)
        if answer.status == 200:
            values = json.loads(answer.body)
            memory[values["pid"]] = values["rss_kib"]
        if len(memory) >= 2:
            break
    return memory


def broken_invariants(app) -> list[str]:
    """Check the counters against the rows they count; return what is wrong."""
    problems = []
    with app.app_context():
        over = db.session.scalars(
            select(Night.id).where(or_(Night.places_used > Night.capacity, Night.places_used < 0))
        ).all()
        if over:
            problems.append(f"nights over capacity: {over}")
        stay_places = (
            select(func.coalesce(func.sum(Stay.places), 0))
            .where(
                Stay.place_id == Night.place_id,
                Stay.arrival <= Night.date,
                Stay.departure > Night.date,
            )
            .scalar_subquery()
        )
        wrong = db.session.scalars(select(Night.id).where(Night.places_used != stay_places)).all()
        if wrong:
            problems.append(f"nights whose places_used differs from their stays: {wrong}")
        full = db.session.scalars(
            select(Shift.id).where(Shift.signup_count > Shift.max_volunteers)
        ).all()
        if full:
            problems.append(f"shifts over their maximum: {full}")
        signups = select(func.count(SignUp.id)).where(SignUp.shift_id == Shift.id).scalar_subquery()
        miscounted = db.session.scalars(select(Shift.id).where(Shift.signup_count != signups)).all()
        if miscounted:
            problems.append(f"shifts whose signup_count differs from their sign-ups: {miscounted}")
        db.session.remove()
    return problems


def report(results: Results, seconds: float) -> tuple[str, list[str]]:
    """Render the table; return it with the 5xx and connection failures found."""
    rows = []
    total = Counter()
    for kind in sorted(results.latencies):
        summary = summarize(results.latencies[kind])
        statuses = results.statuses[kind]
        total.update(statuses)
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        rows.append(
            (kind, summary.count, shown, f"{summary.median:.1f}", f"{summary.p95:.1f}",
             f"{summary.p99:.1f}")
        )  # fmt: skip
    every = [ms for times in results.latencies.values() for ms in times]
    summary = summarize(every) if every else None
    requests = sum(total.values())
    shown = ", ".join(f"{status}: {count}" for status, count in sorted(total.items()))
    if summary:
        rows.append(
            (f"all ({requests / seconds:.0f} req/s)", requests, shown, f"{summary.median:.1f}",
             f"{summary.p95:.1f}", f"{summary.p99:.1f}")
        )  # fmt: skip
    headers = ("kind", "requests", "statuses", "p50 ms", "p95 ms", "p99 ms")
    problems = [f"{count} responses {status}" for status, count in total.items() if status >= 500]
    problems += [f"{count} x {failure}" for failure, count in results.failures.items()]
    return table(headers, rows), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean pause of a client between actions, s"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        help="an EMPTY database to use (e.g. PostgreSQL); default: a temporary SQLite file",
    )
    args = parser.parse_args(argv)
    return load_test(args.clients, args.seconds, args.think, args.workers, args.database_url)


def load_test(
    clients: int,
    seconds: float,
    think: float,
    workers: int = 2,
    database_url: str | None = None,
    sizes: Sizes = REFERENCE,
) -> int:
    with tempfile.TemporaryDirectory(prefix="shelter-load-") as folder:
        folder = Path(folder)
        database_url = database_url or f"sqlite:///{folder}/load.sqlite"
        app = create_bench_app(bench_config(database_url, folder / "instance"))
        keys = prepare(app, sizes)
        with serve(database_url, folder / "gunicorn", workers) as base_url:
            results = run_load(base_url, keys, clients, seconds, think)
            memory = worker_memory(base_url)
        rendered, problems = report(results, seconds)
        problems += broken_invariants(app)
        with app.app_context():
            db.engine.dispose()
    backend = database_url.split(":", 1)[0]
    print(
        f"Shelter load test, {datetime.now():%Y-%m-%d %H:%M}: {clients} clients "
        f"({clients // COORDINATOR_EVERY + (clients % COORDINATOR_EVERY > 0)} coordinators), "
        f"{seconds:.0f} s, pause {think} s on average between actions, gunicorn {workers} "
        f"workers on 127.0.0.1, {backend}. Data: {sizes.describe()}."
    )
    print()
    print(rendered)
    print()
    rss = ", ".join(f"{kib / 1024:.0f} MB" for kib in sorted(memory.values()))
    print(f"Resident memory per worker after the run: {rss or 'unknown'}.")
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print(
        "Invariants hold: no night over capacity, places_used = its stays' places, no shift "
        "over its maximum, signup_count = its sign-ups; no 5xx."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
