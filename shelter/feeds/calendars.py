"""What the personal and coordinators' feeds say: rows in, calendar bytes out.

Titles and descriptions are generic: shift and night facts only, never a guest's alias or
note, a place's address or notes, or a night's free-text note.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date

from shelter.clock import BRUSSELS
from shelter.i18n import force_language
from shelter.i18n import gettext as _
from shelter.ical import FeedEvent, calendar_bytes, event_uid
from shelter.models import Night, Shift

NightLink = Callable[[int], str]


@dataclass(frozen=True)
class Phrases:
    """The feed's sentences in one language, translated once rather than per event."""

    language: str
    personal_name: str
    coordination_name: str
    shift_title: str
    cancelled_title: str
    place: str
    places_used: str
    coverage: str
    coverage_cancelled: str
    missing_count: str
    night_missing: str
    night_complete: str
    night_cancelled: str

    @classmethod
    def of(cls, language: str) -> "Phrases":
        with force_language(language):
            return cls(
                language=language,
                personal_name=_("%(collective)s — mes créneaux"),
                coordination_name=_("%(collective)s — coordination"),
                shift_title=_("%(shift)s — Accueil du %(date)s"),
                # Many calendar apps do not show STATUS:CANCELLED: the title says it too.
                cancelled_title=_("Annulé : %(summary)s"),
                place=_("Lieu : %(place)s"),
                places_used=_("Places occupées : %(used)d/%(capacity)d"),
                coverage=_("%(shift)s %(times)s : %(count)d/%(maximum)d"),
                coverage_cancelled=_("%(shift)s %(times)s : annulé"),
                missing_count=_("manque %(count)d"),
                night_missing=_("Accueil %(used)d/%(capacity)d — manque : %(missing)s"),
                night_complete=_("Accueil %(used)d/%(capacity)d — complet"),
                night_cancelled=_("Accueil annulé"),
            )


@lru_cache(maxsize=2048)
def short_date(day: date, language: str) -> str:
    """E.g. "ven. 12 déc." or "Fri 12 Dec"."""
    return format_date(day, "EEE d MMM", locale=language)


def clock(instant: datetime) -> str:
    local = instant.astimezone(BRUSSELS)
    return f"{local.hour:02d}:{local.minute:02d}"


def shift_event(shift: Shift, host: str, night_link: NightLink, phrases: Phrases) -> FeedEvent:
    night = shift.night
    cancelled = shift.is_cancelled or night.is_cancelled
    summary = phrases.shift_title % {
        "shift": shift.name,
        "date": short_date(night.date, phrases.language),
    }
    if cancelled:
        summary = phrases.cancelled_title % {"summary": summary}
    link = night_link(night.id)
    lines = [
        f"{clock(shift.starts_at)}–{clock(shift.ends_at)}",
        phrases.place % {"place": night.place.name},
    ]
    if shift.description:
        lines.append(shift.description)
    lines.append(link)
    return FeedEvent(
        uid=event_uid("shift", shift.id, host),
        summary=summary,
        starts_at=shift.starts_at.astimezone(BRUSSELS),
        ends_at=shift.ends_at.astimezone(BRUSSELS),
        changed_at=max(shift.updated_at, night.updated_at, night.place.updated_at),
        # Both only ever grow, so their sum grows whenever either changes.
        sequence=shift.sequence + night.sequence,
        cancelled=cancelled,
        description="\n".join(lines),
        url=link,
    )


def _coverage_line(shift: Shift, phrases: Phrases) -> str:
    times = f"{clock(shift.starts_at)}–{clock(shift.ends_at)}"
    if shift.is_cancelled:
        return phrases.coverage_cancelled % {"shift": shift.name, "times": times}
    line = phrases.coverage % {
        "shift": shift.name,
        "times": times,
        "count": shift.signup_count,
        "maximum": shift.max_volunteers,
    }
    if shift.missing:
        line += " — " + phrases.missing_count % {"count": shift.missing}
    return line


def night_summary(night: Night, phrases: Phrases) -> str:
    if night.is_cancelled:
        return phrases.night_cancelled
    places = {"used": night.places_used, "capacity": night.capacity}
    missing = [
        f"{shift.name} ({shift.missing})"
        for shift in night.shifts
        if not shift.is_cancelled and shift.missing
    ]
    if missing:
        return phrases.night_missing % {**places, "missing": ", ".join(missing)}
    return phrases.night_complete % places


def night_event(night: Night, host: str, night_link: NightLink, phrases: Phrases) -> FeedEvent:
    link = night_link(night.id)
    lines = [
        phrases.places_used % {"used": night.places_used, "capacity": night.capacity},
        phrases.place % {"place": night.place.name},
        *(_coverage_line(shift, phrases) for shift in night.shifts),
        link,
    ]
    changes = [night.updated_at, night.place.updated_at]
    changes.extend(shift.updated_at for shift in night.shifts)
    return FeedEvent(
        uid=event_uid("night", night.id, host),
        summary=night_summary(night, phrases),
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
    phrases = Phrases.of(language)
    events = [shift_event(shift, host, night_link, phrases) for shift in shifts]
    name = phrases.personal_name % {"collective": collective}
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
    phrases = Phrases.of(language)
    events = [night_event(night, host, night_link, phrases) for night in nights]
    name = phrases.coordination_name % {"collective": collective}
    return calendar_bytes(name, events, first_day, last_day)
