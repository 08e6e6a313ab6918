"""The member landing page: my next shift, the urgent gaps, the next nights, coordinators' tasks."""

import re
from datetime import timedelta

from shelter.clock import local_today, utcnow
from shelter.extensions import db
from shelter.models import ReplacementRequest, SignUp
from tests.factories import (
    DEFAULT_PASSWORD,
    make_application,
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import count_queries, french, page, selects


def section(html: str, heading_id: str) -> str:
    """The text of the landing page's section titled by ``heading_id``."""
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def test_members_land_on_their_page_after_logging_in(client, volunteer):
    response = client.post(
        "/connexion", data={"email": volunteer.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/mon-espace"
    response = client.get("/mon-espace")
    assert response.status_code == 200
    assert "Bonjour Alex" in page(response)


def test_my_next_shift_with_its_place_and_team(volunteer_client, volunteer, other_volunteer):
    meal, overnight, _ = make_standard_shift_types()
    place = make_place("La Maison", address="Rue de la Paix 3")
    soon = make_night(local_today() + timedelta(days=2), place, shift_types=[meal, overnight])
    later = make_night(local_today() + timedelta(days=9), place, shift_types=[meal])
    make_signup(shift_named(soon, "Soirée et nuit"), volunteer)
    make_signup(shift_named(soon, "Soirée et nuit"), other_volunteer)
    make_signup(later.shifts[0], volunteer)
    html = page(volunteer_client.get("/mon-espace"))
    mine = section(html, "next-shift-title")
    assert "Soirée et nuit" in mine and "20:00–09:00" in mine
    assert "La Maison" in mine and "Rue de la Paix 3" in mine
    assert "Alex (toi)" in mine and "Sam" in mine
    assert f"/nuits/{soon.id}" in mine


def test_a_member_without_shifts_is_pointed_to_the_gaps(volunteer_client):
    mine = section(page(volunteer_client.get("/mon-espace")), "next-shift-title")
    assert "Aucun service à venir." in mine
    assert "/ce-qui-manque" in mine


def test_urgent_lists_the_gaps_of_the_week_each_with_a_sign_up_button(volunteer_client, volunteer):
    meal, overnight, morning = make_standard_shift_types()
    soon = make_night(local_today() + timedelta(days=1), shift_types=[meal, overnight, morning])
    far = make_night(local_today() + timedelta(days=10), shift_types=[meal])
    for person in (make_user(), make_user()):
        make_signup(shift_named(soon, "Soirée et nuit"), person)
    urgent = section(page(volunteer_client.get("/mon-espace")), "urgent-title")
    assert "Repas" in urgent and "Matin" in urgent
    assert "Soirée et nuit" not in urgent  # covered
    assert f"/services/{far.shifts[0].id}/inscription" not in urgent  # beyond the week
    meal_shift = shift_named(soon, "Repas")
    assert urgent.count("M'inscrire") == 2
    assert f'action="/services/{meal_shift.id}/inscription"' in urgent

    response = volunteer_client.post(
        f"/services/{meal_shift.id}/inscription", data={"next": "/mon-espace"}
    )
    assert response.headers["Location"] == "/mon-espace"
    assert db.session.query(SignUp).filter_by(shift_id=meal_shift.id).count() == 1
    after = page(volunteer_client.get("/mon-espace"))
    assert french("Tu es inscrit·e à « Repas ». Merci !") in after
    assert "Repas" in section(after, "next-shift-title")


def test_nothing_urgent_says_so(volunteer_client):
    urgent = section(page(volunteer_client.get("/mon-espace")), "urgent-title")
    assert french("Rien d'urgent : tous les services des 7 prochains jours sont couverts.") in (
        urgent
    )


def test_next_nights_show_places_coverage_and_mine(volunteer_client, volunteer):
    meal, overnight, _ = make_standard_shift_types()
    tonight = make_night(local_today(), shift_types=[meal, overnight])
    make_stay(tonight, places=10)
    other = make_night(local_today() + timedelta(days=3), shift_types=[meal])
    make_signup(shift_named(tonight, "Repas"), volunteer)
    make_night(local_today() - timedelta(days=1))
    nights = section(page(volunteer_client.get("/mon-espace")), "next-nights-title")
    assert nights.count('class="night-summary') == 2
    assert "10/10 places" in nights and "Complet" in nights
    assert french("Repas : manque 1") in nights
    assert "J'y suis" in nights
    assert nights.index(f"/nuits/{tonight.id}") < nights.index(f"/nuits/{other.id}")


def test_volunteers_do_not_see_the_coordination_tasks(volunteer_client):
    make_application()
    html = page(volunteer_client.get("/mon-espace"))
    assert "À traiter" not in html
    assert "candidature" not in html


def test_coordinators_see_unready_nights_applications_and_withdrawal_requests(
    coordinator_client, volunteer
):
    meal, overnight, _ = make_standard_shift_types()
    soon = make_night(local_today() + timedelta(days=1), shift_types=[meal, overnight])
    make_night(local_today() + timedelta(days=5), shift_types=[meal])  # gap, but not within 72 h
    make_application()
    make_application(name="Noa", email="noa@example.org")
    make_application(name="Old", email="old@example.org", status="approved")
    signup = make_signup(shift_named(soon, "Repas"), volunteer)
    signup.withdrawal_requested_at = utcnow()
    signup.withdrawal_reason = "Malade"
    db.session.commit()
    tasks = section(page(coordinator_client.get("/mon-espace")), "tasks-title")
    assert "Nuits pas prêtes dans les 72 prochaines heures" in tasks
    assert tasks.count("Gérer les services") == 1
    assert f"/services/nuit/{soon.id}" in tasks
    assert "2 candidatures en attente" in tasks and "/gestion/candidatures" in tasks
    assert "Demandes de remplacement" in tasks and "Alex" in tasks and "Malade" in tasks


def test_coordinators_with_nothing_to_handle_are_told(coordinator_client):
    tasks = section(page(coordinator_client.get("/mon-espace")), "tasks-title")
    assert "Rien à traiter pour l'instant." in tasks


def test_the_landing_page_costs_a_fixed_number_of_queries(coordinator_client, coordinator):
    types = make_standard_shift_types()
    volunteers = [make_user() for _ in range(4)]

    def plan(days: range) -> None:
        for day in days:
            night = make_night(local_today() + timedelta(days=day), shift_types=types)
            make_stay(night, places=3)
            make_signup(night.shifts[0], coordinator)
            make_signup(night.shifts[1], volunteers[day % 4])
            request = make_signup(night.shifts[2], volunteers[(day + 1) % 4])
            request.withdrawal_requested_at = utcnow()
            db.session.add(
                ReplacementRequest(shift_id=request.shift_id, requester_id=request.user_id)
            )
        make_application(email=f"applicant{days.start}@example.org")
        db.session.commit()
        db.session.expire_all()

    db.session.expire_all()
    with count_queries(db.engine) as empty:
        assert coordinator_client.get("/mon-espace").status_code == 200
    plan(range(0, 2))
    with count_queries(db.engine) as few:
        coordinator_client.get("/mon-espace")
    plan(range(2, 20))
    with count_queries(db.engine) as many:
        response = coordinator_client.get("/mon-espace")
    assert "Demandes de remplacement" in page(response)
    assert page(response).count("Je remplace") >= 18
    assert selects(empty) <= selects(few) == selects(many) <= 10


def test_the_coordination_hub_lists_every_management_page(coordinator_client):
    html = page(coordinator_client.get("/coordination"))
    for url in (
        "/nuits/planifier",
        "/lieux/",
        "/services/types",
        "/gestion/comptes",
        "/gestion/candidatures",
        "/gestion/actualites",
        "/gestion/journal",
    ):
        assert f'href="{url}"' in html, url
