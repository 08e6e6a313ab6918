"""Where members land and what the navigation offers each role.

On a phone the header is one row: the landing page, *Ce qui manque* and *Mes services*, then
one menu (a ``<details>`` element, so it works without JavaScript) with everything else. The
coordinators' management pages sit behind a single *Coordination* entry.
"""

from typing import NamedTuple

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from shelter.i18n import lazy_gettext as _l


class NavItem(NamedTuple):
    endpoint: str
    label: object
    # Other pages that belong to this destination (marked as current there too).
    also: tuple[str, ...] = ()
    coordinators_only: bool = False
    # "wide": in the header row on wide screens only; "narrow": in the menu on phones only.
    only: str | None = None


# Always in the header row, in this order.
HEADER_NAV = [
    NavItem("members.landing", _l("Mon espace")),
    NavItem("calendar.month", _l("Calendrier"), also=("calendar.upcoming",), only="wide"),
    NavItem("shifts.missing", _l("Ce qui manque")),
    NavItem("shifts.mine", _l("Mes services")),
]
# Behind the menu control.
MENU_NAV = [
    NavItem("calendar.month", _l("Calendrier"), also=("calendar.upcoming",), only="narrow"),
    NavItem("feeds.page", _l("Mon agenda")),
    NavItem("auth.profile", _l("Profil")),
    NavItem("members.coordination", _l("Coordination"), coordinators_only=True),
]


class CoordinationPage(NamedTuple):
    endpoint: str
    label: object
    description: object


# The coordination hub lists them; every coordinator-only page counts as "Coordination".
COORDINATION_PAGES = [
    CoordinationPage(
        "nights.plan",
        _l("Planifier des nuits"),
        _l("Ouvrir des nuits d'accueil, une seule ou toute une saison d'un coup."),
    ),
    CoordinationPage(
        "public.applications",
        _l("Candidatures"),
        _l("Les personnes qui proposent leur aide sur le site public."),
    ),
    CoordinationPage(
        "admin.users",
        _l("Comptes"),
        _l("Inviter des bénévoles, changer un rôle, désactiver un compte."),
    ),
    CoordinationPage(
        "shifts.types",
        _l("Types de services"),
        _l("Repas, soirée et nuit, matin : horaires et nombre de bénévoles."),
    ),
    CoordinationPage(
        "nights.week_sheet",
        _l("La semaine au mur"),
        _l("Les 7 prochaines nuits : services, noms et astreinte, à imprimer pour la maison."),
    ),
    CoordinationPage(
        "nights.practical_needs",
        _l("Besoins pratiques"),
        _l("La liste des régimes et besoins qu'un séjour peut porter, comptés pour le repas."),
    ),
    CoordinationPage(
        "places.index",
        _l("Lieux"),
        _l("Les lieux d'accueil : lits, adresse et infos pratiques."),
    ),
    CoordinationPage(
        "public.manage_news",
        _l("Site public"),
        _l("Actualités, agenda public, besoins matériels, newsletter et réglages du site."),
    ),
    CoordinationPage(
        "admin.audit_log",
        _l("Journal"),
        _l("Qui a fait quoi : nuits, séjours, services et rôles."),
    ),
    CoordinationPage(
        "report.overview",
        _l("Bilan"),
        _l("Ce que le collectif a offert, mois par mois : des chiffres, jamais de noms."),
    ),
]


def member_home_url() -> str:
    """Return the page a member lands on after logging in."""
    return url_for("members.landing")


def _is_current(item: NavItem) -> bool:
    endpoint = request.endpoint
    if endpoint == item.endpoint or endpoint in item.also:
        return True
    if item.endpoint != "members.coordination" or endpoint is None:
        return False
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "shelter_role", None) == "coordinator"


def _entries(items: list[NavItem]) -> list[dict]:
    return [
        {
            "url": url_for(item.endpoint),
            "label": item.label,
            "active": _is_current(item),
            "only": item.only,
        }
        for item in items
        if current_user.is_coordinator or not item.coordinators_only
    ]


def member_nav() -> dict:
    """Return the header's entries and the menu's, each with whether it is the current page."""
    if not current_user.is_authenticated:
        return {"header": [], "menu": []}
    return {"header": _entries(HEADER_NAV), "menu": _entries(MENU_NAV)}


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"member_nav": member_nav})
