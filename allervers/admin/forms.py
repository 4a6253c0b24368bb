"""Account forms for administrators."""

from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from allervers.auth.forms import DeleteAccountForm, new_email_field, new_password_field
from allervers.auth.models import ROLES, User
from allervers.auth.passwords import MAX_LENGTH, RULES
from allervers.core.forms import (
    BaseForm,
    as_choices,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)

ROLE_CHOICES = as_choices(ROLES.items())


class UserForm(BaseForm):
    model = User
    name = StringField(
        "Prénom et nom",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le nom."), Length(max=120)],
    )
    role = SelectField("Rôle", choices=ROLE_CHOICES, default="stagiaire")
    job_title = StringField("Fonction", filters=[empty_to_none], validators=[Length(max=120)])
    structure_id = SelectField(
        "Structure (employeur)",
        coerce=coerce_optional_int,
        validators=[Optional()],
        description="Pour un référent, l'enregistrer ici le rattache à cette structure : il "
        "pourra modifier sa fiche et ses initiatives partagées.",
    )
    submit = SubmitField("Enregistrer")

    def set_structure_choices(self, choices: list[tuple[int, str]]) -> None:
        self.structure_id.choices = as_choices([(None, "— Aucune —"), *choices])


class NewUserForm(UserForm):
    email = new_email_field("Adresse e-mail")
    password = new_password_field(
        "Mot de passe provisoire",
        f"{RULES} La personne le changera depuis « Mon compte ».",
    )
    submit = SubmitField("Créer le compte")


class DeleteUserForm(DeleteAccountForm):
    password = PasswordField(
        "Votre mot de passe d'administrateur",
        description="Pour confirmer la suppression de ce compte.",
        validators=[
            DataRequired("Saisissez votre mot de passe pour confirmer la suppression."),
            Length(max=MAX_LENGTH),
        ],
    )
    submit = SubmitField("Supprimer définitivement ce compte")
