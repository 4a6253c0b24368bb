"""Forms of the case presentations: the presentation itself and the speaker notes of a slide."""

from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from allervers.core.forms import (
    PrivacyCheckedForm,
    as_choices,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)
from allervers.initiatives.models import Presentation, PresentationItem
from allervers.training.models import Group

NOTES_MAX = 5000
CHOOSE_GROUP = "Choisissez le groupe à qui vous présenterez ces initiatives."


class PresentationForm(PrivacyCheckedForm):
    model = Presentation
    privacy_fields = ("title",)
    title = StringField(
        "Titre de la présentation",
        description="Par exemple : Trois maraudes en milieu rural – séance du 14 novembre.",
        filters=[strip_filter],
        validators=[
            DataRequired("Donnez un titre à la présentation."),
            Length(max=200, message="200 caractères au plus."),
        ],
    )
    group_id = SelectField(
        "Groupe",
        description="Le groupe à qui vous la présenterez : ses membres pourront la revoir.",
        coerce=coerce_optional_int,
        validators=[InputRequired(CHOOSE_GROUP)],
        validate_choice=False,  # validate_group_id says what is wrong, in French
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer la présentation")

    def __init__(self, *args, groups: list[Group] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {group.id: group for group in groups}
        choices = [(group.id, _group_label(group)) for group in groups]
        if len(choices) != 1:
            choices.insert(0, (None, "— Choisir le groupe —"))
        self.group_id.choices = as_choices(choices)

    def validate_group_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(CHOOSE_GROUP)
        if field.data not in self.groups:
            raise ValidationError("Choisissez l'un des groupes dont vous êtes formateur.")

    @property
    def group(self) -> Group:
        return self.groups[self.group_id.data]


def _group_label(group: Group) -> str:
    return f"{group.name} – {group.session.title}" if group.session else group.name


class NotesForm(PrivacyCheckedForm):
    """The notes of one slide; several on a page, so each takes its item's id as id prefix."""

    model = PresentationItem

    privacy_fields = ("notes",)

    notes = TextAreaField(
        "Notes de l'orateur",
        description="Visibles dans la vue orateur seulement, jamais projetées.",
        filters=[empty_to_none],
        validators=[Length(max=NOTES_MAX, message=f"{NOTES_MAX} caractères au plus.")],
    )
    submit = SubmitField("Enregistrer les notes")

    def __init__(self, *args, item_id: int, **kwargs):
        self.id_prefix = f"element-{item_id}"
        super().__init__(*args, **kwargs)
