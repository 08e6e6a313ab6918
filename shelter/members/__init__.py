from flask import Blueprint

from shelter.phones import display_phone

bp = Blueprint("members", __name__)
bp.add_app_template_filter(display_phone, "phone")

from shelter.members import views  # noqa: E402, F401
