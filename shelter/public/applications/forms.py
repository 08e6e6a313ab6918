"""The volunteer application form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from shelter.auth.forms import email_field
from shelter.forms import MultiCheckboxField, no_control_characters, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.phones import normalise_phone
from shelter.public.fields import HoneypotMixin, too_long

HELP_CHOICES = [
    SelectChoice("meals", _l("Cuisiner ou servir le repas du soir")),
    SelectChoice("nights", _l("Accueillir et dormir sur place")),
    SelectChoice("mornings", _l("Le petit-déjeuner et la fermeture le matin")),
    SelectChoice("other", _l("Autre chose (transport, bricolage, collectes...)")),
]


HELP_LABELS = {choice.value: choice.label for choice in HELP_CHOICES}


class ApplicationForm(HoneypotMixin, FlaskForm):
    name = StringField(
        _l("Ton prénom et ton nom"),
        filters=[strip],
        validators=[single_line, DataRequired(message=_l("Indique ton nom.")), too_long(80)],
    )
    email = email_field(_l("Ton adresse email"))
    phone = StringField(
        _l("Ton téléphone (facultatif)"),
        filters=[strip],
        validators=[
            single_line,
            Optional(),
            too_long(30),
        ],
    )

    def validate_phone(self, field):
        if field.data and normalise_phone(field.data) is None:
            raise ValidationError(_l("Ce numéro de téléphone n'est pas valide."))

    helps = MultiCheckboxField(
        _l("Tu aimerais aider pour"),
        choices=HELP_CHOICES,
        validators=[InputRequired(message=_l("Choisis au moins une possibilité."))],
    )
    availability = TextAreaField(
        _l("Tes disponibilités"),
        filters=[strip],
        validators=[
            no_control_characters,
            DataRequired(message=_l("Dis-nous quand tu es plutôt disponible.")),
            too_long(1000),
        ],
    )
    message = TextAreaField(
        _l("Un mot pour nous (facultatif)"),
        filters=[strip],
        validators=[no_control_characters, too_long(4000)],
    )
    consent = BooleanField(
        _l(
            "J'accepte que le collectif garde ces informations pour me recontacter "
            "à propos du bénévolat."
        ),
        validators=[DataRequired(message=_l("Sans ton accord, on ne peut pas te recontacter."))],
    )
