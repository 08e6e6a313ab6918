"""Sign-up rules, editing shifts and shift types, and the night's shift section."""

import html
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import AuditEntry, Shift, ShiftType, SignUp, utcnow
from shelter.shifts import services
from tests.conftest import login_as
from tests.factories import (
    make_night,
    make_shift_type,
    make_signup,
    make_standard_shift_types,
    make_user,
    shift_named,
)
from tests.helpers import french, page


def signups_of(shift: Shift) -> list[str]:
    db.session.expire_all()
    return sorted(signup.user.name for signup in db.session.get(Shift, shift.id).signups)


def count_of(shift: Shift) -> int:
    db.session.expire_all()
    return db.session.get(Shift, shift.id).signup_count


# --- Shift times -------------------------------------------------------------------


def test_default_shifts_follow_the_types_and_the_morning_is_the_day_after(app):
    make_standard_shift_types()
    night = make_night(date(2026, 12, 11), shift_types=None)
    assert [shift.name for shift in night.shifts] == ["Repas", "Soirée et nuit", "Matin"]
    local = {
        shift.name: (shift.starts_at.astimezone(services.BRUSSELS), shift.ends_at)
        for shift in night.shifts
    }
    assert local["Repas"][0] == datetime(2026, 12, 11, 18, tzinfo=services.BRUSSELS)
    assert local["Matin"][0] == datetime(2026, 12, 12, 7, 30, tzinfo=services.BRUSSELS)
    matin = shift_named(night, "Matin")
    assert (matin.min_volunteers, matin.max_volunteers) == (1, 2)


def test_inactive_types_are_not_added_to_new_nights(app):
    *_, morning = make_standard_shift_types()
    morning.active = False
    db.session.commit()
    night = make_night(shift_types=None)
    assert [shift.name for shift in night.shifts] == ["Repas", "Soirée et nuit"]


# --- Signing up ---------------------------------------------------------------------


def test_volunteer_signs_up_from_a_button_and_goes_back(volunteer_client, volunteer):
    night = make_night(shift_types=[make_shift_type()])
    [shift] = night.shifts
    response = volunteer_client.post(
        f"/services/{shift.id}/inscription", data={"next": "/ce-qui-manque"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/ce-qui-manque"
    assert signups_of(shift) == ["Alex"]
    assert count_of(shift) == 1
    assert french("Tu es inscrit·e à « Repas »") in page(volunteer_client.get("/ce-qui-manque"))


def test_a_foreign_next_is_ignored(volunteer_client):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    response = volunteer_client.post(
        f"/services/{shift.id}/inscription", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/mes-services"


def test_a_full_shift_refuses_and_nothing_changes(volunteer_client, volunteer):
    [shift] = make_night(shift_types=[make_shift_type(minimum=1, maximum=1)]).shifts
    make_signup(shift, make_user(name="Noor"))
    response = volunteer_client.post(f"/services/{shift.id}/inscription", follow_redirects=True)
    assert "Ce service est complet." in page(response)
    assert signups_of(shift) == ["Noor"]
    assert count_of(shift) == 1


def test_signing_up_twice_is_refused(app, volunteer):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    services.sign_up(shift, volunteer)
    db.session.commit()
    with pytest.raises(DomainError, match="déjà inscrit"):
        services.sign_up(shift, volunteer)
    db.session.rollback()
    assert count_of(shift) == 1


def test_no_sign_up_to_a_past_or_cancelled_shift(app, volunteer):
    [past] = make_night(date.today() - timedelta(days=2), shift_types=[make_shift_type()]).shifts
    with pytest.raises(DomainError, match="déjà commencé"):
        services.sign_up(past, volunteer)
    db.session.rollback()
    [cancelled] = make_night(status="cancelled", shift_types=[make_shift_type()]).shifts
    with pytest.raises(DomainError, match="annulé"):
        services.sign_up(cancelled, volunteer)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 0


def test_unknown_shift_is_a_404(volunteer_client):
    assert volunteer_client.post("/services/999999/inscription").status_code == 404


def test_a_button_without_csrf_token_is_refused(app, volunteer, app_config):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_as(client, volunteer)
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    assert client.post(f"/services/{shift.id}/inscription").status_code == 400
    assert count_of(shift) == 0


# --- Overlaps ------------------------------------------------------------------------


def overlap_error(user, shift, now=None) -> str:
    with pytest.raises(DomainError) as refused:
        services.sign_up(shift, user, now=now)
    db.session.rollback()
    return str(refused.value.message)


def test_overlapping_shifts_are_refused_naming_the_conflict(app, volunteer):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(date.today() + timedelta(days=10), shift_types=[meal, overnight])
    services.sign_up(shift_named(night, "Repas"), volunteer)
    db.session.commit()
    message = overlap_error(volunteer, shift_named(night, "Soirée et nuit"))
    assert "Repas" in message and "chevauche" in message


def test_a_shift_crossing_midnight_overlaps_the_morning_after(app, volunteer):
    meal, overnight, morning = make_standard_shift_types()
    late = make_shift_type("Veille", time(23, 0), time(2, 0), 1, 1)
    night = make_night(date.today() + timedelta(days=10), shift_types=[overnight, morning, late])
    services.sign_up(shift_named(night, "Soirée et nuit"), volunteer)
    db.session.commit()
    assert "Soirée et nuit" in overlap_error(volunteer, shift_named(night, "Matin"))
    assert "Soirée et nuit" in overlap_error(volunteer, shift_named(night, "Veille"))
    # The next evening's meal does not overlap the night that ended in the morning.
    next_night = make_night(night.date + timedelta(days=1), shift_types=[meal])
    services.sign_up(shift_named(next_night, "Repas"), volunteer)
    db.session.commit()
    assert count_of(shift_named(next_night, "Repas")) == 1


@pytest.mark.parametrize(
    ("day", "night_ends_utc"),
    [
        # Summer time starts at 02:00 on 29 March 2026: 09:00 is 07:00 UTC.
        (date(2026, 3, 28), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # Winter time comes back at 03:00 on 25 October 2026: 09:00 is 08:00 UTC.
        (date(2026, 10, 24), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    ],
)
def test_overlaps_on_the_nights_of_a_clock_change(app, volunteer, day, night_ends_utc):
    overnight = make_shift_type("Soirée et nuit", time(20, 0), time(9, 0), 2, 2)
    just_after = make_shift_type("Rangement", time(9, 0), time(10, 0), 1, 2)
    just_before = make_shift_type("Petit déjeuner", time(8, 30), time(9, 30), 1, 2)
    night = make_night(day, shift_types=[overnight, just_after, just_before])
    the_night = shift_named(night, "Soirée et nuit")
    assert the_night.ends_at == night_ends_utc
    # 20:00 to 09:00 lasts 12 hours when the clocks go forward, 14 when they go back.
    hours = (the_night.ends_at - the_night.starts_at) / timedelta(hours=1)
    assert hours == (12 if day.month == 3 else 14)
    before = datetime.combine(day, time(12), tzinfo=UTC)
    services.sign_up(the_night, volunteer, now=before)
    db.session.commit()
    services.sign_up(shift_named(night, "Rangement"), volunteer, now=before)
    db.session.commit()
    assert "Soirée et nuit" in overlap_error(
        volunteer, shift_named(night, "Petit déjeuner"), now=before
    )


def test_cancelled_shifts_do_not_block_other_sign_ups(app, volunteer):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(date.today() + timedelta(days=10), shift_types=[meal, overnight])
    meal_shift = shift_named(night, "Repas")
    make_signup(meal_shift, volunteer)
    meal_shift.status = "cancelled"
    db.session.commit()
    services.sign_up(shift_named(night, "Soirée et nuit"), volunteer)
    db.session.commit()


# --- Withdrawing ----------------------------------------------------------------------


def test_withdrawing_before_the_cut_off_is_free(volunteer_client, volunteer):
    [shift] = make_night(date.today() + timedelta(days=5), shift_types=[make_shift_type()]).shifts
    make_signup(shift, volunteer)
    response = volunteer_client.post(f"/services/{shift.id}/desistement")
    assert response.status_code == 302
    assert signups_of(shift) == []
    assert count_of(shift) == 0


def test_after_the_cut_off_the_volunteer_sends_a_request(
    volunteer_client, volunteer, coordinator, mailbox
):
    starts = utcnow() + timedelta(hours=30)
    [shift] = make_night(
        starts.astimezone(services.BRUSSELS).date(), shift_types=[make_shift_type()]
    ).shifts
    shift.starts_at, shift.ends_at = starts, starts + timedelta(hours=3)
    db.session.commit()
    make_signup(shift, volunteer)
    response = volunteer_client.post(f"/services/{shift.id}/desistement", follow_redirects=True)
    assert "demande de désistement" in page(response)
    assert signups_of(shift) == ["Alex"]

    form = volunteer_client.get(f"/services/{shift.id}/demande-de-desistement")
    assert form.status_code == 200
    empty = volunteer_client.post(f"/services/{shift.id}/demande-de-desistement", data={})
    assert empty.status_code == 400
    assert "Explique en quelques mots" in page(empty)
    response = volunteer_client.post(
        f"/services/{shift.id}/demande-de-desistement",
        data={"reason": "Malade, désolé", "next": "/mes-services"},
    )
    assert response.headers["Location"] == "/mes-services"
    [message] = mailbox.to(coordinator.email)
    body = mailbox.body(message)
    assert "Alex" in body and "Malade, désolé" in body and "Repas" in body
    assert signups_of(shift) == ["Alex"]
    assert "Ta demande de désistement est envoyée." in page(volunteer_client.get("/mes-services"))
    again = volunteer_client.post(
        f"/services/{shift.id}/demande-de-desistement",
        data={"reason": "encore"},
        follow_redirects=True,
    )
    assert "déjà été envoyée" in page(again)
    assert len(mailbox.to(coordinator.email)) == 1


def test_cut_off_follows_the_setting(app, volunteer):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    make_signup(shift, volunteer)
    app.config["WITHDRAW_CUTOFF_HOURS"] = 24 * 30
    with pytest.raises(DomainError, match="moins de 720 heures"):
        services.withdraw(shift, volunteer)
    db.session.rollback()
    app.config["WITHDRAW_CUTOFF_HOURS"] = 48
    services.withdraw(shift, volunteer)
    db.session.commit()
    assert count_of(shift) == 0


def test_a_volunteer_cannot_touch_someone_elses_sign_up(
    volunteer_client, volunteer, other_volunteer
):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    theirs = make_signup(shift, other_volunteer)
    response = volunteer_client.post(f"/services/{shift.id}/desistement", follow_redirects=True)
    assert "Tu n'es pas inscrit·e à ce service." in page(response)
    assert volunteer_client.post(f"/inscriptions/{theirs.id}/retirer").status_code == 403
    assert volunteer_client.get(f"/services/{shift.id}/demande-de-desistement").status_code == 404
    assert (
        volunteer_client.post(
            f"/services/{shift.id}/affecter", data={"user_id": volunteer.id}
        ).status_code
        == 403
    )
    assert signups_of(shift) == ["Sam"]


# --- Coordinators assign and remove -----------------------------------------------------


def test_coordinator_assigns_and_removes_and_the_volunteer_is_emailed(
    coordinator_client, volunteer, mailbox
):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    form = coordinator_client.get(f"/services/{shift.id}/affecter")
    assert "Alex" in page(form)
    response = coordinator_client.post(
        f"/services/{shift.id}/affecter", data={"user_id": volunteer.id}
    )
    assert response.status_code == 302
    assert signups_of(shift) == ["Alex"]
    [assigned] = mailbox.to(volunteer.email)
    assert "Camille" in mailbox.body(assigned) and "Repas" in assigned["Subject"]
    assert "http://shelter.test/mes-services" in mailbox.body(assigned)

    signup = db.session.scalar(select(SignUp))
    response = coordinator_client.post(f"/inscriptions/{signup.id}/retirer")
    assert response.status_code == 302
    assert signups_of(shift) == []
    assert count_of(shift) == 0
    removed = mailbox.to(volunteer.email)[-1]
    assert "plus inscrit" in removed["Subject"]


def test_assigning_follows_the_rules_and_says_why(coordinator_client, volunteer):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(shift_types=[meal, overnight])
    make_signup(shift_named(night, "Repas"), volunteer)
    response = coordinator_client.post(
        f"/services/{shift_named(night, 'Soirée et nuit').id}/affecter",
        data={"user_id": volunteer.id},
    )
    assert response.status_code == 409
    assert french("Alex est déjà inscrit·e à « Repas") in page(response)
    assert count_of(shift_named(night, "Soirée et nuit")) == 0


def test_emails_use_the_recipients_language(coordinator_client, mailbox):
    english = make_user(name="Kim", email="kim@example.org", language="en")
    [shift] = make_night(date(2026, 12, 18), shift_types=[make_shift_type()]).shifts
    coordinator_client.post(f"/services/{shift.id}/affecter", data={"user_id": english.id})
    [message] = mailbox.to("kim@example.org")
    assert message["Subject"] == "You are signed up: Repas, Fri 18 Dec 18:00–21:00"
    assert "signed you up" in mailbox.body(message)


# --- Editing a night's shifts ----------------------------------------------------------


def test_coordinator_edits_times_and_the_sequence_moves(coordinator_client, volunteer, mailbox):
    [shift] = make_night(date(2026, 12, 18), shift_types=[make_shift_type()]).shifts
    signup = make_signup(shift, volunteer)
    signup.reminded_at = utcnow()
    db.session.commit()
    assert coordinator_client.get(f"/services/nuit/{shift.night_id}").status_code == 200
    response = coordinator_client.post(
        f"/services/{shift.id}/modifier",
        data={
            f"shift-{shift.id}-start_time": "17:30",
            f"shift-{shift.id}-end_time": "21:00",
            f"shift-{shift.id}-min_volunteers": "1",
            f"shift-{shift.id}-max_volunteers": "4",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert shift.starts_at == datetime(2026, 12, 18, 16, 30, tzinfo=UTC)
    assert (shift.min_volunteers, shift.max_volunteers, shift.sequence) == (1, 4, 1)
    assert shift.signups[0].reminded_at is None
    [changed] = mailbox.to(volunteer.email)
    assert "17:30–21:00" in mailbox.body(changed)


def test_limits_only_do_not_bump_the_sequence(coordinator, volunteer, app):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    start, end = services.local_times(shift)
    assert services.update_shift(shift, start, end, 1, 5, coordinator) is False
    db.session.commit()
    assert shift.sequence == 0 and shift.max_volunteers == 5


def test_max_cannot_go_below_the_sign_ups(coordinator_client, volunteer, other_volunteer):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    make_signup(shift, volunteer)
    make_signup(shift, other_volunteer)
    response = coordinator_client.post(
        f"/services/{shift.id}/modifier",
        data={
            f"shift-{shift.id}-start_time": "18:00",
            f"shift-{shift.id}-end_time": "21:00",
            f"shift-{shift.id}-min_volunteers": "1",
            f"shift-{shift.id}-max_volunteers": "1",
        },
    )
    assert response.status_code == 409
    assert "2 personnes sont déjà inscrites" in page(response)
    assert db.session.get(Shift, shift.id).max_volunteers == 3


def test_invalid_shift_form_is_a_400(coordinator_client):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    response = coordinator_client.post(
        f"/services/{shift.id}/modifier",
        data={f"shift-{shift.id}-start_time": "18:00", f"shift-{shift.id}-max_volunteers": "x"},
    )
    assert response.status_code == 400
    assert "Indique une heure." in page(response)


def test_add_an_extra_shift_and_remove_one_without_sign_ups(coordinator_client, volunteer):
    night = make_night(shift_types=[make_shift_type()])
    [meal] = night.shifts
    response = coordinator_client.post(
        f"/services/nuit/{night.id}/ajouter",
        data={
            "extra-name": "Courses",
            "extra-start_time": "16:00",
            "extra-end_time": "17:30",
            "extra-min_volunteers": "1",
            "extra-max_volunteers": "1",
        },
    )
    assert response.status_code == 302
    extra = db.session.scalar(select(Shift).where(Shift.name == "Courses"))
    assert extra.night_id == night.id

    make_signup(meal, volunteer)
    refused = coordinator_client.post(f"/services/{meal.id}/supprimer", follow_redirects=True)
    assert "retire-les d'abord" in page(refused)
    assert db.session.get(Shift, meal.id) is not None
    assert coordinator_client.post(f"/services/{extra.id}/supprimer").status_code == 302
    db.session.expire_all()
    assert db.session.get(Shift, extra.id) is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"shift.add", "shift.delete"} <= actions


# --- Shift types ---------------------------------------------------------------------------


def test_coordinator_manages_shift_types(coordinator_client):
    assert coordinator_client.get("/services/types").status_code == 200
    response = coordinator_client.post(
        "/services/types",
        data={
            "name": "Soirée et nuit",
            "description": "Accueil et nuit sur place",
            "start_time": "20:00",
            "end_time": "09:00",
            "min_volunteers": "2",
            "max_volunteers": "2",
            "position": "1",
            "active": "y",
        },
    )
    assert response.status_code == 302
    shift_type = db.session.scalar(select(ShiftType))
    assert shift_type.ends_next_day and shift_type.active
    listing = page(coordinator_client.get("/services/types"))
    assert "Soirée et nuit" in listing and "20:00–09:00 (lendemain)" in listing

    response = coordinator_client.post(
        f"/services/types/{shift_type.id}",
        data={
            "name": "Nuit",
            "start_time": "20:00",
            "end_time": "09:00",
            "min_volunteers": "1",
            "max_volunteers": "2",
            "position": "1",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (shift_type.name, shift_type.min_volunteers, shift_type.active) == ("Nuit", 1, False)


def test_shift_type_form_refuses_min_above_max(coordinator_client):
    response = coordinator_client.post(
        "/services/types",
        data={
            "name": "Repas",
            "start_time": "18:00",
            "end_time": "21:00",
            "min_volunteers": "3",
            "max_volunteers": "2",
            "position": "0",
        },
    )
    assert response.status_code == 400
    assert "Le maximum ne peut pas être inférieur au minimum." in page(response)
    assert db.session.scalar(select(func.count()).select_from(ShiftType)) == 0


def test_volunteers_cannot_manage_types(volunteer_client):
    assert volunteer_client.get("/services/types").status_code == 403


# --- The night's shift section ----------------------------------------------------------------


def render_section(app, night, user) -> str:
    """Render the partial as the night page will, and return its unescaped text."""
    with app.test_request_context("/nuits/1"):
        login_user(user)
        return html.unescape(render_template("shifts/_night_shifts.html", night=night))


def test_night_section_shows_coverage_people_and_buttons(app, volunteer, coordinator):
    meal, overnight, morning = make_standard_shift_types()
    night = make_night(date.today() + timedelta(days=10), shift_types=[meal, overnight, morning])
    make_signup(shift_named(night, "Repas"), volunteer)
    make_signup(shift_named(night, "Matin"), make_user(name="Noor"))
    rendered = render_section(app, night, volunteer)
    text = " ".join(rendered.split())
    assert "Repas" in text and "18:00–21:00" in text
    assert "Manque 1 personne" in text
    assert "Manque 2 personnes" in text
    assert "Couvert" in text
    assert "Alex (toi)" in text and "Noor" in text
    assert "Me désister" in text
    assert text.count("M'inscrire") == 2
    assert 'name="next" value="/nuits/1"' in rendered
    assert "Retirer" not in text
    as_coordinator = " ".join(render_section(app, night, coordinator).split())
    assert "Retirer" in as_coordinator and "Inscrire quelqu'un" in as_coordinator


def test_night_section_after_the_cut_off_offers_a_request(app, volunteer):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    shift.starts_at = utcnow() + timedelta(hours=5)
    shift.ends_at = shift.starts_at + timedelta(hours=3)
    db.session.commit()
    make_signup(shift, volunteer)
    text = render_section(app, shift.night, volunteer)
    assert "Demander à me désister" in text and "Me désister<" not in text
