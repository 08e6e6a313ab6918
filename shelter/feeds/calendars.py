"""What the personal and coordinators' feeds say: rows in, calendar bytes out.

Titles and descriptions are generic: shift and night facts only, never a guest's alias or
note, a place's address or notes, or a night's free-text note.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date
from flask_babel import force_locale

from shelter.i18n import gettext as _
from shelter.ical import FeedEvent, calendar_bytes, event_uid
from shelter.models import BRUSSELS, Night, Shift

NightLink = Callable[[int], str]


@lru_cache(maxsize=2048)
def short_date(day: date, language: str) -> str:
    """E.g. "ven. 12 déc." or "Fri 12 Dec"."""
    return format_date(day, "EEE d MMM", locale=language)


def clock(instant: datetime) -> str:
    return instant.astimezone(BRUSSELS).strftime("%H:%M")


def _cancelled_prefix(summary: str, cancelled: bool) -> str:
    # Many calendar apps do not show STATUS:CANCELLED: say it in the title as well.
    return _("Annulé : %(summary)s", summary=summary) if cancelled else summary


def shift_event(shift: Shift, host: str, night_link: NightLink, language: str) -> FeedEvent:
    night = shift.night
    cancelled = shift.is_cancelled or night.is_cancelled
    summary = _(
        "%(shift)s — Accueil du %(date)s", shift=shift.name, date=short_date(night.date, language)
    )
    link = night_link(night.id)
    lines = [
        f"{clock(shift.starts_at)}–{clock(shift.ends_at)}",
        _("Lieu : %(place)s", place=night.place.name),
    ]
    if shift.description:
        lines.append(shift.description)
    lines.append(link)
    return FeedEvent(
        uid=event_uid("shift", shift.id, host),
        summary=_cancelled_prefix(summary, cancelled),
        starts_at=shift.starts_at.astimezone(BRUSSELS),
        ends_at=shift.ends_at.astimezone(BRUSSELS),
        changed_at=max(shift.updated_at, night.updated_at, night.place.updated_at),
        # Both only ever grow, so their sum grows whenever either changes.
        sequence=shift.sequence + night.sequence,
        cancelled=cancelled,
        description="\n".join(lines),
        url=link,
    )


def _coverage_line(shift: Shift) -> str:
    times = f"{clock(shift.starts_at)}–{clock(shift.ends_at)}"
    if shift.is_cancelled:
        return _("%(shift)s %(times)s : annulé", shift=shift.name, times=times)
    line = _(
        "%(shift)s %(times)s : %(count)d/%(maximum)d",
        shift=shift.name,
        times=times,
        count=shift.signup_count,
        maximum=shift.max_volunteers,
    )
    if shift.missing:
        line += " — " + _("manque %(count)d", count=shift.missing)
    return line


def night_summary(night: Night) -> str:
    if night.is_cancelled:
        return _("Accueil annulé")
    missing = [
        f"{shift.name} ({shift.missing})"
        for shift in night.shifts
        if not shift.is_cancelled and shift.missing
    ]
    if missing:
        return _(
            "Accueil %(used)d/%(capacity)d — manque : %(missing)s",
            used=night.places_used,
            capacity=night.capacity,
            missing=", ".join(missing),
        )
    return _(
        "Accueil %(used)d/%(capacity)d — complet",
        used=night.places_used,
        capacity=night.capacity,
    )


def night_event(night: Night, host: str, night_link: NightLink) -> FeedEvent:
    link = night_link(night.id)
    lines = [
        _(
            "Places occupées : %(used)d/%(capacity)d",
            used=night.places_used,
            capacity=night.capacity,
        ),
        _("Lieu : %(place)s", place=night.place.name),
        *(_coverage_line(shift) for shift in night.shifts),
        link,
    ]
    changes = [night.updated_at, night.place.updated_at]
    changes.extend(shift.updated_at for shift in night.shifts)
    return FeedEvent(
        uid=event_uid("night", night.id, host),
        summary=night_summary(night),
        starts_at=night.starts_at,
        ends_at=night.ends_at,
        changed_at=max(changes),
        # Only the night's own time and status move the event; shift changes show in
        # the description (and LAST-MODIFIED).
        sequence=night.sequence,
        cancelled=night.is_cancelled,
        description="\n".join(lines),
        url=link,
    )


def personal_calendar(
    shifts: Sequence[Shift],
    language: str,
    host: str,
    night_link: NightLink,
    first_day: date,
    last_day: date,
    collective: str,
) -> bytes:
    """Return the feed of one volunteer's shifts, in their language."""
    with force_locale(language):
        name = _("%(collective)s — mes créneaux", collective=collective)
        events = [shift_event(shift, host, night_link, language) for shift in shifts]
    return calendar_bytes(name, events, first_day, last_day)


def coordination_calendar(
    nights: Sequence[Night],
    language: str,
    host: str,
    night_link: NightLink,
    first_day: date,
    last_day: date,
    collective: str,
) -> bytes:
    """Return the coordinators' feed: one event per night, places used and what is missing."""
    with force_locale(language):
        name = _("%(collective)s — coordination", collective=collective)
        events = [night_event(night, host, night_link) for night in nights]
    return calendar_bytes(name, events, first_day, last_day)
