"""Replacements after the cut-off, arrival check-in and the no-show alert."""

from datetime import date, time, timedelta

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from shelter.clock import BRUSSELS, utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import AuditEntry, QueuedMail, ReplacementRequest, Shift, SignUp
from shelter.shifts import presence, replacements, signups
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
from tests.helpers import french, page, words

TAKEN = french("Quelqu'un l'a déjà remplacé·e, merci !")


def client_of(app, user):
    client = app.test_client()
    login_as(client, user)
    return client


def run(app, command="send-reminders"):
    result = app.test_cli_runner().invoke(args=[command])
    assert result.exit_code == 0, result.output
    return result.output


def at(shift: Shift, starts_in: timedelta, hours: int = 3) -> Shift:
    """Move ``shift`` so that it starts ``starts_in`` from now."""
    shift.starts_at = utcnow() + starts_in
    shift.ends_at = shift.starts_at + timedelta(hours=hours)
    db.session.commit()
    return shift


@pytest.fixture
def team(app):
    """A meal in 30 h (after the cut-off) held by Alex; who else is around that evening."""
    types = make_standard_shift_types()
    day = date.today() + timedelta(days=40)
    night = make_night(day, make_place("La Maison"), shift_types=list(types))
    meal = at(shift_named(night, "Repas"), timedelta(hours=30))
    overnight = at(shift_named(night, "Soirée et nuit"), timedelta(hours=32), hours=13)
    annex = make_night(day, make_place("L'Annexe"), shift_types=[types[0]])
    at(annex.shifts[0], timedelta(hours=30))
    people = {
        "alex": make_user(name="Alex", email="alex@example.org"),
        "noa": make_user(name="Noa", email="noa@example.org"),  # on the meal already
        "sam": make_user(name="Sam", email="sam@example.org"),  # overnight: may combine
        "lou": make_user(name="Lou", email="lou@example.org"),  # free
        "kim": make_user(name="Kim", email="kim@example.org"),  # the annex's meal: clash
        "old": make_user(name="Old", email="old@example.org", active=False),
        "camille": make_user(role="coordinator", name="Camille", email="camille@example.org"),
    }
    make_signup(meal, people["alex"])
    make_signup(meal, people["noa"])
    make_signup(overnight, people["sam"])
    make_signup(annex.shifts[0], people["kim"])
    return {"meal": meal, "overnight": overnight, "night": night, **people}


def ask(app, team, reason="Malade") -> ReplacementRequest:
    alex = client_of(app, team["alex"])
    response = alex.post(
        f"/services/{team['meal'].id}/demande-de-desistement", data={"reason": reason}
    )
    assert response.status_code == 302
    db.session.rollback()
    return db.session.scalar(select(ReplacementRequest))


def names_on(shift: Shift) -> list[str]:
    db.session.expire_all()
    return sorted(signup.user.name for signup in db.session.get(Shift, shift.id).signups)


# --- Asking ------------------------------------------------------------------------------------


def test_asking_emails_each_free_volunteer_once_and_the_coordinators(app, team, mailbox):
    request = ask(app, team)
    assert request.is_open and request.requester_id == team["alex"].id
    queued = db.session.scalars(select(QueuedMail).where(QueuedMail.sent_at.is_(None))).all()
    assert sorted(mail.recipients[0] for mail in queued) == ["lou@example.org", "sam@example.org"]
    run(app, "send-mail")
    [to_lou] = mailbox.to("lou@example.org")
    assert to_lou["Subject"].startswith(french("Qui peut remplacer Alex ?"))
    body = mailbox.body(to_lou)
    assert f"/remplacements/{request.id}" in body and "Malade" not in body
    [to_camille] = mailbox.to("camille@example.org")
    assert to_camille["Subject"].startswith(french("Demande de remplacement : Repas"))
    assert "Malade" in mailbox.body(to_camille) and "2 bénévoles libres" in mailbox.body(to_camille)
    assert not mailbox.to("noa@example.org") and not mailbox.to("kim@example.org")
    assert not mailbox.to("old@example.org") and not mailbox.to("alex@example.org")
    assert names_on(team["meal"]) == ["Alex", "Noa"]


def test_before_the_cut_off_withdrawing_stays_free(app, team):
    meal = at(team["meal"], timedelta(days=5))
    assert signups.available_actions(team["alex"], [meal])[meal.id].offer == "withdraw"
    with pytest.raises(DomainError):
        replacements.request_withdrawal(meal, team["alex"], "Malade")
    db.session.rollback()
    assert db.session.scalar(select(ReplacementRequest)) is None


def test_free_volunteers_see_the_request_on_their_landing_page(app, team):
    request = ask(app, team)
    for name, sees in (("lou", True), ("sam", True), ("noa", False), ("kim", False)):
        html = page(client_of(app, team[name]).get("/mon-espace"))
        assert (f"replacement-{request.id}" in html) is sees, name
    html = page(client_of(app, team["lou"]).get("/mon-espace"))
    assert french("On cherche un·e remplaçant·e") in html and "Alex ne peut plus venir." in html
    assert f"replacement-{request.id}" not in page(client_of(app, team["alex"]).get("/mon-espace"))


# --- Accepting ---------------------------------------------------------------------------------


def test_the_first_to_accept_takes_the_place_and_everyone_is_told(app, team, mailbox):
    request = ask(app, team)
    mailbox.messages.clear()
    lou = client_of(app, team["lou"])
    response = lou.post(f"/remplacements/{request.id}/accepter")
    assert response.status_code == 302
    assert f"/nuits/{team['night'].id}#shift-{team['meal'].id}" in response.headers["Location"]
    assert names_on(team["meal"]) == ["Lou", "Noa"]
    assert db.session.get(Shift, team["meal"].id).signup_count == 2
    signup = db.session.scalar(select(SignUp).where(SignUp.user_id == team["lou"].id))
    assert signup.withdrawal_requested_at is None and signup.reminded_at is None
    request = db.session.get(ReplacementRequest, request.id)
    assert request.accepted_by_id == team["lou"].id and not request.is_open
    subjects = {message["To"]: message["Subject"] for message in mailbox.messages}
    assert subjects["alex@example.org"].startswith("Lou te remplace")
    assert subjects["lou@example.org"].startswith("Tu remplaces Alex")
    assert subjects["camille@example.org"].startswith("Lou remplace Alex")
    assert len(mailbox.messages) == 3

    late = client_of(app, team["sam"]).post(f"/remplacements/{request.id}/accepter")
    assert late.status_code == 409
    assert TAKEN in page(late)
    assert names_on(team["meal"]) == ["Lou", "Noa"]
    shown = client_of(app, team["sam"]).get(f"/remplacements/{request.id}")
    assert shown.status_code == 200 and TAKEN in page(shown)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "signup.replace"))
    assert entry.actor_id == team["lou"].id and entry.details["user_id"] == team["alex"].id


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("alex", "C'est ta propre demande"),
        ("noa", "Tu es déjà inscrit·e à ce service."),
        ("kim", "qui chevauche ce service"),
    ],
)
def test_who_may_not_accept_gets_a_409_and_changes_nothing(app, team, who, message):
    request = ask(app, team)
    response = client_of(app, team[who]).post(f"/remplacements/{request.id}/accepter")
    assert response.status_code == 409
    assert french(message) in page(response)
    assert names_on(team["meal"]) == ["Alex", "Noa"]
    assert db.session.get(ReplacementRequest, request.id).is_open


def test_a_started_shift_cannot_be_taken(app, team):
    request = ask(app, team)
    at(team["meal"], timedelta(minutes=-5))
    response = client_of(app, team["lou"]).post(f"/remplacements/{request.id}/accepter")
    assert response.status_code == 409 and "Ce service a déjà commencé." in page(response)


def test_a_coordinator_removing_the_volunteer_closes_the_request(app, team):
    request = ask(app, team)
    signup = db.session.scalar(select(SignUp).where(SignUp.user_id == team["alex"].id))
    camille = client_of(app, team["camille"])
    assert camille.post(f"/inscriptions/{signup.id}/retirer").status_code == 302
    db.session.expire_all()
    assert db.session.get(ReplacementRequest, request.id).closed_at is not None
    response = client_of(app, team["lou"]).post(f"/remplacements/{request.id}/accepter")
    assert response.status_code == 409 and "plus d'actualité" in page(response)
    assert names_on(team["meal"]) == ["Noa"]


def test_replacement_pages_answer_each_member(app, team, client):
    request = ask(app, team)
    url = f"/remplacements/{request.id}"
    assert client.get(url).headers["Location"].startswith("/connexion")
    assert client.post(url + "/accepter").headers["Location"].startswith("/connexion")
    lou = page(client_of(app, team["lou"]).get(url))
    assert "Je remplace" in lou and "Alex ne peut plus venir" in lou
    assert "Malade" not in lou  # the reason is for coordinators only
    assert "C'est ta demande" in page(client_of(app, team["alex"]).get(url))
    assert "Je remplace" not in page(client_of(app, team["kim"]).get(url))
    assert client_of(app, team["camille"]).get(url).status_code == 200
    assert client_of(app, team["lou"]).get("/remplacements/999999").status_code == 404
    assert client_of(app, team["lou"]).post("/remplacements/999999/accepter").status_code == 404


def test_coordinators_are_alerted_once_when_nobody_answers_24_hours_before(app, team, mailbox):
    request = ask(app, team)
    assert "0 unanswered replacement request(s) reported" in run(app)  # 30 h before: not yet
    at(team["meal"], timedelta(hours=20))
    assert "1 unanswered replacement request(s) reported" in run(app)
    assert "0 unanswered replacement request(s) reported" in run(app)
    alerts = [message for message in mailbox.messages if message["Subject"].startswith("Toujours")]
    assert [message["To"] for message in alerts] == ["camille@example.org"]
    assert f"/remplacements/{request.id}" in mailbox.body(alerts[0])


def test_an_answered_request_raises_no_alert(app, team, mailbox):
    request = ask(app, team)
    client_of(app, team["lou"]).post(f"/remplacements/{request.id}/accepter")
    at(team["meal"], timedelta(hours=20))
    assert "0 unanswered replacement request(s) reported" in run(app)


# --- Check-in ----------------------------------------------------------------------------------


def test_the_check_in_button_shows_from_an_hour_before_until_the_end(app, team):
    meal, alex = team["meal"], team["alex"]
    start = meal.starts_at

    def offered(now):
        return signups.available_actions(alex, [meal], now)[meal.id].can_check_in

    assert not offered(start - timedelta(hours=1, minutes=1))
    assert offered(start - timedelta(hours=1))
    assert offered(start + timedelta(hours=1))
    assert not offered(meal.ends_at)
    assert not signups.available_actions(team["lou"], [meal], start)[meal.id].can_check_in
    with pytest.raises(DomainError, match="une heure avant"):
        signups.check_in(meal, alex, start - timedelta(hours=2))
    with pytest.raises(DomainError, match="pas inscrit"):
        signups.check_in(meal, team["lou"], start)
    signups.check_in(meal, alex, start - timedelta(minutes=10))
    with pytest.raises(DomainError, match="déjà notée"):
        signups.check_in(meal, alex, start)
    action = signups.available_actions(alex, [meal], start)[meal.id]
    assert not action.can_check_in and action.checked_in_at is not None


def test_checking_in_through_the_page(app, team):
    meal = at(team["meal"], timedelta(minutes=30))
    alex = client_of(app, team["alex"])
    night_page = f"/nuits/{team['night'].id}"
    assert french("Je suis arrivé·e") in page(alex.get(night_page))
    response = alex.post(f"/services/{meal.id}/arrivee", follow_redirects=True)
    assert french("Ton arrivée est notée.") in page(response)
    assert french("Arrivé·e à") in page(response)
    again = alex.post(f"/services/{meal.id}/arrivee", follow_redirects=True)
    assert french("Ton arrivée est déjà notée.") in page(again)
    lou = client_of(app, team["lou"])
    refused = lou.post(f"/services/{meal.id}/arrivee", follow_redirects=True)
    assert french("Tu n'es pas inscrit·e à ce service.") in page(refused)
    assert (
        db.session.scalar(select(SignUp.checked_in_at).where(SignUp.user_id == team["lou"].id))
        is None
    )
    coordinator_view = words(client_of(app, team["camille"]).get(night_page))
    assert french("Arrivé·e à") in coordinator_view
    assert "Alex" in coordinator_view
    assert french("Arrivé·e à") not in words(lou.get(night_page))
    assert client_of(app, team["lou"]).post("/services/999999/arrivee").status_code == 404
    anonymous = app.test_client().post(f"/services/{meal.id}/arrivee")
    assert anonymous.headers["Location"].startswith("/connexion")
    coordinator = client_of(app, team["camille"])
    refused = coordinator.post(f"/services/{meal.id}/arrivee", follow_redirects=True)
    assert french("Tu n'es pas inscrit·e à ce service.") in page(refused)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "signup.check_in"))
    assert entry.actor_id == team["alex"].id


# --- No-show alert -----------------------------------------------------------------------------


def test_the_no_show_alert_goes_once_to_the_coordinator_on_call(app, team, mailbox):
    other = make_user(role="coordinator", name="Dominique", email="dominique@example.org")
    team["night"].on_call = other
    overnight = at(team["overnight"], timedelta(minutes=-20), hours=13)
    at(team["meal"], timedelta(minutes=-60))  # no presence required: never alerted
    assert "0 shift(s) with nobody checked in reported" in run(app)
    at(overnight, timedelta(minutes=-31), hours=13)
    assert "1 shift(s) with nobody checked in reported" in run(app)
    assert "0 shift(s) with nobody checked in reported" in run(app)
    alerts = [m for m in mailbox.messages if m["Subject"].startswith("Personne n'a signalé")]
    assert [message["To"] for message in alerts] == ["dominique@example.org"]
    body = mailbox.body(alerts[0])
    assert "Sam" in body and f"/nuits/{team['night'].id}" in body


def test_without_anyone_on_call_every_coordinator_is_alerted(app, team, mailbox):
    make_user(role="coordinator", name="Dominique", email="dominique@example.org")
    at(team["overnight"], timedelta(minutes=-45), hours=13)
    assert "1 shift(s) with nobody checked in reported" in run(app)
    alerts = [m for m in mailbox.messages if m["Subject"].startswith("Personne n'a signalé")]
    assert sorted(message["To"] for message in alerts) == [
        "camille@example.org",
        "dominique@example.org",
    ]


def test_one_arrival_is_enough_and_ended_shifts_are_left_alone(app, team, mailbox):
    overnight = at(team["overnight"], timedelta(minutes=-45), hours=13)
    signups.check_in(overnight, team["sam"], utcnow())
    db.session.commit()
    assert presence.due_no_show_alerts(utcnow()) == []
    ended = make_night(
        date.today() + timedelta(days=60),
        shift_types=[make_shift_type("Nuit", time(22, 0), time(8, 0), presence_required=True)],
    )
    at(ended.shifts[0], timedelta(hours=-10), hours=9)
    assert presence.due_no_show_alerts(utcnow()) == []
    assert "0 shift(s) with nobody checked in reported" in run(app)


# --- Shift types, journal --------------------------------------------------------------------


def test_coordinators_flag_a_shift_type_as_needing_presence(app, team):
    camille = client_of(app, team["camille"])
    meal_type = team["meal"].shift_type
    form = page(camille.get(f"/services/types/{meal_type.id}"))
    assert "Présence obligatoire" in form
    response = camille.post(
        f"/services/types/{meal_type.id}",
        data={
            "name": "Repas",
            "start_time": "18:00",
            "end_time": "21:00",
            "min_volunteers": "2",
            "max_volunteers": "3",
            "position": "0",
            "active": "y",
            "presence_required": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert meal_type.presence_required
    assert "Présence obligatoire" in page(camille.get("/services/types"))


def test_the_journal_tells_requests_replacements_and_arrivals(app, team):
    request = ask(app, team)
    client_of(app, team["lou"]).post(f"/remplacements/{request.id}/accepter")
    at(team["meal"], timedelta(minutes=10))
    signups.check_in(db.session.get(Shift, team["meal"].id), team["lou"])
    db.session.commit()
    journal = words(client_of(app, team["camille"]).get("/gestion/journal?category=signups"))
    assert "Alex ne peut plus venir au service « Repas »" in journal.replace("\u202f", " ")
    assert "Lou a remplacé Alex au service « Repas »" in journal.replace("\u202f", " ")
    assert "Lou a signalé son arrivée au service « Repas »" in journal.replace("\u202f", " ")


def test_free_volunteers_and_landing_requests_follow_the_sign_up_rule(app, team):
    request = ask(app, team)
    meal = db.session.get(Shift, team["meal"].id)
    free = replacements.free_volunteers(meal, utcnow(), but=team["alex"].id)
    assert sorted(user.name for user in free) == ["Lou", "Sam"]
    assert [r.id for r in replacements.open_requests_for(team["sam"])] == [request.id]
    assert replacements.open_requests_for(team["kim"]) == []


def test_a_free_withdrawal_closes_an_open_request(app, team):
    request = ask(app, team)
    meal = at(team["meal"], timedelta(days=5))  # moved: before the cut-off again
    alex = client_of(app, team["alex"])
    assert alex.post(f"/services/{meal.id}/desistement").status_code == 302
    db.session.expire_all()
    assert db.session.get(ReplacementRequest, request.id).closed_at is not None
    assert replacements.open_requests_for(team["lou"]) == []


def test_each_free_volunteer_is_asked_in_their_own_language(app, team, mailbox):
    team["lou"].language = "en"
    db.session.commit()
    ask(app, team)
    run(app, "send-mail")
    [to_lou] = mailbox.to("lou@example.org")
    starts = team["meal"].starts_at
    assert to_lou["Subject"].startswith("Who can replace Alex?")
    day = format_datetime(starts, "EEE d MMM", tzinfo=BRUSSELS, locale="en")
    assert day in to_lou["Subject"]
    [to_sam] = mailbox.to("sam@example.org")
    assert to_sam["Subject"].startswith(french("Qui peut remplacer Alex ?"))
