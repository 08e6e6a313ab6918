from flask import render_template
from flask_login import current_user

from shelter.members import bp, queries
from shelter.navigation import COORDINATION_PAGES
from shelter.security import coordinator_required


@bp.get("/mon-espace")
def landing():
    return render_template(
        "members/landing.html", page=queries.landing(current_user), urgent_days=queries.URGENT_DAYS
    )


@bp.get("/coordination")
@coordinator_required
def coordination():
    return render_template("members/coordination.html", pages=COORDINATION_PAGES)
