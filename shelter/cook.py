"""The cook's numbers: how many guests of a night have each practical need, never who.

A bottom-layer read used by the night page, the team sheet and the shift reminder email.
"""

from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Night, PracticalNeed, Stay, StayNeed


@dataclass(frozen=True)
class NeedCount:
    label: str
    people: int


def need_counts(night: Night) -> list[NeedCount]:
    """Return how many guests of the night have each practical need, in the list's order."""
    language = str(get_locale() or "fr")
    rows = db.session.execute(
        select(PracticalNeed, func.sum(StayNeed.people))
        .join(StayNeed, StayNeed.need_id == PracticalNeed.id)
        .join(Stay, StayNeed.stay_id == Stay.id)
        .where(
            Stay.place_id == night.place_id,
            Stay.arrival <= night.date,
            Stay.departure > night.date,
            Stay.purged_at.is_(None),
        )
        .group_by(PracticalNeed.id)
        .order_by(PracticalNeed.position, PracticalNeed.id)
    )
    return [NeedCount(need.label(language), int(people)) for need, people in rows]


def needs_summary(needs: list[NeedCount]) -> str:
    """Say the counts in one line, e.g. "végétarien·ne : 2 · sans porc : 1" (empty: none)."""
    parts = [_("%(label)s : %(count)d", label=need.label, count=need.people) for need in needs]
    return " · ".join(parts)
