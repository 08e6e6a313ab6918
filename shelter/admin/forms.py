from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from shelter.auth.forms import LANGUAGE_CHOICES, email_field, name_field
from shelter.forms import LocalDateField, WholeNumberField, sensible_year
from shelter.i18n import lazy_gettext as _l
from shelter.models import Role

ROLE_CHOICES = [
    SelectChoice(Role.VOLUNTEER.value, _l("Bénévole")),
    SelectChoice(Role.COORDINATOR.value, _l("Coordination")),
]


class InviteForm(FlaskForm):
    name = name_field()
    email = email_field()
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)
    language = SelectField(_l("Langue des emails"), choices=LANGUAGE_CHOICES)


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES, validators=[InputRequired()])


# The "what" filter of the journal: keys of shelter.admin.journal.CATEGORIES.
CATEGORY_CHOICES = [
    SelectChoice("", _l("Tout")),
    SelectChoice("nights", _l("Nuits")),
    SelectChoice("stays", _l("Séjours")),
    SelectChoice("shifts", _l("Services et types de services")),
    SelectChoice("signups", _l("Inscriptions")),
    SelectChoice("accounts", _l("Comptes, candidatures et liens d'agenda")),
    SelectChoice("places", _l("Lieux")),
    SelectChoice("public", _l("Site public")),
]


class JournalFilterForm(FlaskForm):
    """The journal's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Qui"), coerce=str, validate_choice=True, default="")
    category = SelectField(_l("Quoi"), choices=CATEGORY_CHOICES, default="")
    since = LocalDateField(_l("Du"), validators=[Optional(), sensible_year])
    until = LocalDateField(_l("Au"), validators=[Optional(), sensible_year])
    page = WholeNumberField(
        default=1,
        validators=[Optional(), NumberRange(min=1, max=100000, message=_l("Page inconnue."))],
    )

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("La fin de la période ne peut pas précéder son début."))
