"""The coordinators' page of the site settings."""

from flask import flash, redirect, render_template, url_for

from shelter.i18n import gettext as _
from shelter.public import bp
from shelter.public.settings.forms import SiteSettingsForm
from shelter.public.settings.services import SETTING_NAMES, save_site_settings, site_settings
from shelter.security import coordinator_required
from shelter.work import unit_of_work


@bp.route("/gestion/site", methods=["GET", "POST"])
@coordinator_required
def site_settings_page():
    form = SiteSettingsForm(obj=site_settings())
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("public/manage/settings.html", form=form), status
    with unit_of_work():
        save_site_settings({name: getattr(form, name).data for name in SETTING_NAMES})
    flash(_("Réglages du site enregistrés."), "success")
    return redirect(url_for("public.site_settings_page"))
