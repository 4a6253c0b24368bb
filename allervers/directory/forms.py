"""Forms of the directory: a structure's record, the search filters, the merge and the import.

The field checks live in small functions (`check_*`) that the CSV import uses too, so a
structure typed in the form and a structure read from a file obey the same rules.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from allervers.core import vocab
from allervers.core.forms import (
    BaseForm,
    PrivacyCheckedForm,
    as_choices,
    empty_to_none,
    search_words,
    strip_filter,
)
from allervers.core.privacy import CONTACT_KINDS
from allervers.directory.models import Structure

POSTAL_CODE = re.compile(r"\d{5}")
INSEE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
SIRET = re.compile(r"\d{14}")
PHONE = re.compile(r"[0-9+().\s-]{6,30}")
MAX_THEMATIQUES = 30

SORTS = {"nom": "Nom", "commune": "Commune", "recent": "Ajoutées récemment"}


# ----- checks shared with the CSV import ------------------------------------------------------


def clean_siret(value: str | None) -> str | None:
    """SIRETs are often typed in groups ("130 005 481 00010"): keep the digits."""
    return re.sub(r"[\s.]", "", value) if value else value


def clean_website(value: str | None) -> str | None:
    """ "www.caf.fr" is what people copy from a letterhead: it means https://www.caf.fr."""
    if value and "://" not in value and re.match(r"[\w-]+(\.[\w-]+)+(/|$)", value):
        return f"https://{value}"
    return value


def split_list(value: str | None) -> list[str]:
    """ "a, b | c" → ["a", "b", "c"], without blanks or repeats, in the order typed."""
    items = [item.strip() for item in re.split(r"[,|]", value or "")]
    return list(dict.fromkeys(item for item in items if item))


def check_postal_code(value: str | None) -> str | None:
    if value and not POSTAL_CODE.fullmatch(value):
        return "Le code postal compte cinq chiffres, par exemple 45000."
    return None


def check_insee_code(value: str | None) -> str | None:
    if value and not INSEE_CODE.fullmatch(value):
        return "Le code INSEE compte cinq caractères, par exemple 45234 (2A004 en Corse)."
    return None


def check_siret(value: str | None) -> str | None:
    if value and not SIRET.fullmatch(value):
        return "Le SIRET compte 14 chiffres, par exemple 130 005 481 00010."
    return None


def check_website(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or len(value) > 300:
        return "Saisissez l'adresse complète du site, par exemple https://www.caf.fr."
    return None


def check_phone(value: str | None) -> str | None:
    if value and not PHONE.fullmatch(value):
        return "Saisissez un numéro de téléphone, par exemple 02 38 00 00 00."
    return None


def check_email(value: str | None) -> str | None:
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "Cette adresse e-mail n'est pas valide (exemple : accueil@structure.fr)."
    return None


def check_thematiques(items: list[str]) -> str | None:
    if len(items) > MAX_THEMATIQUES:
        return f"{MAX_THEMATIQUES} thématiques au plus."
    if any(len(item) > 80 for item in items):
        return "Chaque thématique tient en 80 caractères au plus."
    return None


def vocab_codes(name: str) -> set[str]:
    return {entry.code for entry in vocab.load(name)}


def _check(function):
    """A WTForms validator from one of the checks above."""

    def validator(_form, field) -> None:
        problem = function(field.data)
        if problem:
            raise ValidationError(problem)

    return validator


# ----- the structure's record -----------------------------------------------------------------


class StructureForm(PrivacyCheckedForm):
    model = Structure
    # The record is the structure's contact sheet: its own address, phone and e-mail are
    # welcome in its presentation; a person's name, NIR, IBAN or birth date are not.
    privacy_fields = ("description",)
    privacy_accepted_kinds = CONTACT_KINDS
    name = StringField(
        "Nom",
        description="Le nom complet, par exemple « Centre communal d'action sociale d'Orléans ».",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le nom de la structure."), Length(max=200)],
    )
    acronym = StringField(
        "Sigle", filters=[empty_to_none], validators=[Length(max=40, message="40 caractères.")]
    )
    typology = SelectField(
        "Typologie",
        description="La catégorie de data·inclusion ; « Autre » si aucune ne convient.",
        validate_choice=False,
    )
    sector = SelectField(
        "Secteur",
        description="Laissez « déduit de la typologie » sauf si le secteur réel est un autre.",
        validate_choice=False,
    )
    commune = StringField(
        "Commune",
        filters=[empty_to_none],
        validators=[
            DataRequired("Saisissez la commune : elle distingue les homonymes."),
            Length(max=120),
        ],
    )
    postal_code = StringField(
        "Code postal", filters=[empty_to_none], validators=[_check(check_postal_code)]
    )
    insee_code = StringField(
        "Code INSEE de la commune",
        filters=[empty_to_none, lambda v: v.upper() if v else v],
        validators=[_check(check_insee_code)],
    )
    siret = StringField(
        "SIRET",
        description="14 chiffres, facultatif. Deux structures ne peuvent pas avoir le même.",
        filters=[empty_to_none, clean_siret],
        validators=[_check(check_siret)],
    )
    website = URLField(
        "Site web", filters=[empty_to_none, clean_website], validators=[_check(check_website)]
    )
    phone = TelField(
        "Téléphone du standard",
        description="Le numéro de l'accueil de la structure, jamais celui d'une personne.",
        filters=[empty_to_none],
        validators=[_check(check_phone)],
    )
    email = EmailField(
        "E-mail de contact de la structure",
        description="Une adresse générique (accueil@…), jamais celle d'une personne.",
        filters=[empty_to_none],
        validators=[Length(max=254), _check(check_email)],
    )
    description = TextAreaField(
        "Présentation", filters=[empty_to_none], validators=[Length(max=10000)]
    )
    publics = SelectMultipleField("Publics accompagnés", validate_choice=False)
    thematiques = StringField(
        "Thématiques",
        description="Séparées par des virgules, par exemple : logement, accès aux droits.",
        filters=[strip_filter],
    )
    not_duplicate = BooleanField("Ce n'est pas un doublon, créer quand même")
    version = HiddenField()
    submit = SubmitField("Enregistrer la structure")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.typology.choices = as_choices(
            [("", "— Choisir une typologie —"), *vocab.choices("typologies")]
        )
        self.sector.choices = as_choices(
            [("", "Déduit de la typologie"), *vocab.choices("secteurs")]
        )
        self.publics.choices = as_choices(vocab.choices("publics"))

    def validate_typology(self, field) -> None:
        if not field.data:
            raise ValidationError("Choisissez une typologie (ou « Autre »).")
        if field.data not in vocab_codes("typologies"):
            raise ValidationError(
                f"Typologie « {field.data} » inconnue : choisissez-la dans la liste."
            )

    def validate_sector(self, field) -> None:
        if field.data and field.data not in vocab_codes("secteurs"):
            raise ValidationError(
                f"Secteur « {field.data} » inconnu : choisissez-le dans la liste."
            )

    def validate_publics(self, field) -> None:
        unknown = [code for code in field.data or [] if code not in vocab_codes("publics")]
        if unknown:
            raise ValidationError(
                f"Public « {unknown[0]} » inconnu : cochez les publics dans la liste."
            )

    def validate_thematiques(self, field) -> None:
        problem = check_thematiques(split_list(field.data))
        if problem:
            raise ValidationError(problem)

    def model_fields(self) -> dict:
        names = ("name", "acronym", "typology", "commune", "postal_code", "insee_code", "siret",
                 "website", "phone", "email", "description")  # fmt: skip
        fields = {name: getattr(self, name).data for name in names}
        fields["sector"] = self.sector.data or None
        fields["thematiques"] = split_list(self.thematiques.data)
        return fields

    def publics_codes(self) -> list[str]:
        return list(dict.fromkeys(self.publics.data or []))


def form_values(structure: Structure) -> dict:
    """A structure as its form shows it (also what an edit conflict compares)."""
    return {
        "name": structure.name,
        "acronym": structure.acronym,
        "typology": structure.typology or "",
        "sector": structure.sector if structure.has_custom_sector else "",
        "commune": structure.commune,
        "postal_code": structure.postal_code,
        "insee_code": structure.insee_code,
        "siret": structure.siret,
        "website": structure.website,
        "phone": structure.phone,
        "email": structure.email,
        "description": structure.description,
        "publics": structure.public_codes,
        "thematiques": ", ".join(structure.thematiques or []),
        "version": structure.version,
    }


# ----- the list's search and filters (a GET form: nothing to protect, nothing to refuse) -----


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    typology: str = ""
    sector: str = ""
    departement: str = ""
    commune: str = ""
    public: str = ""
    sort: str = "nom"
    with_deleted: bool = False

    @classmethod
    def from_args(cls, args: MultiDict, may_see_deleted: bool) -> "ListFilters":
        """Unknown codes are dropped rather than refused: a stale link still lists something."""

        def known(name: str, vocabulary: str) -> str:
            value = args.get(name, "").strip()
            return value if value in vocab_codes(vocabulary) else ""

        departement = args.get("departement", "").strip().upper()
        sort = args.get("tri", "nom")
        return cls(
            q=search_words(args),
            typology=known("typologie", "typologies"),
            sector=known("secteur", "secteurs"),
            departement=departement if re.fullmatch(r"\d{2,3}|2[AB]", departement) else "",
            commune=args.get("commune", "").strip()[:120],
            public=known("public", "publics"),
            sort=sort if sort in SORTS else "nom",
            with_deleted=may_see_deleted and args.get("supprimees") == "1",
        )


# ----- merge and import -----------------------------------------------------------------------


class MergeForm(BaseForm):
    absorber = HiddenField()
    submit = SubmitField("Fusionner les deux structures")


class ImportForm(BaseForm):
    file = FileField(
        "Fichier CSV",
        validators=[FileRequired("Choisissez le fichier CSV à importer.")],
        render_kw={"accept": ".csv,text/csv"},
        description=(
            "Encodé en UTF-8, séparé par des points-virgules ou des virgules, 2 Mo et "
            "5 000 lignes au plus. La première ligne donne le nom des colonnes."
        ),
    )
    submit = SubmitField("Voir l'aperçu")


class ImportConfirmForm(BaseForm):
    token = HiddenField()
    submit = SubmitField("Importer les structures")
