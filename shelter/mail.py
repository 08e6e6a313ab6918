"""Outgoing email: SMTP when configured, otherwise ``.eml`` files in ``instance/outbox/``."""

import logging
import smtplib
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)


def render_mail(template: str, language: str, **context) -> tuple[str, str]:
    """Render ``templates/mail/<template>.txt`` in ``language``: first line subject, rest body."""
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return subject.removeprefix("Subject:").strip(), body.strip() + "\n"


def send_mail(
    recipients: str | list[str],
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """Send one message and return it; a delivery failure keeps it in the outbox."""
    message = build_message(recipients, subject, body, headers)
    config = current_app.config
    if not config["MAIL_SERVER"]:
        _write_to_outbox(message)
        return message
    try:
        _send_smtp(message, config)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %s; kept in the outbox", message["Message-ID"])
        _write_to_outbox(message)
    return message


def build_message(
    recipients: str | list[str], subject: str, body: str, headers: Mapping[str, str] | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = recipients if isinstance(recipients, str) else ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def _sender_domain() -> str:
    sender = current_app.config["MAIL_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(">").strip() or "localhost"


def _send_smtp(message: EmailMessage, config: Mapping) -> None:
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def outbox_path() -> Path:
    return Path(current_app.instance_path) / "outbox"


def _write_to_outbox(message: EmailMessage) -> Path:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    return path
