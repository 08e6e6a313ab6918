"""The practical needs a stay may carry (diets, allergy, baby, wheelchair), counted per person."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.extensions import db


class PracticalNeed(db.Model):
    """One entry of the fixed list coordinators keep; retired ones stay for past stays."""

    __tablename__ = "practical_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_fr: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_fr

    def __repr__(self) -> str:
        return f"<PracticalNeed {self.id}>"


class StayNeed(db.Model):
    """How many people of a stay have one need: erased with the stay's alias and note."""

    __tablename__ = "stay_needs"
    __table_args__ = (CheckConstraint("people >= 1", name="people_positive"),)

    stay_id: Mapped[int] = mapped_column(
        ForeignKey("stays.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[int] = mapped_column(
        ForeignKey("practical_needs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    people: Mapped[int]

    need: Mapped[PracticalNeed] = relationship()
