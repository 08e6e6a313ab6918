"""The coordinator on call (astreinte) for a night: taken and left by coordinators themselves."""

from sqlalchemy import or_, select, update

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Night, NightStatus, Role, User
from shelter.models.audit import about_night, record


def take_on_call(night: Night, coordinator: User) -> None:
    """Put ``coordinator`` on call for ``night``, unless another coordinator already is."""
    if not coordinator.is_coordinator:
        raise DomainError(_("Seule la coordination peut être d'astreinte."))
    taken = db.session.execute(
        update(Night)
        .where(
            Night.id == night.id,
            Night.status == NightStatus.PLANNED,
            # Nobody on call, or somebody who has since left the coordination.
            or_(
                Night.on_call_id.is_(None),
                Night.on_call_id.not_in(
                    select(User.id).where(User.role == Role.COORDINATOR, User.active.is_(True))
                ),
            ),
        )
        .values(on_call_id=coordinator.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        db.session.refresh(night)
        if night.is_cancelled:
            raise DomainError(_("Cette nuit est annulée."))
        if night.on_call_id == coordinator.id:
            raise DomainError(_("Tu es déjà d'astreinte cette nuit."))
        if night.on_call_coordinator is None:
            raise DomainError(_("L'astreinte de cette nuit vient de changer : recharge la page."))
        raise DomainError(
            _(
                "%(name)s est déjà d'astreinte cette nuit : demande-lui de la laisser d'abord.",
                name=night.on_call_coordinator.name,
            )
        )
    record(coordinator, "night.on_call_take", "night", night.id, **about_night(night))


def leave_on_call(night: Night, coordinator: User) -> None:
    """Take ``coordinator`` off call for ``night``."""
    left = db.session.execute(
        update(Night)
        .where(Night.id == night.id, Night.on_call_id == coordinator.id)
        .values(on_call_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if left != 1:
        raise DomainError(_("Tu n'es pas d'astreinte cette nuit."))
    record(coordinator, "night.on_call_leave", "night", night.id, **about_night(night))
