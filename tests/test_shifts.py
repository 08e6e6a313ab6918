"""Sign-up rules, editing shifts and shift types, and the night's shift section."""

import html
from datetime import UTC, date, datetime, time, timedelta

import pytest
from babel.dates import format_date
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import AuditEntry, Night, Shift, ShiftType, SignUp
from shelter.shifts import replacements, signups, times
from shelter.shifts.times import ShiftValues
from tests.conftest import login_as
from tests.factories import (
    make_night,
    make_place,
    make_shift_type,
    make_signup,
    make_standard_shift_types,
    make_user,
    shift_named,
)
from tests.helpers import count_queries, french, page


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
        shift.name: (shift.starts_at.astimezone(times.BRUSSELS), shift.ends_at)
        for shift in night.shifts
    }
    assert local["Repas"][0] == datetime(2026, 12, 11, 18, tzinfo=times.BRUSSELS)
    assert local["Matin"][0] == datetime(2026, 12, 12, 7, 30, tzinfo=times.BRUSSELS)
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
    signups.sign_up(shift, volunteer)
    db.session.commit()
    with pytest.raises(DomainError, match="déjà inscrit"):
        signups.sign_up(shift, volunteer)
    db.session.rollback()
    assert count_of(shift) == 1


def test_no_sign_up_to_a_past_or_cancelled_shift(app, volunteer):
    [past] = make_night(date.today() - timedelta(days=2), shift_types=[make_shift_type()]).shifts
    with pytest.raises(DomainError, match="déjà commencé"):
        signups.sign_up(past, volunteer)
    db.session.rollback()
    [cancelled] = make_night(status="cancelled", shift_types=[make_shift_type()]).shifts
    with pytest.raises(DomainError, match="annulé"):
        signups.sign_up(cancelled, volunteer)
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


# --- Several shifts of one night, clashes between places ---------------------------------


def overlap_error(user, shift, now=None) -> str:
    with pytest.raises(DomainError) as refused:
        signups.sign_up(shift, user, now=now)
    db.session.rollback()
    return str(refused.value.message)


@pytest.fixture
def two_places(app):
    """The same Friday at two places, each with the three usual shifts."""
    types = make_standard_shift_types()
    day = date.today() + timedelta(days=10)
    house = make_night(day, make_place("La Maison"), shift_types=types)
    annex = make_night(day, make_place("L'Annexe"), shift_types=types)
    return house, annex


def test_one_night_at_one_place_may_be_combined(app, volunteer, two_places):
    house, _ = two_places
    # Cook and stay; sleep over and make breakfast: all three shifts of the night.
    for name in ("Repas", "Soirée et nuit", "Matin"):
        signups.sign_up(shift_named(house, name), volunteer)
        db.session.commit()
    assert all(count_of(shift) == 1 for shift in house.shifts)


def test_the_same_shift_is_never_held_twice(app, volunteer, two_places):
    house, _ = two_places
    signups.sign_up(shift_named(house, "Repas"), volunteer)
    db.session.commit()
    assert "déjà inscrit" in overlap_error(volunteer, shift_named(house, "Repas"))
    assert count_of(shift_named(house, "Repas")) == 1


def test_overlapping_shifts_at_two_places_are_refused_naming_the_conflict(
    app, volunteer, two_places
):
    house, annex = two_places
    signups.sign_up(shift_named(house, "Repas"), volunteer)
    db.session.commit()
    message = overlap_error(volunteer, shift_named(annex, "Soirée et nuit"))
    assert "Repas" in message and "chevauche" in message
    assert "Repas" in overlap_error(volunteer, shift_named(annex, "Repas"))
    # The annex's breakfast does not overlap a meal at the house.
    signups.sign_up(shift_named(annex, "Matin"), volunteer)
    db.session.commit()


def test_a_night_crossing_midnight_clashes_with_another_places_morning(app, volunteer, two_places):
    house, annex = two_places
    veille = times.add_shift(
        annex,
        "Veille",
        ShiftValues(start=time(23, 0), end=time(2, 0), minimum=1, maximum=1),
        volunteer,
    )
    db.session.commit()
    signups.sign_up(shift_named(house, "Soirée et nuit"), volunteer)
    db.session.commit()
    assert "Soirée et nuit" in overlap_error(volunteer, shift_named(annex, "Matin"))
    assert "Soirée et nuit" in overlap_error(volunteer, veille)
    # The next evening's meal does not overlap the night that ended in the morning.
    next_night = make_night(annex.date + timedelta(days=1), annex.place, shift_types=[])
    meal = times.add_shift(
        next_night,
        "Repas",
        ShiftValues(start=time(18), end=time(21), minimum=1, maximum=2),
        volunteer,
    )
    db.session.commit()
    signups.sign_up(meal, volunteer)
    db.session.commit()
    assert count_of(meal) == 1


def test_two_nights_at_one_place_are_two_nights(app, volunteer):
    late_morning = make_shift_type("Nuit et matinée", time(20, 0), time(13, 0), 1, 2)
    night = make_night(date.today() + timedelta(days=10), shift_types=[late_morning])
    next_night = make_night(night.date + timedelta(days=1), night.place, shift_types=[])
    shopping = times.add_shift(
        next_night,
        "Courses",
        ShiftValues(start=time(12, 0), end=time(14, 0), minimum=1, maximum=2),
        volunteer,
    )
    db.session.commit()
    signups.sign_up(night.shifts[0], volunteer)
    db.session.commit()
    assert "Nuit et matinée" in overlap_error(volunteer, shopping)


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
    night = make_night(day, make_place("La Maison"), shift_types=[overnight])
    elsewhere = make_night(day, make_place("L'Annexe"), shift_types=[just_after, just_before])
    the_night = shift_named(night, "Soirée et nuit")
    assert the_night.ends_at == night_ends_utc
    # 20:00 to 09:00 lasts 12 hours when the clocks go forward, 14 when they go back.
    hours = (the_night.ends_at - the_night.starts_at) / timedelta(hours=1)
    assert hours == (12 if day.month == 3 else 14)
    before = datetime.combine(day, time(12), tzinfo=UTC)
    signups.sign_up(the_night, volunteer, now=before)
    db.session.commit()
    signups.sign_up(shift_named(elsewhere, "Rangement"), volunteer, now=before)
    db.session.commit()
    assert "Soirée et nuit" in overlap_error(
        volunteer, shift_named(elsewhere, "Petit déjeuner"), now=before
    )


def test_cancelled_shifts_do_not_block_other_sign_ups(app, volunteer, two_places):
    house, annex = two_places
    meal_shift = shift_named(house, "Repas")
    make_signup(meal_shift, volunteer)
    meal_shift.status = "cancelled"
    db.session.commit()
    signups.sign_up(shift_named(annex, "Soirée et nuit"), volunteer)
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
        starts.astimezone(times.BRUSSELS).date(), shift_types=[make_shift_type()]
    ).shifts
    shift.starts_at, shift.ends_at = starts, starts + timedelta(hours=3)
    db.session.commit()
    make_signup(shift, volunteer)
    response = volunteer_client.post(f"/services/{shift.id}/desistement", follow_redirects=True)
    assert "demande qu'on te remplace" in page(response)
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
    assert french("Tu cherches un·e remplaçant·e.") in page(volunteer_client.get("/mes-services"))
    again = volunteer_client.post(
        f"/services/{shift.id}/demande-de-desistement",
        data={"reason": "encore"},
        follow_redirects=True,
    )
    assert "déjà envoyée" in page(again)
    assert len(mailbox.to(coordinator.email)) == 1


def test_cut_off_follows_the_setting(app, volunteer):
    [shift] = make_night(shift_types=[make_shift_type()]).shifts
    make_signup(shift, volunteer)
    app.config["WITHDRAW_CUTOFF_HOURS"] = 24 * 30
    with pytest.raises(DomainError, match="moins de 720 heures"):
        signups.withdraw(shift, volunteer)
    db.session.rollback()
    app.config["WITHDRAW_CUTOFF_HOURS"] = 48
    signups.withdraw(shift, volunteer)
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


def test_assigning_follows_the_rules_and_says_why(coordinator_client, volunteer, two_places):
    house, annex = two_places
    make_signup(shift_named(house, "Repas"), volunteer)
    response = coordinator_client.post(
        f"/services/{shift_named(annex, 'Soirée et nuit').id}/affecter",
        data={"user_id": volunteer.id},
    )
    assert response.status_code == 409
    assert french("Alex est déjà inscrit·e à « Repas") in page(response)
    assert count_of(shift_named(annex, "Soirée et nuit")) == 0
    same_night = coordinator_client.post(
        f"/services/{shift_named(house, 'Soirée et nuit').id}/affecter",
        data={"user_id": volunteer.id},
    )
    assert same_night.status_code == 302
    assert signups_of(shift_named(house, "Soirée et nuit")) == ["Alex"]


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
    start, end = times.local_times(shift)
    assert (
        times.update_shift(
            shift, ShiftValues(start=start, end=end, minimum=1, maximum=5), coordinator
        )
        is False
    )
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


def type_form(shift_type: ShiftType, **changes) -> dict:
    data = {
        "name": shift_type.name,
        "start_time": shift_type.start_time.strftime("%H:%M"),
        "end_time": shift_type.end_time.strftime("%H:%M"),
        "min_volunteers": str(shift_type.min_volunteers),
        "max_volunteers": str(shift_type.max_volunteers),
        "position": str(shift_type.position),
        "active": "y",
    }
    return {**data, **changes}


@pytest.fixture
def meal_nights(app, volunteer, other_volunteer):
    """The meal type (18:00–21:00, 2 to 3) on past and coming nights, one of them edited."""
    meal = make_shift_type("Repas", time(18, 0), time(21, 0), 2, 3)
    today = date.today()
    nights = {
        "past": make_night(today - timedelta(days=3), shift_types=[meal]),
        "following": make_night(today + timedelta(days=5), shift_types=[meal]),
        "also following": make_night(today + timedelta(days=6), shift_types=[meal]),
        "edited by hand": make_night(today + timedelta(days=7), shift_types=[meal]),
        "crowded": make_night(today + timedelta(days=8), shift_types=[meal]),
    }
    shifts = {name: night.shifts[0] for name, night in nights.items()}
    times.update_shift(
        shifts["edited by hand"],
        ShiftValues(start=time(17, 30), end=time(21), minimum=2, maximum=3),
        volunteer,
    )
    db.session.commit()
    make_signup(shifts["following"], volunteer)
    for person in (volunteer, other_volunteer, make_user(name="Noor")):
        make_signup(shifts["crowded"], person)
    return meal, shifts


def test_a_type_change_reaches_the_coming_nights_that_still_follow_it(
    coordinator_client, meal_nights, volunteer, mailbox
):
    meal, shifts = meal_nights
    before = {name: (shift.starts_at, shift.ends_at) for name, shift in shifts.items()}
    form = page(coordinator_client.get(f"/services/types/{meal.id}"))
    assert "3 services à venir ont encore les valeurs actuelles de ce type." in form

    response = coordinator_client.post(
        f"/services/types/{meal.id}",
        data=type_form(meal, start_time="18:30", max_volunteers="2", apply_to_nights="y"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    text = page(response)
    assert "Nouvelles valeurs appliquées à 2 nuits à venir." in text
    crowded_day = format_date(shifts["crowded"].night.date, "EEE d MMM", locale="fr")
    assert french(f"ces nuits gardent leurs valeurs : {crowded_day}.") in text

    db.session.expire_all()
    now = {name: db.session.get(Shift, shift.id) for name, shift in shifts.items()}
    for name in ("following", "also following"):
        shift = now[name]
        assert shift.starts_at == before[name][0] + timedelta(minutes=30), name
        assert (shift.max_volunteers, shift.sequence) == (2, 1), name
    for name in ("past", "edited by hand", "crowded"):
        shift = now[name]
        assert (shift.starts_at, shift.ends_at) == before[name], name
        assert shift.max_volunteers == 3, name
    assert now["edited by hand"].sequence == 1 and now["crowded"].sequence == 0
    # Only the person on a changed shift hears of it, as with a change made on the night.
    [changed] = mailbox.to(volunteer.email)
    assert "18:30–21:00" in mailbox.body(changed)
    assert len(mailbox.messages) == 1


def test_a_type_change_leaves_the_nights_alone_unless_asked(coordinator_client, meal_nights):
    meal, shifts = meal_nights
    response = coordinator_client.post(
        f"/services/types/{meal.id}", data=type_form(meal, start_time="18:30")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ShiftType, meal.id).start_time == time(18, 30)
    sequences = {name: db.session.get(Shift, shift.id).sequence for name, shift in shifts.items()}
    assert sequences == {
        "past": 0,
        "following": 0,
        "also following": 0,
        "edited by hand": 1,
        "crowded": 0,
    }
    night = make_night(date.today() + timedelta(days=20), shift_types=[meal])
    assert times.local_times(night.shifts[0]) == (time(18, 30), time(21, 0))


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
        actions = signups.available_actions(user, night.shifts)
        return html.unescape(
            render_template("shifts/_night_shifts.html", night=night, actions=actions)
        )


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
    assert "Je ne peux plus venir" in text and "Me désister<" not in text


def test_night_section_gives_the_reason_where_there_is_no_button(app, volunteer, two_places):
    house, annex = two_places
    make_signup(shift_named(house, "Repas"), volunteer)
    full = shift_named(annex, "Matin")
    full.max_volunteers = full.signup_count = 0
    full.min_volunteers = 0
    db.session.commit()
    text = " ".join(render_section(app, annex, volunteer).split())
    day = format_date(house.date, "d MMM", locale="fr")
    assert text.count(f"Chevauche ton service « Repas » du {day} à La Maison") == 2
    assert "Complet" in text
    assert "M'inscrire" not in text
    started = shift_named(house, "Soirée et nuit")
    started.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert "Déjà commencé" in render_section(app, house, volunteer)


# --- What a member is offered agrees with what the services accept ----------------------------


@pytest.fixture
def every_case(app, volunteer, two_places):
    """Shifts in every state a member can meet, by name."""
    house, annex = two_places
    now = utcnow()
    cases = {
        "free": shift_named(house, "Soirée et nuit"),
        "held, free withdrawal": shift_named(house, "Repas"),
        "clash at another place": shift_named(annex, "Repas"),
        "same night": shift_named(house, "Matin"),
    }
    make_signup(cases["held, free withdrawal"], volunteer)
    soon = make_night(date.today() + timedelta(days=30), house.place, shift_types=[])
    for name, hours, maximum in (
        ("full", 24 * 20, 1),
        ("started", -1, 2),
        ("held, after the cut-off", 5, 2),
        ("held, request sent", 6, 2),
        ("held, started", -2, 2),
        ("cancelled", 24 * 21, 2),
    ):
        shift = times.add_shift(
            soon,
            name,
            ShiftValues(start=time(18), end=time(21), minimum=0, maximum=maximum),
            volunteer,
        )
        shift.starts_at = now + timedelta(hours=hours)
        shift.ends_at = shift.starts_at + timedelta(minutes=30)
        cases[name] = shift
    db.session.commit()
    make_signup(cases["full"], make_user(name="Noor"))
    for name in ("held, after the cut-off", "held, request sent", "held, started"):
        make_signup(cases[name], volunteer)
    db.session.scalar(
        select(SignUp).where(SignUp.shift_id == cases["held, request sent"].id)
    ).withdrawal_requested_at = now
    cases["cancelled"].status = "cancelled"
    db.session.commit()
    return cases


def attempt(action, *args) -> bool:
    """Run a service in a savepoint; return whether it accepted, and undo it."""
    try:
        with db.session.begin_nested():
            action(*args)
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False
    finally:
        db.session.rollback()


class _Undo(Exception):
    pass


def test_every_offer_is_accepted_and_every_refusal_refused(app, volunteer, every_case):
    shifts = list(every_case.values())
    actions = signups.available_actions(volunteer, shifts)
    offers = {name: actions[shift.id].offer for name, shift in every_case.items()}
    assert offers == {
        "free": "sign_up",
        "held, free withdrawal": "withdraw",
        "clash at another place": None,
        "same night": "sign_up",
        "full": None,
        "started": None,
        "held, after the cut-off": "request_withdrawal",
        "held, request sent": None,
        "held, started": None,
        "cancelled": None,
    }
    for name, shift in every_case.items():
        offer = offers[name]
        shift = db.session.get(Shift, shift.id)
        assert attempt(signups.sign_up, shift, volunteer) == (offer == "sign_up"), name
        assert attempt(signups.withdraw, shift, volunteer) == (offer == "withdraw"), name
        assert attempt(replacements.request_withdrawal, shift, volunteer, "Malade") == (
            offer == "request_withdrawal"
        ), name
        if offer is None:
            assert actions[shift.id].reason, name


def test_the_offers_cost_one_query_however_many_shifts(app, volunteer, every_case):
    shifts = db.session.scalars(
        select(Shift)
        .options(joinedload(Shift.night).joinedload(Night.place))
        .where(Shift.id.in_([shift.id for shift in every_case.values()]))
    ).all()
    db.session.refresh(volunteer)
    with count_queries(db.engine) as few:
        signups.available_actions(volunteer, shifts[:2])
    with count_queries(db.engine) as many:
        signups.available_actions(volunteer, shifts)
    assert len([statement for statement in many if statement != "BEGIN"]) == 1
    assert len(few) == len(many)


def test_coordinators_may_assign_only_where_it_would_succeed(app, coordinator, every_case):
    newcomer = make_user(name="Lou")
    actions = signups.available_actions(coordinator, list(every_case.values()))
    for name, shift in every_case.items():
        shift = db.session.get(Shift, shift.id)
        assigned = attempt(signups.assign, shift, newcomer, coordinator)
        assert actions[shift.id].can_assign == assigned, name
    assignable = {name for name, shift in every_case.items() if actions[shift.id].can_assign}
    assert {"full", "started", "cancelled"}.isdisjoint(assignable)
