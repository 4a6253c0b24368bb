"""Optimistic locking, for every form that carries a record's `version`.

The form classes are found by introspection, so a new one without a case here fails. For each:
the page renders the record's version; a save with it succeeds (the "newer save", made from
another tab); then a save that leaves the version out, sends `abc`, or sends the old version
is a conflict (409) that keeps what the person typed and changes no row of any table.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import allervers
from allervers.extensions import db
from allervers.followup import assessment
from allervers.initiatives import techniques
from tests.helpers import csrf_token, sign_in, text
from tests.test_actions import (
    EFFECT_FORM,
    SESSION_FORM,
    STRUCTURE_FORM,
    TECHNIQUE_FORM,
    Scene,
    _initiative_form,
    snapshot,
)

MARK = "Saisie à garder 4711"  # typed by the person whose save is refused


def versioned_forms() -> set[str]:
    """Every form class of the app with a hidden `version` field."""
    for module in pkgutil.walk_packages(allervers.__path__, "allervers."):
        importlib.import_module(module.name)
    found, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if not cls.__module__.startswith("allervers."):
            continue  # a test's own form (tests/core/test_web.py)
        module = importlib.import_module(cls.__module__)
        defined_here = getattr(module, cls.__name__, None) is cls  # not answer_form()'s own
        if defined_here and isinstance(getattr(cls, "version", None), UnboundField):
            found.add(f"{cls.__module__}.{cls.__name__}")
    return found


@dataclass
class Case:
    role: str
    path: str  # where the form posts
    data: dict  # what the person typed (MARK, or for dates their own value, shows on refusal)
    record: object
    page: str | None = None  # where the form is rendered, when not at `path`
    kept: str = MARK


def _session(s: Scene) -> Case:
    training = s.w["session"]
    return Case("formateur", f"/sessions/{training.id}/modifier", {**SESSION_FORM, "title": MARK},
                training)  # fmt: skip


def _group(s: Scene) -> Case:
    group, trainer = s.w["group"], s.w["formateur"]
    data = {"name": MARK, "city": "Orléans", "trainer_ids": str(trainer.id)}
    return Case("formateur", f"/groupes/{group.id}/modifier", data, group)


def _action(s: Scene) -> Case:
    action = s.action()
    data = {"structure_id": str(s.w["partner"].id), "target_level": "3", "description": MARK,
            "status": "en_cours"}  # fmt: skip
    return Case("stagiaire", f"/plan-d-action/{action.id}/modifier", data, action)


def _note(s: Scene) -> Case:
    note = s.note()
    return Case("stagiaire", f"/journal/{note.id}/modifier", {"text": MARK}, note)


def _statement(s: Scene) -> Case:
    training = s.w["session"]
    statement = assessment.add_statement(training, 1, "Je sais présenter ma structure.")
    path = f"/sessions/{training.id}/auto-positionnement/{statement.id}/modifier"
    return Case("formateur", path, {"objective": "1", "text": MARK}, statement)


def _window(s: Scene) -> Case:
    group = s.w["group"]
    window = assessment.save_window(group, "suivi", date(2030, 1, 6), date(2030, 1, 20))
    page = f"/groupes/{group.id}/auto-positionnement/calendrier"
    data = {"opens_on": "2031-03-04", "closes_on": "2031-03-25"}
    return Case("formateur", f"{page}/suivi", data, window, page=page, kept="2031-03-25")


def _answers(s: Scene) -> Case:
    group, trainee = s.w["group"], s.w["stagiaire"]
    ratings = {statement.id: 2 for statement in assessment.statements_of(s.w["session"])}
    answers = assessment.save_answers(group, trainee, "debut", ratings, None)
    path = f"/groupes/{group.id}/auto-positionnement/debut"
    data = {**s.answers(), "comment": MARK}
    return Case("stagiaire", path, data, answers, page=f"{path}?modifier=1")  # answered: a summary


def _technique(s: Scene) -> Case:
    note = techniques.save_note("maraude", TECHNIQUE_FORM, s.w["formateur"], 0)
    data = {**TECHNIQUE_FORM, "description": MARK}
    return Case("formateur", "/techniques/maraude/modifier", data, note)


def _initiative(s: Scene) -> Case:
    initiative = s.initiative()
    data = _initiative_form(s, "stagiaire", visibility="groupe", group_id=str(s.w["group"].id))
    path = f"/initiatives/{initiative.id}/modifier"
    return Case("stagiaire", path, {**data, "title": MARK}, initiative)


def _effect(s: Scene) -> Case:
    initiative, effect = s.effect()
    path = f"/initiatives/{initiative.id}/effets/{effect.id}"
    return Case("stagiaire", path, {**EFFECT_FORM, "comment": MARK}, effect)


def _presentation(s: Scene) -> Case:
    presentation = s.presentation()
    data = {"title": MARK, "group_id": str(s.w["group"].id)}
    return Case("formateur", f"/presentations/{presentation.id}/modifier", data, presentation)


def _structure(s: Scene) -> Case:
    structure = s.w["structure"]
    data = {**STRUCTURE_FORM, "description": MARK}
    return Case("formateur", f"/annuaire/{structure.id}/modifier", data, structure)


def _map(s: Scene) -> Case:
    cooperation_map = s.w["map"]
    data = {"title": MARK, "territory": "Orléans", "focal_structure_id": str(s.w["structure"].id)}
    return Case("stagiaire", f"/cartes/{cooperation_map.id}/modifier", data, cooperation_map)


def _entry(s: Scene) -> Case:
    entry = s.entry()
    path = f"/cartes/{entry.map_id}/structures/{entry.id}/modifier"
    return Case("stagiaire", path, {"influence": "4", "note": MARK}, entry)


def _link(s: Scene) -> Case:
    link = s.w["link"]
    data = {"source_id": str(s.w["structure"].id), "target_id": str(s.w["partner"].id),
            "status": "existant", "level": "4", "direction": "mutuel", "note": MARK}  # fmt: skip
    return Case("stagiaire", f"/cartes/{link.map_id}/liens/{link.id}/modifier", data, link)


CASES: dict[str, Callable[[Scene], Case]] = {
    "allervers.training.forms.SessionForm": _session,
    "allervers.training.forms.GroupForm": _group,
    "allervers.followup.plan_forms.ActionForm": _action,
    "allervers.followup.plan_forms.NoteForm": _note,
    "allervers.followup.assessment_forms.StatementForm": _statement,
    "allervers.followup.assessment_forms.WindowForm": _window,
    "allervers.followup.assessment_forms.AnswerForm": _answers,
    "allervers.initiatives.technique_forms.TechniqueForm": _technique,
    "allervers.initiatives.forms.InitiativeForm": _initiative,
    "allervers.initiatives.forms.EffectForm": _effect,
    "allervers.initiatives.presentation_forms.PresentationForm": _presentation,
    "allervers.directory.forms.StructureForm": _structure,
    "allervers.maps.forms.MapForm": _map,
    "allervers.maps.forms.EntryForm": _entry,
    "allervers.maps.forms.LinkForm": _link,
}


def test_every_versioned_form_has_a_case():
    missing = versioned_forms() - set(CASES)
    assert not missing, f"formulaires versionnés sans cas dans ce fichier : {sorted(missing)}"
    assert not set(CASES) - versioned_forms(), "des cas pour des formulaires qui n'existent plus"


@pytest.mark.parametrize("form_class", sorted(CASES))
def test_a_missing_or_unreadable_version_is_a_conflict(app, world, form_class):
    case = CASES[form_class](Scene(world))
    client = app.test_client()
    sign_in(client, world[case.role].email)
    token = csrf_token(client, "/")
    opened = str(case.record.version)
    page = text(client.get(case.page or case.path))
    assert f'name="version" type="hidden" value="{opened}"' in page, "version absente de la page"

    newer = client.post(case.path, data={**case.data, "version": opened, "csrf_token": token})
    assert newer.status_code < 400, text(newer)
    db.session.refresh(case.record)
    assert str(case.record.version) != opened, "l'enregistrement avec la version n'a rien changé"

    saved, current = snapshot(), str(case.record.version)
    for version in (None, "", "abc", "1.0", opened):
        data = {**case.data, "csrf_token": token}
        if version is not None:
            data["version"] = version
        response = client.post(case.path, data=data)
        assert response.status_code == 409, f"version {version!r} : {response.status_code}"
        assert case.kept in text(response), f"version {version!r} : la saisie est perdue"
        assert snapshot() == saved, f"version {version!r} : l'enregistrement plus récent écrasé"
        # the conflict form now carries the saved version: sending it again saves
        assert f'name="version" type="hidden" value="{current}"' in text(response)


def test_a_record_created_after_the_page_opened_is_not_overwritten(client_as, world):
    """The page had no window to edit (blank version); one was saved meanwhile."""
    client = client_as("formateur")
    page = f"/groupes/{world['group'].id}/auto-positionnement/calendrier"
    assert 'name="version" type="hidden" value=""' in text(client.get(page))
    assessment.save_window(world["group"], "suivi", date(2030, 1, 6), date(2030, 1, 20))
    saved = snapshot()
    data = {"opens_on": "2031-03-04", "closes_on": "2031-03-25", "version": ""}
    response = client.post(f"{page}/suivi", data={**data, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 409
    assert "2031-03-25" in text(response)
    assert snapshot() == saved
