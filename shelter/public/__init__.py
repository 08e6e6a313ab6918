"""The public site (news, public events, join us, support us, newsletter) and its management."""

from flask import Blueprint, g
from flask_babel import format_currency

from shelter.markup import excerpt, stored_html
from shelter.navigation import member_home_url
from shelter.public.events.maps import openstreetmap_url
from shelter.public.settings.services import site_settings
from shelter.urls import external_url

bp = Blueprint("public", __name__, cli_group=None)
bp.add_app_template_filter(stored_html, "stored_html")
bp.add_app_template_filter(excerpt, "excerpt")
bp.add_app_template_global(external_url, "external_url")
bp.add_app_template_global(member_home_url, "member_home_url")
bp.add_app_template_global(openstreetmap_url, "openstreetmap_url")
bp.add_app_template_filter(lambda amount: format_currency(amount, "EUR"), "euros")


@bp.teardown_app_request
def forget_site_settings(_error) -> None:
    # ``g`` outlives the request when an app context was already pushed (scripts, tests).
    g.pop("site_settings", None)


@bp.context_processor
def public_context() -> dict:
    return {"site": site_settings()}


# The pages register themselves on ``bp``, one domain each.
from shelter.public import home, newsletter  # noqa: E402, F401
from shelter.public.applications import views as application_views  # noqa: E402, F401
from shelter.public.events import views as event_views  # noqa: E402, F401
from shelter.public.news import views as news_views  # noqa: E402, F401
from shelter.public.settings import views as settings_views  # noqa: E402, F401
from shelter.public.support import views as support_views  # noqa: E402, F401
