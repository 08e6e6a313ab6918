from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired

from shelter.forms import no_control_characters, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import too_long


def unix_newlines(value: str | None) -> str:
    # Browsers post a textarea with CRLF; the plain text part is the Markdown as written.
    return strip(value).replace("\r\n", "\n")


class IssueForm(FlaskForm):
    subject = StringField(
        _l("Objet de l'email"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique l'objet de l'email.")),
            too_long(200),
        ],
    )
    body = TextAreaField(
        _l("Texte (Markdown)"),
        filters=[unix_newlines],
        validators=[
            no_control_characters,
            DataRequired(message=_l("Écris le texte de la newsletter.")),
            too_long(50000),
        ],
        render_kw={"rows": 16},
    )


class LanguageForm(FlaskForm):
    """The language a test is written in, as the preview showed it."""

    language = HiddenField()

    def validate_language(self, field) -> None:
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Langue inconnue."))


class SendIssueForm(FlaskForm):
    confirm = BooleanField(
        _l("Je confirme : ce numéro part maintenant à toutes les adresses confirmées."),
        validators=[DataRequired(message=_l("Coche la case pour confirmer l'envoi."))],
    )
