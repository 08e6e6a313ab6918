from flask import Blueprint

bp = Blueprint("shifts", __name__, cli_group=None)

from shelter.shifts import commands, views  # noqa: E402, F401
