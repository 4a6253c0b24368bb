"""The base form: French validator messages and shared field helpers."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField
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


class BaseForm(FlaskForm):
    # Forms that share a page set a prefix so that their element ids stay unique (labels point
    # at the right field); field names, and so what the server receives, do not change.
    id_prefix: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for field in self:
                field.id = f"{self.id_prefix}-{field.id}"

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


def coerce_optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


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

    Subclasses list their free-text fields in `privacy_fields` and carry the confirmation box.
    """

    privacy_fields: tuple[str, ...] = ()
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
            findings = find_personal_data(field.data)
            if findings and not confirmed:
                field.errors = [*field.errors, warning(findings)]
                self.needs_privacy_confirmation = True
                valid = False
        return valid
