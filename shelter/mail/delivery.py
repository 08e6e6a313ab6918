"""Sending the queued messages: claim a batch, send it over one connection, record each outcome.

Several senders may run at once (the app's delivery threads, ``send-mail`` on several
machines): a message is claimed by one of them only, with a guarded conditional UPDATE (and
``FOR UPDATE SKIP LOCKED`` on PostgreSQL) in a short transaction of its own. No transaction is
open while the mail server answers. A claim lasts ``MAIL_CLAIM_SECONDS`` and is renewed after
every message sent; a sender that dies leaves its claim to expire, and the message is sent by
the next one. A message is marked sent as soon as the server accepts it, so it goes out once
(only a crash between the server's answer and that mark can send it twice).
"""

import logging
import os
import secrets
import smtplib
import socket
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import Row, and_, case, delete, func, or_, select, update

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import MailState, QueuedMail

log = logging.getLogger(__name__)

MAIL = QueuedMail.__table__
# What a sender needs to build a message, read back by the claim itself.
_CLAIMED_COLUMNS = (
    MAIL.c.id,
    MAIL.c.recipients,
    MAIL.c.subject,
    MAIL.c.body,
    MAIL.c.html_body,
    MAIL.c.headers,
    MAIL.c.language,
    MAIL.c.message_id,
    MAIL.c.created_at,
    MAIL.c.attempts,
)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


def message_id_for(sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    return make_msgid(domain=domain)


def outbox_path() -> Path:
    return Path(current_app.instance_path) / "outbox"


def deliver(
    ids: Collection[int] | None = None, should_stop: Callable[[], bool] = lambda: False
) -> Delivery:
    """Send the messages due now (only those of ``ids`` when given); return the counts.

    ``should_stop`` is asked before each message; when it answers yes, the messages claimed
    but not sent yet are given back to the queue.
    """
    config = current_app.config
    sender = _sender_name()
    # Messages that fail get a next attempt after this instant, so one run tries each once.
    started = utcnow()
    delivery = Delivery()
    while not should_stop():
        batch = _claim(sender, started, ids, config["MAIL_BATCH_SIZE"])
        if not batch:
            break
        _send_batch(batch, sender, delivery, should_stop)
    return delivery


def _sender_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])


def _claimable(now: datetime):
    return and_(
        MAIL.c.sent_at.is_(None),
        or_(MAIL.c.claimed_until.is_(None), MAIL.c.claimed_until <= now),
    )


def _claim(sender: str, due_by: datetime, ids: Collection[int] | None, limit: int) -> list[Row]:
    now = utcnow()
    due = select(MAIL.c.id).where(_claimable(now), MAIL.c.next_attempt_at <= due_by)
    if ids is not None:
        due = due.where(MAIL.c.id.in_(ids))
    due = (
        due.order_by(MAIL.c.next_attempt_at, MAIL.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has a single writer anyway
    )
    with db.engine.begin() as connection:
        rows = connection.execute(
            update(MAIL)
            .where(MAIL.c.id.in_(due), _claimable(now))
            .values(claimed_by=sender, claimed_until=now + _lease())
            .returning(*_CLAIMED_COLUMNS)
        ).all()
    return sorted(rows, key=lambda row: row.id)


def _send_batch(
    batch: Sequence[Row], sender: str, delivery: Delivery, should_stop: Callable[[], bool]
) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        for mail in batch:
            _write_to_outbox(mail, config)
            _mark_sent(sender, mail.id)
            delivery.sent += 1
        return
    try:
        connection = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        _mark_failed(sender, batch, error)
        delivery.failed += len(batch)
        return
    try:
        for index, mail in enumerate(batch):
            if should_stop():
                _give_back(sender)
                return
            try:
                connection.send_message(build_message(mail, config))
            except (OSError, smtplib.SMTPException) as error:
                if _connection_still_usable(error):
                    _mark_failed(sender, [mail], error)
                    delivery.failed += 1
                    continue
                _mark_failed(sender, batch[index:], error)
                delivery.failed += len(batch) - index
                return
            _mark_sent(sender, mail.id)
            delivery.sent += 1
    finally:
        _close(connection)


def _connect(config: Mapping) -> smtplib.SMTP:
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    connection = smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    )
    try:
        if config["MAIL_USE_TLS"]:
            connection.starttls()
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _connection_still_usable(error: Exception) -> bool:
    """Whether the server refused this message only (the next one may go through)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    refused = (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
    return isinstance(error, refused) and error.smtp_code != 421  # 421: closing the connection


def build_message(mail: Row, config: Mapping) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    # Before Content-Language: making the message multipart moves every Content-* header.
    message.set_content(mail.body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    message["Content-Language"] = mail.language
    for name, value in (mail.headers or {}).items():
        message[name] = value
    return message


def _write_to_outbox(mail: Row, config: Mapping) -> Path:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mail.created_at:%Y%m%d-%H%M%S}-{mail.id}.eml"
    path.write_bytes(bytes(build_message(mail, config)))
    return path


def _mark_sent(sender: str, mail_id: int) -> None:
    now = utcnow()
    with db.engine.begin() as connection:
        marked = connection.execute(
            update(MAIL)
            .where(MAIL.c.id == mail_id, MAIL.c.claimed_by == sender)
            .values(
                sent_at=now,
                attempts=MAIL.c.attempts + 1,
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
        ).rowcount
        _renew_claim(connection, sender, now)
    if not marked:
        log.warning("mail %s was sent after its claim expired; it may go out twice", mail_id)


def _mark_failed(sender: str, mails: Sequence[Row], error: Exception) -> None:
    now = utcnow()
    reason = f"{type(error).__name__}: {error}"[:500]
    log.warning("could not send mail %s (%s); it stays queued", [m.id for m in mails], reason)
    with db.engine.begin() as connection:
        for mail in mails:
            connection.execute(
                update(MAIL)
                .where(MAIL.c.id == mail.id, MAIL.c.claimed_by == sender)
                .values(
                    attempts=MAIL.c.attempts + 1,
                    last_error=reason,
                    next_attempt_at=now + retry_delay(mail.attempts + 1),
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        _renew_claim(connection, sender, now)


def _renew_claim(connection, sender: str, now: datetime) -> None:
    """Keep the rest of the batch: this sender is still at work on it."""
    connection.execute(
        update(MAIL)
        .where(MAIL.c.claimed_by == sender, MAIL.c.sent_at.is_(None))
        .values(claimed_until=now + _lease())
    )


def _give_back(sender: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(MAIL)
            .where(MAIL.c.claimed_by == sender, MAIL.c.sent_at.is_(None))
            .values(claimed_by=None, claimed_until=None)
        )


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failure: doubling, capped."""
    config = current_app.config
    first, longest = config["MAIL_RETRY_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"]
    return timedelta(seconds=max(1, min(first * 2 ** (attempts - 1), longest)))


# --- inspection and upkeep ---------------------------------------------------------------------


def count_by_state(now: datetime | None = None) -> dict[MailState, int]:
    """Count the queue's messages in each state."""
    now = now or utcnow()
    state = case(
        (MAIL.c.sent_at.is_not(None), MailState.SENT.value),
        (MAIL.c.claimed_until > now, MailState.SENDING.value),
        (MAIL.c.attempts > 0, MailState.RETRYING.value),
        else_=MailState.QUEUED.value,
    )
    counts = dict.fromkeys(MailState, 0)
    with db.engine.connect() as connection:
        for name, count in connection.execute(select(state, func.count()).group_by(state)):
            counts[MailState(name)] = count
    return counts


def failing_since(age: timedelta, now: datetime | None = None) -> list[Row]:
    """The messages still unsent after failing, queued more than ``age`` ago, oldest first."""
    now = now or utcnow()
    with db.engine.connect() as connection:
        return connection.execute(
            select(MAIL.c.id, MAIL.c.created_at, MAIL.c.attempts, MAIL.c.last_error)
            .where(MAIL.c.sent_at.is_(None), MAIL.c.attempts > 0, MAIL.c.created_at <= now - age)
            .order_by(MAIL.c.created_at, MAIL.c.id)
        ).all()


def forget_sent(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete the messages sent more than ``older_than`` ago; return how many."""
    now = now or utcnow()
    with db.engine.begin() as connection:
        return connection.execute(delete(MAIL).where(MAIL.c.sent_at < now - older_than)).rowcount
