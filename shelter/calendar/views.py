from datetime import date

from flask import abort, render_template
from flask_login import current_user

from shelter.calendar import bp, queries
from shelter.clock import local_today
from shelter.forms import FIRST_YEAR, LAST_YEAR


@bp.get("/")
@bp.get("/<int:year>/<int:month>")
def month(year: int | None = None, month: int | None = None):
    today = local_today()
    if year is None or month is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
        abort(404)
    previous, following = queries.neighbour_months(year, month)
    return render_template(
        "calendar/month.html",
        first=date(year, month, 1),
        month=queries.month(year, month, today, current_user),
        previous=previous,
        following=following,
        today=today,
    )


@bp.get("/liste")
def upcoming():
    today = local_today()
    return render_template(
        "calendar/upcoming.html",
        upcoming=queries.upcoming_nights(today, current_user),
        today=today,
    )
