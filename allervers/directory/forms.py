"""Forms of the directory: a structure's record, the search filters, the merge and the import.

The field checks live in small functions (`check_*`) that the CSV import uses too, so a
structure typed in the form and a structure read from a file obey the same rules.
"""

import re
from dataclasses import dataclass, field
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

from allervers import communes
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
from allervers.core.tabular import ACCEPT
from allervers.directory import datainclusion
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


def _postal_codes_text(commune: communes.Commune) -> str:
    codes = list(commune.postal_codes)
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " ou " + codes[-1]


@dataclass
class PlaceCheck:
    """What the commune, postal code and INSEE code typed in a form amount to."""

    commune: communes.Commune | None = None
    postal_code: str | None = None
    problems: dict = field(default_factory=dict)  # field name → message
    choices: list = field(default_factory=list)  # communes to pick from


def _known(insee: str | None) -> communes.Commune | None:
    return communes.lookup(insee) if insee and INSEE_CODE.fullmatch(insee) else None


def check_place(
    name: str | None, postal_code: str | None, insee: str | None, choice: str | None = None
) -> PlaceCheck:
    """Resolve a place against the official list of communes (allervers.communes).

    `choice` is a commune picked among those the form proposed (homonyms, the communes of a
    postal code): it decides. The INSEE code comes from the autocomplete: it stands while the
    name is still the chosen commune's. Otherwise the name and the postal code must designate
    one commune; a postal code alone is enough when it serves only one."""
    check = PlaceCheck()
    chosen = _known(choice)
    if chosen:
        postal_code = postal_code if chosen.serves(postal_code) else None
    else:
        chosen = _known(insee)
        if chosen and name and communes.normalise(name) != communes.normalise(chosen.name):
            chosen = None  # the name was changed after choosing: it decides
    named = communes.by_name(name) if name else []
    if chosen is None and name:
        if not named:
            check.problems["commune"] = (
                f"Commune inconnue : « {name} ». Choisissez-la dans les suggestions, "
                "ou saisissez son code postal."
            )
            check.choices = communes.by_postal_code(postal_code) or communes.search(name, 8)
            return check
        serving = [c for c in named if c.serves(postal_code)] if postal_code else named
        if postal_code and not serving:
            if len(named) == 1:
                check.problems["postal_code"] = (
                    f"Le code postal {postal_code} n'est pas celui de {named[0].name} "
                    f"({_postal_codes_text(named[0])})."
                )
            else:
                check.problems["postal_code"] = (
                    f"Aucune commune « {named[0].name} » n'a le code postal {postal_code} : "
                    "choisissez la vôtre ci-dessous."
                )
            check.choices = named[:20]
            return check
        if len(serving) > 1 and not postal_code:
            check.problems["commune"] = (
                f"Plusieurs communes s'appellent « {named[0].name} » : choisissez la vôtre "
                "ci-dessous, ou saisissez son code postal."
            )
            check.choices = serving[:20]
            return check
        chosen = serving[0]
    elif chosen is None and postal_code:
        served = communes.by_postal_code(postal_code)
        if not served:
            check.problems["postal_code"] = (
                f"Aucune commune n'a le code postal {postal_code} : vérifiez-le."
            )
            return check
        if len(served) > 1:
            check.problems["commune"] = (
                f"Le code postal {postal_code} dessert {len(served)} communes : "
                "choisissez la vôtre ci-dessous."
            )
            check.choices = served
            return check
        chosen = served[0]
    elif chosen is None:
        check.problems["commune"] = (
            "Saisissez la commune (ou son code postal) : elle distingue les homonymes."
        )
        return check
    if postal_code and not chosen.serves(postal_code):
        check.problems["postal_code"] = (
            f"Le code postal {postal_code} n'est pas celui de {chosen.name} "
            f"({_postal_codes_text(chosen)})."
        )
        check.choices = [chosen]
        return check
    check.commune = chosen
    single = chosen.postal_codes[0] if len(chosen.postal_codes) == 1 else None
    check.postal_code = postal_code or single
    return check


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
    # data·inclusion's codes (up to 90 characters, 69 in v1) are never free text: no limit.
    items = [item for item in items if not datainclusion.is_code(item)]
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
        description="Quelques lettres du nom ou le code postal, puis choisissez dans la liste.",
        filters=[empty_to_none],
        validators=[Length(max=120)],
    )
    postal_code = StringField(
        "Code postal", filters=[empty_to_none], validators=[_check(check_postal_code)]
    )
    # Filled by the commune's autocomplete (or a choice among homonyms), checked against the
    # official list (allervers.communes); an unreadable one is ignored, never shown.
    insee_code = HiddenField(filters=[empty_to_none, lambda v: v.strip().upper() if v else v])
    # A commune picked among those proposed when the place was ambiguous (radio buttons).
    commune_choice = HiddenField(filters=[empty_to_none, lambda v: v.strip().upper() if v else v])
    siret = StringField(
        "SIRET",
        description="14 chiffres, facultatif : celui de l'établissement, ou de son siège.",
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
        self.place_choices: list = []  # communes to pick from, when the place is ambiguous

    @property
    def place(self) -> communes.Commune | None:
        """The commune the INSEE code designates, shown beside the field."""
        return _known(self.insee_code.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.commune.errors or self.postal_code.errors:
            return False
        check = check_place(
            self.commune.data,
            self.postal_code.data,
            self.insee_code.data,
            self.commune_choice.data,
        )
        for name, problem in check.problems.items():
            self[name].errors = [*self[name].errors, problem]
        self.place_choices = check.choices
        if check.commune is None:
            self.insee_code.data = None
            return False
        self.commune.data = check.commune.name
        self.postal_code.data = check.postal_code
        self.insee_code.data = check.commune.insee
        return valid

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
        "Fichier CSV, Excel (.xlsx) ou LibreOffice (.ods)",
        validators=[FileRequired("Choisissez le fichier à importer (CSV, .xlsx ou .ods).")],
        render_kw={"accept": ACCEPT},
        description=(
            "Un CSV encodé en UTF-8, séparé par des points-virgules ou des virgules, ou un "
            "classeur .xlsx ou .ods (sa première feuille, ou celle nommée « structures »). "
            "2 Mo et 5 000 lignes au plus. La première ligne donne le nom des colonnes."
        ),
    )
    submit = SubmitField("Voir l'aperçu")


class ImportConfirmForm(BaseForm):
    token = HiddenField()
    submit = SubmitField("Importer les structures")
