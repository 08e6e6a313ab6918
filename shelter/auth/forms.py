from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from shelter.forms import single_line, strip
from shelter.i18n import LANGUAGE_NAMES
from shelter.i18n import lazy_gettext as _l
from shelter.passwords import password_problem
from shelter.phones import normalise_phone

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


def email_field(label=None):
    return EmailField(
        label or _l("Adresse email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Indique ton adresse email.")),
            Length(max=254, message=_l("Cette adresse est trop longue.")),
            Email(message=_l("Cette adresse email n'est pas valide."), check_deliverability=False),
        ],
    )


def name_field():
    return StringField(
        _l("Nom affiché"),
        validators=[
            single_line,
            DataRequired(message=_l("Indique un nom.")),
            Length(max=80, message=_l("80 caractères au maximum.")),
        ],
    )


class NewPasswordMixin:
    """A new password, typed twice, checked against the password rules."""

    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(message=_l("Choisis un mot de passe."))],
    )
    confirm = PasswordField(
        _l("Répète le mot de passe"),
        validators=[
            EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))
        ],
    )

    def password_owner_email(self) -> str:
        return ""

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.password_owner_email())
        if problem:
            raise ValidationError(str(problem))


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(message=_l("Indique ton mot de passe."))]
    )
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    def __init__(self, *args, owner_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._owner_email = owner_email

    def password_owner_email(self) -> str:
        return self._owner_email


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(message=_l("Indique ton mot de passe actuel."))],
    )


class ProfileForm(FlaskForm):
    name = name_field()
    language = SelectField(_l("Langue"), choices=LANGUAGE_CHOICES)
    phone = TelField(
        _l("Téléphone (facultatif)"),
        filters=[strip],
        validators=[single_line, Length(max=30, message=_l("30 caractères au maximum."))],
    )
    phone_shared = BooleanField(
        _l("L'équipe de mes nuits peut voir mon numéro, le temps de ces nuits.")
    )

    def validate_phone(self, field):
        if not field.data:
            return
        number = normalise_phone(field.data)
        if number is None:
            raise ValidationError(
                _l("Ce numéro de téléphone n'est pas valide (par exemple 0470 12 34 56 ou +33 6…).")
            )
        field.data = number


class LanguageForm(FlaskForm):
    language = SelectField(_l("Langue"), choices=LANGUAGE_CHOICES)
    next = HiddenField()
