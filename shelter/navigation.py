"""Where members land and what the navigation offers each role."""

from typing import NamedTuple

from flask import Flask, request, url_for
from flask_login import current_user

from shelter.i18n import lazy_gettext as _l


class NavItem(NamedTuple):
    endpoint: str
    label: object
    coordinators_only: bool = False


# In the order they appear in the menu.
MEMBER_NAV = [
    NavItem("calendar.month", _l("Calendrier")),
    NavItem("shifts.missing", _l("Ce qui manque")),
    NavItem("shifts.mine", _l("Mes services")),
    NavItem("feeds.page", _l("Mon agenda")),
    NavItem("auth.profile", _l("Profil")),
    NavItem("places.index", _l("Lieux"), coordinators_only=True),
    NavItem("shifts.types", _l("Types de services"), coordinators_only=True),
    NavItem("admin.users", _l("Comptes"), coordinators_only=True),
    NavItem("public.manage_news", _l("Site public"), coordinators_only=True),
    NavItem("admin.audit_log", _l("Journal"), coordinators_only=True),
    NavItem("report.overview", _l("Bilan"), coordinators_only=True),
]


def member_home_url() -> str:
    """Return the page a member lands on after logging in."""
    return url_for("calendar.month")


def member_nav() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {
            "url": url_for(item.endpoint),
            "label": item.label,
            "active": request.endpoint == item.endpoint,
        }
        for item in MEMBER_NAV
        if current_user.is_coordinator or not item.coordinators_only
    ]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"member_nav": member_nav})
