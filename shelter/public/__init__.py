"""The public site (news, public events, join us, support us, newsletter) and its management."""

from flask import Blueprint, g
from flask_babel import format_currency

from shelter.markup import excerpt, stored_html
from shelter.navigation import member_home_url
from shelter.public.maps import openstreetmap_url
from shelter.public.settings import site_settings
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


from shelter.public import commands, manage, newsletter, views  # noqa: E402, F401
