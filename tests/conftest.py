"""Fixtures: the app on a fresh database per test, a real SMTP server, users of each role."""

import asyncio
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import exists, literal, select, text, union_all

from shelter import ROOT, create_app
from shelter.extensions import db
from shelter.mail import stop_delivery
from shelter.security import start_session_clock
from tests.factories import make_user

TRANSLATIONS = ROOT / "shelter" / "translations"
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-production"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server receives; ``delay`` seconds before accepting each message."""

    def __init__(self, delay: float = 0) -> None:
        self.delay = delay
        self.messages: list[EmailMessage] = []
        self.connections: set[tuple] = set()
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        self.connections.add(session.peer)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in message["To"]]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> list[EmailMessage]:
        """The messages to ``address`` once ``count`` arrived (a server sends after answering)."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.to(address)

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile the translation catalogues, so that a bare ``pytest`` sees the current ones."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalogue)


@contextmanager
def smtp_server_on(port: int, delay: float = 0) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1:``port`` while the block runs."""
    mailbox = Mailbox(delay)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def smtp_server():
    port = free_port()
    with smtp_server_on(port) as mailbox:
        yield mailbox, port


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    mailbox, _ = smtp_server
    mailbox.messages.clear()
    mailbox.connections.clear()
    mailbox.refused.clear()
    return mailbox


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("SHELTER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'shelter-test.sqlite'}"


def make_config(database_url: str, instance_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://shelter.test",
        "RATELIMIT_ENABLED": False,
        # A request's mail goes out before its response, so a test reads it right after.
        "MAIL_DELIVER_IN_BACKGROUND": False,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory) -> str:
    """Build the schema once per run, through the migrations."""
    app = create_app(make_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_database() -> None:
    """Leave the database as the migrations made it: no rows, identities from 1 again.

    On PostgreSQL, only the tables a test wrote to are emptied, with DELETE rather than
    TRUNCATE (which rewrites every table's files and costs half a second a test)."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name != "postgresql":
            for table in reversed(tables):
                connection.execute(table.delete())
            return
        probes = union_all(
            *(select(literal(table.name)).where(exists().select_from(table)) for table in tables)
        )
        written = set(connection.execute(probes).scalars())
        for table in reversed(tables):
            if table.name in written:
                connection.execute(table.delete())
        connection.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false)"
                " FROM pg_sequences WHERE last_value IS NOT NULL"
            )
        )


@pytest.fixture
def app_config(migrated_database, tmp_path, smtp_server) -> dict:
    """The test app's settings; a test may change them before asking for ``app``."""
    _, port = smtp_server
    return make_config(
        migrated_database,
        tmp_path / "instance",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        stop_delivery(app, timeout=5)
        db.session.remove()
        empty_database()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def login_as(client, user) -> None:
    """Put ``user`` in the client's session, as the login form would."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        start_session_clock(session)


@pytest.fixture
def coordinator(app):
    return make_user(role="coordinator", name="Camille", email="camille@example.org")


@pytest.fixture
def volunteer(app):
    return make_user(role="volunteer", name="Alex", email="alex@example.org")


@pytest.fixture
def other_volunteer(app):
    return make_user(role="volunteer", name="Sam", email="sam@example.org")


@pytest.fixture
def coordinator_client(client, coordinator):
    login_as(client, coordinator)
    return client


@pytest.fixture
def volunteer_client(client, volunteer):
    login_as(client, volunteer)
    return client
