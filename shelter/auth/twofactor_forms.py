from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from shelter.forms import single_line, strip
from shelter.i18n import lazy_gettext as _l


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique le code.")),
            Length(max=40, message=_l("Ce code est trop long.")),
        ],
    )


class PasskeyForm(FlaskForm):
    """The browser's answer to a passkey request, filled in by the page's script."""

    state = HiddenField(filters=[strip], validators=[DataRequired(), Length(max=2000)])
    credential = HiddenField(filters=[strip], validators=[DataRequired(), Length(max=32000)])


class PasskeySignInForm(PasskeyForm):
    next = HiddenField(filters=[strip])


class NewPasskeyForm(PasskeyForm):
    name = StringField(
        _l("Nom de la clé"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Donne un nom à cette clé, par exemple « Mon téléphone ».")),
            Length(max=80, message=_l("80 caractères au maximum.")),
        ],
    )
