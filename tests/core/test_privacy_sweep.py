"""Every free text of every form passes the personal-data check, but the listed exceptions.

A free text is a StringField or TextAreaField (or a subclass) that is not a typed input: not an
e-mail, URL, phone, search, hidden or password field. A new free-text field that is neither in
its form's `privacy_fields` nor in EXCEPTIONS below, with the reason, fails this test.
"""

import importlib
import pkgutil
import sys

from werkzeug.datastructures import MultiDict
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    StringField,
    TelField,
    URLField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField

import allervers
from allervers.core.forms import BaseForm

TYPED = (EmailField, HiddenField, PasswordField, SearchField, TelField, URLField)

OWN_IDENTITY = "l'identité de la personne du compte, exportée et effacée avec son compte"
STRUCTURE = "l'identification d'une structure : son nom peut porter celui d'une personne"
NOT_STORED = "jamais enregistré"
EXCEPTIONS = {
    ("ProfileForm", "name"): OWN_IDENTITY,
    ("ProfileForm", "job_title"): OWN_IDENTITY,
    ("JoinForm", "name"): OWN_IDENTITY,
    ("JoinForm", "job_title"): OWN_IDENTITY,
    ("UserForm", "name"): OWN_IDENTITY,
    ("UserForm", "job_title"): OWN_IDENTITY,
    ("NewUserForm", "name"): OWN_IDENTITY,
    ("NewUserForm", "job_title"): OWN_IDENTITY,
    **{
        (form, f"new_structure_{name}"): STRUCTURE
        for form in ("ProfileForm", "JoinForm")
        for name in ("name", "commune", "postal_code")
    },
    **{
        ("StructureForm", name): STRUCTURE
        for name in ("name", "acronym", "commune", "postal_code", "siret")
    },
    ("StructureForm", "thematiques"): "des mots-clés du répertoire (logement, santé…)",
    ("EntryForm", "new_name"): STRUCTURE,
    ("EntryForm", "new_commune"): STRUCTURE,
    ("QuickEntryForm", "lines"): "des noms de structures et des niveaux, rien d'autre n'est lu",
    ("EntryForm", "q"): f"recherche de structure, {NOT_STORED}",
    ("JoinCodeForm", "code"): f"code d'invitation, {NOT_STORED}",
    ("JoinForm", "code"): f"code d'invitation, {NOT_STORED}",
    ("ConfirmEnrolmentForm", "code"): f"code de vérification, {NOT_STORED}",
    ("DeactivateForm", "code"): f"code de vérification, {NOT_STORED}",
    ("SignInCodeForm", "code"): f"code de vérification ou de secours, {NOT_STORED}",
    ("GroupForm", "city"): "lieu de la formation, une adresse par nature",
    ("GroupForm", "place"): "lieu de la formation, une adresse par nature",
}
# What a constructor needs besides the form data.
KWARGS = {"WindowForm": {"moment": "debut"}, "NotesForm": {"item_id": 1}}
PERSONAL = "Échange avec Mme Martine Dupont, NIR 1 85 05 78 006 084 91"


def _import_everything() -> None:
    for module in pkgutil.walk_packages(allervers.__path__, "allervers."):
        importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_classes() -> list[type]:
    """Every form class of the application, as its module names it (not the ones built on the
    fly, such as the answer form of each session's statements)."""
    _import_everything()
    found = {
        cls
        for cls in _subclasses(BaseForm)
        if cls.__module__.startswith("allervers.")
        and getattr(sys.modules[cls.__module__], cls.__name__, None) is cls
    }
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def free_texts(form_class) -> list[str]:
    return sorted(
        name
        for name in dir(form_class)
        if isinstance(unbound := getattr(form_class, name), UnboundField)
        and issubclass(unbound.field_class, StringField)
        and not issubclass(unbound.field_class, TYPED)
    )


def guarded(form_class) -> set[str]:
    return set(getattr(form_class, "privacy_fields", ()))


def every_free_text() -> list[tuple[type, str]]:
    return [(cls, name) for cls in form_classes() for name in free_texts(cls)]


def test_the_sweep_sees_the_forms_people_write_in():
    names = {cls.__name__ for cls in form_classes()}
    assert {"InitiativeForm", "TechniqueForm", "NoteForm", "LinkForm", "StructureForm"} <= names


def test_every_free_text_is_checked_or_an_explained_exception():
    unchecked = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls, name in every_free_text()
        if name not in guarded(cls) and (cls.__name__, name) not in EXCEPTIONS
    ]
    assert not unchecked, (
        f"champs de texte libre sans contrôle des données personnelles : {unchecked} — "
        "ajoutez-les à `privacy_fields` de leur formulaire (PrivacyCheckedForm), ou à "
        "EXCEPTIONS avec la raison"
    )


def test_the_exceptions_are_current():
    texts = {(cls.__name__, name): cls for cls, name in every_free_text()}
    stale = [key for key in EXCEPTIONS if key not in texts]
    checked_anyway = [key for key in EXCEPTIONS if key in texts and key[1] in guarded(texts[key])]
    assert not stale, f"exceptions sans champ : {stale}"
    assert not checked_anyway, f"exceptions pourtant contrôlées : {checked_anyway}"
    for cls in {cls for cls, _name in every_free_text()}:
        assert guarded(cls) <= set(free_texts(cls)), cls


def _validated(form_class, data: dict):
    form = form_class(
        formdata=MultiDict(data), meta={"csrf": False}, **KWARGS.get(form_class.__name__, {})
    )
    for field in form:  # choices a view fills in (structures of a map, groups…)
        if isinstance(field, SelectFieldBase) and getattr(field, "choices", []) is None:
            field.choices = []
    form.validate()
    return form


def _warns(form_class, name: str) -> bool:
    form = _validated(form_class, {name: PERSONAL})
    warned = any("le nom d'une personne" in error for error in form[name].errors)
    confirmed = _validated(form_class, {name: PERSONAL, "confirm_no_personal_data": "y"})
    passes = not any("Aller-vers ne conserve" in error for error in confirmed[name].errors)
    return warned and form.needs_privacy_confirmation and passes


def test_each_checked_field_warns_until_confirmed(app):
    checked = [(cls, name) for cls in form_classes() for name in sorted(guarded(cls))]
    assert len(checked) > 40
    with app.test_request_context(method="POST"):
        silent = [f"{cls.__name__}.{name}" for cls, name in checked if not _warns(cls, name)]
    assert not silent, f"champs contrôlés qui n'avertissent pas : {silent}"
