"""Forms of the self-assessment: a session's statements, a group's windows, a trainee's answers."""

from wtforms import DateField, HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from allervers.core.forms import (
    BaseForm,
    PrivacyCheckedForm,
    as_choices,
    empty_to_none,
    strip_filter,
)
from allervers.followup.models import SCALE, AnswerSet, AssessmentStatement

OBJECTIVE_CHOICES = as_choices((n, f"Objectif {n}") for n in (1, 2, 3, 4))


def _objective(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class StatementForm(PrivacyCheckedForm):
    model = AssessmentStatement
    privacy_fields = ("text",)
    id_prefix = "nouvel-enonce"  # the add form sits under the list; the edit page uses it too
    objective = SelectField(
        "Objectif",
        choices=OBJECTIVE_CHOICES,
        coerce=_objective,
        validate_choice=False,
        validators=[DataRequired("Choisissez l'objectif de l'énoncé.")],
    )
    text = TextAreaField(
        "Énoncé",
        description="Une phrase à la première personne, par exemple « Je sais… ».",
        filters=[strip_filter],
        validators=[
            DataRequired("Saisissez l'énoncé."),
            Length(max=300, message="L'énoncé tient en 300 caractères au plus."),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer l'énoncé")

    def validate_objective(self, field) -> None:
        if field.data not in (1, 2, 3, 4):
            raise ValidationError("Choisissez un objectif de 1 à 4.")


class WindowForm(BaseForm):
    opens_on = DateField(
        "Ouverture",
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    closes_on = DateField("Fermeture", validators=[Optional()])
    version = HiddenField()
    submit = SubmitField("Enregistrer les dates")

    def __init__(self, *args, moment: str, **kwargs):
        self.id_prefix = moment  # three forms on one page
        super().__init__(*args, **kwargs)

    def validate_closes_on(self, field) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("La date de fermeture ne peut pas précéder la date d'ouverture.")


def _rating(value):
    """Keep what was sent, even when it is not a level, so that the form can say so."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


def _rating_check(text: str):
    def check(_form, field) -> None:
        if field.data is None:
            raise ValidationError(f"Positionnez-vous sur « {text} ».")
        if field.data not in SCALE:
            raise ValidationError(f"Choisissez un niveau de 1 à 4 pour « {text} ».")

    return check


class AnswerForm(PrivacyCheckedForm):
    """The fixed part; `answer_form` adds one radio group per statement (fields `s<id>`)."""

    model = AnswerSet

    privacy_fields = ("comment",)
    comment = TextAreaField(
        "Commentaire libre",
        description="Facultatif : ce que vous retenez, ce qui reste difficile.",
        filters=[empty_to_none],
        validators=[Length(max=2000, message="Le commentaire tient en 2 000 caractères au plus.")],
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer mes réponses")

    statement_ids: tuple[int, ...] = ()

    def rating_field(self, statement):
        return self[f"s{statement.id}"]

    def ratings(self) -> dict[int, int]:
        return {sid: self[f"s{sid}"].data for sid in self.statement_ids}


def answer_form(statements, **kwargs) -> AnswerForm:
    """An AnswerForm with a required radio group (levels 1 to 4) for each statement."""
    choices = as_choices(SCALE.items())
    fields = {
        f"s{s.id}": RadioField(
            s.text,
            choices=choices,
            coerce=_rating,
            validate_choice=False,
            validators=[_rating_check(s.text)],
        )
        for s in statements
    }
    fields["statement_ids"] = tuple(s.id for s in statements)
    form_class = type("StatementsAnswerForm", (AnswerForm,), fields)
    return form_class(**kwargs)
