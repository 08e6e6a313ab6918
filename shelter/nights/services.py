"""Hosting nights and guest stays: planning, cancelling and the capacity guarantee.

Every night stores ``places_used``, the sum of the places of the stays covering it, and
the database refuses ``places_used > capacity``. Places are taken with one guarded
conditional UPDATE per amount (``... WHERE places_used + n <= capacity``) whose row count
is checked: on PostgreSQL the rows are locked first, in date order, so that concurrent
bookings queue instead of deadlocking; on SQLite every writing request already holds the
write lock from its first statement (``BEGIN IMMEDIATE``). A refusal raises
``DomainError``; the caller rolls the transaction back, so nothing changes.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.i18n import ngettext, night_label
from shelter.models import Night, NightStatus, Place, SignUp, Stay, User
from shelter.models.audit import about_night, about_stay, record
from shelter.nights.needs import erase_stay_needs
from shelter.shifts import notifications
from shelter.shifts.queries import active_shift_types
from shelter.shifts.times import add_default_shifts

# A stay is booked night by night: (place id, evening date) -> places.
Occupation = dict[tuple[int, date], int]

# Planning at once covers at most a year of evenings; a stay lasts at most a year of nights.
MAX_PLANNED_DAYS = 366
MAX_STAY_NIGHTS = 366


def dates_label(days: Iterable[date]) -> str:
    return ", ".join(night_label(day, long=True) for day in sorted(days))


# --- Nights -------------------------------------------------------------------------------


def dates_between(first: date, last: date, weekdays: Iterable[int] = ()) -> list[date]:
    """Return the dates from ``first`` to ``last`` included, on ``weekdays`` (0 = Monday).

    No weekdays means every day.
    """
    wanted = set(weekdays) or set(range(7))
    count = (last - first).days + 1
    days = (first + timedelta(days=offset) for offset in range(max(count, 0)))
    return [day for day in days if day.weekday() in wanted]


@dataclass
class PlanResult:
    created: list[Night]
    skipped: list[date]


def plan_nights(
    place: Place, dates: Sequence[date], capacity: int | None, note: str, actor: User | None
) -> PlanResult:
    """Plan a night at ``place`` on each of ``dates``, skipping dates that already have one."""
    if dates:
        check_plan_period(min(dates), max(dates))
    capacity = place.beds if capacity is None else capacity
    _check_capacity_fits_place(capacity, place)
    existing = set(
        db.session.scalars(
            select(Night.date).where(Night.place_id == place.id, Night.date.in_(dates))
        )
    )
    shift_types = active_shift_types()
    created = []
    for day in sorted(set(dates) - existing):
        night = Night(place=place, date=day, capacity=capacity, note=note.strip())
        add_default_shifts(night, shift_types)
        db.session.add(night)
        created.append(night)
    try:
        db.session.flush()
    except IntegrityError:
        # Another coordinator planned one of these dates at the same moment; the request's
        # unit of work rolls back.
        raise DomainError(
            _("Une de ces nuits vient d'être planifiée par quelqu'un d'autre. Réessaie.")
        ) from None
    for night in created:
        record(actor, "night.plan", "night", night.id, capacity=capacity, **about_night(night))
    return PlanResult(created=created, skipped=sorted(existing))


def check_plan_period(first: date, last: date) -> None:
    """Refuse a period to plan that ends before it starts or spans more than a year."""
    if last < first:
        raise DomainError(_("La dernière nuit ne peut pas précéder la première."))
    if (last - first).days >= MAX_PLANNED_DAYS:
        raise DomainError(_("Planifie au plus un an à la fois."))


def _check_capacity_fits_place(capacity: int, place: Place) -> None:
    if capacity < 0 or capacity > place.beds:
        raise DomainError(
            _(
                "La capacité doit être entre 0 et %(beds)d places (les lits de %(place)s).",
                beds=place.beds,
                place=place.name,
            )
        )


def update_night(night: Night, capacity: int, note: str, actor: User | None) -> None:
    """Change a night's capacity (never below its places used) and its note."""
    _check_capacity_fits_place(capacity, night.place)
    if capacity != night.capacity:
        changed = db.session.execute(
            update(Night)
            .where(Night.id == night.id, Night.places_used <= capacity)
            .values(capacity=capacity)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.refresh(night)
        if changed != 1:
            raise DomainError(
                ngettext(
                    "Impossible de descendre à %(capacity)d places : %(num)d place est déjà "
                    "occupée la nuit du %(date)s.",
                    "Impossible de descendre à %(capacity)d places : %(num)d places sont déjà "
                    "occupées la nuit du %(date)s.",
                    night.places_used,
                    capacity=capacity,
                    date=night_label(night.date, long=True),
                )
            )
    night.note = note.strip()
    record(actor, "night.update", "night", night.id, capacity=capacity, **about_night(night))


def cancel_night(night: Night, reason: str, actor: User | None) -> list[SignUp]:
    """Cancel ``night`` and its shifts (kept visible), tell their volunteers; return sign-ups."""
    # Lock the night row alone: the night may carry eager loads (outer joins) from its query.
    db.session.refresh(night, with_for_update={"of": Night})
    if night.is_cancelled:
        raise DomainError(_("Cette nuit est déjà annulée."))
    night.status = NightStatus.CANCELLED
    night.cancel_reason = reason.strip()
    night.sequence += 1
    affected = []
    for shift in night.shifts:
        if shift.is_cancelled:
            continue
        shift.status = NightStatus.CANCELLED
        shift.sequence += 1
        affected.extend(shift.signups)
    record(actor, "night.cancel", "night", night.id, **about_night(night))
    notifications.notify_night_cancelled(night, affected)
    return affected


def reinstate_night(night: Night, actor: User | None) -> None:
    """Plan a cancelled night again, with its shifts."""
    # Lock the night row alone: the night may carry eager loads (outer joins) from its query.
    db.session.refresh(night, with_for_update={"of": Night})
    if not night.is_cancelled:
        raise DomainError(_("Cette nuit n'est pas annulée."))
    night.status = NightStatus.PLANNED
    night.cancel_reason = None
    night.sequence += 1
    for shift in night.shifts:
        shift.status = NightStatus.PLANNED
        shift.sequence += 1
    record(actor, "night.reinstate", "night", night.id, **about_night(night))


# --- Stays and places ---------------------------------------------------------------------


def occupation(place_id: int, arrival: date, departure: date, places: int) -> Occupation:
    nights = (departure - arrival).days
    return {(place_id, arrival + timedelta(days=i)): places for i in range(nights)}


def _locked_nights(keys: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Night]:
    """Load (and on PostgreSQL lock) the nights of ``keys``, in place and date order."""
    by_place: dict[int, list[date]] = defaultdict(list)
    for place_id, day in keys:
        by_place[place_id].append(day)
    found = {}
    for place_id in sorted(by_place):
        nights = db.session.scalars(
            select(Night)
            .where(Night.place_id == place_id, Night.date.in_(by_place[place_id]))
            .order_by(Night.date)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found.update({(night.place_id, night.date): night for night in nights})
    return found


def _change_places(changes: Occupation) -> None:
    """Add (or, when negative, release) places on nights; refuse anything over capacity."""
    changes = {key: delta for key, delta in changes.items() if delta}
    if not changes:
        return
    nights = _locked_nights(changes)
    unavailable = [
        key
        for key, delta in changes.items()
        if delta > 0 and (key not in nights or nights[key].is_cancelled)
    ]
    if unavailable:
        raise DomainError(
            _(
                "Il n'y a pas de nuit prévue le %(dates)s : planifie-la d'abord. "
                "Rien n'a été enregistré.",
                dates=dates_label(day for _, day in unavailable),
            )
        )
    by_delta: dict[int, list[Night]] = defaultdict(list)
    for key, delta in changes.items():
        if key in nights:
            by_delta[delta].append(nights[key])
    full = []
    for delta, group in sorted(by_delta.items()):
        ids = [night.id for night in group]
        statement = (
            update(Night).where(Night.id.in_(ids)).values(places_used=Night.places_used + delta)
        )
        if delta > 0:
            statement = statement.where(
                Night.places_used + delta <= Night.capacity,
                Night.status == NightStatus.PLANNED,
            )
        changed = db.session.execute(
            statement.execution_options(synchronize_session=False)
        ).rowcount
        for night in group:
            db.session.expire(night, ["places_used"])
        if changed != len(ids):
            full.extend(night for night in group if night.places_used + delta > night.capacity)
    if full:
        raise DomainError(_full_nights_message(full))


def _full_nights_message(nights: Iterable[Night]) -> str:
    parts = []
    for night in sorted(nights, key=lambda night: night.date):
        if night.free_places <= 0:
            parts.append(_("nuit du %(date)s complète", date=night_label(night.date, long=True)))
        else:
            parts.append(
                ngettext(
                    "nuit du %(date)s : plus que %(num)d place libre",
                    "nuit du %(date)s : plus que %(num)d places libres",
                    night.free_places,
                    date=night_label(night.date, long=True),
                )
            )
    return _("Pas assez de places : %(nights)s. Rien n'a été enregistré.", nights="; ".join(parts))


def check_stay_dates(arrival: date, departure: date) -> None:
    """Refuse a stay that does not last from one night to ``MAX_STAY_NIGHTS``."""
    if departure <= arrival:
        raise DomainError(_("Le départ doit être au moins le lendemain de l'arrivée."))
    if (departure - arrival).days > MAX_STAY_NIGHTS:
        raise DomainError(_("Un séjour dure au plus %(max)d nuits.", max=MAX_STAY_NIGHTS))


def check_stay_size(places: int, place: Place) -> None:
    """Refuse a stay of fewer than one place or more than the place's beds.

    The place's beds are the most a stay can ever hold; each night's own capacity, which may
    be lower, is checked with the other stays of that night when places are taken.
    """
    if places < 1 or places > place.beds:
        raise DomainError(_("Un séjour compte de 1 à %(beds)d places.", beds=place.beds))


def _check_stay(arrival: date, departure: date, places: int, place: Place) -> None:
    check_stay_dates(arrival, departure)
    check_stay_size(places, place)


def book_stay(
    place: Place,
    arrival: date,
    departure: date,
    places: int,
    alias: str,
    note: str,
    actor: User | None,
) -> Stay:
    """Record a stay if every night of it is planned and has enough free places."""
    _check_stay(arrival, departure, places, place)
    _change_places(occupation(place.id, arrival, departure, places))
    stay = Stay(
        place_id=place.id,
        arrival=arrival,
        departure=departure,
        places=places,
        alias=alias.strip(),
        note=note.strip() or None,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(stay)
    db.session.flush()
    record(actor, "stay.create", "stay", stay.id, **about_stay(stay))
    return stay


def locked_stay(stay_id: int) -> Stay | None:
    """Load a stay to change it, locking its row on PostgreSQL."""
    return db.session.scalar(
        select(Stay)
        .where(Stay.id == stay_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


@dataclass(frozen=True, kw_only=True)
class StayChange:
    """What a stay becomes: its place, dates, places, alias and note."""

    place: Place
    arrival: date
    departure: date
    places: int
    alias: str
    note: str


def change_stay(stay: Stay, change: StayChange, actor: User | None) -> None:
    """Extend, shorten, move or resize a stay, within every night's capacity."""
    _check_stay(change.arrival, change.departure, change.places, change.place)
    changes: Occupation = defaultdict(int)
    for key, count in occupation(stay.place_id, stay.arrival, stay.departure, stay.places).items():
        changes[key] -= count
    new = occupation(change.place.id, change.arrival, change.departure, change.places)
    for key, count in new.items():
        changes[key] += count
    _change_places(changes)
    stay.place_id = change.place.id
    stay.arrival = change.arrival
    stay.departure = change.departure
    stay.places = change.places
    if stay.purged_at is None:
        stay.alias = change.alias.strip()
        stay.note = change.note.strip() or None
    record(actor, "stay.update", "stay", stay.id, **about_stay(stay))


def cancel_stay(stay: Stay, actor: User | None) -> None:
    """Delete a stay and free its places; the audit log keeps who and when."""
    released = occupation(stay.place_id, stay.arrival, stay.departure, -stay.places)
    _change_places(released)
    record(actor, "stay.cancel", "stay", stay.id, **about_stay(stay))
    db.session.delete(stay)


def stays_to_purge(today: date, retention_days: int) -> list[int]:
    """The stays still holding an alias or a note, that left more than ``retention_days`` ago."""
    limit = today - timedelta(days=retention_days)
    return list(
        db.session.scalars(
            select(Stay.id)
            .where(Stay.departure < limit, Stay.purged_at.is_(None))
            .order_by(Stay.departure, Stay.id)
        )
    )


def purge_guest_data(stay_id: int) -> bool:
    """Erase the alias and note of a stay (its places stay counted); say whether it did."""
    purged = db.session.execute(
        update(Stay)
        .where(Stay.id == stay_id, Stay.purged_at.is_(None))
        .values(alias=None, note=None, purged_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if purged:
        erase_stay_needs(stay_id)
        record(None, "stay.purge", "stay", stay_id, **about_stay(db.session.get(Stay, stay_id)))
    return bool(purged)
