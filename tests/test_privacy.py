"""Guest data never leaves the coordinators' pages; nobody acts on another's record."""

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from shelter.clock import local_today, utcnow
from shelter.extensions import db
from shelter.models import (
    AuditEntry,
    FeedToken,
    Night,
    PracticalNeed,
    QueuedMail,
    ReplacementRequest,
    SignUp,
    Stay,
    StayNeed,
    User,
    hash_token,
)
from shelter.nights.needs import add_default_needs
from tests.conftest import Mailbox, login_as
from tests.factories import (
    make_feed_link,
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_subscriber,
    make_user,
    shift_named,
)
from tests.helpers import words

ALIAS = "Zorglubalias"
NOTE = "Notesansgluten"
ADDRESS = "Rue Secretadresse 99"
MARKERS = (ALIAS, NOTE)


def client_of(app, user):
    client = app.test_client()
    login_as(client, user)
    return client


def assert_no_guest_data(text: str, where: str, address: bool = False) -> None:
    for marker in (*MARKERS, ADDRESS) if address else MARKERS:
        assert marker not in text, f"{marker!r} found in {where}"


@pytest.fixture
def world(app):
    """A place with an address, two nights with a marked stay each, volunteers signed up."""
    place = make_place(address=ADDRESS)
    types = make_standard_shift_types()
    tomorrow = local_today() + timedelta(days=1)
    soon = make_night(day=tomorrow, place=place, shift_types=types)
    later = make_night(day=tomorrow + timedelta(days=10), place=place, shift_types=types)
    add_default_needs()
    vegetarian = db.session.scalar(
        select(PracticalNeed.id).where(PracticalNeed.label_fr == "végétarien·ne")
    )
    for night in (soon, later):
        stay = make_stay(night, places=2, alias=ALIAS, note=NOTE)
        db.session.add(StayNeed(stay_id=stay.id, need_id=vegetarian, people=2))
    db.session.commit()
    coordinator = make_user(role="coordinator", name="Camille", email="camille@example.org")
    alex = make_user(name="Alex", email="alex@example.org")
    sam = make_user(name="Sam", email="sam@example.org")
    lou = make_user(name="Lou", email="lou@example.org")
    make_signup(shift_named(soon, "Repas"), alex)
    make_signup(shift_named(soon, "Matin"), sam)
    make_signup(shift_named(later, "Repas"), alex)
    return {
        "place": place,
        "soon": soon,
        "later": later,
        "coordinator": coordinator,
        "alex": alex,
        "sam": sam,
        "lou": lou,
    }


# --- 1. Privacy -------------------------------------------------------------------------------


def test_no_email_the_app_sends_carries_guest_data(app, world, mailbox):
    app.config["REMINDER_HOURS"] = 24 * 30
    soon, later = world["soon"], world["later"]
    coordinator = client_of(app, world["coordinator"])
    alex = client_of(app, world["alex"])
    repas = shift_named(soon, "Repas")
    soiree = shift_named(soon, "Soirée et nuit")
    matin_signup = db.session.scalar(select(SignUp).where(SignUp.user_id == world["sam"].id))

    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert_no_guest_data(result.output, "send-reminders output")
    steps = [
        coordinator.post(f"/ce-qui-manque/nuits/{soon.id}/appel"),
        coordinator.post(
            f"/services/{repas.id}/modifier",
            data={
                f"shift-{repas.id}-start_time": "18:30",
                f"shift-{repas.id}-end_time": "21:00",
                f"shift-{repas.id}-min_volunteers": "2",
                f"shift-{repas.id}-max_volunteers": "3",
            },
        ),
        coordinator.post(f"/services/{soiree.id}/affecter", data={"user_id": world["lou"].id}),
        coordinator.post(f"/inscriptions/{matin_signup.id}/retirer"),
        alex.post(f"/services/{repas.id}/demande-de-desistement", data={"reason": "Malade"}),
        coordinator.post(
            "/gestion/comptes",
            data={
                "email": "new@example.org",
                "name": "Nouvelle",
                "role": "volunteer",
                "language": "fr",
            },
        ),
        app.test_client().post("/newsletter", data={"email": "news@example.org", "consent": "y"}),
        coordinator.post(f"/nuits/{later.id}/annuler", data={"cancel-reason": "Chauffage"}),
    ]
    make_subscriber("lecteur@example.org")
    issue = coordinator.post(
        "/gestion/newsletter/numeros/nouveau",
        data={"subject": "Nouvelles du collectif", "body": "Merci **à toutes et tous**."},
    )
    steps += [
        issue,
        coordinator.post(issue.headers["Location"] + "/envoyer", data={"confirm": "y"}),
    ]
    assert [response.status_code for response in steps] == [302] * len(steps)
    db.session.rollback()  # the last request's transaction, which the test's context outlives
    result = app.test_cli_runner().invoke(args=["send-mail"])  # the newsletter goes out by cron
    assert result.exit_code == 0, result.output

    subjects = [message["Subject"] for message in mailbox.messages]
    # Reminders, coordinators' warning, help call, change, assignment, removal, request,
    # invitation, newsletter confirmation, cancellation: every kind went out.
    for kind in (
        "Rappel",
        "Nuits pas encore prêtes",
        "Appel à l'aide",
        "Horaire modifié",
        "Tu es inscrit·e",
        "Tu n'es plus inscrit·e",
        "Demande de remplacement",
        "Qui peut remplacer",
        "Ton compte",
        "Confirme ton abonnement",
        "Nuit annulée",
        "Nouvelles du collectif",
    ):
        assert any(subject.startswith(kind) for subject in subjects), (kind, subjects)
    for address in (
        "alex@example.org",
        "sam@example.org",
        "lou@example.org",
        "camille@example.org",
        "new@example.org",
        "news@example.org",
        "lecteur@example.org",
    ):
        assert mailbox.to(address), f"no email to {address}: {subjects}"
    for message in mailbox.messages:
        assert_no_guest_data(message.as_string(), f"email {message['Subject']!r}")
        assert_no_guest_data(Mailbox.body(message), f"email {message['Subject']!r}")
    # The queue keeps each message 30 days after it went out: no guest data there either.
    queued = db.session.scalars(select(QueuedMail)).all()
    assert len(queued) == len(mailbox.messages)
    for mail in queued:
        stored = " ".join(
            [
                *mail.recipients,
                mail.subject,
                mail.body,
                mail.html_body or "",
                *mail.headers.values(),
            ]
        )
        assert_no_guest_data(stored, f"queued email {mail.subject!r}")


def test_replacement_and_presence_emails_and_pages_carry_no_guest_data(app, world, mailbox):
    soon = world["soon"]
    alex, sam, lou = (client_of(app, world[name]) for name in ("alex", "sam", "lou"))
    repas, matin = shift_named(soon, "Repas"), shift_named(soon, "Matin")
    overnight = shift_named(soon, "Soirée et nuit")
    asked = alex.post(f"/services/{repas.id}/demande-de-desistement", data={"reason": "Malade"})
    assert asked.status_code == 302
    request = db.session.scalar(select(ReplacementRequest))
    pages = [
        alex.get(f"/services/{repas.id}/demande-de-desistement"),
        lou.get("/mon-espace"),
        lou.get(f"/remplacements/{request.id}"),
        lou.post(f"/remplacements/{request.id}/accepter", follow_redirects=True),
        sam.post(f"/remplacements/{request.id}/accepter"),
    ]
    assert [response.status_code for response in pages] == [200, 200, 200, 200, 409]
    # Sam asks too, nobody answers within 24 h; the overnight shift started with nobody there.
    matin.starts_at = utcnow() + timedelta(hours=10)
    matin.ends_at = matin.starts_at + timedelta(hours=2)
    overnight.starts_at = utcnow() - timedelta(minutes=40)
    overnight.ends_at = utcnow() + timedelta(hours=10)
    db.session.commit()
    sam.post(f"/services/{matin.id}/demande-de-desistement", data={"reason": "Train"})
    db.session.rollback()
    checked_in_page = lou.post(f"/services/{repas.id}/arrivee", follow_redirects=True)
    pages += [checked_in_page, client_of(app, world["coordinator"]).get(f"/nuits/{soon.id}")]
    for command in ("send-reminders", "send-reminders", "send-mail"):
        result = app.test_cli_runner().invoke(args=[command])
        assert result.exit_code == 0, result.output
        assert_no_guest_data(result.output, f"{command} output")
    for response in pages[:-1]:
        text, path = response.get_data(as_text=True), response.request.path
        if path.startswith("/nuits/"):  # on duty that night: the notes, never the aliases
            assert ALIAS not in text, path
        else:
            assert_no_guest_data(text, f"page {path}")
    subjects = [message["Subject"] for message in mailbox.messages]
    for kind in (
        "Qui peut remplacer",
        "Demande de remplacement",
        "Lou te remplace",
        "Tu remplaces",
        "Lou remplace Alex",
        "Toujours personne",
        "Personne n'a signalé",
    ):
        assert any(subject.startswith(kind) for subject in subjects), (kind, subjects)
    for message in mailbox.messages:
        assert_no_guest_data(message.as_string(), f"email {message['Subject']!r}")
        assert_no_guest_data(Mailbox.body(message), f"email {message['Subject']!r}")
        if message["To"] != "camille@example.org":
            assert "Malade" not in Mailbox.body(message), message["Subject"]


def test_feeds_carry_neither_guest_data_nor_the_address(app, world):
    client = app.test_client()
    personal = client.get(make_feed_link(world["alex"]))
    coordination = client.get(make_feed_link(world["coordinator"], "coordination"))
    public = client.get("/agenda/public.ics")
    for name, response in (("personal", personal), ("coordination", coordination)):
        assert response.status_code == 200
        assert b"BEGIN:VEVENT" in response.data
        assert_no_guest_data(response.get_data(as_text=True), f"{name} feed", address=True)
    assert public.status_code == 200
    assert_no_guest_data(public.get_data(as_text=True), "public feed", address=True)


def test_csv_export_and_audit_log_carry_no_guest_data(app, world):
    coordinator = client_of(app, world["coordinator"])
    night = world["soon"]
    created = coordinator.post(
        f"/nuits/{night.id}/sejours",
        data={
            "alias": ALIAS + "2",
            "note": NOTE + "2",
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    assert created.status_code == 302
    stay = db.session.scalar(select(Stay).where(Stay.alias == ALIAS + "2"))
    edited = coordinator.post(
        f"/sejours/{stay.id}",
        data={
            "place": world["place"].id,
            "alias": ALIAS + "3",
            "note": NOTE + "3",
            "places": "2",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    assert edited.status_code == 302
    assert coordinator.post(f"/sejours/{stay.id}/annuler").status_code == 302
    app.test_client().post("/newsletter", data={"email": "news@example.org", "consent": "y"})

    csv = coordinator.get("/gestion/newsletter/abonne-es.csv")
    journal = coordinator.get("/gestion/journal")
    assert csv.status_code == journal.status_code == 200
    assert_no_guest_data(csv.get_data(as_text=True), "CSV export")
    assert_no_guest_data(journal.get_data(as_text=True), "audit log page")
    for query in ("?category=stays", "?category=nights", f"?actor={world['coordinator'].id}"):
        filtered = coordinator.get(f"/gestion/journal{query}")
        assert filtered.status_code == 200
        assert "un séjour" in filtered.get_data(as_text=True) or "nights" in query
        assert_no_guest_data(filtered.get_data(as_text=True), f"audit log page {query}")
    world["coordinator"].language = "en"
    db.session.commit()
    in_english = coordinator.get("/gestion/journal?category=stays")
    assert "Camille recorded a stay from the night of" in words(in_english)
    assert_no_guest_data(in_english.get_data(as_text=True), "audit log page in English")
    actions = []
    for entry in db.session.scalars(select(AuditEntry)):
        actions.append(entry.action)
        stored = json.dumps(entry.details, ensure_ascii=False)
        assert_no_guest_data(f"{entry.action} {stored}", "audit row")
    assert {"stay.create", "stay.update", "stay.cancel"} <= set(actions)


def test_logs_carry_no_guest_data(app, world, caplog):
    caplog.set_level(logging.INFO)
    coordinator = client_of(app, world["coordinator"])
    night = world["soon"]
    coordinator.post(
        f"/nuits/{night.id}/sejours",
        data={
            "alias": ALIAS,
            "note": NOTE,
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    # A refused booking (too many places) and an invalid one are logged, if at all, blind.
    coordinator.post(
        f"/nuits/{night.id}/sejours",
        data={
            "alias": ALIAS,
            "note": NOTE,
            "places": "10",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    stay = db.session.scalars(select(Stay).order_by(Stay.id.desc())).first()
    coordinator.post(
        f"/sejours/{stay.id}",
        data={
            "place": world["place"].id,
            "alias": ALIAS,
            "note": NOTE,
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
    )
    coordinator.post(f"/sejours/{stay.id}/annuler")
    old = make_night(day=local_today() - timedelta(days=60), place=world["place"])
    make_stay(old, alias=ALIAS, note=NOTE)
    result = app.test_cli_runner().invoke(args=["purge-guests"])
    assert result.exit_code == 0
    assert_no_guest_data(caplog.text, "log output")
    assert_no_guest_data(result.output, "purge-guests output")


def test_error_pages_carry_no_guest_data(app, world):
    stay = db.session.scalars(select(Stay)).first()
    volunteer = client_of(app, world["alex"])
    coordinator = client_of(app, world["coordinator"])
    responses = [
        volunteer.get(f"/sejours/{stay.id}"),
        volunteer.post(f"/sejours/{stay.id}/annuler"),
        coordinator.get(f"/sejours/{stay.id}/annuler"),
        coordinator.get("/sejours/987654"),
        app.test_client().get(f"/nuits/{world['soon'].id}", follow_redirects=True),
    ]
    assert [response.status_code for response in responses] == [403, 403, 405, 404, 200]
    for response in responses:
        assert_no_guest_data(response.get_data(as_text=True), f"error page {response.status}")


def test_volunteers_see_the_notes_but_never_the_aliases(app, world):
    night = world["soon"]
    volunteer = client_of(app, world["alex"])
    page = volunteer.get(f"/nuits/{night.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NOTE in text
    assert ALIAS not in text
    for path in (
        "/mes-services",
        "/ce-qui-manque",
        "/calendrier/",
        f"/calendrier/{night.date.year}/{night.date.month}",
        "/calendrier/liste",
        "/mon-agenda",
        "/mon-espace",
        f"/nuits/{night.id}/feuille",
        f"/nuits/semaine?first={night.date.isoformat()}",
    ):
        response = volunteer.get(path)
        assert response.status_code == 200, path
        assert ALIAS not in response.get_data(as_text=True), path
    # The coordinator does see them, which shows the markers are there to be found.
    coordinator_page = client_of(app, world["coordinator"]).get(f"/nuits/{night.id}")
    assert ALIAS in coordinator_page.get_data(as_text=True)


def test_the_team_and_week_sheets_carry_no_guest_alias_or_note_even_for_coordinators(app, world):
    night = world["soon"]
    coordinator = client_of(app, world["coordinator"])
    sheet = coordinator.get(f"/nuits/{night.id}/feuille")
    week = coordinator.get(f"/nuits/semaine?first={night.date.isoformat()}")
    for response in (sheet, week):
        assert response.status_code == 200
        assert_no_guest_data(response.get_data(as_text=True), response.request.path)
    # The sheet counts the needs; the week for the wall says nothing of the guests.
    assert "végétarien·ne" in sheet.text
    assert "végétarien·ne" not in week.text
    assert "2 personnes" not in words(week)


def test_public_pages_never_show_the_address(app, world):
    client = app.test_client()
    for path in (
        "/",
        "/actualites",
        "/agenda",
        "/soutiens-nous",
        "/rejoins-nous",
        "/newsletter",
        "/actualites/atom.xml",
        "/agenda/public.ics",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_guest_data(response.get_data(as_text=True), path, address=True)


def test_purge_erases_old_guest_data_only_keeps_counts_and_is_idempotent(app, mailbox):
    place = make_place(address=ADDRESS)
    today = local_today()
    old = make_night(day=today - timedelta(days=45), place=place)
    recent = make_night(day=today - timedelta(days=5), place=place)
    old_stay = make_stay(old, places=3, alias=ALIAS, note=NOTE)
    recent_stay = make_stay(recent, places=2, alias=ALIAS + "R", note=NOTE + "R")
    old_id, recent_id, old_night_id = old_stay.id, recent_stay.id, old.id
    runner = app.test_cli_runner()

    first = runner.invoke(args=["purge-guests"])
    second = runner.invoke(args=["purge-guests"])
    assert first.exit_code == second.exit_code == 0
    assert "1 stay" in first.output
    assert "0 stay" in second.output
    for output in (first.output, second.output):
        assert_no_guest_data(output, "purge output")
        assert ALIAS + "R" not in output
    db.session.expire_all()
    purged = db.session.get(Stay, old_id)
    assert purged.alias is None and purged.note is None and purged.purged_at is not None
    assert purged.places == 3
    assert db.session.get(Night, old_night_id).places_used == 3
    kept = db.session.get(Stay, recent_id)
    assert (kept.alias, kept.note, kept.purged_at) == (ALIAS + "R", NOTE + "R", None)
    purges = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stay.purge")).all()
    assert len(purges) == 1
    assert not mailbox.messages


def test_a_purged_stay_shows_no_data_and_cannot_be_refilled(app, world):
    place = world["place"]
    old = make_night(day=local_today() - timedelta(days=45), place=place)
    stay = make_stay(old, alias=ALIAS, note=NOTE)
    app.test_cli_runner().invoke(args=["purge-guests"])
    coordinator = client_of(app, world["coordinator"])
    page = coordinator.get(f"/nuits/{old.id}")
    assert page.status_code == 200
    assert_no_guest_data(page.get_data(as_text=True), "purged night page")
    coordinator.post(
        f"/sejours/{stay.id}",
        data={
            "place": place.id,
            "alias": "Nouveau",
            "note": "x",
            "places": "1",
            "arrival": str(old.date),
            "departure": str(old.morning),
        },
    )
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).alias is None


# --- 2. The wrong user's record ----------------------------------------------------------------


@pytest.fixture
def far_signup(app):
    """Alex on a shift ten days ahead (free withdrawal), Sam signed up nowhere."""
    types = make_standard_shift_types()
    night = make_night(day=local_today() + timedelta(days=10), shift_types=types)
    alex = make_user(name="Alex", email="alex@example.org")
    sam = make_user(name="Sam", email="sam@example.org")
    make_user(role="coordinator", email="camille@example.org")
    shift = shift_named(night, "Repas")
    signup = make_signup(shift, alex)
    return {"night": night, "shift": shift, "signup": signup, "alex": alex, "sam": sam}


def signups_of(user: User) -> list[SignUp]:
    db.session.expire_all()
    return list(db.session.scalars(select(SignUp).where(SignUp.user_id == user.id)))


def test_a_volunteer_cannot_withdraw_another_volunteers_signup(app, far_signup):
    sam = client_of(app, far_signup["sam"])
    shift = far_signup["shift"]
    sam.post(f"/services/{shift.id}/desistement")
    assert len(signups_of(far_signup["alex"])) == 1
    db.session.expire_all()
    assert db.session.get(type(shift), shift.id).signup_count == 1


def test_a_volunteer_cannot_request_withdrawal_of_another_signup(app, far_signup, mailbox):
    sam = client_of(app, far_signup["sam"])
    shift = far_signup["shift"]
    assert sam.get(f"/services/{shift.id}/demande-de-desistement").status_code == 404
    response = sam.post(f"/services/{shift.id}/demande-de-desistement", data={"reason": "x"})
    assert response.status_code == 404
    (signup,) = signups_of(far_signup["alex"])
    assert signup.withdrawal_requested_at is None
    assert not mailbox.messages


def test_a_volunteer_cannot_remove_another_signup(app, far_signup, mailbox):
    sam = client_of(app, far_signup["sam"])
    assert sam.post(f"/inscriptions/{far_signup['signup'].id}/retirer").status_code == 403
    assert len(signups_of(far_signup["alex"])) == 1
    assert not mailbox.messages


def test_a_volunteer_posting_crafted_ids_to_coordinator_endpoints_changes_nothing(
    app, far_signup, mailbox
):
    night, shift = far_signup["night"], far_signup["shift"]
    stay = make_stay(night, alias=ALIAS, note=NOTE)
    sam_user = far_signup["sam"]
    sam = client_of(app, sam_user)
    place_id = night.place_id
    posts = {
        f"/sejours/{stay.id}": {
            "place": place_id,
            "alias": "X",
            "note": "",
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
        f"/sejours/{stay.id}/annuler": {},
        f"/nuits/{night.id}/sejours": {
            "alias": "X",
            "places": "1",
            "arrival": str(night.date),
            "departure": str(night.morning),
        },
        f"/nuits/{night.id}/annuler": {"cancel-reason": "x"},
        f"/nuits/{night.id}/modifier": {"night-capacity": "1"},
        f"/services/{shift.id}/affecter": {"user_id": sam_user.id},
        f"/services/{shift.id}/modifier": {
            f"shift-{shift.id}-start_time": "10:00",
            f"shift-{shift.id}-end_time": "11:00",
            f"shift-{shift.id}-min_volunteers": "1",
            f"shift-{shift.id}-max_volunteers": "1",
        },
        f"/services/{shift.id}/supprimer": {},
        f"/services/nuit/{night.id}/ajouter": {
            "extra-name": "X",
            "extra-start_time": "10:00",
            "extra-end_time": "11:00",
            "extra-min_volunteers": "1",
            "extra-max_volunteers": "1",
        },
        f"/ce-qui-manque/nuits/{night.id}/appel": {},
        f"/gestion/comptes/{sam_user.id}/role": {"role": "coordinator"},
        f"/gestion/comptes/{far_signup['alex'].id}/desactiver": {},
        "/gestion/comptes": {
            "email": "x@example.org",
            "name": "X",
            "role": "coordinator",
            "language": "fr",
        },
        f"/lieux/{place_id}": {"name": "X", "beds": "1", "address": "", "notes": ""},
    }
    for path, data in posts.items():
        assert sam.post(path, data=data).status_code == 403, path
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).alias == ALIAS
    refreshed = db.session.get(Night, night.id)
    assert (refreshed.status, refreshed.capacity) == ("planned", 10)
    assert [s.name for s in refreshed.shifts] == ["Repas", "Soirée et nuit", "Matin"]
    assert signups_of(sam_user) == []
    assert db.session.get(User, sam_user.id).role == "volunteer"
    assert db.session.get(User, far_signup["alex"].id).active
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None
    assert not mailbox.messages


def test_a_personal_feed_shows_only_its_owners_shifts(app, far_signup):
    shift = far_signup["shift"]
    client = app.test_client()
    own = client.get(make_feed_link(far_signup["alex"])).get_data(as_text=True)
    other = client.get(make_feed_link(far_signup["sam"])).get_data(as_text=True)
    assert f"shift-{shift.id}@" in own
    assert f"shift-{shift.id}@" not in other
    assert "BEGIN:VEVENT" not in other


def test_a_volunteers_token_never_opens_the_coordinators_feed(app, far_signup):
    alex = far_signup["alex"]
    personal = make_feed_link(alex)
    token = personal.split("token=", 1)[1]
    client = app.test_client()
    assert client.get(f"/agenda/coordination.ics?token={token}").status_code == 404
    # Even a coordination row left behind for a volunteer (e.g. written by hand) is refused.
    forged = "forged-token-for-a-volunteer-0123456789abcdef"
    db.session.add(FeedToken(user_id=alex.id, kind="coordination", token_hash=hash_token(forged)))
    db.session.commit()
    assert client.get(f"/agenda/coordination.ics?token={forged}").status_code == 404
    asked = client_of(app, alex).post("/mon-agenda/lien", data={"kind": "coordination"})
    assert asked.status_code == 403


def test_a_deactivated_users_feed_and_session_die(app, far_signup):
    alex = far_signup["alex"]
    link = make_feed_link(alex)
    alex_client = client_of(app, alex)
    client = app.test_client()
    assert client.get(link).status_code == 200
    coordinator = db.session.scalar(select(User).where(User.role == "coordinator"))
    response = client_of(app, coordinator).post(f"/gestion/comptes/{alex.id}/desactiver")
    assert response.status_code == 302
    assert client.get(link).status_code == 404
    assert alex_client.get("/mes-services").status_code == 302
    # Reactivated, the old link stays dead: a new one must be made.
    client_of(app, coordinator).post(f"/gestion/comptes/{alex.id}/reactiver")
    assert client.get(link).status_code == 404


def test_a_demoted_coordinator_loses_coordinator_pages_and_feed_at_once(app):
    keeper = make_user(role="coordinator", email="keeper@example.org")
    demoted = make_user(role="coordinator", email="demoted@example.org")
    feed = make_feed_link(demoted, "coordination")
    personal = make_feed_link(demoted)
    demoted_client = client_of(app, demoted)
    client = app.test_client()
    assert demoted_client.get("/gestion/journal").status_code == 200
    assert client.get(feed).status_code == 200
    response = client_of(app, keeper).post(
        f"/gestion/comptes/{demoted.id}/role", data={"role": "volunteer"}
    )
    assert response.status_code == 302
    # The next request with the old session is not a coordinator's any more.
    assert demoted_client.get("/gestion/journal").status_code in (302, 403)
    assert demoted_client.get("/gestion/comptes").status_code in (302, 403)
    assert client.get(feed).status_code == 404
    assert client.get(personal).status_code == 200
    # Logged in again, as a volunteer now: 403, and no coordination link to be had.
    db.session.expire_all()
    again = client_of(app, db.session.get(User, demoted.id))
    assert again.get("/gestion/journal").status_code == 403
    assert again.post("/mon-agenda/lien", data={"kind": "coordination"}).status_code == 403
    assert not db.session.scalars(
        select(FeedToken).where(FeedToken.user_id == demoted.id, FeedToken.kind == "coordination")
    ).all()


def test_a_coordinator_role_changed_in_the_database_is_checked_on_each_feed_request(app):
    coordinator = make_user(role="coordinator")
    make_user(role="coordinator")
    feed = make_feed_link(coordinator, "coordination")
    client = app.test_client()
    assert client.get(feed).status_code == 200
    coordinator.role = "volunteer"
    db.session.commit()
    assert client.get(feed).status_code == 404


def test_a_database_error_on_a_stay_logs_no_guest_data(app, world, caplog):
    """A failing INSERT (lost connection, lock timeout, a constraint) is logged by Flask with
    SQLAlchemy's message, which by default lists the statement's parameters."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the failure is simulated with a SQLite trigger")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    night = world["soon"]
    night_id, arrival, departure = night.id, str(night.date), str(night.morning)
    coordinator = client_of(app, world["coordinator"])
    db.session.remove()  # let go of SQLite's write lock
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER review_refuse_stays BEFORE INSERT ON stays "
            "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
        )
    try:
        response = coordinator.post(
            f"/nuits/{night_id}/sejours",
            data={
                "alias": ALIAS + "9",
                "note": NOTE + "9",
                "places": "1",
                "arrival": arrival,
                "departure": departure,
            },
        )
    finally:
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER review_refuse_stays")
    assert response.status_code == 500
    assert "simulated failure" in caplog.text
    assert_no_guest_data(response.get_data(as_text=True), "500 page")
    assert_no_guest_data(caplog.text, "the logged error")


def test_a_coordination_token_does_not_open_a_personal_feed(app, far_signup):
    coordinator = db.session.scalar(select(User).where(User.role == "coordinator"))
    make_signup(far_signup["night"].shifts[1], coordinator)
    token = make_feed_link(coordinator, "coordination").split("token=", 1)[1]
    client = app.test_client()
    assert client.get(f"/agenda/coordination.ics?token={token}").status_code == 200
    assert client.get(f"/agenda/personnel.ics?token={token}").status_code == 404
