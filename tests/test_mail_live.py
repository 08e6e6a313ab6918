"""Mail under gunicorn: a slow or dead mail server holds up no one, and no message is lost."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from shelter.clock import local_today
from shelter.extensions import db
from shelter.models import QueuedMail, Shift
from tests.conftest import free_port, smtp_server_on
from tests.factories import DEFAULT_PASSWORD, make_night, make_shift_type, make_user
from tests.live import LiveClient, flask_command, gunicorn_server

pytestmark = pytest.mark.server

SIGN_UPS = 10
# Far below the server's 5 s per message: a request that waited for it could not be this quick.
QUICK = 2.5


def queued_mail() -> list[QueuedMail]:
    db.session.rollback()  # end the test's snapshot: read what the servers wrote
    return list(db.session.scalars(select(QueuedMail).order_by(QueuedMail.id)))


def logged_in(base_url: str, user) -> LiveClient:
    client = LiveClient(base_url)
    client.login(user.email, DEFAULT_PASSWORD)
    return client


def timed_post(client: LiveClient, path: str, data: dict) -> tuple[int, float]:
    started = time.monotonic()
    response = client.request("POST", path, data)
    return response.status, time.monotonic() - started


def test_sign_ups_go_through_while_the_mail_server_stalls(app, migrated_database, tmp_path):
    coordinator = make_user(role="coordinator", name="Camille")
    assigned = make_user(name="Alex", email="alex@example.org")
    shift_type = make_shift_type(minimum=1, maximum=2)
    first_day = local_today() + timedelta(days=10)
    nights = [
        make_night(first_day + timedelta(days=number), shift_types=[shift_type])
        for number in range(SIGN_UPS + 1)
    ]
    target, *others = [night.shifts[0] for night in nights]
    volunteers = [make_user() for _ in range(SIGN_UPS)]

    with (
        smtp_server_on(port := free_port(), delay=5) as stalling,
        gunicorn_server(
            migrated_database, tmp_path / "live", workers=4, MAIL_SERVER="127.0.0.1", MAIL_PORT=port
        ) as base_url,
    ):
        coordination = logged_in(base_url, coordinator)
        assign = (
            coordination,
            f"/services/{target.id}/affecter",
            {"user_id": assigned.id, "csrf_token": coordination.csrf_token("/ce-qui-manque")},
        )
        sign_ups = []
        for volunteer, shift in zip(volunteers, others, strict=True):
            client = logged_in(base_url, volunteer)
            path = f"/services/{shift.id}/inscription"
            sign_ups.append((client, path, {"csrf_token": client.csrf_token("/ce-qui-manque")}))
        start = threading.Barrier(SIGN_UPS + 1)

        def race(request):
            start.wait(timeout=60)
            return timed_post(*request)

        with ThreadPoolExecutor(max_workers=SIGN_UPS + 1) as pool:
            results = list(pool.map(race, [assign, *sign_ups]))
        arrived_during_the_requests = list(stalling.messages)
        [message] = stalling.wait_for(assigned.email, timeout=30)

    assert [status for status, _ in results] == [302] * (SIGN_UPS + 1)
    slowest = max(duration for _, duration in results)
    assert slowest < QUICK, f"a request took {slowest:.1f} s"
    assert arrived_during_the_requests == []
    assert "Repas" in message["Subject"]
    db.session.rollback()
    assert [db.session.get(Shift, shift.id).signup_count for shift in (target, *others)] == [1] * (
        SIGN_UPS + 1
    )
    [mail] = queued_mail()
    assert mail.sent_at is not None and mail.attempts == 1


def test_mail_waits_for_a_dead_server_and_send_mail_delivers_each_message_once(
    app, migrated_database, tmp_path
):
    coordinator = make_user(role="coordinator", name="Camille")
    for _ in range(5):
        make_user()
    invited = make_user(name="Invitée", email="invitee@example.org", password=None)
    night = make_night(local_today() + timedelta(days=3), shift_types=[make_shift_type(minimum=2)])
    port = free_port()  # nothing listens there yet
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_RETRY_SECONDS": 1,
        "MAIL_BATCH_SIZE": 2,
    }
    instance = tmp_path / "live"

    with gunicorn_server(migrated_database, instance, workers=2, **settings) as base_url:
        coordination = logged_in(base_url, coordinator)
        visitor = LiveClient(base_url)
        actions = [
            (
                coordination,
                "/gestion/comptes",
                {"email": "nouvelle@example.org", "name": "Nouvelle", "role": "volunteer"}
                | {"language": "fr"},
            ),
            (coordination, f"/gestion/comptes/{invited.id}/reinviter", {}),
            (coordination, f"/ce-qui-manque/nuits/{night.id}/appel", {}),
            (visitor, "/newsletter", {"email": "lecteur@example.org", "consent": "y"}),
        ]
        answers = []
        for client, path, data in actions:
            token = client.csrf_token("/gestion/comptes" if client is coordination else path)
            answers.append(timed_post(client, path, {**data, "csrf_token": token}))
        deadline = time.monotonic() + 20
        while not all(mail.attempts for mail in queued_mail()) and time.monotonic() < deadline:
            time.sleep(0.1)

    assert [status for status, _ in answers] == [302] * len(actions)
    assert max(duration for _, duration in answers) < QUICK
    mails = queued_mail()
    recipients = sorted(recipient for mail in mails for recipient in mail.recipients)
    assert "nouvelle@example.org" in recipients and "lecteur@example.org" in recipients
    assert recipients.count(invited.email) == 2  # the invitation again, and the call for help
    assert len(mails) >= 9
    for mail in mails:
        assert (mail.sent_at, mail.attempts) == (None, 1)
        assert "ConnectionRefusedError" in mail.last_error

    time.sleep(1.5)  # the first retry is due after MAIL_RETRY_SECONDS
    with smtp_server_on(port, delay=0.2) as mailbox:
        senders = [flask_command(migrated_database, instance, "send-mail", **settings)]
        senders.append(flask_command(migrated_database, instance, "send-mail", **settings))
        outputs = [sender.communicate(timeout=120)[0] for sender in senders]
        again = flask_command(migrated_database, instance, "send-mail", **settings)
        outputs.append(again.communicate(timeout=120)[0])

    assert [sender.returncode for sender in (*senders, again)] == [0, 0, 0]
    sent_per_run = [_sent_count(output) for output in outputs]
    assert sum(sent_per_run) == len(mails), outputs
    assert sent_per_run[2] == 0
    received = sorted(message["Message-ID"] for message in mailbox.messages)
    assert received == sorted(mail.message_id for mail in mails)
    assert sorted(message["To"] for message in mailbox.messages) == recipients
    assert all(mail.sent_at is not None and mail.attempts == 2 for mail in queued_mail())


def _sent_count(output: str) -> int:
    """The number of messages a ``send-mail`` run reports (it says nothing when idle)."""
    for line in output.splitlines():
        if "message(s) sent" in line:
            return int(line.split()[0])
    return 0
