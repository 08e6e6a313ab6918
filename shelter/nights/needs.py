"""Practical needs: the list coordinators keep, and how many people of a stay have each."""

from sqlalchemy import delete, select

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import PracticalNeed, Stay, StayNeed, User
from shelter.models.audit import record

# The list a new installation starts with (the migration adds the same), French and English.
DEFAULT_NEEDS = (
    ("végétarien·ne", "vegetarian"),
    ("sans porc", "no pork"),
    ("sans viande", "no meat"),
    ("sans gluten", "gluten-free"),
    ("allergie alimentaire", "food allergy"),
    ("bébé", "baby"),
    ("fauteuil roulant", "wheelchair"),
)


def add_default_needs() -> None:
    """Give an empty list the default needs."""
    if db.session.scalar(select(PracticalNeed.id).limit(1)) is not None:
        return
    db.session.add_all(
        PracticalNeed(label_fr=french, label_en=english, position=position)
        for position, (french, english) in enumerate(DEFAULT_NEEDS)
    )
    db.session.flush()


def all_needs() -> list[PracticalNeed]:
    return list(
        db.session.scalars(
            select(PracticalNeed).order_by(
                PracticalNeed.active.desc(), PracticalNeed.position, PracticalNeed.id
            )
        )
    )


def active_needs() -> list[PracticalNeed]:
    return list(
        db.session.scalars(
            select(PracticalNeed)
            .where(PracticalNeed.active.is_(True))
            .order_by(PracticalNeed.position, PracticalNeed.id)
        )
    )


def save_need(need: PracticalNeed, label_fr: str, label_en: str, actor: User) -> PracticalNeed:
    """Add a need to the list, or rename one (the stays that carry it follow)."""
    need.label_fr = label_fr.strip()
    need.label_en = label_en.strip()
    if need.id is None:
        need.position = len(all_needs())
        db.session.add(need)
        db.session.flush()
    record(actor, "practical_need.save", "practical_need", need.id, name=need.label_fr)
    return need


def set_need_active(need: PracticalNeed, active: bool, actor: User) -> None:
    """Retire a need from the stay form (stays that carry it keep it), or bring it back."""
    need.active = active
    action = "practical_need.restore" if active else "practical_need.retire"
    record(actor, action, "practical_need", need.id, name=need.label_fr)


def set_stay_needs(stay: Stay, people_by_need: dict[int, int]) -> None:
    """Record how many of the stay's people have each need (0 removes it)."""
    if any(people > stay.places for people in people_by_need.values()):
        raise DomainError(
            _("Un besoin concerne au plus les %(num)d personnes du séjour.", num=stay.places)
        )
    if stay.purged_at is not None:
        return
    current = {row.need_id: row for row in stay.needs}
    for need_id, people in people_by_need.items():
        row = current.get(need_id)
        if row is not None and people == 0:
            stay.needs.remove(row)
        elif row is not None:
            row.people = people
        elif people > 0:
            stay.needs.append(StayNeed(need_id=need_id, people=people))


def needs_of(stay: Stay) -> dict[int, int]:
    return {row.need_id: row.people for row in stay.needs}


def erase_stay_needs(stay_id: int) -> None:
    """Forget a stay's needs with its alias and note (the places stay counted)."""
    db.session.execute(
        delete(StayNeed)
        .where(StayNeed.stay_id == stay_id)
        .execution_options(synchronize_session=False)
    )
