"""Sign-in, password, profile and joining forms."""

import re

from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from allervers.auth.models import User
from allervers.auth.passwords import MAX_LENGTH, RULES, password_problem
from allervers.core.forms import (
    BaseForm,
    coerce_optional_int,
    empty_to_none,
    strip_filter,
)
from allervers.directory import matching

NEW_STRUCTURE = -1


def check_new_password(form, field) -> None:
    typed = [form[name].data for name in ("email", "name") if name in form]
    # A reset link's form names its account: the person choosing is not signed in.
    typed += getattr(form, "owner_words", [])
    problem = password_problem(field.data or "", user_inputs=password_owner_words(typed))
    if problem:
        raise ValidationError(problem)


def password_owner_words(typed: list[str | None]) -> list[str | None]:
    """The e-mail and name the new password belongs with: typed in the same form (joining,
    an administrator creating an account), else the signed-in person's own."""
    if any(typed):
        return typed
    if current_user.is_authenticated:
        return [current_user.email, current_user.name]
    return []


def new_email_field(label: str) -> EmailField:
    """An e-mail address that will become an account's login."""
    return EmailField(
        label,
        filters=[strip_filter],
        validators=[
            DataRequired("Saisissez l'adresse e-mail."),
            Email("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@structure.fr)."),
            Length(max=254, message="254 caractères au plus."),
        ],
    )


def new_password_field(label: str, description: str) -> PasswordField:
    return PasswordField(
        label,
        description=description,
        validators=[DataRequired("Choisissez un mot de passe."), check_new_password],
    )


def confirm_password_field(label: str, other: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Saisissez une seconde fois le mot de passe."),
            EqualTo(other, "Les deux saisies du mot de passe ne sont pas identiques."),
        ],
    )


class LoginForm(BaseForm):
    email = EmailField(
        "Adresse e-mail",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez votre adresse e-mail."), Length(max=254)],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=MAX_LENGTH)],
    )
    next = HiddenField()
    submit = SubmitField("Se connecter")


class PasswordChangeForm(BaseForm):
    current = PasswordField(
        "Mot de passe actuel", validators=[DataRequired("Saisissez votre mot de passe actuel.")]
    )
    new = new_password_field("Nouveau mot de passe", RULES)
    confirm = confirm_password_field("Confirmez le nouveau mot de passe", "new")
    submit = SubmitField("Changer le mot de passe")

    def validate_new(self, field) -> None:
        if field.data and field.data == self.current.data:
            raise ValidationError("Le nouveau mot de passe doit être différent de l'actuel.")


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        "Votre mot de passe",
        description="Pour confirmer que c'est bien vous qui demandez la suppression.",
        validators=[
            DataRequired("Saisissez votre mot de passe pour confirmer la suppression."),
            Length(max=MAX_LENGTH),
        ],
    )
    submit = SubmitField("Supprimer définitivement mon compte")


class StructureChoiceMixin:
    """Pick one's employer from the directory, or type it when it is not there yet."""

    structure_id = SelectField(
        "Votre structure (employeur)",
        coerce=coerce_optional_int,
        validators=[Optional()],
        description="Choisissez-la dans l'annuaire ; sinon, choisissez « Autre » et saisissez-la.",
    )
    new_structure_name = StringField(
        "Nom de la structure (si elle n'est pas dans la liste)",
        filters=[empty_to_none],
        validators=[Length(max=200, message="200 caractères au plus.")],
    )
    new_structure_commune = StringField(
        "Commune de la structure",
        filters=[empty_to_none],
        validators=[Length(max=120, message="120 caractères au plus.")],
    )
    # No Optional() on these: it would stop the chain before the cross-field checks below.
    new_structure_postal_code = StringField("Code postal de la structure", filters=[empty_to_none])
    new_structure_confirmed = BooleanField(
        "Ma structure n'est aucune de celles proposées : l'ajouter à l'annuaire"
    )

    def set_structure_choices(self, choices: list[tuple[int, str]]) -> None:
        self.structure_id.choices = [
            (None, "— Choisir dans l'annuaire —"),
            *choices,
            (NEW_STRUCTURE, "Autre (à saisir)"),
        ]

    def validate_new_structure_postal_code(self, field) -> None:
        if field.data and not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError("Le code postal compte cinq chiffres, par exemple 45000.")

    def validate_new_structure_name(self, field) -> None:
        if self.structure_id.data != NEW_STRUCTURE:
            return
        if not field.data:
            raise ValidationError("Saisissez le nom de votre structure.")
        if self.new_structure_confirmed.data:
            return
        # A close name is asked about, never added beside its twin (« CCAS Fleury »).
        found = matching.match(field.data, self.new_structure_commune.data)
        if found.verdict == "probable":
            close = " ; ".join(
                f"{c.structure.name} ({c.structure.place or 'commune non précisée'})"
                for c in found.candidates
            )
            raise ValidationError(
                f"Votre structure est peut-être déjà dans l'annuaire : {close}. Choisissez-la "
                "dans la liste ci-dessus, ou cochez la case ci-dessous pour l'ajouter."
            )

    def validate_new_structure_commune(self, field) -> None:
        if self.structure_id.data == NEW_STRUCTURE and not field.data:
            raise ValidationError("Saisissez la commune de votre structure.")


class ProfileForm(StructureChoiceMixin, BaseForm):
    model = User
    name = StringField(
        "Prénom et nom",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez votre nom."), Length(max=120)],
    )
    job_title = StringField(
        "Fonction",
        description="Par exemple : assistante de service social, CESF, éducateur spécialisé.",
        filters=[empty_to_none],
        validators=[Optional(), Length(max=120, message="120 caractères au plus.")],
    )
    submit = SubmitField("Enregistrer")


class JoinCodeForm(BaseForm):
    code = StringField(
        "Code d'invitation",
        description="Le code que votre formateur vous a donné, par exemple ORL-7K3-PQ9.",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez le code d'invitation."), Length(max=40)],
    )
    submit = SubmitField("Rejoindre le groupe")


class JoinForm(StructureChoiceMixin, JoinCodeForm):
    model = User
    name = StringField(
        "Prénom et nom",
        filters=[strip_filter],
        validators=[DataRequired("Saisissez votre prénom et votre nom."), Length(max=120)],
    )
    email = new_email_field("Adresse e-mail professionnelle")
    password = new_password_field("Mot de passe", RULES)
    confirm = confirm_password_field("Confirmez le mot de passe", "password")
    job_title = ProfileForm.job_title
    submit = SubmitField("Créer mon compte et rejoindre le groupe")


class ResetPasswordForm(BaseForm):
    new = new_password_field(
        "Nouveau mot de passe",
        RULES,
    )
    confirm = confirm_password_field("Confirmez le nouveau mot de passe", "new")
    submit = SubmitField("Enregistrer le nouveau mot de passe")


class IssueResetLinkForm(BaseForm):
    """Only the CSRF token, and where to come back to (a same-site path)."""

    next = HiddenField()
