"""Newsletter subscriptions: double opt-in, one-click unsubscription, forgetting."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from shelter.auth.services import normalise_email
from shelter.clock import utcnow
from shelter.extensions import db
from shelter.mail import queue_mail, render_mail
from shelter.models import NewsletterSubscriber, SubscriberStatus, hash_token
from shelter.public.settings.services import site_settings
from shelter.urls import external_url


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
