"""Taking a snapshot of a map."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from allervers.core.forms import PrivacyCheckedForm, strip_filter
from allervers.maps.models import MapSnapshot


class SnapshotForm(PrivacyCheckedForm):
    model = MapSnapshot
    privacy_fields = ("label",)
    label = StringField(
        "Nom de l'instantané",
        description="Par exemple : début de formation, J+3 mois.",
        filters=[strip_filter],
        validators=[
            DataRequired("Donnez un nom à l'instantané."),
            Length(max=120, message="120 caractères au plus."),
        ],
    )
    submit = SubmitField("Prendre un instantané")
