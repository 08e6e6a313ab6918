"""The impact report for coordinators, and the public counter drawn from the same counts."""

from flask import Blueprint

from shelter.report.formatting import number, percent

bp = Blueprint("report", __name__, url_prefix="/coordination")
bp.add_app_template_filter(number, "number")
bp.add_app_template_filter(percent, "percent")

from shelter.report import views  # noqa: E402, F401
