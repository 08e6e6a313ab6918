"""What the benchmarks share: the app with its floor route, the data set, statistics, tables.

The floor is a bare public route of the same app, measured in the same run: figures from a
noisy machine stay comparable through their ratio to it.
"""

import io
import os
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask, Response
from flask_migrate import upgrade
from sqlalchemy import Engine, event, select

from bench import dataset
from shelter import create_app
from shelter.clock import local_today
from shelter.extensions import db
from shelter.feeds.services import issue_feed_token
from shelter.models import FeedKind, Night, Shift, SignUp, User
from shelter.security import public

FLOOR_PATH = "/bench/floor"
MEMORY_PATH = "/bench/memory"
SECRET_KEY = "bench-secret-key-long-enough-for-the-production-checks"


def create_bench_app(config: dict | None = None) -> Flask:
    """Build the app with two benchmark-only public routes: the floor and the worker's memory."""
    app = create_app(config)

    @public
    def floor():
        return Response(b"ok", content_type="text/plain")

    @public
    def memory():
        return {"pid": os.getpid(), "rss_kib": resident_kib()}

    app.add_url_rule(FLOOR_PATH, "bench_floor", floor)
    app.add_url_rule(MEMORY_PATH, "bench_memory", memory)
    return app


def resident_kib() -> int:
    """Return this process's resident memory (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def bench_config(database_url: str, instance_path: Path) -> dict:
    """Settings of the in-process app: a temporary database and instance folder."""
    return {
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "BASE_URL": "https://shelter.example.org",
        "SESSION_COOKIE_SECURE": False,
        # As under gunicorn in the load test: the limits would stop the benchmark's clients,
        # and with memory:// storage the limiter adds work to limited routes only.
        "RATELIMIT_ENABLED": False,
    }


@dataclass(frozen=True)
class Sizes:
    nights: int = 365
    volunteers: int = 60
    signups_each: int = 18
    stays: int = 8
    past_days: int = 60

    def describe(self) -> str:
        return (
            f"{self.nights} nights x 3 shifts, {self.volunteers} volunteers with about "
            f"{self.signups_each} sign-ups each, {self.stays} stays per night"
        )


REFERENCE = Sizes()


@dataclass
class Keys:
    """Plain values taken from the data set, usable outside the app and in other processes."""

    coordinator: str
    volunteers: list[str]
    coordination_feed: str
    personal_feed: str
    month: tuple[int, int]
    night_id: int
    # Coming nights (past the withdrawal cut-off) where the load test writes: id and date.
    hot_nights: list[tuple[int, date]] = field(default_factory=list)
    hot_shifts: list[int] = field(default_factory=list)
    # A volunteer and a shift they may take and leave freely, for the sign-up benchmark.
    free_signup: tuple[str, int] | None = None


def prepare(app: Flask, sizes: Sizes = REFERENCE) -> Keys:
    """Migrate the (empty) database, write the data set and return the keys the runs need."""
    with app.app_context():
        with redirect_stderr(io.StringIO()):  # Alembic's log lines; errors still raise
            upgrade()
        data = dataset.build(
            sizes.nights, sizes.volunteers, sizes.signups_each, sizes.stays, sizes.past_days
        )
        dataset.set_up_public_site()
        base = app.url_map.bind("localhost")
        coordination_token = issue_feed_token(data.coordinator, FeedKind.COORDINATION)
        personal_token = issue_feed_token(data.busiest, FeedKind.PERSONAL)
        db.session.commit()
        today = local_today()
        coming = [night for night in data.nights if night.date >= today + timedelta(days=4)]
        hot = coming[:14]
        month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        keys = Keys(
            coordinator=data.coordinator.email,
            volunteers=[person.email for person in data.volunteers],
            coordination_feed=base.build("feeds.coordination", {"token": coordination_token}),
            personal_feed=base.build("feeds.personal", {"token": personal_token}),
            month=(month.year, month.month),
            night_id=coming[min(6, len(coming) - 1)].id,
            hot_nights=[(night.id, night.date) for night in hot],
            hot_shifts=[shift.id for night in hot for shift in night.shifts],
            free_signup=_free_signup(coming),
        )
        db.session.remove()
        db.engine.dispose()
    return keys


def _free_signup(coming: list[Night]) -> tuple[str, int] | None:
    """Find a shift with a free spot and a volunteer with no sign-up on its night or the next."""
    for night in coming:
        for shift in night.shifts:
            if shift.signup_count >= shift.max_volunteers:
                continue
            busy = (
                select(SignUp.user_id)
                .join(Shift)
                .where(
                    Shift.starts_at < shift.ends_at + timedelta(days=1),
                    Shift.ends_at > shift.starts_at - timedelta(days=1),
                )
            )
            person = db.session.scalar(
                select(User).where(User.role == "volunteer", User.id.not_in(busy)).limit(1)
            )
            if person is not None:
                return person.email, shift.id
    return None


@contextmanager
def counted_queries(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent through ``engine`` inside the block.

    The ``BEGIN`` that ``shelter.database`` sends itself on SQLite is left out, so that counts
    compare with PostgreSQL's, where the driver begins transactions implicitly.
    """
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@dataclass(frozen=True)
class Summary:
    count: int
    median: float
    p95: float
    p99: float


def summarize(times: Sequence[float]) -> Summary:
    """Median and nearest-rank percentiles of ``times`` (at least one)."""
    ordered = sorted(times)

    def rank(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    return Summary(len(ordered), statistics.median(ordered), rank(0.95), rank(0.99))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a Markdown table; the first column is left-aligned, the others right-aligned."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headers))]

    def line(row: list[str]) -> str:
        first, *rest = zip(row, widths, strict=True)
        padded = [first[0].ljust(first[1]), *(cell.rjust(width) for cell, width in rest)]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (width + 2) if index == 0 else "-" * (width + 1) + ":"
            for index, width in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])
