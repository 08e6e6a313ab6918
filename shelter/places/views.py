from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Place
from shelter.nights.queries import places_by_name
from shelter.places import bp, services
from shelter.places.forms import PlaceForm
from shelter.security import coordinator_required
from shelter.work import unit_of_work


def _render_index(form: PlaceForm, status: int = 200):
    return render_template("places/index.html", places=places_by_name(), form=form), status


@bp.get("/")
@coordinator_required
def index():
    return _render_index(PlaceForm())


@bp.post("/")
@coordinator_required
def create():
    form = PlaceForm()
    if not form.validate_on_submit():
        return _render_index(form, 400)
    with unit_of_work():
        place = services.create_place(
            form.name.data, form.beds.data, form.address.data, form.notes.data, current_user
        )
    flash(_("Lieu « %(name)s » ajouté.", name=place.name), "success")
    return redirect(url_for("places.index"))


@bp.route("/<int:place_id>", methods=["GET", "POST"])
@coordinator_required
def edit(place_id: int):
    place = db.get_or_404(Place, place_id)
    form = PlaceForm(obj=place)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("places/edit.html", place=place, form=form), status
    with unit_of_work(lambda: (render_template("places/edit.html", place=place, form=form), 409)):
        services.update_place(
            place,
            form.name.data,
            form.beds.data,
            form.address.data,
            form.notes.data,
            form.active.data,
            current_user,
        )
    flash(_("Lieu « %(name)s » enregistré.", name=place.name), "success")
    return redirect(url_for("places.index"))
