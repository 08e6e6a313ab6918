from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from shelter.auth.forms import LANGUAGE_CHOICES, email_field, name_field
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
