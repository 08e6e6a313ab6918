"""Join us, the newsletter and the coordinators' pages of the public site."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from sqlalchemy import func, select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.markup import render_markdown
from shelter.models import (
    AuditEntry,
    MaterialNeed,
    NewsletterSubscriber,
    NewsPost,
    PublicEvent,
    User,
    VolunteerApplication,
)
from tests.conftest import Mailbox, login_as
from tests.factories import make_application, make_post, make_public_event, make_user
from tests.helpers import csrf_token, links_in, page, path_of

APPLICATION = {
    "name": "Lou Martin",
    "email": "Lou@Example.org",
    "phone": "+32 470 12 34 56",
    "helps": ["meals", "mornings"],
    "availability": "Le vendredi soir et un dimanche sur deux",
    "message": "J'ai cuisiné pour une cantine solidaire.",
    "consent": "y",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- Rejoins-nous --------------------------------------------------------------------------------


def test_application_is_kept_and_acknowledged(client, mailbox):
    response = client.post("/rejoins-nous", data=APPLICATION)
    assert response.status_code == 302
    assert "Ta candidature est bien arrivée" in page(client.get(response.headers["Location"]))
    application = db.session.scalar(select(VolunteerApplication))
    assert application.email == "lou@example.org"
    assert application.help_list == ["meals", "mornings"]
    assert application.phone == "+32 470 12 34 56"
    assert application.message == APPLICATION["message"]
    assert application.availability == APPLICATION["availability"]
    assert application.consent_at is not None
    [message] = mailbox.to("lou@example.org")
    assert "Ta candidature" in message["Subject"]
    assert "Bonjour Lou Martin," in Mailbox.body(message)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "pas-une-adresse", "Cette adresse email n'est pas valide."),
        ("name", "", "Indique ton nom."),
        ("consent", "", "Sans ton accord, on ne peut pas te recontacter."),
        ("helps", [], "Choisis au moins une possibilité."),
        ("phone", "appelle-moi", "Ce numéro de téléphone n'est pas valide."),
        ("message", "x" * 4001, "4000 caractères au maximum."),
    ],
)
def test_bad_application_is_refused_and_keeps_what_was_typed(
    client, mailbox, field, value, message
):
    response = client.post("/rejoins-nous", data={**APPLICATION, field: value})
    assert response.status_code == 400
    text = page(response)
    assert message in text
    assert count(VolunteerApplication) == 0
    assert not mailbox.messages
    if field != "availability":
        assert APPLICATION["availability"] in text
    if field != "name":
        assert 'value="Lou Martin"' in response.text


def test_honeypot_submission_looks_accepted_but_is_dropped(client, mailbox):
    response = client.post("/rejoins-nous", data={**APPLICATION, "website": "http://spam.example"})
    assert response.status_code == 302
    assert count(VolunteerApplication) == 0
    assert not mailbox.messages
    response = client.post(
        "/newsletter", data={"email": "bot@example.org", "consent": "y", "website": "x"}
    )
    assert response.status_code == 302
    assert count(NewsletterSubscriber) == 0


def test_oversized_request_is_refused_with_a_clear_message(client):
    response = client.post("/rejoins-nous", data={**APPLICATION, "message": "x" * 300_000})
    assert response.status_code == 413
    assert "Ce que tu as envoyé est trop long." in page(response)
    assert count(VolunteerApplication) == 0


def test_coordinator_approves_an_application_which_sends_the_invitation(
    coordinator_client, coordinator, mailbox
):
    application = make_application(email="lou@example.org", language="en")
    listing = page(coordinator_client.get("/gestion/candidatures"))
    assert "Lou Candidate" in listing
    assert "Cuisiner ou servir le repas du soir" in listing
    response = coordinator_client.post(f"/gestion/candidatures/{application.id}/accepter")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "lou@example.org"))
    assert user.role == "volunteer"
    assert user.language == "en"
    assert not user.has_password
    assert application.status == "approved"
    assert application.decided_by_id == coordinator.id
    [invitation] = mailbox.to("lou@example.org")
    assert any("/invitation/" in link for link in links_in(Mailbox.body(invitation)))
    again = coordinator_client.post(f"/gestion/candidatures/{application.id}/accepter")
    assert again.status_code == 409
    assert len(mailbox.to("lou@example.org")) == 1


def test_approving_an_address_that_already_has_an_account_is_refused(coordinator_client, mailbox):
    make_user(email="lou@example.org")
    application = make_application(email="lou@example.org")
    response = coordinator_client.post(f"/gestion/candidatures/{application.id}/accepter")
    assert response.status_code == 409
    assert application.status == "pending"
    assert not mailbox.messages


def test_coordinator_declines_an_application(coordinator_client, mailbox):
    application = make_application()
    response = coordinator_client.post(f"/gestion/candidatures/{application.id}/refuser")
    assert response.status_code == 302
    assert application.status == "declined"
    assert count(User) == 1
    assert not mailbox.messages
    assert coordinator_client.post("/gestion/candidatures/999/refuser").status_code == 404


def test_volunteers_cannot_decide_applications(volunteer_client):
    application = make_application()
    assert (
        volunteer_client.post(f"/gestion/candidatures/{application.id}/accepter").status_code == 403
    )
    assert application.status == "pending"


# --- newsletter ----------------------------------------------------------------------------------


def subscribe(client, email="nina@example.org", **extra):
    return client.post("/newsletter", data={"email": email, "consent": "y", **extra})


def link_from(message, marker: str) -> str:
    return path_of(next(link for link in links_in(Mailbox.body(message)) if marker in link))


def test_double_opt_in_with_a_single_use_link(client, mailbox):
    response = subscribe(client, "Nina@Example.org")
    assert response.status_code == 302
    subscriber = db.session.scalar(select(NewsletterSubscriber))
    assert subscriber.email == "nina@example.org"
    assert not subscriber.is_confirmed
    [message] = mailbox.to("nina@example.org")
    assert message["List-Unsubscribe"].startswith("<http://shelter.test/newsletter/desabonnement/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm = link_from(message, "/confirmer/")
    assert "Ne plus rien recevoir" in Mailbox.body(message)
    # Opening the link (or a mail scanner fetching it) does not confirm by itself.
    assert client.get(confirm).status_code == 200
    assert not subscriber.is_confirmed
    assert client.post(confirm).status_code == 302
    assert subscriber.is_confirmed
    assert client.get(confirm).status_code == 404
    assert client.post(confirm).status_code == 404


def test_subscribing_says_the_same_whatever_the_address_state(client, mailbox):
    def answer(email):
        return page(client.get(subscribe(client, email).headers["Location"]))

    fresh = answer("new@example.org")
    first_link = link_from(mailbox.to("new@example.org")[0], "/confirmer/")
    pending = answer("new@example.org")
    client.post(link_from(mailbox.to("new@example.org")[1], "/confirmer/"))
    client.get("/")  # shows (and consumes) the confirmation message
    confirmed = answer("new@example.org")
    assert fresh == pending == confirmed
    assert count(NewsletterSubscriber) == 1
    assert db.session.scalar(select(NewsletterSubscriber)).is_confirmed
    # A new request replaced the first link; the last email only says nothing changed.
    assert client.get(first_link).status_code == 404
    last = mailbox.to("new@example.org")[-1]
    assert "déjà" in last["Subject"]
    assert "/confirmer/" not in Mailbox.body(last)
    assert last["List-Unsubscribe"]


def test_unsubscribe_link_forgets_the_address(client, mailbox):
    subscribe(client)
    message = mailbox.to("nina@example.org")[0]
    client.post(link_from(message, "/confirmer/"))
    unsubscribe = link_from(message, "/desabonnement/")
    assert client.get(unsubscribe).status_code == 200
    assert count(NewsletterSubscriber) == 1
    response = client.post(unsubscribe)
    assert response.status_code == 302
    assert count(NewsletterSubscriber) == 0
    assert client.get(unsubscribe).status_code == 404


def test_one_click_unsubscribe_from_the_mail_client(client, mailbox):
    subscribe(client)
    header = mailbox.to("nina@example.org")[0]["List-Unsubscribe"]
    response = client.post(path_of(header.strip("<>")), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert count(NewsletterSubscriber) == 0


def test_forged_unsubscribe_link_does_nothing(client, mailbox):
    subscribe(client)
    subscriber = db.session.scalar(select(NewsletterSubscriber))
    response = client.post(f"/newsletter/desabonnement/{subscriber.id}/{'0' * 32}")
    assert response.status_code == 404
    assert count(NewsletterSubscriber) == 1


def test_newsletter_needs_consent_and_a_valid_address(client, mailbox):
    response = client.post("/newsletter", data={"email": "nina@example.org"})
    assert response.status_code == 400
    assert "Coche la case pour t'abonner." in page(response)
    assert 'value="nina@example.org"' in response.text
    assert client.post("/newsletter", data={"email": "nope", "consent": "y"}).status_code == 400
    assert count(NewsletterSubscriber) == 0
    assert not mailbox.messages


def test_coordinators_export_confirmed_subscribers_as_csv(client, coordinator, mailbox):
    subscribe(client, "one@example.org")
    subscribe(client, "=cmd@example.org")
    subscribe(client, "pending@example.org")
    for address in ("one@example.org", "=cmd@example.org"):
        client.post(link_from(mailbox.to(address)[0], "/confirmer/"))
    login_as(client, coordinator)
    assert "2 adresses confirmées." in page(client.get("/gestion/newsletter"))
    response = client.get("/gestion/newsletter/abonne-es.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["email"] for row in rows] == ["one@example.org", "'=cmd@example.org"]
    unsubscribe = rows[0]["unsubscribe_url"]
    assert unsubscribe.startswith("http://shelter.test/newsletter/desabonnement/")
    client.post("/deconnexion")
    client.post(path_of(unsubscribe))
    assert count(NewsletterSubscriber) == 2


# --- coordinators: news, events, needs, settings ------------------------------------------------


def test_coordinator_publishes_a_post(coordinator_client, client):
    response = coordinator_client.post(
        "/gestion/actualites/nouvelle",
        data={"title": "Été 2031 : on continue", "body": "Le *texte*.", "is_published": "y"},
    )
    assert response.status_code == 302
    post = db.session.scalar(select(NewsPost))
    assert post.slug == "ete-2031-on-continue"
    assert db.session.scalar(select(AuditEntry.action)) == "news.create"
    coordinator_client.post("/deconnexion")
    article = client.get("/actualites/ete-2031-on-continue")
    assert article.status_code == 200
    assert "<em>texte</em>" in article.text


def test_post_slugs_stay_unique(coordinator_client):
    make_post(slug="assemblee")
    data = {"title": "Assemblée", "body": "Texte"}
    assert coordinator_client.post("/gestion/actualites/nouvelle", data=data).status_code == 302
    assert db.session.scalar(select(NewsPost.slug).order_by(NewsPost.id.desc())) == "assemblee-2"
    taken = coordinator_client.post(
        "/gestion/actualites/nouvelle", data={**data, "slug": "assemblee"}
    )
    assert taken.status_code == 409
    assert "Un autre article utilise déjà cette adresse." in page(taken)
    bad = coordinator_client.post("/gestion/actualites/nouvelle", data={**data, "slug": "Pas Bon!"})
    assert bad.status_code == 400
    assert count(NewsPost) == 2


def test_coordinator_edits_and_deletes_a_post(coordinator_client):
    post = make_post(title="Ancien titre", slug="ancien")
    response = coordinator_client.post(
        f"/gestion/actualites/{post.id}",
        data={"title": "Nouveau titre", "slug": "ancien", "body": "Corps", "is_published": "y"},
    )
    assert response.status_code == 302
    assert post.title == "Nouveau titre"
    assert coordinator_client.post(f"/gestion/actualites/{post.id}/supprimer").status_code == 302
    assert count(NewsPost) == 0


def test_coordinator_creates_an_event_in_brussels_time(coordinator_client):
    response = coordinator_client.post(
        "/gestion/agenda-public/nouveau",
        data={
            "title": "Manifestation",
            "starts_at": "2031-03-15T14:00",
            "ends_at": "2031-03-15T16:00",
            "location": "Place Saint-Lambert",
            "description": "Venez !",
            "published": "y",
        },
    )
    assert response.status_code == 302
    event = db.session.scalar(select(PublicEvent))
    assert event.starts_at.isoformat() == "2031-03-15T13:00:00+00:00"
    assert event.sequence == 0
    form = page(coordinator_client.get(f"/gestion/agenda-public/{event.id}"))
    assert 'value="2031-03-15T14:00"' in form
    coordinator_client.post(
        f"/gestion/agenda-public/{event.id}",
        data={
            "title": "Manifestation",
            "starts_at": "2031-03-15T15:00",
            "ends_at": "",
            "location": "Place Saint-Lambert",
            "published": "y",
        },
    )
    assert event.sequence == 1
    assert event.ends_at is None


def test_event_end_must_follow_its_start(coordinator_client):
    response = coordinator_client.post(
        "/gestion/agenda-public/nouveau",
        data={
            "title": "Soirée",
            "starts_at": "2031-03-15T20:00",
            "ends_at": "2031-03-15T19:00",
            "location": "La Zone",
        },
    )
    assert response.status_code == 400
    assert "La fin doit venir après le début." in page(response)
    assert count(PublicEvent) == 0


def test_coordinator_maintains_material_needs(coordinator_client):
    response = coordinator_client.post(
        "/gestion/besoins", data={"item": "Café", "quantity": "10 paquets", "urgent": "y"}
    )
    assert response.status_code == 302
    need = db.session.scalar(select(MaterialNeed))
    assert need.urgent
    coordinator_client.post(f"/gestion/besoins/{need.id}/fait")
    assert need.done
    coordinator_client.post(f"/gestion/besoins/{need.id}/relancer")
    assert not need.done
    assert coordinator_client.post("/gestion/besoins", data={"item": ""}).status_code == 400
    coordinator_client.post(f"/gestion/besoins/{need.id}/supprimer")
    assert count(MaterialNeed) == 0
    journal = coordinator_client.get("/gestion/journal").get_data(as_text=True)
    assert "a ajouté le besoin « Café »" in journal.replace("\u202f", " ")
    assert "a supprimé le besoin « Café »" in journal.replace("\u202f", " ")


def test_coordinator_edits_the_site_settings(coordinator_client, client):
    response = coordinator_client.post(
        "/gestion/site",
        data={
            "site_name": "Collectif Hébergement Liège",
            "presentation": "Nous **accueillons**.",
            "contact_email": "contact@collectif.example",
            "mastodon_url": "https://mastodon.example/@collectif",
        },
    )
    assert response.status_code == 302
    coordinator_client.post("/deconnexion")
    home = client.get("/")
    text = page(home)
    assert "Collectif Hébergement Liège" in text
    assert "<strong>accueillons</strong>" in home.text
    assert "contact@collectif.example" in text
    assert 'href="https://mastodon.example/@collectif"' in home.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "BE68 5390 0754 7035", "Cet IBAN contient une faute de frappe"),
        ("iban", "123", "Cet IBAN n'a pas la bonne forme"),
        ("structured_communication", "+++090/9337/55494+++", "faute de frappe"),
        ("facebook_url", "javascript:alert(1)", "Cette adresse web n'est pas valide."),
        ("contact_email", "nope", "Cette adresse email n'est pas valide."),
    ],
)
def test_bad_settings_are_refused(coordinator_client, field, value, message):
    response = coordinator_client.post(
        "/gestion/site", data={"site_name": "Collectif", field: value}
    )
    assert response.status_code == 400
    assert message in page(response)


# --- Markdown sanitising -----------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "[clique](javascript:alert('xss'))",
    "[clique](JaVaScRiPt:alert('xss'))",
    "<a href=\"jav&#x09;ascript:alert('xss')\">clique</a>",
    "<img src=x onerror=alert('xss')>",
    "<p onmouseover=\"alert('xss')\">survol</p>",
    "<svg onload=alert('xss')><circle r=1 /></svg>",
    "<svg><script>alert('xss')</script></svg>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=)",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="https://ok.example" onclick="alert(\'xss\')" style="color:red">lien</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
]
ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "br", "blockquote"}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


DANGEROUS_TAGS = {"script", "svg", "img", "iframe", "style", "object", "embed", "form", "input"}


def dangerous_markup(html: str, allowed_tags: set[str] | None = ALLOWED_TAGS) -> list:
    """Return the tags and attributes of ``html`` that could run code or load something."""
    collector = TagCollector()
    collector.feed(html)
    found = []
    for tag, attributes in collector.tags:
        if tag in DANGEROUS_TAGS or (allowed_tags is not None and tag not in allowed_tags):
            found.append(tag)
        for name, value in attributes.items():
            if name.startswith("on") or name in ("style", "src"):
                found.append(f"{tag}[{name}]")
            if name == "href" and not (value or "").startswith(("https:", "http:", "mailto:", "/")):
                found.append(f"{tag}[href={value}]")
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_rendering_neutralises_xss(payload):
    html = str(render_markdown(payload))
    assert dangerous_markup(html) == [], html


def test_markdown_keeps_safe_links_with_rel():
    html = str(render_markdown("[site](https://ok.example) [mail](mailto:a@ok.example)"))
    assert '<a href="https://ok.example" rel="noopener nofollow">site</a>' in html
    assert 'href="mailto:a@ok.example"' in html


def main_content(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:10])
def test_xss_payloads_are_neutralised_on_every_page_showing_markdown(client, payload):
    make_post(slug="xss", body=payload)
    event = make_public_event(title="Soirée", description=payload)
    for url in ("/", "/actualites", "/actualites/xss", f"/agenda/{event.id}"):
        html = main_content(client.get(url).text)
        assert dangerous_markup(html, allowed_tags=None) == [], url
    feed = feedparser.parse(client.get("/actualites/atom.xml").data)
    assert dangerous_markup(feed.entries[0].content[0].value) == []


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_unsubscribing_needs_a_form_token_or_the_one_click_marker(csrf_app_config, client, mailbox):
    subscribe_data = {"email": "nina@example.org", "consent": "y"}
    token = csrf_token(client.get("/newsletter").text)
    client.post("/newsletter", data={**subscribe_data, "csrf_token": token})
    unsubscribe = link_from(mailbox.to("nina@example.org")[0], "/desabonnement/")
    assert client.post(unsubscribe, data={}).status_code == 400
    assert count(NewsletterSubscriber) == 1
    page_token = csrf_token(client.get(unsubscribe).text)
    assert client.post(unsubscribe, data={"csrf_token": page_token}).status_code == 302
    assert count(NewsletterSubscriber) == 0


def test_purge_newsletter_forgets_expired_unconfirmed_addresses(app, client, mailbox):
    subscribe(client, "old@example.org")
    subscribe(client, "fresh@example.org")
    old = db.session.scalar(
        select(NewsletterSubscriber).where(NewsletterSubscriber.email == "old@example.org")
    )
    old.confirm_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-newsletter"])
    assert result.exit_code == 0, result.output
    assert "1 unconfirmed" in result.output
    assert db.session.scalars(select(NewsletterSubscriber.email)).all() == ["fresh@example.org"]
