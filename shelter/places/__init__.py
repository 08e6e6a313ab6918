from flask import Blueprint

bp = Blueprint("places", __name__, url_prefix="/lieux")

from shelter.places import views  # noqa: E402, F401
