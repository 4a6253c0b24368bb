"""The form formateurs fill in to complete a catalogue technique."""

from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length

from allervers.core.forms import PrivacyCheckedForm, empty_to_none
from allervers.initiatives.models import TechniqueNote

NOTE_MAX = 5_000
TOO_LONG = "Ce texte compte %(length)d caractères, pour 5 000 au plus : raccourcissez-le."


def one_newline(value):
    """Browsers send CRLF and count it as one character: so does the length check."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def note_field(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        filters=[one_newline, empty_to_none],
        validators=[Length(max=NOTE_MAX, message=TOO_LONG)],
        render_kw={"rows": 6},
    )


class TechniqueForm(PrivacyCheckedForm):
    model = TechniqueNote
    privacy_fields = ("description", "conditions", "vigilance")
    description = note_field(
        "Description",
        "Laissez vide pour garder la description du catalogue.",
    )
    conditions = note_field(
        "Conditions de réussite",
        "Ce qui fait que la technique fonctionne : partenaires, moyens, posture, durée.",
    )
    vigilance = note_field(
        "Points de vigilance",
        "Les risques et les écueils à connaître avant de se lancer.",
    )
    version = HiddenField()
    submit = SubmitField("Enregistrer la technique")

    def model_fields(self) -> dict:
        return {name: self[name].data for name in ("description", "conditions", "vigilance")}
