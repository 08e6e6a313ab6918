from flask import Blueprint

bp = Blueprint("nights", __name__, cli_group=None)

from shelter.nights import commands, needs_views, sheet_views, views  # noqa: E402, F401
