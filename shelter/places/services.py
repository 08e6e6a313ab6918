"""Places: their beds bound the capacity of their nights."""

from sqlalchemy import select, update

from shelter.clock import local_today
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Night, Place, User
from shelter.models.audit import record
from shelter.nights.services import dates_label


def create_place(name: str, beds: int, address: str, notes: str, actor: User | None) -> Place:
    place = Place(name=name.strip(), beds=beds, address=address.strip(), notes=notes.strip())
    db.session.add(place)
    db.session.flush()
    record(actor, "place.create", "place", place.id, place=place.name, beds=beds)
    return place


def update_place(
    place: Place, name: str, beds: int, address: str, notes: str, active: bool, actor: User | None
) -> None:
    """Change a place; fewer beds lower the capacity of its coming nights, if they fit."""
    if beds < place.beds:
        _lower_future_capacity(place, beds)
    place.name = name.strip()
    place.beds = beds
    place.address = address.strip()
    place.notes = notes.strip()
    place.active = active
    record(actor, "place.update", "place", place.id, place=place.name, beds=beds)


def _lower_future_capacity(place: Place, beds: int) -> None:
    today = local_today()
    coming = select(Night.id).where(Night.place_id == place.id, Night.date >= today)
    # Lock in date order, as bookings do, so that both wait for each other instead of deadlocking.
    db.session.execute(coming.order_by(Night.date).with_for_update())
    db.session.execute(
        update(Night)
        .where(
            Night.place_id == place.id,
            Night.date >= today,
            Night.capacity > beds,
            Night.places_used <= beds,
        )
        .values(capacity=beds)
        .execution_options(synchronize_session=False)
    )
    too_full = list(
        db.session.scalars(
            select(Night)
            .where(Night.place_id == place.id, Night.date >= today, Night.capacity > beds)
            .order_by(Night.date)
            .execution_options(populate_existing=True)
        )
    )
    if too_full:
        raise DomainError(
            _(
                "Impossible de passer à %(beds)d lits : plus de places sont déjà occupées "
                "le %(dates)s.",
                beds=beds,
                dates=dates_label(night.date for night in too_full),
            )
        )
