"""Time as the collective lives it: instants kept in UTC, days and hours told in Brussels."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Return today's date in Brussels, where the nights happen."""
    return datetime.now(BRUSSELS).date()


def local_instant(day: date, at: time) -> datetime:
    """Return the instant of ``at`` o'clock on ``day`` in Brussels."""
    return datetime.combine(day, at, BRUSSELS)


def from_form(value: datetime | None) -> datetime | None:
    """Read a naive form datetime (a ``datetime-local`` field) as Brussels time."""
    return None if value is None else value.replace(tzinfo=BRUSSELS)


def to_form(value: datetime | None) -> datetime | None:
    """Show a stored instant in a ``datetime-local`` field, in Brussels time."""
    return None if value is None else value.astimezone(BRUSSELS).replace(tzinfo=None)
