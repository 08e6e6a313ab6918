"""Reads for the feeds: the rows in the window, eager-loaded, and a cheap fingerprint of them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Date, bindparam, func, select, true
from sqlalchemy.orm import contains_eager, load_only
from sqlalchemy.orm.attributes import set_committed_value

from shelter.clock import BRUSSELS
from shelter.extensions import db
from shelter.models import FeedKind, FeedToken, Night, Place, Shift, SignUp, User

DAYS_BACK = 60
DAYS_AHEAD = 365
# What feeds show; loading nothing else keeps a year's feed fast and addresses out of reach.
_PLACE_COLUMNS = (Place.name, Place.updated_at)
_NIGHT_COLUMNS = load_only(
    Night.place_id,
    Night.date,
    Night.capacity,
    Night.places_used,
    Night.status,
    Night.sequence,
    Night.updated_at,
)
_SHIFT_COLUMNS = load_only(
    Shift.night_id,
    Shift.name,
    Shift.description,
    Shift.starts_at,
    Shift.ends_at,
    Shift.min_volunteers,
    Shift.max_volunteers,
    Shift.signup_count,
    Shift.status,
    Shift.sequence,
    Shift.updated_at,
)


@dataclass(frozen=True)
class Window:
    """The nights a feed holds, by their evening date."""

    first: date
    last: date

    @classmethod
    def around(cls, now: datetime) -> "Window":
        today = now.astimezone(BRUSSELS).date()
        return cls(today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD))


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


class FeedAccess(NamedTuple):
    """A feed link's token row, its owner's rights and the fingerprint of the feed."""

    token_hash: str
    kind: str
    created_at: datetime
    link_id: int
    last_used_at: datetime | None
    user_id: int
    active: bool
    role: str
    language: str
    fingerprint: Fingerprint


_FIRST, _LAST = bindparam("first", type_=Date), bindparam("last", type_=Date)
_IN_WINDOW = Night.date.between(_FIRST, _LAST)
# Labelled as the fields of FeedAccess; the fingerprint's columns as "fingerprint_<n>".
_TOKEN_COLUMNS = (
    FeedToken.token_hash,
    FeedToken.kind,
    FeedToken.created_at,
    FeedToken.id.label("link_id"),
    FeedToken.last_used_at,
    User.id.label("user_id"),
    User.active,
    User.role,
    User.language,
)
_FINGERPRINT_PREFIX = "fingerprint_"


def _access_statement(*fingerprint):
    labelled = (
        column.label(f"{_FINGERPRINT_PREFIX}{number}") for number, column in enumerate(fingerprint)
    )
    return (
        select(*_TOKEN_COLUMNS, *labelled)
        .select_from(FeedToken)
        .join(FeedToken.user)
        .where(FeedToken.token_hash == bindparam("token_hash"))
    )


def _of_the_owner(*columns):
    """A scalar subquery over the token owner's sign-ups in the window."""
    return (
        select(*columns)
        .select_from(SignUp)
        .join(SignUp.shift)
        .join(Shift.night)
        .join(Night.place)
        .where(SignUp.user_id == FeedToken.user_id, _IN_WINDOW)
        .correlate(FeedToken)
        .scalar_subquery()
    )


# Built once: the feed's 304 path is this single statement.
_PERSONAL_ACCESS = _access_statement(
    _of_the_owner(func.count(SignUp.id)),
    _of_the_owner(func.max(SignUp.created_at)),
    _of_the_owner(func.max(Shift.updated_at)),
    _of_the_owner(func.max(Night.updated_at)),
    _of_the_owner(func.max(Place.updated_at)),
)
_EVERY_NIGHT = (
    select(
        func.count(Night.id.distinct()).label("nights"),
        func.max(Night.updated_at).label("nights_changed"),
        func.count(Shift.id).label("shifts"),
        func.max(Shift.updated_at).label("shifts_changed"),
    )
    .select_from(Night)
    .outerjoin(Night.shifts)
    .where(_IN_WINDOW)
    .subquery()
)
_COORDINATION_ACCESS = _access_statement(
    _EVERY_NIGHT.c.nights,
    _EVERY_NIGHT.c.nights_changed,
    _EVERY_NIGHT.c.shifts,
    _EVERY_NIGHT.c.shifts_changed,
    select(func.max(Place.updated_at)).scalar_subquery(),
).join(_EVERY_NIGHT, true())


def feed_access(kind: str, token_hash: str, window: Window) -> FeedAccess | None:
    """Look up a token and fingerprint its feed, in one query."""
    statement = _PERSONAL_ACCESS if kind == FeedKind.PERSONAL else _COORDINATION_ACCESS
    row = db.session.execute(
        statement, {"token_hash": token_hash, "first": window.first, "last": window.last}
    ).first()
    if row is None:
        return None
    values = row._asdict()
    changes = tuple(
        values.pop(name) for name in list(values) if name.startswith(_FINGERPRINT_PREFIX)
    )
    return FeedAccess(**values, fingerprint=Fingerprint(changes))


def feed_links_of(user_id: int) -> dict[str, list[FeedToken]]:
    """Return the member's links by kind of feed, oldest first."""
    links: dict[str, list[FeedToken]] = {kind: [] for kind in FeedKind}
    for link in db.session.scalars(
        select(FeedToken)
        .where(FeedToken.user_id == user_id)
        .order_by(FeedToken.created_at, FeedToken.id)
    ):
        links[link.kind].append(link)
    return links


def own_link(user_id: int, link_id: int) -> FeedToken | None:
    """Return one of the member's links; another member's is not found."""
    return db.session.scalar(
        select(FeedToken).where(FeedToken.id == link_id, FeedToken.user_id == user_id)
    )


_PERSONAL_SHIFTS = (
    select(Shift)
    .join(SignUp, SignUp.shift_id == Shift.id)
    .join(Shift.night)
    .join(Night.place)
    .options(
        _SHIFT_COLUMNS,
        contains_eager(Shift.night).options(
            _NIGHT_COLUMNS, contains_eager(Night.place).load_only(*_PLACE_COLUMNS)
        ),
    )
    .where(SignUp.user_id == bindparam("user_id"), _IN_WINDOW)
    .order_by(Shift.starts_at, Shift.id)
)
_NIGHTS = (
    select(Night)
    .join(Night.place)
    .options(_NIGHT_COLUMNS, contains_eager(Night.place).load_only(*_PLACE_COLUMNS))
    .where(_IN_WINDOW)
    .order_by(Night.date, Night.place_id, Night.id)
)
_SHIFTS_OF_NIGHTS = (
    select(Shift)
    .join(Shift.night)
    .options(_SHIFT_COLUMNS)
    .where(_IN_WINDOW)
    .order_by(Shift.starts_at, Shift.id)
)


def personal_shifts(user_id: int, window: Window) -> list[Shift]:
    """The user's shifts in the window, with their night and place, in one query."""
    return list(
        db.session.scalars(
            _PERSONAL_SHIFTS, {"user_id": user_id, "first": window.first, "last": window.last}
        )
    )


def coordination_nights(window: Window) -> list[Night]:
    """Every night in the window with its place and shifts, in two queries.

    Only the columns a feed shows are loaded: a place's address and notes never are.
    """
    bounds = {"first": window.first, "last": window.last}
    nights = list(db.session.scalars(_NIGHTS, bounds))
    shifts_by_night: dict[int, list[Shift]] = {night.id: [] for night in nights}
    for shift in db.session.scalars(_SHIFTS_OF_NIGHTS, bounds):
        shifts_by_night[shift.night_id].append(shift)
    for night in nights:
        set_committed_value(night, "shifts", shifts_by_night[night.id])
    return nights
