"""Places where guests sleep."""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shelter.extensions import db
from shelter.models.base import Timestamped

DEFAULT_BEDS = 10


class Place(Timestamped, db.Model):
    """A house with beds; its address and notes are for logged-in users only."""

    __tablename__ = "places"
    __table_args__ = (CheckConstraint("beds >= 1", name="beds_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    beds: Mapped[int] = mapped_column(default=DEFAULT_BEDS)
    address: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Place {self.id}>"
