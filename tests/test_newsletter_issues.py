"""Newsletter issues: written, previewed, tested, sent once to the confirmed subscribers."""

import re

import pytest
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import AuditEntry, NewsletterIssue, NewsletterSubscriber, QueuedMail
from shelter.public.newsletter.subscriptions import unsubscribe_url
from tests.conftest import login_as
from tests.factories import make_issue, make_subscriber
from tests.helpers import french, page, path_of, words

BODY = (
    "Bonjour à toutes et tous,\n\n"
    "Cet hiver, la maison a ouvert **42 nuits**. Merci !\n\n"
    "## Prochain rendez-vous\n\n"
    "- une soirée de soutien\n"
    "- un [appel aux dons](https://example.org/dons)\n"
)
NEW = "/gestion/newsletter/numeros/nouveau"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def issue_url(issue_id: int, action: str = "") -> str:
    return f"/gestion/newsletter/numeros/{issue_id}{action}"


def write_issue(client, subject: str = "Nouvelles de l'hiver", body: str = BODY) -> int:
    response = client.post(NEW, data={"subject": subject, "body": body})
    assert response.status_code == 302, page(response)
    return int(re.search(r"/numeros/(\d+)$", response.headers["Location"]).group(1))


def send(client, issue_id: int):
    return client.post(issue_url(issue_id, "/envoyer"), data={"confirm": "y"})


def send_mail(app) -> str:
    """Run cron's ``send-mail``, as its own process would, once the requests are over."""
    # The test's app context outlives its requests, and so does the last one's transaction.
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return result.output


def parts(message) -> tuple[str, str]:
    """The plain text and HTML parts, with the line ends they had before the trip over SMTP."""
    return tuple(
        message.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html")
    )


@pytest.fixture
def audience(app):
    """Three confirmed subscribers (one reads English), one unconfirmed, one who left."""
    confirmed = [
        make_subscriber("ana@example.org"),
        make_subscriber("ben@example.org", language="en"),
        make_subscriber("chloe@example.org"),
    ]
    make_subscriber("pending@example.org", status="pending")
    return confirmed


def test_an_issue_reaches_confirmed_subscribers_each_with_a_one_click_unsubscribe(
    app, coordinator_client, coordinator, audience, mailbox
):
    # Somebody who unsubscribed before the issue: their address is forgotten, nothing goes there.
    gone = make_subscriber("gone@example.org")
    app.test_client().post(path_of(unsubscribe_url(gone)), data={"List-Unsubscribe": "One-Click"})
    assert db.session.get(NewsletterSubscriber, gone.id) is None

    issue_id = write_issue(coordinator_client)
    response = send(coordinator_client, issue_id)
    assert response.status_code == 302
    assert french("C'est parti : 3 messages sont en file d'envoi") in page(
        coordinator_client.get(response.headers["Location"])
    )
    issue = db.session.get(NewsletterIssue, issue_id)
    assert issue.is_sent and issue.recipient_count == 3 and issue.sent_by_id == coordinator.id
    # Left to send-mail (cron), not to the app's delivery thread.
    assert mailbox.messages == []
    assert "3 message(s) sent" in send_mail(app)

    assert sorted(message["To"] for message in mailbox.messages) == [
        "ana@example.org",
        "ben@example.org",
        "chloe@example.org",
    ]
    web_version = f"http://shelter.test/newsletter/{issue_id}-nouvelles-de-l-hiver"
    unsubscribe_links = set()
    for message in mailbox.messages:
        assert message["Subject"] == "Nouvelles de l'hiver"
        assert message.get_content_type() == "multipart/alternative"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = message["List-Unsubscribe"].strip("<>")
        assert link.startswith("http://shelter.test/newsletter/desabonnement/")
        unsubscribe_links.add(link)
        text, html = parts(message)
        assert "Cet hiver, la maison a ouvert **42 nuits**. Merci !" in text
        assert web_version in text and link in text
        assert "<strong>42 nuits</strong>" in html
        assert f'href="{web_version}"' in html and f'href="{link}"' in html
        assert 'style="' in html and "<style" not in html
        assert "<img" not in html and "<script" not in html
    assert len(unsubscribe_links) == 3
    [english] = mailbox.to("ben@example.org")
    assert "Stop receiving anything" in parts(english)[0]
    assert english["Content-Language"] == "en"

    # One click in Ben's mail client: Ben is gone, Ana and Chloé stay.
    header = english["List-Unsubscribe"].strip("<>")
    one_click = app.test_client().post(path_of(header), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 302
    remaining = db.session.scalars(select(NewsletterSubscriber.email)).all()
    assert sorted(remaining) == ["ana@example.org", "chloe@example.org", "pending@example.org"]

    # The web version is public and says what the email said.
    anonymous = app.test_client()
    online = anonymous.get(path_of(web_version))
    assert online.status_code == 200
    assert "Cet hiver, la maison a ouvert 42 nuits. Merci !" in words(online)
    assert "Nouvelles de l'hiver" in words(anonymous.get("/newsletter"))

    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["newsletter.create", "newsletter.send"]


def test_a_second_send_is_refused(coordinator_client, audience, mailbox):
    issue_id = write_issue(coordinator_client)
    assert send(coordinator_client, issue_id).status_code == 302
    again = send(coordinator_client, issue_id)
    assert again.status_code == 409
    assert french("Ce numéro a déjà été envoyé : il ne part pas une deuxième fois.") in page(again)
    assert count(QueuedMail) == 3
    sends = select(func.count()).where(AuditEntry.action == "newsletter.send")
    assert db.session.scalar(sends) == 1


def test_a_sent_issue_can_no_longer_be_changed_nor_deleted(coordinator_client, audience):
    issue_id = write_issue(coordinator_client, subject="Premier numéro")
    send(coordinator_client, issue_id)
    edited = coordinator_client.post(
        issue_url(issue_id, "/modifier"), data={"subject": "Autre", "body": "Autre"}
    )
    assert edited.status_code == 409
    assert "il ne peut plus être modifié" in page(edited)
    deleted = coordinator_client.post(issue_url(issue_id, "/supprimer"))
    assert deleted.status_code == 409
    db.session.expire_all()
    issue = db.session.get(NewsletterIssue, issue_id)
    assert issue.subject == "Premier numéro" and issue.body == BODY.strip()
    # The edit page of a sent issue leads back to the issue, which offers no edit nor send.
    opened = coordinator_client.get(issue_url(issue_id, "/modifier"))
    assert opened.status_code == 302 and opened.headers["Location"] == issue_url(issue_id)
    shown = coordinator_client.get(issue_url(issue_id))
    assert "Envoyé le" in words(shown) and "à 3 adresses confirmées" in words(shown)
    assert "/envoyer" not in shown.text and "/modifier" not in shown.text


def test_drafts_are_edited_and_deleted(coordinator_client, coordinator):
    issue_id = write_issue(coordinator_client)
    changed = coordinator_client.post(
        issue_url(issue_id, "/modifier"), data={"subject": "Printemps", "body": "Le *texte*."}
    )
    assert changed.status_code == 302
    issue = db.session.get(NewsletterIssue, issue_id)
    assert issue.subject == "Printemps"
    assert "<em>texte</em>" in issue.body_html
    assert coordinator_client.post(issue_url(issue_id, "/supprimer")).status_code == 302
    assert count(NewsletterIssue) == 0
    log = words(coordinator_client.get("/gestion/journal"))
    assert "Camille a écrit le numéro de newsletter « Nouvelles de l'hiver »." in log
    assert "Camille a modifié le numéro de newsletter « Printemps »." in log
    assert "Camille a supprimé le brouillon de newsletter « Printemps »." in log


def test_preview_shows_both_parts_exactly_as_the_test_email(
    app, coordinator_client, coordinator, audience, mailbox
):
    issue_id = write_issue(coordinator_client)
    preview = coordinator_client.get(issue_url(issue_id, "?langue=en"))
    assert preview.status_code == 200
    assert f'src="{issue_url(issue_id, "/apercu.html")}?langue=en"' in preview.text
    html_part = coordinator_client.get(issue_url(issue_id, "/apercu.html?langue=en"))
    assert html_part.status_code == 200
    assert html_part.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "style-src 'unsafe-inline'" in html_part.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in html_part.headers["Content-Security-Policy"]

    response = coordinator_client.post(issue_url(issue_id, "/test"), data={"language": "en"})
    assert response.status_code == 302
    [test] = mailbox.to("camille@example.org")
    assert mailbox.messages == [test]  # nobody else
    assert test["Subject"] == "[Test] Nouvelles de l'hiver"
    text, html = parts(test)
    assert html.strip() == html_part.text.strip()
    assert text.strip() in page(preview)
    assert "Stop receiving anything: http://shelter.test/newsletter\n" in text
    assert db.session.get(NewsletterIssue, issue_id).sent_at is None

    # The real message differs from the test by its subject and unsubscribe link only.
    send(coordinator_client, issue_id)
    send_mail(app)
    [sent] = mailbox.to("ben@example.org")
    link = sent["List-Unsubscribe"].strip("<>")
    sent_text, sent_html = parts(sent)
    stand_in = "http://shelter.test/newsletter"
    assert sent_html.replace(link, stand_in) == html
    assert sent_text.replace(link, stand_in) == text


def test_bad_input_is_a_clear_4xx(coordinator_client, audience):
    empty = coordinator_client.post(NEW, data={"subject": " ", "body": ""})
    assert empty.status_code == 400
    assert "Indique l'objet de l'email." in page(empty)
    assert "Écris le texte de la newsletter." in page(empty)
    too_long = coordinator_client.post(NEW, data={"subject": "x" * 201, "body": "x"})
    assert too_long.status_code == 400
    # A line break in the subject would let a header into every email.
    injected = coordinator_client.post(
        NEW, data={"subject": "Hiver\r\nBcc: x@example.org", "body": "x"}
    )
    assert injected.status_code == 400
    assert "Une seule ligne, sans caractères invisibles." in page(injected)
    assert count(NewsletterIssue) == 0

    issue_id = write_issue(coordinator_client)
    unconfirmed = coordinator_client.post(issue_url(issue_id, "/envoyer"), data={})
    assert unconfirmed.status_code == 400
    assert "Coche la case pour confirmer l'envoi." in page(unconfirmed)
    assert coordinator_client.post(issue_url(issue_id, "/test"), data={}).status_code == 400
    wrong_language = coordinator_client.post(issue_url(issue_id, "/test"), data={"language": "xx"})
    assert wrong_language.status_code == 400
    assert coordinator_client.get(issue_url(issue_id, "?langue=xx")).status_code == 404
    assert coordinator_client.get(issue_url(issue_id, "/apercu.html?langue=x")).status_code == 404
    for path in ("", "/modifier", "/apercu.html"):
        assert coordinator_client.get(issue_url(999999, path)).status_code == 404
    for path in ("/modifier", "/test", "/envoyer", "/supprimer"):
        assert coordinator_client.post(issue_url(999999, path)).status_code == 404
    assert count(QueuedMail) == 0
    assert db.session.get(NewsletterIssue, issue_id).sent_at is None


def test_nobody_to_send_to_is_refused(coordinator_client, mailbox):
    make_subscriber("pending@example.org", status="pending")
    issue_id = write_issue(coordinator_client)
    shown = page(coordinator_client.get(issue_url(issue_id)))
    assert "personne ne recevrait ce numéro" in shown
    refused = send(coordinator_client, issue_id)
    assert refused.status_code == 409
    assert db.session.get(NewsletterIssue, issue_id).sent_at is None
    assert count(QueuedMail) == 0


def test_web_version_only_for_sent_issues(app, client, volunteer, coordinator):
    draft = make_issue(subject="Brouillon secret")
    sent = make_issue(subject="Déjà parti", sent_to=12)
    draft_path, sent_path = (
        f"/newsletter/{draft.id}-brouillon-secret",
        f"/newsletter/{sent.id}-deja-parti",
    )

    assert client.get(sent_path).status_code == 200
    assert client.get(draft_path).status_code == 404
    renamed = client.get(f"/newsletter/{sent.id}-ancien-titre")
    assert renamed.status_code == 301 and renamed.headers["Location"] == sent_path
    assert client.get("/newsletter/999999-rien").status_code == 404
    listed = words(client.get("/newsletter"))
    assert "Déjà parti" in listed and "Brouillon secret" not in listed

    login_as(client, volunteer)
    assert client.get(draft_path).status_code == 404
    login_as(client, coordinator)
    seen = client.get(draft_path)
    assert seen.status_code == 200
    assert "visible que par la coordination" in words(seen)
    assert '<meta name="robots" content="noindex">' in seen.text


def new_routes(issue_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", NEW),
        ("POST", NEW),
        ("GET", issue_url(issue_id)),
        ("GET", issue_url(issue_id, "/apercu.html")),
        ("GET", issue_url(issue_id, "/modifier")),
        ("POST", issue_url(issue_id, "/modifier")),
        ("POST", issue_url(issue_id, "/test")),
        ("POST", issue_url(issue_id, "/envoyer")),
        ("POST", issue_url(issue_id, "/supprimer")),
    ]


def test_only_coordinators_reach_the_issue_pages(app, client, volunteer, coordinator, mailbox):
    issue = make_issue()
    for method, path in new_routes(issue.id):
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/connexion"), (method, path)
    login_as(client, volunteer)
    for method, path in new_routes(issue.id):
        assert client.open(path, method=method).status_code == 403, (method, path)
    login_as(client, coordinator)
    for path in (NEW, issue_url(issue.id), issue_url(issue.id, "/apercu.html"),
                 issue_url(issue.id, "/modifier"), "/gestion/newsletter"):  # fmt: skip
        assert client.get(path).status_code == 200, path
    assert count(QueuedMail) == 0 and db.session.get(NewsletterIssue, issue.id).sent_at is None


def test_the_coordinators_list_shows_drafts_and_sent_issues(coordinator_client):
    make_issue(subject="Le brouillon")
    make_issue(subject="Le numéro d'octobre", sent_to=7)
    text = words(coordinator_client.get("/gestion/newsletter"))
    assert "Le brouillon Brouillon" in text
    assert "Le numéro d'octobre Envoyé le" in text and "à 7 adresses" in text
    assert text.index("Le brouillon") < text.index("Le numéro d'octobre")
