"""Writes of the public site: news, public events, needs, applications, newsletter."""

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from shelter.auth.services import find_user_by_email, invite, normalise_email
from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.mail import queue_mail, render_mail
from shelter.models import (
    ApplicationStatus,
    MaterialNeed,
    NewsletterSubscriber,
    NewsPost,
    PublicEvent,
    Role,
    SubscriberStatus,
    User,
    VolunteerApplication,
    hash_token,
)
from shelter.models.audit import record
from shelter.phones import normalise_phone
from shelter.public.settings import site_settings
from shelter.urls import external_url

NOT_SLUG = re.compile(r"[^a-z0-9]+")


# --- news -------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:100] or "article"


def _free_slug(wanted: str, post_id: int | None) -> str:
    taken = set(
        db.session.scalars(
            select(NewsPost.slug).where(NewsPost.slug.startswith(wanted), NewsPost.id != post_id)
        )
    )
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def save_news_post(
    post: NewsPost | None,
    *,
    title: str,
    slug: str | None,
    body: str,
    published_at: datetime | None,
    is_published: bool,
    actor: User,
) -> NewsPost:
    """Create or update a post; an empty slug is made from the title, a taken one refused."""
    creating = post is None
    post_id = None if creating else post.id
    if slug:
        if _free_slug(slug, post_id) != slug:
            raise DomainError(_l("Un autre article utilise déjà cette adresse."))
    else:
        slug = (post and post.slug) or _free_slug(slugify(title), post_id)
    if post is None:
        post = NewsPost()
        db.session.add(post)
    post.title, post.slug, post.body = title, slug, body
    post.published_at = published_at or post.published_at or utcnow()
    post.is_published = is_published
    db.session.flush()
    record(actor, "news.create" if creating else "news.update", "news", post.id, title=post.title)
    return post


def delete_news_post(post: NewsPost, actor: User) -> None:
    record(actor, "news.delete", "news", post.id, title=post.title)
    db.session.delete(post)


# --- public events ------------------------------------------------------------------------------


def save_public_event(
    event: PublicEvent | None,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    location: str,
    description: str,
    published: bool,
    actor: User,
) -> PublicEvent:
    """Create or update a public event; a change of time bumps its iCalendar sequence."""
    creating = event is None
    if event is None:
        event = PublicEvent(sequence=0)
        db.session.add(event)
    elif event.starts_at != starts_at or event.ends_at != ends_at:
        event.sequence += 1
    event.title, event.starts_at, event.ends_at = title, starts_at, ends_at
    event.location, event.description, event.published = location, description, published
    db.session.flush()
    record(
        actor, "event.create" if creating else "event.update", "event", event.id, title=event.title
    )
    return event


def delete_public_event(event: PublicEvent, actor: User) -> None:
    record(actor, "event.delete", "event", event.id, title=event.title)
    db.session.delete(event)


# --- material needs ------------------------------------------------------------------------------


def add_need(item: str, quantity: str, urgent: bool) -> MaterialNeed:
    need = MaterialNeed(item=item, quantity=quantity, urgent=urgent)
    db.session.add(need)
    return need


def set_need_done(need: MaterialNeed, done: bool) -> None:
    need.done = done


# --- volunteer applications ---------------------------------------------------------------


def submit_application(
    *,
    name: str,
    email: str,
    phone: str,
    helps: list[str],
    availability: str,
    message: str,
    language: str,
) -> VolunteerApplication:
    """Keep an application and acknowledge it to the applicant."""
    application = VolunteerApplication(
        name=name,
        email=normalise_email(email),
        phone=phone or "",
        helps=",".join(helps),
        availability=availability,
        message=message or "",
        language=language,
        consent_at=utcnow(),
    )
    db.session.add(application)
    subject, body = render_mail(
        "application_received", language, application=application, site=site_settings()
    )
    queue_mail(application.email, subject, body, language=language)
    return application


def _decide(application: VolunteerApplication, status: ApplicationStatus, actor: User) -> None:
    if not application.is_pending:
        raise DomainError(_l("Cette candidature a déjà été traitée."))
    application.status = status
    application.decided_at = utcnow()
    application.decided_by_id = actor.id


def approve_application(application: VolunteerApplication, actor: User) -> User:
    """Invite the applicant as a volunteer (the invitation email goes out)."""
    if application.is_pending and find_user_by_email(application.email) is not None:
        raise DomainError(_l("Un compte existe déjà pour cette adresse."))
    _decide(application, ApplicationStatus.APPROVED, actor)
    user = invite(
        application.email,
        application.name,
        Role.VOLUNTEER,
        application.language,
        actor,
        phone=normalise_phone(application.phone) if application.phone else None,
    )
    record(actor, "application.approve", "application", application.id)
    return user


def decline_application(application: VolunteerApplication, actor: User) -> None:
    _decide(application, ApplicationStatus.DECLINED, actor)
    record(actor, "application.decline", "application", application.id)


# --- newsletter ----------------------------------------------------------------------------------


def unsubscribe_token(subscriber: NewsletterSubscriber) -> str:
    """The secret part of a subscriber's unsubscribe link: stable, never stored."""
    key = current_app.config["SECRET_KEY"].encode()
    message = (
        f"newsletter-unsubscribe:{subscriber.id}:{subscriber.email}:{subscriber.unsubscribe_key}"
    ).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(subscriber: NewsletterSubscriber) -> str:
    return external_url(
        "public.unsubscribe", subscriber_id=subscriber.id, token=unsubscribe_token(subscriber)
    )


def newsletter_headers(subscriber: NewsletterSubscriber) -> dict[str, str]:
    """The headers of every newsletter email: one-click unsubscribe (RFC 2369 and 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send_newsletter_mail(subscriber: NewsletterSubscriber, template: str, **context) -> None:
    subject, body = render_mail(
        template,
        subscriber.language,
        site=site_settings(),
        unsubscribe_link=unsubscribe_url(subscriber),
        **context,
    )
    queue_mail(
        subscriber.email,
        subject,
        body,
        headers=newsletter_headers(subscriber),
        language=subscriber.language,
    )


def subscribe(email: str, language: str) -> None:
    """Start a double opt-in; the visitor is told the same thing whatever the address's state."""
    email = normalise_email(email)
    subscriber = db.session.scalar(
        select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)
    )
    if subscriber is not None and subscriber.is_confirmed:
        _send_newsletter_mail(subscriber, "newsletter_already_subscribed")
        return
    if subscriber is None:
        subscriber = NewsletterSubscriber(email=email, language=language)
        db.session.add(subscriber)
    subscriber.language = language
    subscriber.consent_at = utcnow()
    token = secrets.token_urlsafe(32)
    subscriber.confirm_token_hash = hash_token(token)
    days = current_app.config["NEWSLETTER_CONFIRM_VALID_DAYS"]
    subscriber.confirm_expires_at = utcnow() + timedelta(days=days)
    db.session.flush()
    _send_newsletter_mail(
        subscriber,
        "newsletter_confirm",
        link=external_url("public.confirm_subscription", token=token),
        days=days,
    )


def pending_subscription(token: str) -> NewsletterSubscriber | None:
    subscriber = db.session.scalar(
        select(NewsletterSubscriber).where(
            NewsletterSubscriber.confirm_token_hash == hash_token(token)
        )
    )
    if subscriber is None or subscriber.confirm_expires_at <= utcnow():
        return None
    return subscriber


def confirm_subscription(subscriber: NewsletterSubscriber) -> None:
    """Use the confirmation link: the address is subscribed and the link stops working."""
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = utcnow()
    subscriber.confirm_token_hash = None
    subscriber.confirm_expires_at = None


def subscriber_for_unsubscribe(subscriber_id: int, token: str) -> NewsletterSubscriber | None:
    subscriber = db.session.get(NewsletterSubscriber, subscriber_id)
    if subscriber is None or not hmac.compare_digest(unsubscribe_token(subscriber), token):
        return None
    return subscriber


def unsubscribe(subscriber: NewsletterSubscriber) -> None:
    """Forget the address entirely."""
    db.session.delete(subscriber)


def expired_subscriptions() -> list[int]:
    """The addresses whose confirmation link expired unused."""
    return list(
        db.session.scalars(
            select(NewsletterSubscriber.id).where(
                NewsletterSubscriber.status == SubscriberStatus.PENDING,
                NewsletterSubscriber.confirm_expires_at < utcnow(),
            )
        )
    )


def forget_subscription(subscriber_id: int) -> bool:
    """Delete an address still unconfirmed; say whether it did."""
    result = db.session.execute(
        delete(NewsletterSubscriber).where(
            NewsletterSubscriber.id == subscriber_id,
            NewsletterSubscriber.status == SubscriberStatus.PENDING,
            NewsletterSubscriber.confirm_expires_at < utcnow(),
        )
    )
    return result.rowcount == 1
