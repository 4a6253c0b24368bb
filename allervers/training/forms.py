"""Forms for sessions and groups."""

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from allervers.core.forms import PrivacyCheckedForm, empty_to_none, strip_filter
from allervers.core.plural import plural
from allervers.training.models import MAX_DAYS, MAX_HOURS, Group, TrainingSession

HOURS_PER_DAY = 7


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def one_per_line(value):
    """A session's objectives, stored as a list, edited one per line. A POST without the field
    falls back on the record's list: it must read as the same text."""
    return "\n".join(value) if isinstance(value, list) else value


class SessionForm(PrivacyCheckedForm):
    model = TrainingSession
    privacy_fields = ("title", "module", "sectors", "audience", "partnership", "context",
                      "objectives", "prerequisites", "content")  # fmt: skip
    title = StringField(
        "Intitulé",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez l'intitulé de la session."), Length(max=300)],
    )
    module = StringField(
        "Module",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le module."), Length(max=300)],
    )
    sectors = StringField(
        "Secteurs",
        filters=[strip_filter],
        default="Tous",
        validators=[DataRequired("Précisez les secteurs (ou « Tous »)."), Length(max=200)],
    )
    audience = TextAreaField(
        "Public",
        filters=[strip_filter],
        validators=[DataRequired("Précisez le public de la formation."), Length(max=2000)],
    )
    duration_days = IntegerField(
        "Durée en jours",
        default=MAX_DAYS,
        validators=[
            InputRequired("Indiquez la durée en jours (un nombre entier)."),
            NumberRange(1, MAX_DAYS, f"La durée va de 1 à {MAX_DAYS} jours."),
        ],
    )
    duration_hours = IntegerField(
        "Durée en heures",
        default=MAX_HOURS,
        validators=[
            InputRequired("Indiquez la durée en heures (un nombre entier)."),
            NumberRange(1, MAX_HOURS, f"La durée va de 1 à {MAX_HOURS} heures."),
        ],
    )
    registration_deadline = DateField(
        "Date limite d'inscription",
        validators=[Optional()],
    )
    partnership = StringField(
        "Partenariat et cofinancement", filters=[empty_to_none], validators=[Length(max=300)]
    )
    context = TextAreaField("Contexte", filters=[empty_to_none], validators=[Length(max=10000)])
    objectives = TextAreaField(
        "Objectifs",
        description="Un objectif par ligne.",
        filters=[one_per_line],
        validators=[
            DataRequired("Saisissez au moins un objectif, un par ligne."),
            Length(max=5000),
        ],
    )
    prerequisites = TextAreaField(
        "Prérequis", filters=[empty_to_none], validators=[Length(max=5000)]
    )
    content = TextAreaField(
        "Contenu",
        description="Vide tant que le programme n'est pas écrit : la page affiche « à venir ».",
        filters=[empty_to_none],
        validators=[Length(max=20000)],
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer la session")

    def validate_duration_hours(self, field) -> None:
        days = self.duration_days.data
        if field.errors or not days or days > MAX_DAYS:
            return  # the range checks already said what is wrong
        if field.data and field.data > days * HOURS_PER_DAY:
            raise ValidationError(
                f"Sur {plural(days, 'jour')}, la durée ne peut dépasser "
                f"{plural(days * HOURS_PER_DAY, 'heure')}."
            )

    def model_fields(self) -> dict:
        fields = {name: getattr(self, name).data for name in SESSION_FIELDS}
        fields["objectives"] = lines(self.objectives.data)
        return fields


SESSION_FIELDS = (
    "title",
    "module",
    "sectors",
    "audience",
    "duration_days",
    "duration_hours",
    "registration_deadline",
    "partnership",
    "context",
    "objectives",
    "prerequisites",
    "content",
)


class GroupForm(PrivacyCheckedForm):
    model = Group
    # Not the city and the place: where the training is held, an address by design.
    privacy_fields = ("name",)
    name = StringField(
        "Nom du groupe",
        description="Par exemple : Groupe 1 Orléans.",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le nom du groupe."), Length(max=120)],
    )
    city = StringField("Ville", filters=[empty_to_none], validators=[Length(max=120)])
    place = StringField(
        "Lieu",
        description="Adresse de la salle. Laissez vide si le lieu est à définir.",
        filters=[empty_to_none],
        validators=[Length(max=300)],
    )
    start_date = DateField("Premier jour", validators=[Optional()])
    end_date = DateField("Dernier jour", validators=[Optional()])
    capacity = IntegerField(
        "Nombre de places",
        validators=[Optional(), NumberRange(1, 200, "Le nombre de places va de 1 à 200.")],
    )
    trainer_ids = SelectMultipleField("Formateurs", coerce=int, validators=[Optional()])
    version = HiddenField()
    submit = SubmitField("Enregistrer le groupe")

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("Le dernier jour ne peut pas précéder le premier.")
        if field.data and self.start_date.data and (field.data - self.start_date.data).days > 365:
            raise ValidationError("Les dates du groupe s'étendent sur plus d'un an : vérifiez-les.")

    def model_fields(self) -> dict:
        names = ("name", "city", "place", "start_date", "end_date", "capacity")
        return {name: getattr(self, name).data for name in names}
