"""What is missing, my shifts, calls for help and the plain-text summary."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import NightNotice
from tests.factories import (
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import count_queries, french, links_in, page, path_of


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


# --- What is missing ------------------------------------------------------------------


def test_missing_lists_uncovered_shifts_soonest_first(volunteer_client, volunteer):
    meal, overnight, morning = make_standard_shift_types()
    later = make_night(soon(9), shift_types=[meal, overnight, morning])
    first = make_night(soon(3), shift_types=[meal])
    make_night(soon(40), shift_types=[meal])
    make_night(soon(4), shift_types=[meal], status="cancelled")
    make_night(soon(-3), shift_types=[meal])
    covered = shift_named(later, "Matin")
    make_signup(covered, make_user(name="Noor"))
    make_signup(shift_named(later, "Repas"), volunteer)

    text = page(volunteer_client.get("/ce-qui-manque"))
    assert text.count("Nuit du") == 2
    assert text.index(f"{first.date.day}") < text.index("Soirée et nuit")
    assert "Matin" not in text
    assert "Manque 1 personne" in text and "Manque 2 personnes" in text
    assert "Tu es inscrit·e" in text
    assert text.count("M'inscrire") == 2
    assert "Appel à l'aide" not in text and "gaps-summary" not in text


def test_missing_costs_a_fixed_number_of_queries(volunteer_client, volunteer):
    types = make_standard_shift_types()

    def measure() -> int:
        with count_queries(db.engine) as statements:
            assert volunteer_client.get("/ce-qui-manque").status_code == 200
        return len(statements)

    make_night(soon(2), shift_types=types)
    small = measure()
    people = [make_user() for _ in range(4)]
    for day in range(3, 20):
        night = make_night(soon(day), shift_types=types)
        make_signup(night.shifts[0], people[day % 4])
        make_signup(night.shifts[1], volunteer)
    assert measure() == small
    assert small <= 6


def test_coordinator_gets_the_summary_and_a_copy_button(coordinator_client):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(date(2026, 12, 18), shift_types=[meal, overnight])
    make_signup(shift_named(night, "Repas"), make_user(name="Noor"))
    text = page(coordinator_client.get("/ce-qui-manque"))
    assert 'data-copy="gaps-summary"' in text
    assert 'id="gaps-summary"' in text
    summary = text.split('id="gaps-summary"')[1].split("</textarea>")[0]
    assert "ven. 18 déc." in summary
    assert french("- Repas 18:00–21:00 : 1 personne") in summary
    assert french("- Soirée et nuit 20:00–09:00 : 2 personnes") in summary
    assert "http://shelter.test/ce-qui-manque" in summary
    assert "Noor" not in summary


# --- Calls for help -----------------------------------------------------------------------


def test_call_for_help_emails_free_volunteers_once_per_12_hours(
    coordinator_client, coordinator, volunteer, other_volunteer, mailbox
):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(soon(6), shift_types=[meal, overnight])
    make_stay(night, places=3, alias="Yasmina", note="végétarienne")
    # Sam is busy all evening and night elsewhere: not free at that time.
    other_place = make_place("Autre maison")
    elsewhere = make_night(soon(6), place=other_place, shift_types=[overnight])
    make_signup(elsewhere.shifts[0], other_volunteer)
    inactive = make_user(name="Parti", active=False)

    response = coordinator_client.post(
        f"/ce-qui-manque/nuits/{night.id}/appel", data={"next": "/ce-qui-manque"}
    )
    assert response.status_code == 302
    sent = page(coordinator_client.get("/ce-qui-manque"))
    assert "Appel à l'aide envoyé à 1 bénévole(s)." in sent
    [message] = mailbox.messages
    assert message["To"] == volunteer.email
    body = mailbox.body(message)
    assert "Repas" in body and "Soirée et nuit" in body
    assert "Yasmina" not in body and "végétarienne" not in body
    [link] = links_in(body)
    assert path_of(link) == "/ce-qui-manque"
    assert not mailbox.to(inactive.email) and not mailbox.to(coordinator.email)

    again = coordinator_client.post(f"/ce-qui-manque/nuits/{night.id}/appel", follow_redirects=True)
    assert "il y a moins de 12 heures" in page(again)
    assert len(mailbox.messages) == 1

    notice = db.session.scalar(select(NightNotice))
    notice.sent_at = utcnow() - timedelta(hours=13)
    db.session.commit()
    coordinator_client.post(f"/ce-qui-manque/nuits/{night.id}/appel")
    assert len(mailbox.messages) == 2


def test_call_for_help_is_refused_when_nothing_is_missing(coordinator_client, mailbox):
    night = make_night(soon(6))
    response = coordinator_client.post(
        f"/ce-qui-manque/nuits/{night.id}/appel", follow_redirects=True
    )
    assert "Il ne manque personne" in page(response)
    assert mailbox.messages == []
    assert db.session.scalar(select(NightNotice)) is None


def test_volunteers_cannot_call_for_help(volunteer_client):
    night = make_night(soon(6))
    assert volunteer_client.post(f"/ce-qui-manque/nuits/{night.id}/appel").status_code == 403


# --- My shifts ------------------------------------------------------------------------------


def test_my_shifts_shows_practical_info_without_guest_data(volunteer_client, volunteer):
    meal, overnight, _ = make_standard_shift_types()
    night = make_night(soon(8), shift_types=[meal, overnight])
    night.note = "Apporter du pain"
    db.session.commit()
    make_stay(night, places=4, alias="Yasmina", note="allergie aux arachides")
    make_signup(shift_named(night, "Repas"), volunteer)
    make_signup(shift_named(night, "Repas"), make_user(name="Noor"))
    past = make_night(soon(-10), shift_types=[meal])
    make_signup(past.shifts[0], volunteer)

    text = page(volunteer_client.get("/mes-services"))
    upcoming, _, previous = text.partition("Passés")
    assert "Repas" in upcoming and "Rue Test 1" in upcoming
    assert "Personnes accueillies" in upcoming and ">4<" in upcoming
    assert "Apporter du pain" in upcoming
    assert "Alex, Noor" in upcoming
    assert "Me désister" in upcoming
    assert "Repas" in previous
    assert "Yasmina" not in text and "arachides" not in text


def test_my_shifts_costs_a_fixed_number_of_queries(volunteer_client, volunteer):
    types = make_standard_shift_types()

    def measure() -> int:
        with count_queries(db.engine) as statements:
            assert volunteer_client.get("/mes-services").status_code == 200
        return len(statements)

    make_signup(make_night(soon(2), shift_types=types).shifts[0], volunteer)
    make_signup(make_night(soon(-2), shift_types=types).shifts[0], volunteer)
    small = measure()
    for day in range(-14, 20, 2):
        night = make_night(soon(day + 1), shift_types=types)
        make_signup(night.shifts[0], volunteer)
        make_signup(night.shifts[0], make_user())
    assert measure() == small
    assert small <= 8


def test_the_phone_flow_find_a_gap_sign_up_see_it_withdraw(volunteer_client, volunteer):
    meal, _, _ = make_standard_shift_types()
    make_night(soon(10), shift_types=[meal])
    missing = page(volunteer_client.get("/ce-qui-manque"))
    assert 'name="viewport"' in missing
    [action] = re.findall(r'action="([^"]+/inscription)"', missing)
    volunteer_client.post(action, data={"next": "/ce-qui-manque"})
    mine = page(volunteer_client.get("/mes-services"))
    assert "Repas" in mine
    [withdraw] = re.findall(r'action="([^"]+/desistement)"', mine)
    volunteer_client.post(withdraw, data={"next": "/mes-services"})
    assert "Aucun service à venir." in page(volunteer_client.get("/mes-services"))


def test_menu_offers_the_shift_pages(volunteer_client, coordinator):
    text = page(volunteer_client.get("/mes-services"))
    assert "Ce qui manque" in text and "Mes services" in text
    assert "Types de services" not in text
