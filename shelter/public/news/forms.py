"""The form coordinators write news with."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from shelter.forms import no_control_characters, sensible_year, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import DATETIME_FORMATS, too_long

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class NewsPostForm(FlaskForm):
    title = StringField(
        _l("Titre"),
        filters=[strip],
        validators=[single_line, DataRequired(message=_l("Indique un titre.")), too_long(200)],
    )
    slug = StringField(
        _l("Adresse de l'article"),
        filters=[strip, lambda value: value.lower() if value else value],
        validators=[
            single_line,
            Optional(),
            too_long(120),
            Regexp(
                SLUG.pattern,
                message=_l("Seulement des lettres minuscules, des chiffres et des tirets."),
            ),
        ],
    )
    body = TextAreaField(
        _l("Texte (Markdown)"),
        validators=[
            no_control_characters,
            DataRequired(message=_l("Écris le texte de l'article.")),
            too_long(50000),
        ],
    )
    published_at = DateTimeLocalField(
        _l("Date de publication"),
        format=DATETIME_FORMATS,
        validators=[Optional(), sensible_year],
    )
    is_published = BooleanField(_l("Publié (sinon brouillon)"))
