from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from shelter.forms import WholeNumberField, no_control_characters, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.models import DEFAULT_BEDS


class PlaceForm(FlaskForm):
    name = StringField(
        _l("Nom"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique un nom.")),
            Length(max=80, message=_l("80 caractères au maximum.")),
        ],
    )
    beds = WholeNumberField(
        _l("Nombre de lits"),
        default=DEFAULT_BEDS,
        validators=[
            InputRequired(message=_l("Indique un nombre de lits.")),
            NumberRange(min=1, max=200, message=_l("Entre 1 et 200 lits.")),
        ],
    )
    address = TextAreaField(
        _l("Adresse"),
        filters=[strip],
        validators=[
            no_control_characters,
            Length(max=500, message=_l("500 caractères au maximum.")),
        ],
    )
    notes = TextAreaField(
        _l("Infos pratiques"),
        filters=[strip],
        validators=[
            no_control_characters,
            Length(max=2000, message=_l("2000 caractères au maximum.")),
        ],
    )
    active = BooleanField(_l("Lieu actif (proposé pour de nouvelles nuits)"), default=True)
