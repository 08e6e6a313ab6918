"""Where members land and what the navigation offers each role."""

from typing import NamedTuple

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from shelter.i18n import lazy_gettext as _l
from shelter.security import public


class NavItem(NamedTuple):
    endpoint: str
    label: object
    coordinators_only: bool = False


# In the order they appear in the menu.
MEMBER_NAV = [
    NavItem("feeds.page", _l("Mon agenda")),
    NavItem("auth.profile", _l("Profil")),
    NavItem("admin.users", _l("Comptes"), coordinators_only=True),
    NavItem("admin.audit_log", _l("Journal"), coordinators_only=True),
]


def member_home_url() -> str:
    """Return the page a member lands on after logging in."""
    return url_for("auth.profile")


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


@public
def index():
    if current_user.is_authenticated:
        return redirect(member_home_url())
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    app.add_url_rule("/", "index", index)
    app.context_processor(lambda: {"member_nav": member_nav})
