"""Forms of an initiative (in five steps), its partners and its effects."""

from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from allervers.core import vocab
from allervers.core.forms import (
    PrivacyCheckedForm,
    as_choices,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)
from allervers.initiatives.models import (
    DIMENSIONS,
    SECTIONS,
    STATUSES,
    TERRITORY_KINDS,
    VISIBILITIES,
    Effect,
    Initiative,
    InitiativePartner,
)
from allervers.maps.forms import MultiCheckboxField

TEXT_MAX = 10_000
SHORT = Length(max=300, message="300 caractères au plus.")
LONG = Length(max=TEXT_MAX, message=f"{TEXT_MAX:,} caractères au plus.".replace(",", " "))
CONSENT_LABEL = (
    "Je confirme que le texte n'identifie aucune personne accompagnée et que la structure "
    "porteuse accepte de le partager avec tous les utilisateurs."
)


def section_field(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[empty_to_none], validators=[LONG])


class InitiativeForm(PrivacyCheckedForm):
    """Every field of DESIGN.md §2, in the five steps of the page (see the template)."""

    model = Initiative

    privacy_fields = (
        "title",
        "summary",
        "communes",
        "rhythm",
        "staff",
        "vehicle",
        "budget",
        *SECTIONS,
    )

    # 1. L'essentiel
    title = StringField(
        "Titre",
        filters=[strip_filter],
        validators=[DataRequired("Donnez un titre à l'initiative."), Length(max=200)],
    )
    summary = TextAreaField(
        "Résumé",
        description="Deux ou trois phrases : qui va vers qui, où, pour quoi.",
        filters=[empty_to_none],
        validators=[Length(max=2000, message="2 000 caractères au plus.")],
    )
    structure_id = SelectField(
        "Structure porteuse",
        coerce=coerce_optional_int,
        validators=[DataRequired("Choisissez la structure qui porte l'initiative.")],
    )
    status = RadioField("Statut", choices=as_choices(STATUSES.items()), default="projet")
    # 2. Territoire, calendrier, moyens
    communes = StringField("Communes ou quartiers", filters=[empty_to_none], validators=[SHORT])
    territory_kinds = MultiCheckboxField(
        "Type de territoire", choices=as_choices(TERRITORY_KINDS.items())
    )
    started_on = DateField("Début", validators=[Optional()])
    ended_on = DateField("Fin", validators=[Optional()])
    rhythm = StringField(
        "Rythme",
        description="Par exemple : chaque samedi matin, une semaine par mois.",
        filters=[empty_to_none],
        validators=[Length(max=200, message="200 caractères au plus.")],
    )
    staff = StringField("Professionnels mobilisés", filters=[empty_to_none], validators=[SHORT])
    vehicle = StringField("Véhicule, matériel", filters=[empty_to_none], validators=[SHORT])
    budget = StringField("Budget, financements", filters=[empty_to_none], validators=[SHORT])
    # 3. Techniques, publics, non-recours
    techniques = MultiCheckboxField("Techniques d'aller-vers")
    publics = MultiCheckboxField("Publics")
    non_take_up = MultiCheckboxField("Formes de non-recours visées")
    # 4. Le récit
    context = section_field(SECTIONS["context"])
    objectives = section_field(SECTIONS["objectives"])
    conduct = section_field(SECTIONS["conduct"])
    posture = section_field(SECTIONS["posture"])
    success_conditions = section_field(SECTIONS["success_conditions"])
    difficulties = section_field(SECTIONS["difficulties"])
    lessons = section_field(SECTIONS["lessons"])
    # 5. Partage
    visibility = RadioField(
        "Visibilité", choices=as_choices(VISIBILITIES.items()), default="privee"
    )
    group_id = SelectField("Groupe", coerce=coerce_optional_int, validate_choice=False)
    consent = BooleanField(CONSENT_LABEL)
    version = HiddenField()
    submit = SubmitField("Enregistrer l'initiative")

    def __init__(self, *args, structures=(), groups=(), consented=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure_id.choices = as_choices([("", "— Choisir —"), *structures])
        self.group_id.choices = as_choices([("", "— Choisir —"), *groups])
        self.techniques.choices = as_choices(vocab.choices("techniques"))
        self.publics.choices = as_choices(vocab.choices("publics"))
        self.non_take_up.choices = as_choices(vocab.choices("non-recours"))
        self.consented = consented

    def validate_ended_on(self, field):
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError("La fin ne peut pas précéder le début.")

    def validate_group_id(self, field):
        if self.visibility.data != "groupe":
            return
        mine = {choice.value for choice in self.group_id.choices}
        if not field.data or field.data not in mine:
            raise ValidationError("Choisissez le groupe avec qui partager l'initiative.")

    def validate_consent(self, field):
        if self.visibility.data == "base" and not field.data and not self.consented:
            raise ValidationError("Pour publier dans la base partagée, cochez cette confirmation.")

    def model_fields(self) -> dict:
        skipped = {"submit", "version", "csrf_token", "confirm_no_personal_data"}
        return {field.name: field.data for field in self if field.name not in skipped}


class PartnerForm(PrivacyCheckedForm):
    model = InitiativePartner
    id_prefix = "partner"
    privacy_fields = ("role",)
    structure_id = SelectField(
        "Structure partenaire",
        coerce=coerce_optional_int,
        validate_choice=False,  # any live structure of the directory (checked by the view)
        validators=[DataRequired("Choisissez une structure de l'annuaire.")],
    )
    role = StringField(
        "Son rôle dans l'initiative",
        description="Par exemple : tient la permanence avec nous, oriente les personnes.",
        filters=[empty_to_none],
        validators=[SHORT],
    )
    submit = SubmitField("Ajouter le partenaire")


def indicator_choices() -> list:
    """The catalogue's indicators, each labelled with its dimension and unit."""
    choices = [("", "— Indicateur libre (ci-dessous) —")]
    for entry in vocab.load("indicateurs"):
        unit = entry.extra.get("unite")
        dimension = DIMENSIONS[entry.extra["dimension"]]
        choices.append(
            (entry.code, f"{dimension} – {entry.label}" + (f" ({unit})" if unit else ""))
        )
    return as_choices(choices)


EFFECT_FIELDS = (
    "observed_on",
    "dimension",
    "indicator_code",
    "indicator_label",
    "value",
    "comment",
)


class EffectForm(PrivacyCheckedForm):
    model = Effect
    id_prefix = "effect"
    privacy_fields = ("comment", "indicator_label")
    observed_on = DateField("Date de l'observation", validators=[DataRequired("Indiquez la date.")])
    dimension = RadioField(
        "Dimension",
        choices=as_choices(DIMENSIONS.items()),
        validators=[DataRequired("Choisissez la dimension de l'effet.")],
    )
    indicator_code = SelectField("Indicateur", filters=[empty_to_none], validate_choice=False)
    indicator_label = StringField(
        "Ou indicateur libre", filters=[empty_to_none], validators=[Length(max=200)]
    )
    value = FloatField(
        "Valeur (si elle se compte)",
        validators=[Optional(), NumberRange(min=0, max=1e9, message="Une valeur positive.")],
    )
    comment = TextAreaField("Commentaire", filters=[empty_to_none], validators=[LONG])
    version = HiddenField()
    submit = SubmitField("Enregistrer l'effet")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_code.choices = indicator_choices()

    def validate_indicator_code(self, field):
        known = {entry.code: entry for entry in vocab.load("indicateurs")}
        if field.data and field.data not in known:
            raise ValidationError("Choisissez un indicateur de la liste.")
        if field.data and known[field.data].extra["dimension"] != self.dimension.data:
            raise ValidationError("Cet indicateur appartient à une autre dimension.")
        if not field.data and not self.indicator_label.data:
            raise ValidationError("Choisissez un indicateur ou décrivez le vôtre.")

    def model_fields(self) -> dict:
        names = (
            "observed_on",
            "dimension",
            "indicator_code",
            "indicator_label",
            "value",
            "comment",
        )
        return {name: self[name].data for name in names}
