"""Forms of the map editor: the map itself, a structure on the map, a link, quick entry."""

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from allervers.core import vocab
from allervers.core.forms import (
    BaseForm,
    PrivacyCheckedForm,
    as_choices,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)
from allervers.maps.models import (
    DIRECTIONS,
    FEASIBILITIES,
    FREQUENCIES,
    LINK_FIELDS,
    POSITIONS,
    STATUSES,
    TRUST_RATINGS,
    VALUE_RATINGS,
    CooperationLink,
    CooperationMap,
    MapEntry,
    MapSnapshot,
)

NOT_SET = [("", "— Non renseigné —")]  # "" is sent back as is; the coercers make it None
RATING_CHOICES = as_choices([*NOT_SET, (1, "1 – faible"), (2, "2"), (3, "3"), (4, "4 – fort")])


def level_choices() -> list:
    return as_choices(
        (int(entry.code), f"{entry.code} – {entry.label}") for entry in vocab.load("niveaux")
    )


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (easier on a tablet than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def rating_field(label: str) -> SelectField:
    return SelectField(label, choices=RATING_CHOICES, coerce=coerce_optional_int)


class MapForm(PrivacyCheckedForm):
    model = CooperationMap
    privacy_fields = ("title", "territory")
    title = StringField(
        "Titre de la carte",
        description="Par exemple : Mes partenaires – CCAS d'Orléans, octobre 2026.",
        filters=[strip_filter],
        validators=[DataRequired("Donnez un titre à la carte."), Length(max=200)],
    )
    territory = StringField(
        "Territoire",
        description="Le territoire couvert : une commune, un quartier, un canton…",
        filters=[empty_to_none],
        validators=[Length(max=200, message="200 caractères au plus.")],
    )
    focal_structure_id = SelectField(
        "Structure focale",
        description="Votre propre structure : le centre de la carte.",
        coerce=coerce_optional_int,
        validators=[Optional()],
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer la carte")


class EntryForm(PrivacyCheckedForm):
    """A structure on the map: an existing one (id) or a new one typed inline."""

    model = MapEntry

    privacy_fields = ("note",)
    id_prefix = "entry"

    structure_id = HiddenField()
    q = StringField(
        "Structure de l'annuaire",
        description="Tapez quelques lettres du nom ou de la commune, puis choisissez.",
        filters=[strip_filter],
    )
    new_name = StringField(
        "Nom de la nouvelle structure", filters=[empty_to_none], validators=[Length(max=200)]
    )
    new_commune = StringField("Commune", filters=[empty_to_none], validators=[Length(max=120)])
    new_typology = SelectField("Type de structure", coerce=str, validators=[Optional()])
    influence = SelectField(
        "Influence (0 à 5)",
        description="Net-Map : le poids de cette structure sur ce qui se décide localement.",
        choices=as_choices([*NOT_SET, *((n, str(n)) for n in range(6))]),
        coerce=coerce_optional_int,
    )
    position = SelectField(
        "Position vis-à-vis de l'aller-vers",
        choices=as_choices([*NOT_SET, *POSITIONS.items()]),
        coerce=empty_to_none,
    )
    note = TextAreaField("Note", filters=[empty_to_none], validators=[Length(max=2000)])
    version = HiddenField()
    submit = SubmitField("Ajouter à la carte")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_typology.choices = as_choices([("", "— Type —"), *vocab.choices("typologies")])

    def validate_q(self, field) -> None:
        if self.structure_id.data or self.new_name.data:
            return
        if field.data:
            raise ValidationError("Choisissez la structure dans la liste, ou créez-la.")
        raise ValidationError("Choisissez une structure de l'annuaire ou créez-en une.")

    def validate_new_commune(self, field) -> None:
        if self.new_name.data and not self.structure_id.data and not field.data:
            raise ValidationError("Indiquez la commune de la nouvelle structure.")


class LinkForm(PrivacyCheckedForm):
    model = CooperationLink
    privacy_fields = ("note", "obstacles")
    id_prefix = "link"

    source_id = SelectField("De", coerce=coerce_optional_int)
    target_id = SelectField("Vers", coerce=coerce_optional_int)
    status = RadioField("Statut", choices=as_choices(STATUSES.items()), default="existant")
    level = SelectField(
        "Niveau de coopération actuel",
        description="Laissez vide pour un lien souhaité : il n'a pas encore de niveau.",
        coerce=coerce_optional_int,
    )
    direction = RadioField("Sens", choices=as_choices(DIRECTIONS.items()), default="mutuel")
    frequency = SelectField(
        "Fréquence", choices=as_choices([*NOT_SET, *FREQUENCIES.items()]), coerce=empty_to_none
    )
    trust_reliability = rating_field(TRUST_RATINGS["trust_reliability"])
    trust_mission = rating_field(TRUST_RATINGS["trust_mission"])
    trust_dialogue = rating_field(TRUST_RATINGS["trust_dialogue"])
    value_influence = rating_field(VALUE_RATINGS["value_influence"])
    value_involvement = rating_field(VALUE_RATINGS["value_involvement"])
    value_resources = rating_field(VALUE_RATINGS["value_resources"])
    resources = MultiCheckboxField("Ressources apportées", coerce=str)
    publics = MultiCheckboxField("Publics concernés", coerce=str)
    note = TextAreaField("Note", filters=[empty_to_none], validators=[Length(max=2000)])
    desired_level = SelectField(
        "Niveau souhaité",
        description="Le niveau que le besoin demande. Plus haut n'est pas toujours mieux.",
        coerce=coerce_optional_int,
    )
    feasibility = SelectField(
        "Faisabilité",
        choices=as_choices([*NOT_SET, *FEASIBILITIES.items()]),
        coerce=empty_to_none,
    )
    obstacles = TextAreaField(
        "Obstacles",
        filters=[empty_to_none],
        validators=[Length(max=2000)],
        description="Ce qui freine : moyens, missions, méconnaissance, historique…",
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer le lien")

    def __init__(self, *args, structures: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        pairs = as_choices([(None, "— Choisir —"), *structures])
        self.source_id.choices = pairs
        self.target_id.choices = list(pairs)
        self.level.choices = as_choices([*NOT_SET]) + level_choices()
        self.desired_level.choices = as_choices([*NOT_SET]) + level_choices()
        self.resources.choices = as_choices(vocab.choices("ressources"))
        self.publics.choices = as_choices(vocab.choices("publics"))

    def validate_source_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Choisissez la première structure.")

    def validate_target_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Choisissez la seconde structure.")
        if field.data == self.source_id.data:
            raise ValidationError("Un lien relie deux structures différentes.")

    def validate_level(self, field) -> None:
        if self.status.data == "souhaite" and field.data is not None:
            raise ValidationError(
                "Un lien souhaité n'a pas encore de niveau : indiquez plutôt le niveau souhaité."
            )
        if self.status.data != "souhaite" and field.data is None:
            raise ValidationError("Indiquez le niveau actuel de cette coopération.")

    def validate_desired_level(self, field) -> None:
        if self.status.data == "souhaite" and field.data is None:
            raise ValidationError("Indiquez le niveau de coopération souhaité.")

    def link_fields(self) -> dict:
        return {name: self[name].data for name in LINK_FIELDS}


class QuickEntryForm(BaseForm):
    lines = TextAreaField(
        "Saisie rapide",
        description=(
            "Une ligne par lien : « CCAS Orléans → CAF Loiret, niveau 3 ». Ajoutez « souhaité » "
            "ou « difficile » au besoin ; « -> » convient aussi."
        ),
        validators=[DataRequired("Saisissez au moins une ligne."), Length(max=20000)],
    )
    submit = SubmitField("Ajouter ces liens")


class ClosingForm(PrivacyCheckedForm):
    """« Clore l'atelier »: the snapshot's name, and whether the map is locked."""

    model = MapSnapshot
    privacy_fields = ("label",)
    label = StringField(
        "Nom de l'instantané",
        description="L'instantané fige la carte : comparez-la plus tard avec elle-même.",
        filters=[strip_filter],
        validators=[
            DataRequired("Donnez un nom à l'instantané, par exemple « Atelier du 7 décembre »."),
            Length(max=120, message="120 caractères au plus."),
        ],
    )
    lock = BooleanField("Verrouiller la carte (plus personne ne la modifie)")
    submit = SubmitField("Clore l'atelier")
