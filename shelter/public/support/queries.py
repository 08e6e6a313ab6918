"""Reads of material needs."""

from sqlalchemy import select

from shelter.extensions import db
from shelter.models import MaterialNeed


def current_needs() -> list[MaterialNeed]:
    return list(
        db.session.scalars(
            select(MaterialNeed)
            .where(MaterialNeed.done.is_(False))
            .order_by(MaterialNeed.urgent.desc(), MaterialNeed.item)
        )
    )


def all_needs() -> list[MaterialNeed]:
    return list(
        db.session.scalars(
            select(MaterialNeed).order_by(
                MaterialNeed.done, MaterialNeed.urgent.desc(), MaterialNeed.item
            )
        )
    )
