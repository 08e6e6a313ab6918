"""Reminders and warnings from cron, and the emails of a cancelled night."""

import itertools
from datetime import date, timedelta

from sqlalchemy import func, select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import NightNotice, Shift, ShiftType, SignUp
from shelter.shifts import notifications
from shelter.shifts.notifications import notify_night_cancelled
from shelter.work import unit_of_work
from tests.factories import (
    make_night,
    make_shift_type,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import french, links_in, path_of

_days = itertools.count()


def starting_in(hours: float, shift_types) -> Shift:
    """A night whose first shift starts ``hours`` from now."""
    # Times are set by hand below; distinct dates keep one night per place and date.
    night = make_night(date.today() + timedelta(days=30 + next(_days)), shift_types=shift_types)
    shift = night.shifts[0]
    shift.starts_at = utcnow() + timedelta(hours=hours)
    shift.ends_at = shift.starts_at + timedelta(hours=3)
    db.session.commit()
    return shift


def run(app, command="send-reminders"):
    result = app.test_cli_runner().invoke(args=[command])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_are_sent_exactly_once(app, volunteer, other_volunteer, mailbox):
    soon = starting_in(20, [make_shift_type(minimum=1)])
    soon.night.note = "Clé dans la boîte"
    db.session.commit()
    make_stay(soon.night, places=2, alias="Yasmina", note="sans porc")
    later = starting_in(40, [make_shift_type(minimum=1)])
    make_signup(soon, volunteer)
    make_signup(soon, other_volunteer)
    make_signup(later, volunteer)

    assert "2 reminder(s) sent" in run(app)
    assert "0 reminder(s) sent" in run(app)
    assert len(mailbox.messages) == 2
    [message] = mailbox.to(volunteer.email)
    assert message["Subject"].startswith(french("Rappel : Repas"))
    body = mailbox.body(message)
    assert "Rue Test 1" in body and "Clé dans la boîte" in body and "Sam" in body
    assert french("Personnes accueillies prévues : 2") in body
    assert "Yasmina" not in body and "porc" not in body
    assert [path_of(link) for link in links_in(body)] == ["/mes-services"]
    assert (
        db.session.scalar(
            select(func.count()).select_from(SignUp).where(SignUp.reminded_at.is_not(None))
        )
        == 2
    )


def test_a_reminder_that_fails_leaves_the_others_sent_and_is_retried(
    app, volunteer, other_volunteer, mailbox, monkeypatch
):
    shifts = [starting_in(hours, [make_shift_type(minimum=1)]) for hours in (5, 6, 7)]
    people = [volunteer, other_volunteer, make_user(name="Noor", email="noor@example.org")]
    signups = [make_signup(shift, person) for shift, person in zip(shifts, people, strict=True)]
    real_reminder = notifications.send_reminder

    def breaks_for_sam(signup):
        real_reminder(signup)
        if signup.user_id == other_volunteer.id:
            raise RuntimeError("template broken")

    monkeypatch.setattr(notifications, "send_reminder", breaks_for_sam)
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 1
    assert "2 reminder(s) sent" in result.output and "1 reminder(s) failed" in result.output
    assert sorted(message["To"] for message in mailbox.messages) == [
        volunteer.email,
        "noor@example.org",
    ]
    db.session.expire_all()
    assert [signup.reminded_at is not None for signup in signups] == [True, False, True]

    monkeypatch.setattr(notifications, "send_reminder", real_reminder)
    assert "1 reminder(s) sent" in run(app)
    assert len(mailbox.to(other_volunteer.email)) == 1
    assert len(mailbox.messages) == 3


def test_reminders_skip_cancelled_and_follow_the_setting(app, volunteer, mailbox):
    cancelled = starting_in(5, [make_shift_type(minimum=1)])
    cancelled.status = "cancelled"
    db.session.commit()
    make_signup(cancelled, volunteer)
    later = starting_in(40, [make_shift_type(minimum=1)])
    make_signup(later, volunteer)
    app.config["REMINDER_HOURS"] = 48
    run(app)
    assert len(mailbox.messages) == 1
    assert "Rappel" in mailbox.messages[0]["Subject"]


def test_reminders_are_in_english_for_english_speakers(app, mailbox):
    kim = make_user(name="Kim", email="kim@example.org", language="en")
    make_signup(starting_in(3, [make_shift_type(minimum=0)]), kim)
    run(app)
    [message] = mailbox.to("kim@example.org")
    assert message["Subject"].startswith("Reminder: Repas")
    assert "Expected guests: 0" in mailbox.body(message)


def test_coordinators_hear_once_about_nights_not_ready_within_72_hours(
    app, coordinator, volunteer, mailbox
):
    needy = starting_in(30, [make_shift_type(minimum=2)])
    make_signup(needy, volunteer)
    ready = starting_in(40, [make_shift_type(minimum=1)])
    make_signup(ready, make_user())
    starting_in(100, [make_shift_type(minimum=2)])

    output = run(app)
    assert "1 night(s) not ready" in output
    run(app)
    messages = mailbox.to(coordinator.email)
    assert len(messages) == 1
    body = mailbox.body(messages[0])
    assert "Repas" in body and "1 personne" in body
    assert db.session.scalar(select(func.count()).select_from(NightNotice)) == 1


def test_night_cancellation_emails(app, volunteer, other_volunteer, mailbox):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(date(2026, 12, 18), shift_types=[meal, overnight])
    make_stay(night, alias="Yasmina")
    noor = make_user(name="Noor", email="noor@example.org")
    signups = [
        make_signup(shift_named(night, "Repas"), volunteer),
        make_signup(shift_named(night, "Soirée et nuit"), volunteer),
        make_signup(shift_named(night, "Repas"), noor),
    ]
    noor.language = "en"
    db.session.commit()
    with unit_of_work():
        notify_night_cancelled(night, signups)
    assert len(mailbox.messages) == 2
    [in_french] = mailbox.to(volunteer.email)
    assert in_french["Subject"] == french("Nuit annulée : ven. 18 déc.")
    body = mailbox.body(in_french)
    assert "Repas" in body and "Soirée et nuit" in body and "Yasmina" not in body
    [english] = mailbox.to("noor@example.org")
    assert english["Subject"] == "Night cancelled: Fri 18 Dec"


def test_demo_creates_the_three_shift_types_once(app):
    run(app, "demo")
    run(app, "demo")
    types = db.session.scalars(select(ShiftType).order_by(ShiftType.position)).all()
    assert [(t.name, t.min_volunteers, t.max_volunteers) for t in types] == [
        ("Repas", 2, 3),
        ("Soirée et nuit", 2, 2),
        ("Matin", 1, 2),
    ]
    assert types[1].ends_next_day


def test_demo_signs_volunteers_up_on_planned_nights(app):
    run(app, "demo")
    signups = db.session.scalar(select(func.count()).select_from(SignUp))
    assert signups > 0
    run(app, "demo")
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == signups
    for shift in db.session.scalars(select(Shift)):
        assert shift.signup_count == len(shift.signups) <= shift.max_volunteers
