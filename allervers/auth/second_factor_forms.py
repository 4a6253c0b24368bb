"""Forms of the second factor: confirming a code, the sign-in's second step, removing it."""

from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from allervers.auth.passwords import MAX_LENGTH
from allervers.core.forms import BaseForm, strip_filter

CODE_KEYS = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}


def password_field() -> PasswordField:
    return PasswordField(
        "Votre mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=MAX_LENGTH)],
    )


def code_field(label: str, description: str, *, digits_only: bool) -> StringField:
    keys = {**CODE_KEYS, "inputmode": "numeric"} if digits_only else CODE_KEYS
    return StringField(
        label,
        description=description,
        filters=[strip_filter],
        validators=[
            DataRequired("Saisissez le code."),
            Length(
                max=30,
                message="Un code fait 6 chiffres (ou 12 caractères pour un code de secours).",
            ),
        ],
        render_kw=keys,
    )


class ConfirmEnrolmentForm(BaseForm):
    id_prefix = "activation"
    code = code_field(
        "Code à 6 chiffres affiché par l'application",
        "Il change toutes les 30 secondes.",
        digits_only=True,
    )
    submit = SubmitField("Activer")


class SignInCodeForm(BaseForm):
    code = code_field(
        "Code de vérification",
        "Le code à 6 chiffres de votre application, ou l'un de vos codes de secours.",
        digits_only=False,
    )
    submit = SubmitField("Valider")


class NewRecoveryCodesForm(BaseForm):
    id_prefix = "codes"
    password = password_field()
    submit = SubmitField("Générer de nouveaux codes de secours")


class DeactivateForm(BaseForm):
    id_prefix = "desactivation"
    password = password_field()
    code = code_field(
        "Code à 6 chiffres ou code de secours",
        "Pour vérifier que c'est bien vous.",
        digits_only=False,
    )
    submit = SubmitField("Désactiver la double authentification")


class RemoveSecondFactorForm(BaseForm):
    id_prefix = "retrait"
    confirm = BooleanField(
        "Je confirme : cette personne a perdu son téléphone ou son application, et je l'ai "
        "vérifié auprès d'elle.",
        validators=[DataRequired("Cochez la case pour confirmer.")],
    )
    submit = SubmitField("Retirer la double authentification")


class SiteSettingsForm(BaseForm):
    second_factor_required = BooleanField(
        "Double authentification obligatoire pour les administrateurs et les formateurs",
        description="Une fois connectés, ceux qui ne l'ont pas encore activée sont conduits à "
        "la page d'activation et ne peuvent rien faire d'autre avant.",
    )
    submit = SubmitField("Enregistrer")
