from flask import Blueprint

bp = Blueprint("feeds", __name__)

from shelter.feeds import views  # noqa: E402, F401
from shelter.feeds.redaction import install_log_redaction  # noqa: E402

bp.record_once(lambda state: install_log_redaction(state.app))
