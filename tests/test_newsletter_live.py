"""Sending a newsletter issue under real concurrency: coordinators pressing Send at once."""

import html

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import AuditEntry, NewsletterIssue, QueuedMail
from tests.factories import make_issue, make_subscriber, make_user
from tests.live import gunicorn_server
from tests.test_capacity_live import logged_in_clients, race

pytestmark = pytest.mark.server

PRESSES = 12


def test_coordinators_pressing_send_at_once_send_the_issue_once(
    migrated_database, tmp_path, coordinator
):
    coordinators = [coordinator, make_user(role="coordinator", name="Dominique")]
    for name in ("ana", "ben", "chloe"):
        make_subscriber(f"{name}@example.org")
    make_subscriber("pending@example.org", status="pending")
    issue = make_issue()
    payloads = [{"confirm": "y"}] * PRESSES
    with gunicorn_server(migrated_database, tmp_path / "live", workers=4) as base_url:
        clients = logged_in_clients(base_url, coordinators, per_coordinator=3)
        responses = race(clients, f"/gestion/newsletter/numeros/{issue.id}/envoyer", payloads)
        log = (tmp_path / "live" / "gunicorn.log").read_text()
    db.session.rollback()  # see what the server committed, not an older snapshot

    statuses = [response.status for response in responses]
    assert not [status for status in statuses if status >= 500], log
    assert statuses.count(302) == 1
    assert statuses.count(409) == PRESSES - 1
    for response in responses:
        if response.status == 409:
            assert "il ne part pas une deuxième fois" in html.unescape(response.text)
    assert db.session.get(NewsletterIssue, issue.id).recipient_count == 3
    assert sorted(db.session.scalars(select(QueuedMail.recipients))) == [
        ["ana@example.org"],
        ["ben@example.org"],
        ["chloe@example.org"],
    ]
    sends = select(func.count()).where(AuditEntry.action == "newsletter.send")
    assert db.session.scalar(sends) == 1
