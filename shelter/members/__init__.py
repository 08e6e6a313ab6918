from flask import Blueprint

bp = Blueprint("members", __name__)

from shelter.members import views  # noqa: E402, F401
