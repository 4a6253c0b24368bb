"""Account forms for administrators."""

from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from allervers.auth.forms import DeleteAccountForm, check_new_password, new_email_field
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


def unless_a_link_is_sent(form, field) -> None:
    """The provisional password is asked only when no activation link is sent instead."""
    if form.send_link.data:
        field.errors.clear()
        raise StopValidation()
    if not field.data:
        raise StopValidation(
            "Choisissez un mot de passe provisoire, ou cochez « Envoyer un lien d'activation »."
        )


class NewUserForm(UserForm):
    email = new_email_field("Adresse e-mail")
    send_link = BooleanField(
        "Envoyer un lien d'activation plutôt qu'un mot de passe provisoire",
        description="La personne choisit elle-même son mot de passe avec ce lien, valable 24 "
        "heures et une seule fois. Il s'affiche après la création du compte, et part aussi "
        "par courriel si l'envoi de courriels est configuré.",
    )
    password = PasswordField(
        "Mot de passe provisoire",
        description=f"{RULES} La personne le changera depuis « Mon compte ».",
        validators=[unless_a_link_is_sent, check_new_password],
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
