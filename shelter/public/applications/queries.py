"""Reads of volunteer applications."""

from sqlalchemy import select

from shelter.extensions import db
from shelter.models import ApplicationStatus, VolunteerApplication


def applications() -> list[VolunteerApplication]:
    """Pending applications first, then the others, newest first."""
    pending_first = (VolunteerApplication.status != ApplicationStatus.PENDING).asc()
    return list(
        db.session.scalars(
            select(VolunteerApplication).order_by(
                pending_first,
                VolunteerApplication.created_at.desc(),
                VolunteerApplication.id.desc(),
            )
        )
    )
