"""The public site: settings, news, public events, applications, needs, newsletter."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.markup import render_markdown
from shelter.models.base import Timestamped, UTCDateTime
from shelter.models.users import User


class SiteSetting(db.Model):
    """One setting of the public site edited by coordinators; unset keys use defaults."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    # The value rendered to HTML when it was saved, for the settings written in Markdown.
    html: Mapped[str] = mapped_column(Text, default="")


class NewsPost(Timestamped, db.Model):
    """A news article in Markdown, public once published and its publish date is reached."""

    __tablename__ = "news_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Rendered once, when the body is saved: pages and feeds never parse Markdown.
    body_html: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)

    @validates("body")
    def _render_body(self, _key: str, body: str) -> str:
        self.body_html = render_markdown(body)
        return body

    @property
    def is_visible(self) -> bool:
        return self.is_published and self.published_at <= utcnow()

    def __repr__(self) -> str:
        return f"<NewsPost {self.id} {self.slug}>"


class PublicEvent(Timestamped, db.Model):
    """A demonstration, a support evening: public, unlike hosting nights."""

    __tablename__ = "public_events"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Free text ("Place Saint-Lambert"): never one of the collective's places.
    location: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Rendered once, when the description is saved: pages and feeds never parse Markdown.
    description_html: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # iCalendar SEQUENCE: bumped on every change of time.
    sequence: Mapped[int] = mapped_column(default=0)

    @validates("description")
    def _render_description(self, _key: str, description: str) -> str:
        self.description_html = render_markdown(description)
        return description

    @property
    def is_past(self) -> bool:
        return (self.ends_at or self.starts_at) < utcnow()

    def __repr__(self) -> str:
        return f"<PublicEvent {self.id}>"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class VolunteerApplication(Timestamped, db.Model):
    """Somebody who offered to help through the public form."""

    __tablename__ = "volunteer_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    # Comma-separated choices among HELP_CHOICES (meals, nights, mornings, other).
    helps: Mapped[str] = mapped_column(String(100), default="")
    availability: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="fr")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.PENDING, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    decided_by: Mapped[User | None] = relationship()

    @property
    def help_list(self) -> list[str]:
        return [value for value in self.helps.split(",") if value]

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING

    def __repr__(self) -> str:
        return f"<VolunteerApplication {self.id} {self.status}>"


class MaterialNeed(Timestamped, db.Model):
    """Something the collective needs (sleeping bags, coffee...), listed on Soutiens-nous."""

    __tablename__ = "material_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[str] = mapped_column(String(60), default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<MaterialNeed {self.id}>"


class SubscriberStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class NewsletterSubscriber(Timestamped, db.Model):
    """An address on the newsletter: pending until its confirmation link is used."""

    __tablename__ = "newsletter_subscribers"
    __table_args__ = (CheckConstraint("status IN ('pending', 'confirmed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[str] = mapped_column(String(20), default=SubscriberStatus.PENDING, index=True)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Only the hash of the single-use confirmation token is kept; cleared once used.
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Random per subscription and part of its unsubscribe token: a link dies with the
    # subscription, even if a later one reuses its id and address.
    unsubscribe_key: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    @property
    def is_confirmed(self) -> bool:
        return self.status == SubscriberStatus.CONFIRMED

    def __repr__(self) -> str:
        return f"<NewsletterSubscriber {self.id} {self.status}>"
