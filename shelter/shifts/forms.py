from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from shelter.forms import no_control_characters, single_line, strip
from shelter.i18n import lazy_gettext as _l


def _time_field(label):
    return TimeField(label, validators=[InputRequired(message=_l("Indique une heure."))])


def _count_field(label, minimum: int):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Indique un nombre.")),
            NumberRange(min=minimum, max=50, message=_l("Entre %(min)s et %(max)s.")),
        ],
    )


class LimitsMixin:
    start_time = _time_field(_l("Début"))
    end_time = _time_field(_l("Fin"))
    min_volunteers = _count_field(_l("Minimum de bénévoles"), 0)
    max_volunteers = _count_field(_l("Maximum de bénévoles"), 1)

    def validate_max_volunteers(self, field):
        minimum = self.min_volunteers.data
        if minimum is not None and field.data is not None and field.data < minimum:
            raise ValidationError(_l("Le maximum ne peut pas être inférieur au minimum."))

    def validate_end_time(self, field):
        if field.data is not None and field.data == self.start_time.data:
            raise ValidationError(_l("La fin doit être différente du début."))


def _name_field():
    return StringField(
        _l("Nom"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique un nom.")),
            Length(max=60, message=_l("60 caractères au maximum.")),
        ],
    )


class ShiftTypeForm(LimitsMixin, FlaskForm):
    name = _name_field()
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[
            no_control_characters,
            Length(max=1000, message=_l("1000 caractères au maximum.")),
        ],
    )
    position = IntegerField(
        _l("Ordre"),
        default=0,
        validators=[
            InputRequired(message=_l("Indique un nombre.")),
            NumberRange(min=0, max=999, message=_l("Entre %(min)s et %(max)s.")),
        ],
    )
    min_leads = IntegerField(
        _l("Référent·es requis·es"),
        default=0,
        filters=[lambda value: value or 0],
        validators=[
            Optional(),
            NumberRange(min=0, max=50, message=_l("Entre %(min)s et %(max)s.")),
        ],
    )
    active = BooleanField(_l("Actif (ajouté aux nouvelles nuits)"), default=True)
    presence_required = BooleanField(_l("Présence obligatoire"))

    def validate_min_leads(self, field):
        maximum = self.max_volunteers.data
        if maximum is not None and field.data is not None and field.data > maximum:
            raise ValidationError(_l("Pas plus de référent·es que le maximum de bénévoles."))


class EditShiftTypeForm(ShiftTypeForm):
    apply_to_nights = BooleanField(
        _l("Appliquer les nouveaux horaires et limites aux nuits à venir déjà planifiées")
    )


class ShiftForm(LimitsMixin, FlaskForm):
    """A night's own shift: its times and limits."""


class ExtraShiftForm(LimitsMixin, FlaskForm):
    name = _name_field()


class ActionForm(FlaskForm):
    """A button: only the CSRF token and where to go back."""

    next = HiddenField()


class WithdrawalRequestForm(FlaskForm):
    reason = TextAreaField(
        _l("Pourquoi dois-tu te désister ?"),
        filters=[strip],
        validators=[
            no_control_characters,
            DataRequired(message=_l("Explique en quelques mots à la coordination.")),
            Length(max=300, message=_l("300 caractères au maximum.")),
        ],
    )
    next = HiddenField()


class AssignForm(FlaskForm):
    user_id = SelectField(
        _l("Bénévole"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choisis une personne."))],
    )
    next = HiddenField()
