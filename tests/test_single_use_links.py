"""Single-use links: using one, sending a new one or changing the password kills the others."""

from shelter.auth.services import find_user_by_email
from shelter.extensions import db
from tests.conftest import login_as
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import change_password, links_in, path_of

NEW_PASSWORD = "une toute nouvelle phrase"


def _last_link(mailbox, address: str, marker: str) -> str:
    body = mailbox.body(mailbox.to(address)[-1])
    return path_of(next(url for url in links_in(body) if marker in url))


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    return client.post(link, data={"password": password, "confirm": password})


def test_an_older_invitation_dies_when_it_is_sent_again(app, client, coordinator, mailbox):
    login_as(client, coordinator)
    client.post(
        "/gestion/comptes",
        data={
            "name": "Nouvelle",
            "email": "nouvelle@example.org",
            "role": "volunteer",
            "language": "fr",
        },
    )
    first = _last_link(mailbox, "nouvelle@example.org", "/invitation/")
    user = find_user_by_email("nouvelle@example.org")
    assert client.post(f"/gestion/comptes/{user.id}/reinviter").status_code == 302
    second = _last_link(mailbox, "nouvelle@example.org", "/invitation/")
    assert first != second

    assert app.test_client().get(first).status_code == 404
    assert _set_password(app.test_client(), second).status_code == 302
    assert _set_password(app.test_client(), first, "une phrase de l'attaquant").status_code == 404
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_an_older_reset_link_dies_once_a_newer_one_is_used(app, client, volunteer, mailbox):
    client.post("/mot-de-passe-oublie", data={"email": "alex@example.org"})
    older = _last_link(mailbox, "alex@example.org", "/mot-de-passe/")
    client.post("/mot-de-passe-oublie", data={"email": "alex@example.org"})
    newer = _last_link(mailbox, "alex@example.org", "/mot-de-passe/")
    assert _set_password(app.test_client(), newer).status_code == 302
    assert _set_password(app.test_client(), older, "une phrase de l'attaquant").status_code == 404


def test_a_reset_link_dies_when_the_password_is_changed_on_the_profile(
    app, client, volunteer, mailbox
):
    client.post("/mot-de-passe-oublie", data={"email": "alex@example.org"})
    link = _last_link(mailbox, "alex@example.org", "/mot-de-passe/")
    login_as(client, volunteer)
    changed = change_password(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 302
    assert app.test_client().get(link).status_code == 404
