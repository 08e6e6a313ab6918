"""Reads for the feeds: the rows in the window, eager-loaded, and a cheap fingerprint of them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from shelter.extensions import db
from shelter.models import BRUSSELS, FeedToken, Night, Place, Shift, SignUp

DAYS_BACK = 60
DAYS_AHEAD = 365


@dataclass(frozen=True)
class Window:
    """The nights a feed holds, by their evening date."""

    first: date
    last: date

    @classmethod
    def around(cls, now: datetime) -> "Window":
        today = now.astimezone(BRUSSELS).date()
        return cls(today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD))

    def holds(self):
        return Night.date.between(self.first, self.last)


@dataclass(frozen=True)
class Fingerprint:
    """Row counts and latest changes of what a feed is built from.

    Every write bumps a row's ``updated_at`` (or adds a row with a newer timestamp), and a
    deletion lowers a count, so equal fingerprints mean equal feeds for the same window.
    """

    values: tuple

    @property
    def last_change(self) -> datetime | None:
        instants = [value for value in self.values if isinstance(value, datetime)]
        return max(instants, default=None)


def feed_token_by_hash(token_hash: str) -> FeedToken | None:
    return db.session.scalar(
        select(FeedToken)
        .options(joinedload(FeedToken.user))
        .where(FeedToken.token_hash == token_hash)
    )


def feed_tokens_of(user_id: int) -> dict[str, FeedToken]:
    tokens = db.session.scalars(select(FeedToken).where(FeedToken.user_id == user_id))
    return {token.kind: token for token in tokens}


def personal_fingerprint(user_id: int, window: Window) -> Fingerprint:
    row = db.session.execute(
        select(
            func.count(SignUp.id),
            func.max(SignUp.created_at),
            func.max(Shift.updated_at),
            func.max(Night.updated_at),
            func.max(Place.updated_at),
        )
        .select_from(SignUp)
        .join(SignUp.shift)
        .join(Shift.night)
        .join(Night.place)
        .where(SignUp.user_id == user_id, window.holds())
    ).one()
    return Fingerprint(tuple(row))


def personal_shifts(user_id: int, window: Window) -> list[Shift]:
    """The user's shifts in the window, with their night and place, in one query."""
    return list(
        db.session.scalars(
            select(Shift)
            .join(SignUp, SignUp.shift_id == Shift.id)
            .join(Shift.night)
            .join(Night.place)
            .options(contains_eager(Shift.night).contains_eager(Night.place))
            .where(SignUp.user_id == user_id, window.holds())
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def coordination_fingerprint(window: Window) -> Fingerprint:
    def scalar(*columns):
        return select(*columns).select_from(Night).where(window.holds()).scalar_subquery()

    row = db.session.execute(
        select(
            scalar(func.count(Night.id)),
            scalar(func.max(Night.updated_at)),
            select(func.count(Shift.id)).join(Shift.night).where(window.holds()).scalar_subquery(),
            select(func.max(Shift.updated_at))
            .join(Shift.night)
            .where(window.holds())
            .scalar_subquery(),
            select(func.max(Place.updated_at)).scalar_subquery(),
        )
    ).one()
    return Fingerprint(tuple(row))


def coordination_nights(window: Window) -> list[Night]:
    """Every night in the window with its place and shifts, in one query."""
    return list(
        db.session.scalars(
            select(Night)
            .join(Night.place)
            .outerjoin(Night.shifts)
            .options(contains_eager(Night.place), contains_eager(Night.shifts))
            .where(window.holds())
            .order_by(Night.date, Night.place_id, Night.id, Shift.starts_at, Shift.id)
        ).unique()
    )
