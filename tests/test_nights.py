"""Hosting nights and guest stays through the pages coordinators and volunteers use."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shelter.clock import local_today
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import AuditEntry, Night, Stay
from shelter.nights import services
from tests.factories import make_night, make_place, make_shift_type, make_signup, make_stay
from tests.helpers import count_queries, french, page, selects, words

DECEMBER = date(2030, 12, 1)


def stays_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Stay))


def fresh(night: Night) -> Night:
    db.session.expire_all()
    return db.session.get(Night, night.id)


def book(client, night, **fields):
    data = {
        "alias": "Amina",
        "places": "1",
        "arrival": night.date.isoformat(),
        "departure": night.morning.isoformat(),
        "note": "",
    }
    data.update(fields)
    return client.post(f"/nuits/{night.id}/sejours", data=data)


# --- Planning ------------------------------------------------------------------------------


def test_coordinator_plans_fridays_and_saturdays_of_a_season_in_one_form(coordinator_client):
    place = make_place()
    make_shift_type("Repas")
    make_shift_type("Soirée et nuit", position=1)
    make_night(date(2030, 12, 6), place)  # an existing Friday
    response = coordinator_client.post(
        "/nuits/planifier",
        data={
            "place": place.id,
            "first_date": "2030-12-01",
            "last_date": "2031-01-31",
            "weekdays": ["4", "5"],
            "capacity": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/calendrier/2030/12"
    nights = db.session.scalars(select(Night).order_by(Night.date)).all()
    assert len(nights) == 17  # 9 Fridays and 8 Saturdays from 1 Dec to 31 Jan
    assert {night.date.weekday() for night in nights} == {4, 5}
    assert all(night.capacity == 10 for night in nights)
    created = [night for night in nights if night.date != date(2030, 12, 6)]
    assert all(len(night.shifts) == 2 for night in created)
    text = page(coordinator_client.get(response.headers["Location"]))
    assert "16 nuits planifiées." in text
    assert french("Déjà planifiées, donc ignorées : vendredi 6 décembre 2030.") in text


def test_one_night_with_a_lower_capacity_and_a_note(coordinator_client):
    place = make_place()
    response = coordinator_client.post(
        "/nuits/planifier",
        data={"place": place.id, "first_date": "2030-12-05", "capacity": "6", "note": "Soupe"},
    )
    assert response.status_code == 302
    night = db.session.scalar(select(Night))
    assert (night.date, night.capacity, night.note) == (date(2030, 12, 5), 6, "Soupe")


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"first_date": "2030-02-30"}, 400, "Indique une date valide"),
        ({"last_date": "2030-11-01"}, 400, "La dernière nuit ne peut pas précéder la première."),
        ({"last_date": "2032-12-01"}, 400, "Planifie au plus un an à la fois."),
        ({"capacity": "11"}, 409, "La capacité doit être entre 0 et 10 places"),
        ({"capacity": "-1"}, 400, "La capacité ne peut pas être négative."),
    ],
)
def test_planning_refuses_bad_input_and_changes_nothing(
    coordinator_client, fields, status, message
):
    place = make_place()
    data = {"place": place.id, "first_date": "2030-12-01", "last_date": "2030-12-31"}
    response = coordinator_client.post("/nuits/planifier", data={**data, **fields})
    assert response.status_code == status
    assert message in page(response)
    assert db.session.scalar(select(func.count()).select_from(Night)) == 0


def test_plan_page_lists_weekdays_in_the_users_language(coordinator_client, coordinator):
    make_place()
    assert "Vendredi" in page(coordinator_client.get("/nuits/planifier"))
    coordinator.language = "en"
    db.session.commit()
    assert "Friday" in page(coordinator_client.get("/nuits/planifier"))


# --- Stays ---------------------------------------------------------------------------------


def test_coordinator_records_a_stay_and_sees_it_on_the_night_page(coordinator_client):
    night = make_night(DECEMBER)
    response = book(coordinator_client, night, alias="Amina", places="3", note="Végétarienne")
    assert response.status_code == 302
    assert fresh(night).places_used == 3
    text = page(coordinator_client.get(f"/nuits/{night.id}"))
    assert "Amina" in text
    assert "Végétarienne" in text
    assert "3/10" in text
    assert "N'enregistre qu'un prénom ou un pseudonyme" in text


def test_volunteer_sees_the_number_of_guests_and_needs_but_no_alias(volunteer_client, volunteer):
    night = make_night(DECEMBER, shift_types=[make_shift_type()])
    # The needs are shown to the volunteers on duty that night.
    make_signup(night.shifts[0], volunteer)
    make_stay(night, places=2, alias="Yonas", note="Parle tigrinya")
    make_stay(night, places=1, alias="Amina")
    response = volunteer_client.get(f"/nuits/{night.id}")
    assert response.status_code == 200
    text = page(response)
    assert "3 personnes hébergées cette nuit." in text
    assert "Parle tigrinya" in text
    assert "Yonas" not in text and "Amina" not in text
    assert "Ajouter un séjour" not in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"arrival": "2030-13-45"}, "Indique une date valide"),
        ({"departure": "2030-11-30"}, "Le départ doit être au moins le lendemain de l'arrivée."),
        ({"departure": "2030-12-01"}, "Le départ doit être au moins le lendemain de l'arrivée."),
        ({"places": "0"}, "Un séjour compte de 1 à 10 places."),
        ({"places": "11"}, "Un séjour compte de 1 à 10 places."),
        ({"places": "deux"}, "Indique un nombre entier."),
        ({"alias": ""}, "Indique un prénom ou un pseudonyme."),
        ({"alias": "x" * 41}, "40 caractères au maximum."),
        ({"note": "x" * 201}, "200 caractères au maximum."),
    ],
)
def test_bad_stay_input_is_a_400_with_a_message(coordinator_client, fields, message):
    night = make_night(DECEMBER)
    response = book(coordinator_client, night, **fields)
    assert response.status_code == 400
    assert message in page(response)


def test_a_stay_may_hold_up_to_the_places_beds(coordinator_client):
    # One rule for the size of a stay, the place's beds: the form shows it, the service keeps it.
    night = make_night(DECEMBER, place=make_place("Grande salle", beds=200))
    assert book(coordinator_client, night, places="12").status_code == 302
    assert fresh(night).places_used == 12
    response = book(coordinator_client, night, places="201")
    assert response.status_code == 400
    assert "Un séjour compte de 1 à 200 places." in page(response)
    with pytest.raises(DomainError, match="Un séjour compte de 1 à 200 places"):
        services.book_stay(night.place, night.date, night.morning, 201, "A", "", None)


def test_the_services_keep_the_date_limits_that_the_forms_show(app):
    night = make_night(DECEMBER)
    with pytest.raises(DomainError, match="Un séjour dure au plus 366 nuits"):
        services.book_stay(
            night.place, night.date, night.date + timedelta(days=367), 1, "A", "", None
        )
    year_and_a_day = [DECEMBER, DECEMBER + timedelta(days=366)]
    with pytest.raises(DomainError, match="Planifie au plus un an à la fois"):
        services.plan_nights(night.place, year_and_a_day, None, "", None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Night)) == 1
    assert stays_count() == 0
    assert fresh(night).places_used == 0


def test_a_stay_on_a_missing_or_cancelled_night_is_refused(coordinator_client):
    night = make_night(DECEMBER)
    response = book(coordinator_client, night, departure="2030-12-03")
    assert response.status_code == 409
    assert "Il n'y a pas de nuit prévue le lundi 2 décembre 2030" in page(response)
    cancelled = make_night(date(2030, 12, 10), status="cancelled")
    response = book(coordinator_client, cancelled)
    assert response.status_code == 409
    assert "Il n'y a pas de nuit prévue le mardi 10 décembre 2030" in page(response)
    assert stays_count() == 0
    assert fresh(night).places_used == 0
    assert coordinator_client.post("/nuits/999999/sejours", data={}).status_code == 404


def test_a_full_night_refuses_with_the_places_left(coordinator_client):
    night = make_night(DECEMBER)
    make_stay(night, places=8)
    response = book(coordinator_client, night, places="3")
    assert response.status_code == 409
    assert french(
        "Pas assez de places : nuit du dimanche 1 décembre 2030 : plus que 2 places libres. "
        "Rien n'a été enregistré."
    ) in page(response)
    assert fresh(night).places_used == 8
    assert stays_count() == 1


def test_a_multi_night_refusal_names_only_the_full_nights(coordinator_client):
    first = make_night(DECEMBER)
    second = make_night(DECEMBER + timedelta(days=1))
    third = make_night(DECEMBER + timedelta(days=2))
    make_stay(second, places=10)
    make_stay(third, places=9)
    response = book(coordinator_client, first, departure="2030-12-04", places="2")
    assert response.status_code == 409
    text = page(response)
    assert "nuit du lundi 2 décembre 2030 complète" in text
    assert french("nuit du mardi 3 décembre 2030 : plus que 1 place libre") in text
    assert "dimanche 1 décembre" not in text.split("Pas assez de places")[1].split(".")[0]
    assert [fresh(n).places_used for n in (first, second, third)] == [0, 10, 9]


def test_refusals_speak_the_users_language(coordinator_client, coordinator):
    coordinator.language = "en"
    db.session.commit()
    night = make_night(DECEMBER)
    make_stay(night, places=10)
    response = book(coordinator_client, night)
    assert response.status_code == 409
    assert "Not enough places: night of Sunday 1 December 2030 full." in page(response)


def edit(client, stay, **fields):
    data = {
        "alias": stay.alias,
        "places": str(stay.places),
        "arrival": stay.arrival.isoformat(),
        "departure": stay.departure.isoformat(),
        "place": str(stay.place_id),
        "note": stay.note or "",
    }
    data.update(fields)
    return client.post(f"/sejours/{stay.id}", data=data)


def test_extend_shorten_and_move_a_stay(coordinator_client):
    nights = [make_night(DECEMBER + timedelta(days=i)) for i in range(4)]
    stay = make_stay(nights[0], places=2)
    assert coordinator_client.get(f"/sejours/{stay.id}").status_code == 200

    assert edit(coordinator_client, stay, departure="2030-12-04").status_code == 302
    assert [fresh(n).places_used for n in nights] == [2, 2, 2, 0]

    assert edit(coordinator_client, stay, departure="2030-12-02").status_code == 302
    assert [fresh(n).places_used for n in nights] == [2, 0, 0, 0]

    response = edit(
        coordinator_client, stay, arrival="2030-12-03", departure="2030-12-05", places="3"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/nuits/{nights[2].id}"
    assert [fresh(n).places_used for n in nights] == [0, 0, 3, 3]


def test_extending_into_a_full_night_is_refused_and_changes_nothing(coordinator_client):
    first = make_night(DECEMBER)
    second = make_night(DECEMBER + timedelta(days=1))
    stay = make_stay(first, places=2, alias="Amina")
    make_stay(second, places=9, alias="Yonas")
    response = edit(coordinator_client, stay, departure="2030-12-03", alias="Amina B.")
    assert response.status_code == 409
    assert french("nuit du lundi 2 décembre 2030 : plus que 1 place libre") in page(response)
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).alias == "Amina"
    assert db.session.get(Stay, stay.id).departure == date(2030, 12, 2)
    assert [fresh(n).places_used for n in (first, second)] == [2, 9]


def test_growing_a_stay_on_its_own_nights_counts_only_the_difference(coordinator_client):
    night = make_night(DECEMBER)
    stay = make_stay(night, places=4)
    make_stay(night, places=5)
    assert edit(coordinator_client, stay, places="5").status_code == 302
    assert fresh(night).places_used == 10
    assert edit(coordinator_client, stay, places="6").status_code == 409
    assert fresh(night).places_used == 10


def test_moving_a_stay_to_another_place(coordinator_client):
    house = make_place("La Maison")
    annex = make_place("L'Annexe", beds=4)
    night = make_night(DECEMBER, house)
    other = make_night(DECEMBER, annex)
    stay = make_stay(night, places=3)
    assert edit(coordinator_client, stay, place=str(annex.id)).status_code == 302
    assert (fresh(night).places_used, fresh(other).places_used) == (0, 3)


def test_cancelling_a_stay_frees_its_places_and_is_audited_without_guest_data(
    coordinator_client, coordinator
):
    nights = [make_night(DECEMBER + timedelta(days=i)) for i in range(2)]
    book(coordinator_client, nights[0], alias="Amina", note="Sans gluten", departure="2030-12-03")
    stay = db.session.scalar(select(Stay))
    response = coordinator_client.post(f"/sejours/{stay.id}/annuler")
    assert response.status_code == 302
    assert stays_count() == 0
    assert [fresh(n).places_used for n in nights] == [0, 0]
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [entry.action for entry in entries] == ["stay.create", "stay.cancel"]
    assert all(entry.actor_id == coordinator.id for entry in entries)
    for entry in entries:
        stored = json.dumps(entry.details, ensure_ascii=False)
        assert "Amina" not in stored and "gluten" not in stored
    log = words(coordinator_client.get("/gestion/journal"))
    assert "Camille a annulé un séjour qui commençait la nuit du " in log
    assert "Amina" not in log and "gluten" not in log
    assert coordinator_client.post(f"/sejours/{stay.id}/annuler").status_code == 404


# --- Capacity, cancellation ------------------------------------------------------------------


def change_night(client, night, capacity, note=""):
    return client.post(
        f"/nuits/{night.id}/modifier", data={"night-capacity": str(capacity), "night-note": note}
    )


def test_lowering_capacity_stops_at_the_places_used(coordinator_client):
    night = make_night(DECEMBER)
    make_stay(night, places=7)
    response = change_night(coordinator_client, night, 6)
    assert response.status_code == 409
    assert french("Impossible de descendre à 6 places : 7 places sont déjà occupées") in page(
        response
    )
    assert fresh(night).capacity == 10
    assert change_night(coordinator_client, night, 11).status_code == 409
    assert change_night(coordinator_client, night, "").status_code == 400
    response = change_night(coordinator_client, night, 7, note="Apporter des couvertures")
    assert response.status_code == 302
    assert (fresh(night).capacity, fresh(night).note) == (7, "Apporter des couvertures")
    assert "7/7" in page(coordinator_client.get(f"/nuits/{night.id}"))


def test_cancelling_a_night_cancels_its_shifts_and_keeps_it_visible(
    coordinator_client, coordinator, volunteer, mailbox
):
    meal = make_shift_type("Repas")
    night = make_night(DECEMBER, shift_types=[meal])
    signup = make_signup(night.shifts[0], volunteer)
    make_stay(night, alias="Marqueur-Alias-Secret", note="Marqueur-Note-Secrete")
    response = coordinator_client.post(
        f"/nuits/{night.id}/annuler", data={"cancel-reason": "Chauffage en panne"}
    )
    assert response.status_code == 302
    [message] = mailbox.to(volunteer.email)
    body = mailbox.body(message)
    assert "Repas" in body
    assert "Marqueur" not in body and "Marqueur" not in message["Subject"]
    night = fresh(night)
    assert night.is_cancelled and night.cancel_reason == "Chauffage en panne"
    assert night.sequence == 1
    assert [(s.status, s.sequence) for s in night.shifts] == [("cancelled", 1)]
    text = page(coordinator_client.get(f"/nuits/{night.id}"))
    assert "Nuit annulée" in text and "Chauffage en panne" in text
    assert "Annulée" in page(coordinator_client.get("/calendrier/2030/12"))

    assert coordinator_client.post(f"/nuits/{night.id}/annuler", data={}).status_code == 400
    response = coordinator_client.post(f"/nuits/{night.id}/annuler", data={"cancel-reason": "x"})
    assert response.status_code == 409
    assert "Cette nuit est déjà annulée." in page(response)
    assert fresh(night).sequence == 1

    assert coordinator_client.post(f"/nuits/{night.id}/retablir").status_code == 302
    night = fresh(night)
    assert night.status == "planned" and night.sequence == 2
    assert [(s.status, s.sequence) for s in night.shifts] == [("planned", 2)]
    assert db.session.get(type(signup), signup.id) is not None


def test_cancel_night_returns_the_signups_of_its_shifts(app, coordinator, volunteer):
    meal, evening = make_shift_type("Repas"), make_shift_type("Soirée", position=1)
    night = make_night(DECEMBER, shift_types=[meal, evening])
    first = make_signup(night.shifts[0], volunteer)
    second = make_signup(night.shifts[1], coordinator)
    affected = services.cancel_night(night, "Grève", coordinator)
    db.session.commit()
    assert {signup.id for signup in affected} == {first.id, second.id}


# --- Night page ----------------------------------------------------------------------------


def test_night_page_lists_shifts_with_volunteers_in_fixed_queries(
    coordinator_client, volunteer, other_volunteer
):
    meal = make_shift_type("Repas", minimum=2, maximum=3)
    night = make_night(DECEMBER, shift_types=[meal])
    make_stay(night, places=2)
    make_signup(night.shifts[0], volunteer)
    url = f"/nuits/{night.id}"
    db.session.expire_all()
    with count_queries(db.engine) as few:
        coordinator_client.get(url)
    make_signup(night.shifts[0], other_volunteer)
    for _ in range(5):
        make_stay(night, places=1)
    db.session.expire_all()
    with count_queries(db.engine) as many:
        response = coordinator_client.get(url)
    text = page(response)
    assert "Repas" in text and "18:00–21:00" in text
    assert "Alex" in text and "Sam" in text
    assert "2 inscrit·e(s) · min 2 · max 3" in text
    assert selects(many) == selects(few) <= 10
    assert coordinator_client.get("/nuits/999999").status_code == 404


def test_address_and_notes_of_the_place_show_to_members(volunteer_client):
    night = make_night(DECEMBER)
    text = page(volunteer_client.get(f"/nuits/{night.id}"))
    assert "Rue Test 1" in text and "Clés chez Camille" in text


# --- Guest data retention ------------------------------------------------------------------


def test_purge_guests_erases_old_aliases_and_notes_but_keeps_counts(app):
    today = local_today()
    old = make_night(today - timedelta(days=40))
    recent = make_night(today - timedelta(days=10))
    make_stay(old, places=3, alias="Amina", note="Sans porc")
    make_stay(recent, places=2, alias="Yonas", note="Parle arabe")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-guests"])
    assert result.exit_code == 0, result.output
    assert "1 stay(s)" in result.output
    assert "Amina" not in result.output and "Sans porc" not in result.output
    db.session.expire_all()
    stays = {stay.places: stay for stay in db.session.scalars(select(Stay))}
    assert (stays[3].alias, stays[3].note) == (None, None)
    assert stays[3].purged_at is not None
    assert (stays[2].alias, stays[2].note) == ("Yonas", "Parle arabe")
    assert fresh(old).places_used == 3
    again = runner.invoke(args=["purge-guests"])
    assert "0 stay(s)" in again.output


def test_a_stay_whose_purge_fails_leaves_the_others_erased(app, monkeypatch):
    old = make_night(local_today() - timedelta(days=40))
    stays = [make_stay(old, alias=alias) for alias in ("Amina", "Yonas", "Selam")]
    real_record = services.record

    def breaks_on_the_second(actor, action, target_type, target_id, **details):
        if target_id == stays[1].id:
            raise RuntimeError("audit log unavailable")
        return real_record(actor, action, target_type, target_id, **details)

    monkeypatch.setattr(services, "record", breaks_on_the_second)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-guests"])
    assert result.exit_code == 1
    assert "Guest data erased from 2 stay(s)" in result.output
    assert "1 stay(s) could not be erased" in result.output
    assert "Yonas" not in result.output
    db.session.expire_all()
    assert [stay.alias for stay in stays] == [None, "Yonas", None]

    monkeypatch.setattr(services, "record", real_record)
    assert "1 stay(s)" in runner.invoke(args=["purge-guests"]).output
    db.session.expire_all()
    assert [stay.alias for stay in stays] == [None, None, None]


@pytest.fixture
def short_retention(app_config):
    app_config["GUEST_RETENTION_DAYS"] = 5
    return app_config


def test_purge_follows_the_retention_setting(short_retention, app):
    recent = make_night(local_today() - timedelta(days=10))
    make_stay(recent, alias="Yonas")
    assert "1 stay(s)" in app.test_cli_runner().invoke(args=["purge-guests"]).output
    assert db.session.scalar(select(Stay.alias)) is None


def test_a_purged_stay_shows_without_alias_and_cannot_be_edited(coordinator_client):
    night = make_night(DECEMBER)
    stay = make_stay(night, places=2, alias="Amina")
    stay.alias = None
    stay.purged_at = stay.created_at
    db.session.commit()
    assert "(données effacées)" in page(coordinator_client.get(f"/nuits/{night.id}"))
    response = coordinator_client.post(f"/sejours/{stay.id}", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).places == 2


def test_demo_plans_fridays_and_saturdays_with_a_few_stays_once(app):
    make_shift_type("Repas")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    nights = db.session.scalars(select(Night)).all()
    assert 12 <= len(nights) <= 14
    assert {night.date.weekday() for night in nights} == {4, 5}
    assert all(len(night.shifts) == 1 for night in nights)
    assert stays_count() == 4
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Night)) == len(nights)
    assert stays_count() == 4
    db.session.expire_all()
    assert max(night.places_used for night in db.session.scalars(select(Night))) == 5


def test_volunteers_cannot_touch_stays_or_nights(volunteer_client):
    night = make_night(DECEMBER)
    stay = make_stay(night, places=2, alias="Amina")
    attempts = [
        (f"/sejours/{stay.id}", {"alias": "X", "places": "5"}),
        (f"/sejours/{stay.id}/annuler", {}),
        (f"/nuits/{night.id}/sejours", {"alias": "X", "places": "1"}),
        (f"/nuits/{night.id}/modifier", {"night-capacity": "2"}),
        (f"/nuits/{night.id}/annuler", {"cancel-reason": "x"}),
    ]
    for url, data in attempts:
        assert volunteer_client.post(url, data=data).status_code == 403, url
    assert volunteer_client.get(f"/sejours/{stay.id}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).places == 2
    assert stays_count() == 1
    assert (fresh(night).capacity, fresh(night).status) == (10, "planned")
