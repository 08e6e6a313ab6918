from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendrier")

from shelter.calendar import views  # noqa: E402, F401
