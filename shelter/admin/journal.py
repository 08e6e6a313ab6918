"""The audit log in sentences: stored codes and facts, said in the reader's language, with links.

Entries keep an action code, a target and facts (``shelter.models.audit``); a sentence is made
only when the log is read, so it follows the reader's language and the current names. The
sentences are said in ``journal_sentences``; here are the rows they need, loaded once a page,
and the figures shown under them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import select, tuple_

from shelter.admin.journal_sentences import Known, parse_day, sentence
from shelter.extensions import db
from shelter.i18n import format_date, ngettext
from shelter.i18n import gettext as _
from shelter.models import AuditEntry, Night, User

# What the "what" filter offers: the entries whose action starts with one of the prefixes.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "nights": ("night.",),
    "stays": ("stay.", "practical_need."),
    "shifts": ("shift.", "shift_type."),
    "signups": ("signup.",),
    "accounts": ("user.", "application.", "feed.", "twofactor."),
    "places": ("place.",),
    "public": ("news.", "event.", "need.", "newsletter."),
}


@dataclass(frozen=True)
class JournalLine:
    """One entry as the log shows it."""

    entry: AuditEntry
    sentence: Markup
    facts: list[str]


def journal_lines(entries: Sequence[AuditEntry]) -> list[JournalLine]:
    """Say each entry in a sentence with links; two queries for the whole page at most."""
    known = _load(entries)
    return [
        JournalLine(entry, sentence(entry, known), _facts(entry.details or {})) for entry in entries
    ]


def _load(entries: Sequence[AuditEntry]) -> Known:
    member_ids = {
        entry.target_id
        for entry in entries
        if entry.target_type == "user" and entry.target_id is not None
    } | {
        entry.details["user_id"]
        for entry in entries
        if isinstance((entry.details or {}).get("user_id"), int)
    }
    members = {}
    if member_ids:
        rows = db.session.execute(select(User.id, User.name).where(User.id.in_(member_ids)))
        members = {user_id: name for user_id, name in rows}
    stays = {
        (details["place_id"], date.fromisoformat(details["arrival"]))
        for entry in entries
        if entry.target_type == "stay"
        and "place_id" in (details := entry.details or {})
        and "arrival" in details
    }
    stay_nights = {}
    if stays:
        rows = db.session.execute(
            select(Night.place_id, Night.date, Night.id).where(
                tuple_(Night.place_id, Night.date).in_(list(stays))
            )
        )
        stay_nights = {(place_id, day): night_id for place_id, day, night_id in rows}
    return Known(members, stay_nights)


# --- Facts shown under a sentence --------------------------------------------------------------


# Counts an entry may carry, in the order they are shown: its size, then who was told.
_SIZES = (
    ("capacity", lambda n: ngettext("capacité %(num)d place", "capacité %(num)d places", n)),
    ("beds", lambda n: ngettext("%(num)d lit", "%(num)d lits", n)),
    ("places", lambda n: ngettext("%(num)d place", "%(num)d places", n)),
)
_AUDIENCES = (
    (
        "recipients",
        lambda n: ngettext("%(num)d bénévole prévenu·e", "%(num)d bénévoles prévenu·es", n),
    ),
    ("subscribers", lambda n: ngettext("%(num)d abonné·e", "%(num)d abonné·es", n)),
)


def _counts(details: dict, counts) -> list[str]:
    return [say(details[key]) for key, say in counts if isinstance(details.get(key), int)]


def _facts(details: dict) -> list[str]:
    """The figures an entry recorded, e.g. "18:30–21:00", "min 2 · max 3", "10 places"."""
    facts = []
    if "start" in details and "end" in details:
        facts.append(f"{details['start']}–{details['end']}")
    if "minimum" in details and "maximum" in details:
        facts.append(_("min %(min)s · max %(max)s", min=details["minimum"], max=details["maximum"]))
    facts += _counts(details, _SIZES)
    departure = parse_day(details.get("departure"))
    if departure is not None:
        facts.append(_("départ le %(date)s", date=format_date(departure, "EEE d MMM")))
    facts += _counts(details, _AUDIENCES)
    if details.get("applied"):
        facts.append(
            ngettext(
                "appliqué à %(num)d nuit à venir",
                "appliqué à %(num)d nuits à venir",
                details["applied"],
            )
        )
    if details.get("kind") == "coordination":
        facts.append(_("agenda de la coordination"))
    return facts
