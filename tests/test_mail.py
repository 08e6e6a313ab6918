"""The mail queue: messages go out after the commit, are retried, and are sent once."""

import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import event, func, select

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.mail import outbox_path, queue_mail, stop_delivery
from shelter.mail.delivery import deliver, retry_delay
from shelter.models import QueuedMail, SignUp
from shelter.work import each_in_its_own_unit, unit_of_work
from tests.conftest import free_port, smtp_server_on
from tests.factories import make_night, make_shift_type, make_user


def queue(count: int = 1, **fields) -> None:
    with unit_of_work():
        for number in range(count):
            queue_mail(f"person{number}@example.org", f"Sujet {number}", "Corps\n", **fields)


def queued() -> list[QueuedMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(QueuedMail).order_by(QueuedMail.id)))


def send_mail(app, *args):
    result = app.test_cli_runner().invoke(args=["send-mail", *args])
    assert result.exit_code == 0, result.output
    return result.output


def make_due(mails) -> None:
    for mail in mails:
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def closed_port(app):
    """Point the app at a port where nothing listens."""
    app.config["MAIL_PORT"] = free_port()
    return app.config["MAIL_PORT"]


# --- After the commit ---------------------------------------------------------------------------


def test_a_committed_message_reaches_the_server_and_is_marked_sent(app, mailbox):
    with unit_of_work():
        queue_mail(
            "quelqu.un@example.org",
            "Sujet accentué é",
            "Corps du message\n",
            headers={"List-Unsubscribe": "<https://x>"},
            language="en",
        )
    [message] = mailbox.messages
    assert message["To"] == "quelqu.un@example.org"
    assert message["Subject"] == "Sujet accentué é"
    assert message["List-Unsubscribe"] == "<https://x>"
    assert message["Content-Language"] == "en"
    assert "Corps du message" in mailbox.body(message)
    [mail] = queued()
    assert mail.sent_at is not None and mail.attempts == 1 and mail.claimed_by is None
    assert message["Message-ID"] == mail.message_id


def test_a_refused_change_queues_and_sends_nothing(app, mailbox):
    with pytest.raises(DomainError), unit_of_work():
        queue_mail("quelqu.un@example.org", "Sujet", "Corps\n")
        raise DomainError("non")
    queue(1)
    assert [message["To"] for message in mailbox.messages] == ["person0@example.org"]
    assert len(queued()) == 1


def test_a_change_whose_commit_fails_sends_nothing(coordinator_client, volunteer, mailbox):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts

    def fail(session):
        raise RuntimeError("the database went away")

    event.listen(db.session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            coordinator_client.post(
                f"/services/{shift.id}/affecter", data={"user_id": volunteer.id}
            )
    finally:
        event.remove(db.session, "before_commit", fail)
    db.session.rollback()
    assert mailbox.messages == []
    assert queued() == []
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 0


def test_a_batch_goes_through_one_connection(app, mailbox):
    queue(5)
    assert len(mailbox.messages) == 5
    assert len(mailbox.connections) == 1


def test_an_html_part_goes_as_an_alternative_to_the_text(app, mailbox):
    with unit_of_work():
        queue_mail("quelqu.un@example.org", "Sujet", "Texte\n", html="<p>Page</p>\n", language="en")
    [message] = mailbox.messages
    assert message.get_content_type() == "multipart/alternative"
    assert message["Content-Language"] == "en"
    assert message.get_body(("plain",)).get_content().strip() == "Texte"
    assert message.get_body(("html",)).get_content().strip() == "<p>Page</p>"


def test_bulk_mail_is_left_to_send_mail_which_sends_it_in_batches(app, mailbox):
    """A newsletter never holds up the other messages of the app's delivery thread."""
    app.config["MAIL_BATCH_SIZE"] = 2
    with unit_of_work():
        for number in range(5):
            queue_mail(f"abonne{number}@example.org", "Newsletter", "Corps\n", bulk=True)
        queue_mail("urgent@example.org", "Mot de passe", "Corps\n")
    assert [message["To"] for message in mailbox.messages] == ["urgent@example.org"]
    assert "5 message(s) sent, 0 failed" in send_mail(app)
    assert len(mailbox.messages) == 6  # in three batches of two
    assert all(mail.sent_at for mail in queued())


def test_without_a_server_mail_goes_to_the_outbox(app, mailbox):
    app.config["MAIL_SERVER"] = ""
    queue(1, headers={"List-Unsubscribe": "<https://x>"})
    [path] = list(outbox_path().glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Sujet 0"
    assert message["List-Unsubscribe"] == "<https://x>"
    assert mailbox.messages == []
    assert queued()[0].sent_at is not None


def test_the_response_does_not_wait_for_a_slow_server(app, client, volunteer):
    """In the background (the default), the request answers before the server accepts."""
    app.config["MAIL_DELIVER_IN_BACKGROUND"] = True
    with smtp_server_on(port := free_port(), delay=2) as slow:
        app.config["MAIL_PORT"] = port
        started = time.monotonic()
        response = client.post("/mot-de-passe-oublie", data={"email": volunteer.email})
        answered = time.monotonic() - started
        assert response.status_code == 302
        assert answered < 1.5
        assert slow.messages == []
        [message] = slow.wait_for(volunteer.email)
    assert "mot de passe" in message["Subject"].lower()


def test_stopping_the_app_finishes_what_was_handed_over(app):
    app.config["MAIL_DELIVER_IN_BACKGROUND"] = True
    with smtp_server_on(port := free_port(), delay=0.3) as slow:
        app.config["MAIL_PORT"] = port
        queue(3)
        stop_delivery(app, timeout=10)
        assert len(slow.messages) == 3
    assert all(mail.sent_at for mail in queued())


# --- Failures and retries -----------------------------------------------------------------------


def test_an_unreachable_server_keeps_the_message_for_later(app, closed_port, caplog):
    queue(2)
    mails = queued()
    assert [mail.sent_at for mail in mails] == [None, None]
    assert [mail.attempts for mail in mails] == [1, 1]
    assert "ConnectionRefusedError" in mails[0].last_error
    assert mails[0].next_attempt_at > utcnow() + timedelta(seconds=50)
    assert mails[0].claimed_by is None
    assert "it stays queued" in caplog.text

    with smtp_server_on(closed_port) as mailbox:
        assert send_mail(app) == ""  # not due yet: nothing tried
        make_due(mails)
        assert "2 message(s) sent, 0 failed" in send_mail(app)
        assert send_mail(app) == ""
    assert sorted(message["To"] for message in mailbox.messages) == [
        "person0@example.org",
        "person1@example.org",
    ]
    assert [(mail.attempts, mail.last_error) for mail in queued()] == [(2, None), (2, None)]


def test_retries_wait_longer_each_time_up_to_a_limit(app):
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 10)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_a_refused_recipient_does_not_stop_the_batch(app, mailbox):
    mailbox.refused.add("gone@example.org")
    with unit_of_work():
        queue_mail("gone@example.org", "Sujet", "Corps\n")
        queue_mail("ok@example.org", "Sujet", "Corps\n")
    assert [message["To"] for message in mailbox.messages] == ["ok@example.org"]
    assert len(mailbox.connections) == 1
    refused = queued()[0]
    assert refused.sent_at is None and refused.attempts == 1 and refused.last_error


# --- Several senders ----------------------------------------------------------------------------


def test_a_message_claimed_by_another_sender_is_left_to_it(app, closed_port):
    queue(2)
    first, second = queued()
    make_due([first, second])
    first.claimed_by, first.claimed_until = "elsewhere:1:x", utcnow() + timedelta(minutes=5)
    second.claimed_by, second.claimed_until = "crashed:2:y", utcnow() - timedelta(seconds=1)
    db.session.commit()
    with smtp_server_on(closed_port) as mailbox:
        assert deliver().sent == 1
    assert [message["To"] for message in mailbox.messages] == ["person1@example.org"]


def test_senders_running_at_once_send_each_message_once(app, closed_port):
    app.config["MAIL_BATCH_SIZE"] = 2
    queue(12)
    make_due(queued())
    with smtp_server_on(closed_port, delay=0.05) as mailbox:
        results = []

        def sender():
            with app.app_context():
                results.append(deliver())

        threads = [threading.Thread(target=sender) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    recipients = sorted(message["To"] for message in mailbox.messages)
    assert recipients == sorted(f"person{number}@example.org" for number in range(12))
    assert sum(result.sent for result in results) == 12
    assert all(mail.sent_at is not None for mail in queued())


# --- Inspection and upkeep ----------------------------------------------------------------------


def test_status_counts_each_state_and_lists_the_failures(app, closed_port):
    queue(3)
    mails = queued()
    mails[0].attempts, mails[0].last_error = 0, None
    mails[1].claimed_by, mails[1].claimed_until = "elsewhere:1:x", utcnow() + timedelta(minutes=5)
    db.session.commit()
    output = send_mail(app, "--status")
    assert "queued    1" in output
    assert "sending   1" in output
    assert "retrying  1" in output
    assert "sent      0" in output
    assert "ConnectionRefusedError" in output


def test_sent_messages_are_forgotten_after_the_setting(app, mailbox, closed_port):
    queue(1)
    old_unsent = queued()[0]
    old_unsent.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    app.config["MAIL_SERVER"] = ""
    queue(2)
    old, recent = queued()[1:]
    old.sent_at = utcnow() - timedelta(days=31)
    recent.sent_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert "1 sent more than 30 days ago forgotten" in send_mail(app)
    assert [mail.id for mail in queued()] == [old_unsent.id, recent.id]


def test_check_deploy_prints_the_cron_line_and_warns_of_old_failures(app, closed_port):
    queue(1)
    output = app.test_cli_runner().invoke(args=["check-deploy"]).output
    assert "send-mail" in output
    assert "[  ok] mail queue" in output
    mail = queued()[0]
    mail.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["check-deploy"]).output
    assert "[warn] mail queue: 1 message(s) failing for over an hour" in output
    assert "ConnectionRefusedError" in output


# --- Cron jobs, one unit of work per item -------------------------------------------------------


def test_a_failing_item_is_undone_and_the_others_are_done(app, mailbox):
    users = [make_user(name=f"P{number}") for number in range(3)]

    def rename(user_id: int) -> bool:
        user = db.session.get(type(users[0]), user_id)
        user.name = "Renamed"
        queue_mail(user.email, "Sujet", "Corps\n")
        if user_id == users[1].id:
            raise RuntimeError("this one breaks")
        return True

    outcome = each_in_its_own_unit([user.id for user in users], rename)
    assert (outcome.done, outcome.failed) == (2, 1)
    db.session.expire_all()
    assert [user.name for user in users] == ["Renamed", "P1", "Renamed"]
    assert sorted(message["To"] for message in mailbox.messages) == sorted(
        [users[0].email, users[2].email]
    )
