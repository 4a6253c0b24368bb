"""Account forms for administrators."""

from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from allervers.auth.forms import check_new_password
from allervers.auth.models import ROLES
from allervers.core.forms import (
    BaseForm,
    as_choices,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)

ROLE_CHOICES = as_choices(ROLES.items())


class UserForm(BaseForm):
    name = StringField(
        "Prénom et nom",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le nom."), Length(max=120)],
    )
    role = SelectField("Rôle", choices=ROLE_CHOICES, default="stagiaire")
    job_title = StringField("Fonction", filters=[empty_to_none], validators=[Length(max=120)])
    structure_id = SelectField(
        "Structure (employeur)", coerce=coerce_optional_int, validators=[Optional()]
    )
    submit = SubmitField("Enregistrer")

    def set_structure_choices(self, choices: list[tuple[int, str]]) -> None:
        self.structure_id.choices = as_choices([(None, "— Aucune —"), *choices])


class NewUserForm(UserForm):
    email = EmailField(
        "Adresse e-mail",
        filters=[strip_filter],
        validators=[
            DataRequired("Saisissez l'adresse e-mail."),
            Email("Cette adresse e-mail n'est pas valide."),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Mot de passe provisoire",
        description="Au moins 10 caractères ; la personne le changera depuis « Mon compte ».",
        validators=[DataRequired("Choisissez un mot de passe provisoire."), check_new_password],
    )
    submit = SubmitField("Créer le compte")
