import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from shelter.auth.forms import email_field
from shelter.forms import no_control_characters, sensible_year, single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.phones import normalise_phone
from shelter.public.donations import HOLDER_MAX, parse_amount
from shelter.public.validation import (
    bic_problem,
    iban_problem,
    structured_communication_problem,
)

HELP_CHOICES = [
    SelectChoice("meals", _l("Cuisiner ou servir le repas du soir")),
    SelectChoice("nights", _l("Accueillir et dormir sur place")),
    SelectChoice("mornings", _l("Le petit-déjeuner et la fermeture le matin")),
    SelectChoice("other", _l("Autre chose (transport, bricolage, collectes...)")),
]
HELP_LABELS = {choice.value: choice.label for choice in HELP_CHOICES}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def too_long(limit: int):
    return Length(max=limit, message=_l("%(max)d caractères au maximum.", max=limit))


def upper(value: str) -> str:
    return value.upper()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HoneypotMixin:
    """A field people never see nor fill; robots filling every field give themselves away."""

    website = StringField(_l("Ne remplis pas ce champ"), filters=[strip], validators=[single_line])

    @property
    def is_spam(self) -> bool:
        return bool(self.website.data)


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


class NewsletterForm(HoneypotMixin, FlaskForm):
    email = email_field(_l("Ton adresse email"))
    consent = BooleanField(
        _l("J'accepte de recevoir la newsletter du collectif (désinscription en un clic)."),
        validators=[DataRequired(message=_l("Coche la case pour t'abonner."))],
    )


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


class NeedForm(FlaskForm):
    item = StringField(
        _l("Ce dont on a besoin"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique ce dont vous avez besoin.")),
            too_long(120),
        ],
    )
    quantity = StringField(_l("Quantité"), filters=[strip], validators=[single_line, too_long(60)])
    urgent = BooleanField(_l("Urgent"))


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


class DonationAmountForm(FlaskForm):
    """The amount a visitor picks for the payment QR code, sent in the query string."""

    class Meta:
        csrf = False

    amount = StringField(
        _l("Autre montant (€)"), name="montant", filters=[strip], validators=[single_line]
    )

    def validate_amount(self, field):
        if parse_amount(field.data) is None:
            raise ValidationError(
                _l(
                    "Indique un montant en euros entre 0,01 et 999 999 999,99, "
                    "par exemple 15 ou 7,50."
                )
            )

    @property
    def chosen_amount(self) -> Decimal | None:
        return parse_amount(self.amount.data or "")


class OneClickUnsubscribeForm(FlaskForm):
    """The body a mail client posts for a one-click unsubscription (RFC 8058), without CSRF token:
    the link's own secret is what protects it."""

    class Meta:
        csrf = False

    marker = StringField(name="List-Unsubscribe", validators=[single_line])

    @property
    def is_one_click(self) -> bool:
        return self.marker.data == "One-Click"
