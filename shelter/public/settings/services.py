"""The public site's settings: stored as key/value rows, with defaults when unset."""

from dataclasses import dataclass, fields, replace

from flask import current_app, g
from sqlalchemy import select

from shelter.extensions import db
from shelter.i18n import french_typography
from shelter.markup import render_markdown
from shelter.models import SiteSetting

# Written in French (the collective's language), with its typography.
DEFAULT_PRESENTATION = french_typography("""\
Nous sommes un collectif de citoyennes et de citoyens de Liège. Depuis plusieurs hivers, nous \
ouvrons une maison pour que des personnes exilées, souvent sans papiers, aient un lit, un repas \
chaud et un peu de calme pour la nuit.

Tout repose sur des bénévoles : on cuisine le repas du soir, on accueille, on dort sur place, on \
ferme la maison le matin après le petit-déjeuner. Pas besoin d'expérience, juste d'un peu de temps \
et de bonne humeur.

Nous défendons aussi, dans la rue et ailleurs, un accueil digne pour toutes et tous.
""")

DEFAULT_DONATION_TEXT = french_typography("""\
Le collectif ne reçoit aucun subside : chaque repas, chaque sac de couchage, chaque facture de \
chauffage est payé grâce à vos dons. Même 5 euros par mois, ça change tout.

Tu peux faire un virement (ponctuel ou permanent) sur notre compte, ou déposer du matériel lors \
d'une soirée de soutien.
""")


# Settings written in Markdown: each gets a ``<name>_html`` rendered when it is saved.
MARKDOWN_SETTINGS = ("presentation", "donation_text")


@dataclass(frozen=True)
class SiteSettings:
    site_name: str = ""
    presentation: str = DEFAULT_PRESENTATION
    contact_email: str = ""
    facebook_url: str = ""
    instagram_url: str = ""
    mastodon_url: str = ""
    donation_text: str = DEFAULT_DONATION_TEXT
    account_holder: str = ""
    iban: str = ""
    bic: str = ""
    structured_communication: str = ""
    # "1" when the home page and Soutiens-nous show the public counter (off by default).
    public_counter: str = ""
    presentation_html: str = render_markdown(DEFAULT_PRESENTATION)
    donation_text_html: str = render_markdown(DEFAULT_DONATION_TEXT)

    @property
    def shows_counter(self) -> bool:
        return self.public_counter == "1"

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("Mastodon", self.mastodon_url),
        ]
        return [(label, url) for label, url in links if url]


SETTING_NAMES = tuple(
    field.name for field in fields(SiteSettings) if not field.name.endswith("_html")
)


def site_settings() -> SiteSettings:
    """Return the settings (one query per request), defaults filling what is unset."""
    if "site_settings" not in g:
        stored = {}
        for row in db.session.scalars(
            select(SiteSetting).where(SiteSetting.key.in_(SETTING_NAMES))
        ):
            stored[row.key] = row.value
            if row.key in MARKDOWN_SETTINGS:
                stored[f"{row.key}_html"] = row.html
        settings = SiteSettings(**stored)
        if not settings.site_name:
            settings = replace(settings, site_name=current_app.config["COLLECTIVE_NAME"])
        g.site_settings = settings
    return g.site_settings


def save_site_settings(values: dict[str, str | bool]) -> None:
    """Store the given settings; an empty value goes back to its default, a switch is "1"."""
    existing = {
        row.key: row
        for row in db.session.scalars(select(SiteSetting).where(SiteSetting.key.in_(values)))
    }
    for key, value in values.items():
        if key not in SETTING_NAMES:
            raise KeyError(key)
        value = "1" if value is True else (value or "").strip()
        html = render_markdown(value) if key in MARKDOWN_SETTINGS else ""
        if key in existing:
            if value:
                existing[key].value, existing[key].html = value, html
            else:
                db.session.delete(existing[key])
        elif value:
            db.session.add(SiteSetting(key=key, value=value, html=html))
    g.pop("site_settings", None)
