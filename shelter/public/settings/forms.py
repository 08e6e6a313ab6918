"""The form of the site settings."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, Optional, Regexp, ValidationError

from shelter.forms import no_control_characters, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import too_long, upper
from shelter.public.support.donations import HOLDER_MAX
from shelter.public.support.validation import (
    bic_problem,
    iban_problem,
    structured_communication_problem,
)


def optional_url(label):
    return URLField(
        label,
        filters=[strip],
        validators=[
            Optional(),
            too_long(300),
            URL(message=_l("Cette adresse web n'est pas valide.")),
            Regexp(r"^https?://", message=_l("L'adresse doit commencer par https://.")),
        ],
    )


class SiteSettingsForm(FlaskForm):
    site_name = StringField(
        _l("Nom du collectif"),
        filters=[strip],
        validators=[single_line, DataRequired(message=_l("Indique un nom.")), too_long(80)],
    )
    presentation = TextAreaField(
        _l("Présentation (Markdown)"), validators=[no_control_characters, too_long(10000)]
    )
    contact_email = StringField(
        _l("Email de contact"),
        filters=[strip],
        validators=[
            single_line,
            Optional(),
            too_long(254),
            Email(message=_l("Cette adresse email n'est pas valide."), check_deliverability=False),
        ],
    )
    facebook_url = optional_url(_l("Page Facebook"))
    instagram_url = optional_url(_l("Compte Instagram"))
    mastodon_url = optional_url(_l("Compte Mastodon"))
    donation_text = TextAreaField(
        _l("Texte sur les dons (Markdown)"), validators=[no_control_characters, too_long(5000)]
    )
    account_holder = StringField(
        _l("Titulaire du compte"), filters=[strip], validators=[single_line, too_long(HOLDER_MAX)]
    )
    iban = StringField(_l("IBAN"), filters=[strip, upper], validators=[single_line, too_long(42)])
    bic = StringField(
        _l("BIC (facultatif)"), filters=[strip, upper], validators=[single_line, too_long(11)]
    )
    structured_communication = StringField(
        _l("Communication structurée"), filters=[strip], validators=[single_line, too_long(24)]
    )
    public_counter = BooleanField(
        _l("Afficher le compteur public (nuitées offertes et bénévoles, par mois entiers)")
    )

    def validate_iban(self, field):
        problem = field.data and iban_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_account_holder(self, field):
        if self.iban.data and not field.data:
            raise ValidationError(_l("Indique le titulaire du compte : les banques le demandent."))

    def validate_bic(self, field):
        problem = field.data and bic_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_structured_communication(self, field):
        problem = field.data and structured_communication_problem(field.data)
        if problem:
            raise ValidationError(problem)
