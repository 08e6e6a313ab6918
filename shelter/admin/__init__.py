from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/gestion")

from shelter.admin import views  # noqa: E402, F401
