"""Outgoing email through a queue in the database (a transactional outbox).

Services write a message with :func:`render_mail` and add it to the queue with
:func:`queue_mail`, in the transaction of the change it announces: a change that is rolled
back sends nothing, a committed change always has its messages. Services never talk to the
mail server.

Once the unit of work commits (``shelter.work``), it calls :func:`release_queued_mail`: the
messages are delivered by a thread of the app process, on its own database connection, so the
response never waits for the mail server and no lock is held while it answers. What that
thread could not send (server down, process stopped) stays queued, and ``flask --app shelter
send-mail``, run from cron every minute, sends it with retries (``shelter.mail.delivery``).

A batch of messages, such as a newsletter, is one :func:`queue_mail` call per recipient in
one unit of work, each with its own headers (``List-Unsubscribe``), marked ``bulk``: they are
left to ``send-mail``, which sends them in batches of ``MAIL_BATCH_SIZE`` over one SMTP
connection each, so that a thousand of them never hold up the delivery thread that sends the
other requests' messages (a password reset, a shift change).
"""

from collections.abc import Mapping

from flask import Flask, current_app, render_template
from sqlalchemy import inspect

from shelter.extensions import db
from shelter.i18n import current_language, force_language
from shelter.mail.courier import Courier
from shelter.mail.delivery import message_id_for, outbox_path
from shelter.models import QueuedMail

__all__ = [
    "init_app",
    "outbox_path",
    "queue_mail",
    "release_queued_mail",
    "render_mail",
    "stop_delivery",
]

# The messages queued in the session's current transaction, released after its commit.
_QUEUED = "shelter.queued_mail"
_COURIER = "shelter.mail"


def init_app(app: Flask) -> None:
    from shelter.mail.commands import send_mail_command

    app.extensions[_COURIER] = Courier(app)
    app.cli.add_command(send_mail_command)


def render_mail(template: str, language: str, **context) -> tuple[str, str]:
    """Render ``templates/mail/<template>.txt`` in ``language``: first line subject, rest body."""
    with force_language(language):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return subject.removeprefix("Subject:").strip(), body.strip() + "\n"


def queue_mail(
    recipients: str | list[str],
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
    html: str | None = None,
    bulk: bool = False,
) -> QueuedMail:
    """Add a message to the queue, in the current transaction; it goes out after the commit.

    ``headers`` are added to the message as they are (e.g. ``List-Unsubscribe``);
    ``language`` is the language it is written in (the current one by default); ``html``, when
    given, is sent as an alternative to the plain text ``body``. A ``bulk`` message is left to
    ``send-mail`` (within a minute) instead of the app's delivery thread.
    """
    mail = QueuedMail(
        recipients=[recipients] if isinstance(recipients, str) else list(recipients),
        subject=subject,
        body=body,
        html_body=html,
        headers=dict(headers or {}),
        language=language or current_language(),
        message_id=message_id_for(current_app.config["MAIL_SENDER"]),
    )
    db.session.add(mail)
    if not bulk:
        db.session.info.setdefault(_QUEUED, []).append(mail)
    return mail


def release_queued_mail() -> None:
    """Hand the messages of the transaction that just committed to delivery."""
    queued = db.session.info.pop(_QUEUED, [])
    # A message whose transaction was rolled back has no identity any more: it never existed.
    ids = [state.identity[0] for state in map(inspect, queued) if state.identity is not None]
    if ids:
        current_app.extensions[_COURIER].hand_over(ids)


def stop_delivery(app: Flask, timeout: float) -> None:
    """Let the delivery thread finish what it was given, for at most ``timeout`` seconds."""
    app.extensions[_COURIER].stop(timeout)
