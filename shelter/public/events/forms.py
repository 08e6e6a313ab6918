"""The form of a public event."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from shelter.forms import no_control_characters, sensible_year, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import DATETIME_FORMATS, too_long


class PublicEventForm(FlaskForm):
    title = StringField(
        _l("Titre"),
        filters=[strip],
        validators=[single_line, DataRequired(message=_l("Indique un titre.")), too_long(200)],
    )
    starts_at = DateTimeLocalField(
        _l("Début"),
        format=DATETIME_FORMATS,
        validators=[
            DataRequired(message=_l("Indique la date et l'heure de début.")),
            sensible_year,
        ],
    )
    ends_at = DateTimeLocalField(
        _l("Fin (facultatif)"), format=DATETIME_FORMATS, validators=[Optional(), sensible_year]
    )
    location = StringField(
        _l("Lieu"),
        filters=[strip],
        validators=[single_line, DataRequired(message=_l("Indique le lieu.")), too_long(200)],
    )
    description = TextAreaField(
        _l("Description (Markdown)"), validators=[no_control_characters, too_long(20000)]
    )
    published = BooleanField(_l("Publié sur le site"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("La fin doit venir après le début."))
