"""Forms of the action plan and of the practice journal."""

from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from allervers.core import vocab
from allervers.core.forms import (
    BaseForm,
    PrivacyCheckedForm,
    as_choices,
    empty_to_none,
    parse_int,
    strip_filter,
)
from allervers.followup.models import ACTION_STATUSES, Action, JournalNote

NOTE_MAX = 5_000


def optional_int(value) -> int | None:
    """A select's value as an int; anything unreadable counts as "nothing chosen"."""
    return parse_int(value)


def _values(field) -> set:
    return {choice.value for choice in field.choices if choice.value is not None}


class ActionForm(PrivacyCheckedForm):
    model = Action
    id_prefix = "action"
    privacy_fields = ("description", "who", "review_note")

    structure_id = SelectField("Partenaire", coerce=optional_int, validate_choice=False)
    target_level = SelectField("Niveau visé", coerce=optional_int, validate_choice=False)
    description = StringField(
        "Action",
        description="Ce que vous allez faire, en une phrase.",
        filters=[strip_filter],
        validators=[
            DataRequired("Décrivez l'action en une phrase."),
            Length(max=300, message="300 caractères au plus."),
        ],
    )
    who = StringField(
        "Qui",
        description="Une fonction, un service : jamais une personne accompagnée.",
        filters=[empty_to_none],
        validators=[Length(max=200, message="200 caractères au plus.")],
    )
    due_on = DateField("Échéance", validators=[Optional()])
    status = SelectField("Statut", choices=as_choices(ACTION_STATUSES.items()), default="prevue")
    group_id = SelectField("Pour qui", coerce=optional_int, validate_choice=False)
    review_note = TextAreaField(
        "Bilan",
        description="À la séance suivante : ce qui a bougé, ce qui a freiné.",
        filters=[empty_to_none],
        validators=[Length(max=NOTE_MAX, message="5 000 caractères au plus.")],
    )
    map_id = HiddenField(filters=[optional_int])
    version = HiddenField()

    def __init__(self, *args, structures=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.structure_id.choices = as_choices([("", "— Choisir —"), *structures])
        self.target_level.choices = as_choices(
            [("", "— Choisir —"), *((int(code), label) for code, label in vocab.choices("niveaux"))]
        )
        self.group_id.choices = as_choices(
            [("", "Action personnelle"), *((g.id, f"Action du groupe {g.name}") for g in groups)]
        )

    def validate_structure_id(self, field):
        if field.data not in _values(field):
            raise ValidationError("Choisissez le partenaire parmi les structures de vos cartes.")

    def validate_target_level(self, field):
        if field.data not in _values(field):
            raise ValidationError("Choisissez le niveau de coopération visé (0 à 5).")

    def validate_status(self, field):
        if field.data not in ACTION_STATUSES:
            raise ValidationError("Choisissez un statut de la liste.")

    def validate_group_id(self, field):
        if field.data is not None and field.data not in _values(field):
            raise ValidationError("Choisissez l'un de vos groupes, ou une action personnelle.")

    def model_fields(self) -> dict:
        names = ("structure_id", "target_level", "description", "who", "due_on", "status")
        return {
            **{name: self[name].data for name in names},
            "group_id": self.group_id.data,
            "review_note": self.review_note.data,
            "map_id": self.map_id.data,
        }


class StatusForm(BaseForm):
    """The quick status change on an action's page (no free text)."""

    id_prefix = "statut"
    status = SelectField("Statut", choices=as_choices(ACTION_STATUSES.items()))


class NoteForm(PrivacyCheckedForm):
    model = JournalNote
    id_prefix = "note"
    privacy_fields = ("text",)

    text = TextAreaField(
        "Note",
        description="Ce que vous avez fait, vu, ressenti ; ce que vous en retenez.",
        filters=[strip_filter],
        validators=[
            DataRequired("Écrivez votre note."),
            Length(max=NOTE_MAX, message="5 000 caractères au plus."),
        ],
    )
    initiative_id = SelectField("Initiative", coerce=optional_int, validate_choice=False)
    structure_id = SelectField("Partenaire", coerce=optional_int, validate_choice=False)
    shared_with_trainers = BooleanField("Partager avec mes formateurs")
    version = HiddenField()

    def __init__(self, *args, initiatives=(), structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative_id.choices = as_choices([("", "— Aucune —"), *initiatives])
        self.structure_id.choices = as_choices([("", "— Aucun —"), *structures])

    def validate_initiative_id(self, field):
        if field.data is not None and field.data not in _values(field):
            raise ValidationError("Choisissez une initiative de la liste.")

    def validate_structure_id(self, field):
        if field.data is not None and field.data not in _values(field):
            raise ValidationError("Choisissez une structure de vos cartes.")

    def model_fields(self) -> dict:
        names = ("text", "initiative_id", "structure_id", "shared_with_trainers")
        return {name: self[name].data for name in names}
