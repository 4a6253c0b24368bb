"""The base form: French validator messages, checks every field gets, shared field helpers."""

import re
from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, PasswordField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import Select


class FastSelect(Select):
    """WTForms' select, with each plain option written by one format string: its per-option
    attribute builder took most of the time of the pages offering the whole directory (2,000
    structures) or every initiative. Same markup; BaseForm renders every single select so."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


FAST_SELECT = FastSelect()

# Characters no one types: C0 controls but tab and newlines, and the two non-characters.
# PostgreSQL refuses NUL in text; XML (the GEXF and GraphML exports) refuses all of them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_character_problem(value: str | None) -> str | None:
    """The French message for a text that carries an invisible control character, or None."""
    found = CONTROL_CHARACTER.search(value or "")
    if found is None:
        return None
    return (
        f"Ce texte contient un caractère invisible non autorisé (U+{ord(found.group()):04X}), "
        "souvent venu d'un copier-coller : retirez-le, puis enregistrez de nouveau."
    )


def field_problem(field) -> str | None:
    """What every field of every form refuses, whatever its own validators say."""
    if isinstance(field, PasswordField):  # never stored as typed: any character may do
        return None
    texts = [raw for raw in field.raw_data or [] if isinstance(raw, str)]
    return next(filter(None, map(control_character_problem, texts)), None)


class BaseForm(FlaskForm):
    # Forms that share a page set a prefix so that their element ids stay unique (labels point
    # at the right field); field names, and so what the server receives, do not change.
    id_prefix: str | None = None
    # The model whose columns the fields of the same name fill. Their lengths are checked as
    # well: PostgreSQL refuses a text longer than its column (a 500), SQLite keeps it.
    model: type | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for field in self:
                field.id = f"{self.id_prefix}-{field.id}"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = field_problem(field) or (None if field.errors else self.too_long(field))
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid

    def too_long(self, field) -> str | None:
        column = self.model.__table__.columns.get(field.name) if self.model else None
        limit = getattr(column.type, "length", None) if column is not None else None
        if limit and isinstance(field.data, str) and len(field.data) > limit:
            return f"{limit} caractères au plus."
        return None

    class Meta:
        locales = ("fr_FR", "fr")

        def render_field(self, field, render_kw):
            if type(field.widget) is Select and not field.widget.multiple:
                field.widget = FAST_SELECT
            return super().render_field(field, render_kw)

        def get_translations(self, form):
            # WTForms ships French messages; Flask-WTF would otherwise look for Flask-Babel.
            from wtforms.i18n import get_translations

            return get_translations(self.locales)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


def empty_to_none(value):
    value = strip_filter(value)
    return value or None


SEARCH_MAX_LENGTH = 200


def search_words(args, name: str = "q") -> str:
    """A search box's text from the query string, cut to a length no real search needs
    (a longer one would only make every LIKE and tsquery slower)."""
    return args.get(name, "").strip()[:SEARCH_MAX_LENGTH]


# A database INTEGER (PostgreSQL's 4 bytes): ids, levels, positions all fit in it.
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1


def parse_int(value) -> int | None:
    """A submitted number as an int, or None when it is missing, unreadable, or too large for
    any column (which would be a database error rather than "not found")."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if INTEGER_MIN <= number <= INTEGER_MAX else None


def coerce_optional_int(value):
    """For a select of ids: "" is no choice; what is not an id fails the field (ValueError)."""
    if value in (None, "", "None"):
        return None
    number = parse_int(value)
    if number is None:
        raise ValueError("not an id")
    return number


def require_choice(message: str):
    def check(_form, field):
        if field.data in (None, ""):
            raise ValidationError(message)

    return check


def as_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class PrivacyCheckedForm(BaseForm):
    """A form whose free texts pass the personal-data check of DESIGN.md §4 before saving.

    Subclasses list their free-text fields in `privacy_fields` and carry the confirmation box;
    tests/core/test_privacy_sweep.py fails on a free-text field that is neither listed nor an
    explained exception. A form may accept some kinds of finding (a structure's own contact
    details in its directory record) by naming them in `privacy_accepted_kinds`.
    """

    privacy_fields: tuple[str, ...] = ()
    privacy_accepted_kinds: frozenset[str] = frozenset()
    needs_privacy_confirmation = False
    confirm_no_personal_data = BooleanField(
        "Je confirme que ce texte ne permet d'identifier aucune personne accompagnée"
    )

    def validate(self, extra_validators=None) -> bool:
        from allervers.core.privacy import find_personal_data, warning

        valid = super().validate(extra_validators)
        confirmed = bool(self.confirm_no_personal_data.data)
        for name in self.privacy_fields:
            field = self[name]
            findings = [
                finding
                for finding in find_personal_data(field.data)
                if finding.kind not in self.privacy_accepted_kinds
            ]
            if findings and not confirmed:
                field.errors = [*field.errors, warning(findings)]
                self.needs_privacy_confirmation = True
                valid = False
        return valid
