"""The night itself: phones, the team sheet, the week for the wall, the astreinte, the cook's
numbers and the référent·es a night needs to be ready."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from shelter.clock import local_today, utcnow
from shelter.extensions import db
from shelter.models import AuditEntry, Night, PracticalNeed, Stay, StayNeed, User
from shelter.nights import sheets
from shelter.nights.needs import add_default_needs
from shelter.nights.services import purge_guest_data
from tests.conftest import Mailbox, login_as
from tests.factories import (
    make_application,
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import french, words

ALIAS = "Zorglubalias"
NOTE = "Notesansgluten"
ALEX_PHONE = "+32470000002"
SAM_PHONE = "+32470000003"
LOU_PHONE = "+32470000004"
CAMILLE_PHONE = "+32470000001"


def client_of(app, user):
    client = app.test_client()
    login_as(client, user)
    return client


def need_id(label: str) -> int:
    return db.session.scalar(select(PracticalNeed.id).where(PracticalNeed.label_fr == label))


def give_needs(stay: Stay, **people_by_label: int) -> None:
    for label, people in people_by_label.items():
        db.session.add(
            StayNeed(stay_id=stay.id, need_id=need_id(label.replace("_", " ")), people=people)
        )
    db.session.commit()


@pytest.fixture
def world(app):
    """Tomorrow's night: Alex cooks, Sam stays over; Lou has no shift; stays with needs."""
    add_default_needs()
    place = make_place(address="Rue Secrète 9")
    types = make_standard_shift_types()
    tomorrow = local_today() + timedelta(days=1)
    night = make_night(day=tomorrow, place=place, shift_types=types)
    other = make_night(day=tomorrow + timedelta(days=1), place=place, shift_types=types)
    coordinator = make_user(role="coordinator", name="Camille", email="camille@example.org")
    alex = make_user(name="Alex", email="alex@example.org")
    sam = make_user(name="Sam", email="sam@example.org")
    lou = make_user(name="Lou", email="lou@example.org")
    coordinator.phone, alex.phone, sam.phone, lou.phone = (
        CAMILLE_PHONE,
        ALEX_PHONE,
        SAM_PHONE,
        LOU_PHONE,
    )
    alex.phone_shared = lou.phone_shared = True  # Sam keeps it for the coordinators
    night.on_call_id = coordinator.id
    db.session.commit()
    make_signup(shift_named(night, "Repas"), alex)
    make_signup(shift_named(night, "Soirée et nuit"), sam)
    make_signup(shift_named(other, "Repas"), lou)
    family = make_stay(night, places=4, alias=ALIAS, note=NOTE)
    single = make_stay(night, places=1, alias="Autrealias")
    give_needs(family, végétarien·ne=2)
    give_needs(single, sans_porc=1)
    return {
        "night": night,
        "other": other,
        "coordinator": coordinator,
        "alex": alex,
        "sam": sam,
        "lou": lou,
    }


# --- phones -------------------------------------------------------------------------------------


def test_a_member_gives_a_belgian_number_kept_in_international_form(app, volunteer):
    client = client_of(app, volunteer)
    response = client.post(
        "/profil",
        data={
            "name": volunteer.name,
            "language": "fr",
            "phone": "0470 12 34 56",
            "phone_shared": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert (volunteer.phone, volunteer.phone_shared) == ("+32470123456", True)
    assert "+32 470 12 34 56" in client.get("/profil").text
    # Removing the number also withdraws the consent.
    client.post("/profil", data={"name": volunteer.name, "language": "fr", "phone_shared": "y"})
    db.session.refresh(volunteer)
    assert (volunteer.phone, volunteer.phone_shared) == (None, False)


@pytest.mark.parametrize("typed", ["0470 12", "téléphone", "+32 12"])
def test_a_wrong_number_is_a_clear_400(app, volunteer, typed):
    client = client_of(app, volunteer)
    response = client.post("/profil", data={"name": "V", "language": "fr", "phone": typed})
    assert response.status_code == 400
    assert french("Ce numéro de téléphone n'est pas valide") in response.text
    db.session.refresh(volunteer)
    assert volunteer.phone is None


def test_an_account_made_from_an_application_keeps_its_phone_for_coordinators(
    coordinator_client, mailbox
):
    application = make_application(phone="0486 11 22 33")
    response = coordinator_client.post(f"/gestion/candidatures/{application.id}/accepter")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == application.email))
    assert (user.phone, user.phone_shared) == ("+32486112233", False)


def test_the_team_sheet_shows_phones_by_role_and_consent(app, world):
    night = world["night"]
    url = f"/nuits/{night.id}/feuille"
    as_alex = client_of(app, world["alex"]).get(url)
    assert as_alex.status_code == 200
    # Alex is on duty: the shared numbers and the on-call coordinator's, as tap-to-call links.
    assert f'href="tel:{ALEX_PHONE}"' in as_alex.text
    assert f'href="tel:{CAMILLE_PHONE}"' in as_alex.text
    assert SAM_PHONE not in as_alex.text  # Sam did not share it with the team
    assert "+32 470 00 00 02" in words(as_alex)
    # Coordinators see every number.
    as_coordinator = client_of(app, world["coordinator"]).get(url)
    assert f'href="tel:{SAM_PHONE}"' in as_coordinator.text


def test_after_the_morning_the_team_sees_names_but_no_numbers(app, world, monkeypatch):
    night = world["night"]
    url = f"/nuits/{night.id}/feuille"
    monkeypatch.setattr(sheets, "utcnow", lambda: night.ends_at + timedelta(minutes=1))
    as_alex = client_of(app, world["alex"]).get(url)
    as_coordinator = client_of(app, world["coordinator"]).get(url)
    assert as_alex.status_code == 200
    assert "Sam" in words(as_alex)
    for number in (ALEX_PHONE, CAMILLE_PHONE, "470 00 00 0"):
        assert number not in as_alex.text
    assert f'href="tel:{SAM_PHONE}"' in as_coordinator.text


def test_a_volunteer_not_on_duty_never_sees_another_number(app, world):
    lou = client_of(app, world["lou"])
    night = world["night"]
    assert lou.get(f"/nuits/{night.id}/feuille").status_code == 403
    numbers = (ALEX_PHONE, SAM_PHONE, CAMILLE_PHONE, "470 00 00 0")
    for path in (
        f"/nuits/{night.id}",
        "/mon-espace",
        "/ce-qui-manque",
        "/mes-services",
        "/calendrier/liste",
        f"/calendrier/{night.date.year}/{night.date.month}",
        f"/nuits/semaine?first={night.date.isoformat()}",  # on duty the day after: allowed
        "/mon-agenda",
    ):
        response = lou.get(path)
        assert response.status_code == 200, path
        for number in numbers:
            assert number not in response.text, (path, number)


def test_phones_never_reach_feeds_or_the_public_site(app, world):
    from tests.factories import make_feed_link

    feed = app.test_client().get(make_feed_link(world["coordinator"], kind="coordination"))
    personal = app.test_client().get(make_feed_link(world["alex"]))
    for response in (feed, personal, app.test_client().get("/")):
        assert response.status_code == 200
        for number in (ALEX_PHONE, SAM_PHONE, CAMILLE_PHONE, "470 00"):
            assert number not in response.text


# --- the team sheet and the week ------------------------------------------------------------------


def test_the_team_sheet_holds_the_night_but_no_guest_alias_or_note(app, world):
    night = world["night"]
    for user in ("alex", "coordinator"):
        response = client_of(app, world[user]).get(f"/nuits/{night.id}/feuille")
        assert response.status_code == 200
        text = words(response)
        assert ALIAS not in response.text and NOTE not in response.text
        assert "Autrealias" not in response.text
        for expected in ("Feuille de nuit", "Rue Secrète 9", "Clés chez Camille", "Alex", "Sam"):
            assert expected in text, expected
        assert "Astreinte Camille" in text
        assert "5 personnes" in text
        assert "végétarien·ne : 2" in text and "sans porc : 1" in text
        assert "data-print" in response.text


def test_the_print_stylesheet_fits_a_sheet_on_a4(app):
    css = (Path(app.static_folder) / "css" / "shelter.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "size: A4" in print_rules
    assert ".site-header" in print_rules and ".no-print" in print_rules


def test_the_week_sheet_lists_seven_days_with_names_and_on_call_and_no_guest_data(app, world):
    night = world["night"]
    response = client_of(app, world["coordinator"]).get(
        f"/nuits/semaine?first={night.date.isoformat()}"
    )
    assert response.status_code == 200
    text = words(response)
    assert response.text.count('<li class="week-day') == 7
    assert "Astreinte : Camille" in text
    assert "Astreinte : personne" in text  # the night after: nobody took it yet
    for name in ("Alex", "Sam", "Lou"):
        assert name in text
    for guest_data in (ALIAS, NOTE, "Autrealias", "végétarien", "5 personnes", "sans porc"):
        assert guest_data not in text, guest_data
    for number in (ALEX_PHONE, CAMILLE_PHONE):
        assert number not in response.text


def test_the_week_sheet_is_for_coordinators_and_that_weeks_team(app, world):
    night = world["night"]
    url = f"/nuits/semaine?first={night.date.isoformat()}"
    far = f"/nuits/semaine?first={(night.date + timedelta(days=30)).isoformat()}"
    assert client_of(app, world["alex"]).get(url).status_code == 200
    assert client_of(app, world["alex"]).get(far).status_code == 403
    assert client_of(app, make_user(name="Nobody")).get(url).status_code == 403
    assert client_of(app, world["coordinator"]).get(far).status_code == 200
    assert client_of(app, world["coordinator"]).get("/nuits/semaine").status_code == 200
    bad = client_of(app, world["coordinator"]).get("/nuits/semaine?first=31-31-2026")
    assert bad.status_code == 400


def test_the_night_page_and_landing_link_to_the_team_sheet(app, world):
    night = world["night"]
    alex = client_of(app, world["alex"])
    assert f"/nuits/{night.id}/feuille" in alex.get(f"/nuits/{night.id}").text
    assert f"/nuits/{night.id}/feuille" in alex.get("/mon-espace").text
    lou = client_of(app, world["lou"])
    assert f"/nuits/{night.id}/feuille" not in lou.get(f"/nuits/{night.id}").text


# --- the astreinte --------------------------------------------------------------------------------


def test_a_coordinator_takes_and_leaves_the_astreinte_and_the_journal_says_so(app, world):
    night = world["other"]
    camille = client_of(app, world["coordinator"])
    assert camille.post(f"/nuits/{night.id}/astreinte").status_code == 302
    assert db.session.get(Night, night.id).on_call_id == world["coordinator"].id
    dominique = make_user(role="coordinator", name="Dominique")
    refused = client_of(app, dominique).post(f"/nuits/{night.id}/astreinte")
    assert refused.status_code == 409
    assert "Camille est déjà d'astreinte cette nuit" in words(refused)
    assert client_of(app, dominique).post(f"/nuits/{night.id}/astreinte/laisser").status_code == 409
    assert camille.post(f"/nuits/{night.id}/astreinte/laisser").status_code == 302
    db.session.expire_all()
    assert db.session.get(Night, night.id).on_call_id is None
    journal = words(camille.get("/gestion/journal"))
    assert "Camille a pris l'astreinte de la nuit du" in journal
    assert "Camille a laissé l'astreinte de la nuit du" in journal
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"night.on_call_take", "night.on_call_leave"} <= set(actions)


def test_an_astreinte_held_by_a_former_coordinator_is_free_to_take(app, world):
    night = world["night"]
    world["coordinator"].role = "volunteer"
    db.session.commit()
    sheet = client_of(app, world["alex"]).get(f"/nuits/{night.id}/feuille")
    assert "Personne n'a pris l'astreinte" in words(sheet)
    assert CAMILLE_PHONE not in sheet.text
    dominique = make_user(role="coordinator", name="Dominique")
    assert client_of(app, dominique).post(f"/nuits/{night.id}/astreinte").status_code == 302
    db.session.expire_all()
    assert db.session.get(Night, night.id).on_call_id == dominique.id


def test_volunteers_cannot_take_the_astreinte(app, world):
    night = world["other"]
    assert client_of(app, world["alex"]).post(f"/nuits/{night.id}/astreinte").status_code == 403
    assert db.session.get(Night, night.id).on_call_id is None


# --- the cook's numbers ---------------------------------------------------------------------------


def test_the_night_shows_counts_to_the_team_only(app, world):
    night = world["night"]
    counts = "végétarien·ne : 2"
    assert counts in words(client_of(app, world["alex"]).get(f"/nuits/{night.id}"))
    assert counts in words(client_of(app, world["coordinator"]).get(f"/nuits/{night.id}"))
    assert "végétarien" not in client_of(app, world["lou"]).get(f"/nuits/{night.id}").text


def test_a_coordinator_records_a_family_of_four_with_two_vegetarians(app, world):
    night = world["other"]
    camille = client_of(app, world["coordinator"])
    form = {
        "alias": "Famille",
        "places": "4",
        "arrival": night.date.isoformat(),
        "departure": (night.date + timedelta(days=1)).isoformat(),
        f"need_{need_id('végétarien·ne')}": "2",
        f"need_{need_id('bébé')}": "1",
    }
    assert camille.post(f"/nuits/{night.id}/sejours", data=form).status_code == 302
    stay = db.session.scalar(select(Stay).where(Stay.alias == "Famille"))
    assert {row.need.label_fr: row.people for row in stay.needs} == {
        "végétarien·ne": 2,
        "bébé": 1,
    }
    # More people with a need than the stay has is refused with the field's message.
    too_many = {**form, "alias": "Autre", f"need_{need_id('bébé')}": "5"}
    response = camille.post(f"/nuits/{night.id}/sejours", data=too_many)
    assert response.status_code == 400
    assert french("Au plus 4 : le nombre de places du séjour.") in response.text
    # Editing the stay keeps a retired need and changes the others.
    edit = camille.get(f"/sejours/{stay.id}")
    assert f'name="need_{need_id("végétarien·ne")}"' in edit.text
    response = camille.post(
        f"/sejours/{stay.id}",
        data={**form, "place": night.place_id, f"need_{need_id('végétarien·ne')}": "0"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {row.need.label_fr for row in db.session.get(Stay, stay.id).needs} == {"bébé"}


def test_the_meal_reminder_carries_the_counts_and_no_guest_data(app, world, mailbox):
    app.config["REMINDER_HOURS"] = 24 * 3
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    reminder = next(m for m in mailbox.to("alex@example.org") if "Rappel" in m["Subject"])
    body = Mailbox.body(reminder)
    assert french("Pour le repas : végétarien·ne : 2 · sans porc : 1") in body
    for message in mailbox.messages:
        assert ALIAS not in message.as_string() and NOTE not in Mailbox.body(message)


def test_needs_are_purged_with_the_stay(app, world):
    stay = db.session.scalar(select(Stay).where(Stay.alias == ALIAS))
    assert purge_guest_data(stay.id)
    db.session.commit()
    assert db.session.scalars(select(StayNeed).where(StayNeed.stay_id == stay.id)).all() == []
    page = words(client_of(app, world["alex"]).get(f"/nuits/{world['night'].id}/feuille"))
    assert "végétarien" not in page and "sans porc : 1" in page


def test_coordinators_keep_the_list_of_needs(app, coordinator_client):
    add_default_needs()
    page = coordinator_client.get("/coordination/besoins-pratiques")
    assert page.status_code == 200 and "végétarien·ne" in page.text and "vegetarian" in page.text
    added = coordinator_client.post(
        "/coordination/besoins-pratiques", data={"label_fr": "halal", "label_en": "halal"}
    )
    assert added.status_code == 302
    need = db.session.scalar(select(PracticalNeed).where(PracticalNeed.label_fr == "halal"))
    assert (
        coordinator_client.post(
            f"/coordination/besoins-pratiques/{need.id}",
            data={"label_fr": "viande halal", "label_en": "halal meat"},
        ).status_code
        == 302
    )
    assert (
        coordinator_client.post(f"/coordination/besoins-pratiques/{need.id}/retirer").status_code
        == 302
    )
    db.session.expire_all()
    assert (need.label_fr, need.active) == ("viande halal", False)
    assert (
        coordinator_client.post(
            "/coordination/besoins-pratiques", data={"label_fr": "", "label_en": "x"}
        ).status_code
        == 400
    )
    assert coordinator_client.get("/coordination/besoins-pratiques/999999").status_code == 404


# --- référent·es and readiness --------------------------------------------------------------------


@pytest.fixture
def lead_required(app):
    """Tomorrow's night, every shift full, but its evening needs a référent·e."""
    types = make_standard_shift_types()
    types[1].min_leads = 1
    db.session.commit()
    night = make_night(day=local_today() + timedelta(days=1), shift_types=types)
    people = [make_user(name=f"Bénévole {index}") for index in range(3)]
    for shift in night.shifts:
        for person in people[: shift.min_volunteers]:
            make_signup(shift, person)
    return night, people


def test_a_night_without_its_referent_is_not_ready_everywhere(app, lead_required, mailbox):
    night, _people = lead_required
    coordinator = make_user(role="coordinator", name="Camille")
    client = client_of(app, coordinator)
    missing = words(client.get("/ce-qui-manque"))
    assert "Soirée et nuit 20:00–09:00 : un·e référent·e" in missing
    month = words(client.get(f"/calendrier/{night.date.year}/{night.date.month}"))
    assert "Soirée et nuit : manque un·e référent·e" in month
    landing = client.get("/mon-espace").text
    assert f"/nuits/{night.id}" in landing and "Soirée et nuit" in landing
    night_page = words(client.get(f"/nuits/{night.id}"))
    assert "Manque un·e référent·e" in night_page
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    warning = next(m for m in mailbox.messages if "pas encore prêtes" in m["Subject"])
    assert french("un·e référent·e") in Mailbox.body(warning)

    # Marking one of the evening's people as référent·e makes the night ready.
    evening = shift_named(night, "Soirée et nuit")
    lead = evening.signups[0].user
    assert client.post(f"/gestion/comptes/{lead.id}/referent").status_code == 302
    assert "référent·e" not in words(client.get("/ce-qui-manque"))
    db.session.expire_all()
    assert shift_named(db.session.get(Night, night.id), "Soirée et nuit").is_covered
    journal = words(client.get("/gestion/journal"))
    assert f"Camille a fait de {lead.name} un·e référent·e." in journal


def test_a_shift_type_asks_for_referents_on_the_nights_to_come(coordinator_client, app):
    types = make_standard_shift_types()
    night = make_night(day=local_today() + timedelta(days=3), shift_types=types)
    evening_type = types[1]
    response = coordinator_client.post(
        f"/services/types/{evening_type.id}",
        data={
            "name": "Soirée et nuit",
            "start_time": "20:00",
            "end_time": "09:00",
            "min_volunteers": "2",
            "max_volunteers": "2",
            "min_leads": "1",
            "position": "1",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert shift_named(db.session.get(Night, night.id), "Soirée et nuit").min_leads == 1
    too_many = coordinator_client.post(
        f"/services/types/{evening_type.id}",
        data={
            "name": "Soirée et nuit",
            "start_time": "20:00",
            "end_time": "09:00",
            "min_volunteers": "2",
            "max_volunteers": "2",
            "min_leads": "3",
            "position": "1",
        },
    )
    assert too_many.status_code == 400


def test_a_past_shift_is_never_counted_as_a_gap(app, lead_required):
    night, _people = lead_required
    for shift in night.shifts:
        shift.starts_at = utcnow() - timedelta(hours=30)
        shift.ends_at = utcnow() - timedelta(hours=20)
    db.session.commit()
    client = client_of(app, make_user(role="coordinator"))
    assert "référent·e" not in words(client.get("/ce-qui-manque"))
