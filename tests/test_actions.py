"""Every action (POST route) × every role, with a valid CSRF token, on real records.

The expectations are built from the URL map, so a new mutating route that is not listed here
fails. A role that may not act gets 404 (anonymous visitors: the sign-in redirect) and the
database is left exactly as it was, row for row; a role that may act succeeds (< 400) on a
record made for it.
"""

import hashlib
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pyotp
import pytest
from sqlalchemy import func, select

from allervers.analysis import dismissals
from allervers.auth import second_factor
from allervers.auth import services as accounts
from allervers.auth.models import UserSession
from allervers.core.timeutil import utcnow
from allervers.directory import importer as directory_importer
from allervers.directory import referents
from allervers.directory import services as directory
from allervers.extensions import db
from allervers.followup import assessment, plans
from allervers.history.models import HistoryEvent
from allervers.initiatives import presentations, techniques
from allervers.initiatives import services as initiatives
from allervers.maps import services as maps
from allervers.training.models import Group, Membership, TrainingSession
from tests.helpers import TEST_PASSWORD, csrf_token, sign_in, visible_text
from tests.test_pages import ROLES, SIGNED_IN, STAFF, mutating_rules

ADMIN = {"admin"}
NEW_PASSWORD = "une autre phrase"
OWNER = {"stagiaire"}  # the owner of world["map"], author of the initiatives, actions, notes
EDITORS = {"stagiaire", "admin"}  # an initiative's author and admins (moderation)
MANAGERS = {"formateur", "admin"}  # the group's own formateur and admins
# Public actions, tested in tests/auth and tests/training: anyone may post to them.
PUBLIC_ACTIONS = {
    "auth.login",
    "auth.login_code",
    "training.join",
    "auth.password_meter",
    "auth.reset_password",
}
# A table that each sign-in changes (the server-side sessions), not a record of the app.
NOT_RECORDS = {"user_sessions"}


@dataclass(frozen=True)
class Action:
    """build(scene, role) → (path, form data) on a record made for this call; `allowed` act."""

    build: Callable[["Scene", str], tuple[str, dict]]
    allowed: set[str]


class Scene:
    """The world, and fresh records for each action (an action may delete its target)."""

    numbers = itertools.count(1)

    def __init__(self, world: dict):
        self.w = world

    def number(self) -> int:
        return next(self.numbers)

    # ----- people, structures, maps -----------------------------------------------------------

    def user(self, enabled: bool = True):
        n = self.number()
        user = accounts.create_user(
            f"cible{n}@exemple.fr", TEST_PASSWORD, "stagiaire", f"Cible {n}"
        )
        if not enabled:
            accounts.set_enabled(user, False)
        return user

    def other_session(self, role: str) -> int:
        """Another open session of the actor (of the trainee for anonymous visitors)."""
        owner = self.w.get(role, self.w["stagiaire"])
        accounts.open_session(owner, "192.0.2.1", "Firefox/133.0 (Windows)")
        newest = select(func.max(UserSession.id)).where(UserSession.user_id == owner.id)
        return db.session.scalar(newest)

    def signed_in_user(self) -> int:
        user = self.user()
        accounts.open_session(user, "192.0.2.1")
        return user.id

    def trainee_of_group(self):
        user = self.user()
        membership = Membership(user=user, role="stagiaire", joined_at=utcnow())
        self.w["group"].memberships.append(membership)
        db.session.commit()
        return user

    def structure(self, **fields):
        n = self.number()
        values = {"name": f"Structure témoin {n}", "commune": "Gien", "typology": "CCAS", **fields}
        structure = directory.build_structure(**values)
        db.session.add(structure)
        db.session.commit()
        return structure

    def own_structure(self, deleted: bool = False):
        structure = self.structure(created_by_id=self.w["stagiaire"].id)
        if deleted:
            directory.delete_structure(structure)
        return structure

    def merge(self):
        kept, merged = self.structure(), self.structure()
        return directory.merge_structures(directory.plan_merge(kept, merged), self.w["admin"])

    def referent_request(self):
        """A new référent of world["structure"] asks to be attached to it."""
        n = self.number()
        user = accounts.create_user(
            f"demandeuse{n}@exemple.fr", TEST_PASSWORD, "referent", f"Demandeuse {n}"
        )
        user.structure_id = self.w["structure"].id
        db.session.commit()
        return referents.request_attachment(user)

    def referent_without_attachment(self, role: str) -> str:
        """The world's référent gives up her attachment, so that she may ask again."""
        if role == "referent" and referents.active_attachments(self.w["referent"]):
            referents.withdraw(self.w["referent"])
        return "/compte/referent"

    def import_token(self) -> str:
        csv_text = f"nom;typologie;commune\nÉpicerie importée {self.number()};ES;Briare\n"
        return directory_importer.token_for(csv_text)

    def entry(self, cooperation_map=None, deleted: bool = False):
        cooperation_map = cooperation_map or self.w["map"]
        entry = maps.add_entry(cooperation_map, self.structure(), {"influence": 2})
        if deleted:
            maps.remove_entry(entry)
        return entry

    def link(self, deleted: bool = False):
        entry = self.entry()
        link, _created = maps.save_link(
            self.w["map"], self.w["structure"].id, entry.structure_id, LINK_VALUES
        )
        if deleted:
            maps.remove_link(link)
        return link

    def corrected_note(self) -> int:
        """A history entry of the trainee's map whose old value (a link's note) may be erased."""
        link = self.link()
        for note in ("Appeler le 06 12 34 56 78", "Corrigée"):
            values = {**LINK_VALUES, "note": note}
            maps.save_link(self.w["map"], link.source_id, link.target_id, values)
        return db.session.scalar(
            select(HistoryEvent.id)
            .where(HistoryEvent.kind == "link", HistoryEvent.record_id == link.id)
            .order_by(HistoryEvent.id.desc())
        )

    def own_map(self, deleted: bool = False):
        cooperation_map = maps.create_map(self.w["stagiaire"], "Carte à jeter", "Gien", None)
        if deleted:
            maps.remove_map(cooperation_map)
        return cooperation_map

    def training_session(self):
        """A session with one group, trained by the world's formateur."""
        training = TrainingSession(
            title=f"Session à jeter {self.number()}", module="Module 2", audience="Formateurs"
        )
        self.training_group(training)
        return training

    def training_group(self, training=None):
        group = Group(session=training or self.w["session"], name=f"Groupe {self.number()}")
        trainer = Membership(user=self.w["formateur"], role="formateur", joined_at=utcnow())
        group.memberships.append(trainer)
        db.session.add(group)
        db.session.commit()
        return group

    # ----- initiatives, presentations ---------------------------------------------------------

    def initiative(self, visibility: str = "groupe", deleted: bool = False):
        fields = {
            "title": f"Permanence au marché {self.number()}",
            "visibility": visibility,
            "group_id": self.w["group"].id if visibility == "groupe" else None,
            "structure_id": self.w["structure"].id,
            "consent": True,
            "techniques": ["lieux-de-vie"],
            "publics": [],
        }
        initiative = initiatives.create_initiative(self.w["stagiaire"], fields)
        if deleted:
            initiatives.remove_initiative(initiative)
        return initiative

    def effect(self, deleted: bool = False):
        initiative = self.initiative()
        effect = initiatives.add_effect(initiative, dict(EFFECT_VALUES), self.w["stagiaire"])
        if deleted:
            initiatives.remove_effect(effect)
        return initiative, effect

    def partner(self):
        initiative = self.initiative()
        initiatives.add_partner(initiative, self.w["partner"], "oriente les personnes")
        db.session.refresh(initiative)
        return initiative, initiative.partners[0]

    def presentation(self, deleted: bool = False):
        """The group's formateur's presentation with two initiatives of the shared base."""
        presentation = presentations.create_presentation(
            self.w["formateur"], f"Trois cas {self.number()}", self.w["group"]
        )
        for _ in range(2):
            presentations.add_item(presentation, self.initiative("base"))
        if deleted:
            presentations.remove_presentation(presentation)
        return presentation

    def item(self, position: int):
        presentation = self.presentation()
        return presentation, presentation.items[position - 1]

    # ----- the follow-up ----------------------------------------------------------------------

    def action(self, deleted: bool = False):
        fields = {
            "structure_id": self.w["partner"].id,
            "target_level": 4,
            "description": "Atteindre le niveau 4 avec CAF du Loiret",
            "status": "prevue",
            "map_id": self.w["map"].id,
        }
        action = plans.create_action(self.w["stagiaire"], fields)
        if deleted:
            plans.remove_action(action)
        return action

    def note(self, deleted: bool = False):
        note = plans.create_note(self.w["stagiaire"], {"text": "Première maraude avec la CAF."})
        if deleted:
            plans.remove_note(note)
        return note

    def statement(self, deleted: bool = False):
        statement = assessment.add_statement(self.w["session"], 1, f"Je sais {self.number()}.")
        if deleted:
            assessment.remove_statement(statement)
        return f"/sessions/{self.w['session'].id}/auto-positionnement/{statement.id}"

    def answers(self) -> dict:
        statements = assessment.statements_of(self.w["session"])
        return {f"s{statement.id}": "3" for statement in statements}


LINK_VALUES = {"level": 2, "status": "existant", "direction": "mutuel"}
EFFECT_VALUES = {
    "observed_on": date(2026, 10, 1),
    "dimension": "personnes",
    "indicator_code": "rencontrees",
    "value": 10.0,
    "comment": "Beaucoup de passage.",
}
EFFECT_FORM = {
    "observed_on": "2026-10-08",
    "dimension": "personnes",
    "indicator_code": "rencontrees",
    "value": "14",
    "comment": "Plus de monde.",
}
SESSION_FORM = {"title": "Aller vers – module 3", "module": "Module 3", "sectors": "Tous",
                "audience": "Travailleurs sociaux", "duration_days": "3", "duration_hours": "21",
                "objectives": "Objectif un\nObjectif deux"}  # fmt: skip
STRUCTURE_FORM = {"name": "CCAS d'Orléans", "typology": "CCAS", "commune": "Orléans",
                  "postal_code": "45000"}  # fmt: skip
TECHNIQUE_FORM = {"description": "Aller au-devant des personnes.", "conditions": "Un binôme.",
                  "vigilance": "Ne pas s'imposer."}  # fmt: skip


def _map(s: Scene, suffix: str = "", cooperation_map=None) -> str:
    return f"/cartes/{(cooperation_map or s.w['map']).id}{suffix}"


def _group(s: Scene, suffix: str = "") -> str:
    return f"/groupes/{s.w['group'].id}{suffix}"


def _initiative(initiative, suffix: str = "") -> str:
    return f"/initiatives/{initiative.id}{suffix}"


def _presentation(presentation, suffix: str = "") -> str:
    return f"/presentations/{presentation.id}{suffix}"


def _item(s: Scene, position: int, verb: str) -> str:
    presentation, item = s.item(position)
    return _presentation(presentation, f"/elements/{item.id}/{verb}")


def _suggestion(s: Scene, verb: str, cooperation_map=None) -> str:
    return _map(s, f"/suggestions/{s.structure().id}/{verb}", cooperation_map)


def _restore_suggestion(s: Scene) -> str:
    structure = s.structure()
    dismissals.dismiss(s.w["map"], structure, s.w["stagiaire"])
    return _map(s, f"/suggestions/{structure.id}/retablir")


def _link_form(s: Scene, entry) -> dict:
    return {"source_id": str(s.w["structure"].id), "target_id": str(entry.structure_id),
            "status": "existant", "level": "3", "direction": "mutuel"}  # fmt: skip


def _own_group(s: Scene, role: str) -> int:
    return s.w["other_group" if role == "formateur_autre" else "group"].id


def _initiative_form(s: Scene, role: str, **fields) -> dict:
    user = s.w.get(role)
    return {"title": "Maraude du jeudi", "status": "en_cours", "visibility": "privee",
            "structure_id": str(user.structure_id if user else s.w["structure"].id),
            "techniques": "maraude", **fields}  # fmt: skip


def _edit_effect(s: Scene, suffix: str = "", deleted: bool = False) -> str:
    initiative, effect = s.effect(deleted)
    return _initiative(initiative, f"/effets/{effect.id}{suffix}")


def versioned(record, data: dict) -> dict:
    """The form as its page sends it: with the version of the record it was opened on (an
    earlier role's save may have changed it)."""
    if record is None:
        return data
    db.session.refresh(record)
    return {**data, "version": str(record.version)}


def _edit_entry(s: Scene) -> tuple[str, dict]:
    entry = s.entry()
    data = {"influence": "4", "note": "Partenaire historique."}
    return _map(s, f"/structures/{entry.id}/modifier"), versioned(entry, data)


def _edit_initiative(s: Scene, visibility: str) -> tuple[str, dict]:
    initiative = s.initiative(visibility)
    group = {"group_id": str(s.w["group"].id)} if visibility == "groupe" else {}
    data = _initiative_form(s, "stagiaire", visibility=visibility, **group)
    return _initiative(initiative, "/modifier"), versioned(initiative, data)


def _effect_form(s: Scene) -> tuple[str, dict]:
    initiative, effect = s.effect()
    return _initiative(initiative, f"/effets/{effect.id}"), versioned(effect, EFFECT_FORM)


def _technique_form() -> dict:
    note = techniques.note_of("maraude")  # version 0: no note yet
    return versioned(note, TECHNIQUE_FORM) if note else {**TECHNIQUE_FORM, "version": "0"}


def _edit_presentation(s: Scene) -> tuple[str, dict]:
    presentation = s.presentation()
    data = {"title": "Deux cas", "group_id": str(s.w["group"].id)}
    return _presentation(presentation, "/modifier"), versioned(presentation, data)


def _edit_action(s: Scene) -> tuple[str, dict]:
    action = s.action()
    data = {"structure_id": str(s.w["partner"].id), "target_level": "3",
            "description": "Rencontrer la CAF", "status": "en_cours"}  # fmt: skip
    return f"/plan-d-action/{action.id}/modifier", versioned(action, data)


def _edit_note(s: Scene) -> tuple[str, dict]:
    note = s.note()
    return f"/journal/{note.id}/modifier", versioned(note, {"text": "Note relue."})


def _edit_statement(s: Scene) -> tuple[str, dict]:
    statement = assessment.add_statement(s.w["session"], 1, f"Je sais {s.number()}.")
    path = f"/sessions/{s.w['session'].id}/auto-positionnement/{statement.id}/modifier"
    return path, versioned(statement, {"objective": "1", "text": "Je sais dire."})


def _window_form(s: Scene) -> dict:
    data = {"opens_on": "2026-01-05", "closes_on": "2026-12-18"}
    return versioned(assessment.window_of(s.w["group"], "suivi"), data)


def _remove_partner(s: Scene) -> str:
    initiative, partner = s.partner()
    return _initiative(initiative, f"/partenaires/{partner.id}/retirer")


def _restore_item(s: Scene) -> str:
    presentation, extra = s.presentation(), s.initiative("base")
    return _presentation(presentation, f"/elements/restaurer?initiative_id={extra.id}&position=1")


def _second_factor(user, *, enabled: bool = True) -> str:
    """A fresh authenticator for `user` (none of its codes used yet); returns its current code."""
    second_factor.remove(user)
    factor = second_factor.begin(user)
    if enabled:
        factor.enabled_at = utcnow()
        second_factor.new_recovery_codes(user)
    return pyotp.TOTP(second_factor.secret_of(factor)).now()


def _own_second_factor(s: Scene, r: str, path: str, *, enabled: bool = True, **data) -> tuple:
    code = _second_factor(s.w[r], enabled=enabled) if r in s.w else "000000"
    return f"/compte/double-authentification/{path}", {"code": code, **data}


def _user_with_second_factor(s: Scene):
    user = s.user()
    _second_factor(user)
    return user


def _add_item(s: Scene) -> dict:
    presentation, extra = s.presentation(), s.initiative("base")
    return {"presentation_id": str(presentation.id), "initiative_id": str(extra.id)}


ACTIONS: dict[str, Action] = {
    # ----- accounts ---------------------------------------------------------------------------
    "admin.create_user": Action(
        lambda s, r: (
            "/admin/utilisateurs/nouveau",
            {
                "email": f"nouveau{s.number()}@exemple.fr",
                "password": "une phrase de passe",
                "role": "stagiaire",
                "name": "Nouvelle personne",
                "structure_id": "",
            },
        ),
        ADMIN,
    ),
    "admin.edit_user": Action(
        lambda s, r: (
            f"/admin/utilisateurs/{s.user().id}",
            {"name": "Nom corrigé", "role": "referent", "structure_id": ""},
        ),
        ADMIN,
    ),
    "admin.disable_user": Action(
        lambda s, r: (f"/admin/utilisateurs/{s.user().id}/desactiver", {}), ADMIN
    ),
    "admin.close_user_sessions": Action(
        lambda s, r: (f"/admin/utilisateurs/{s.signed_in_user()}/fermer-sessions", {}), ADMIN
    ),
    "admin.enable_user": Action(
        lambda s, r: (f"/admin/utilisateurs/{s.user(enabled=False).id}/reactiver", {}), ADMIN
    ),
    "auth.account": Action(
        lambda s, r: (
            "/compte",
            {
                "name": "Nom corrigé",
                "job_title": "CESF",
                "structure_id": str(s.w[r].structure_id) if r in s.w else "",
            },
        ),
        SIGNED_IN,
    ),
    "auth.change_password": Action(
        lambda s, r: (
            "/compte/mot-de-passe",
            {"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
        SIGNED_IN,
    ),
    "auth.logout": Action(lambda s, r: ("/deconnexion", {}), SIGNED_IN),
    "auth.close_session": Action(
        lambda s, r: (f"/compte/sessions/{s.other_session(r)}/fermer", {}), SIGNED_IN
    ),
    "auth.close_other_sessions": Action(
        lambda s, r: ("/compte/sessions/fermer-les-autres", {}), SIGNED_IN
    ),
    # admins for anyone, a formateur for the trainees of his group (tests/auth/test_password_reset)
    "auth.issue_reset_link": Action(
        lambda s, r: (f"/mot-de-passe/lien/{s.trainee_of_group().id}", {}), MANAGERS
    ),
    # the second factor: everyone's own (after auth.change_password, hence the new password).
    "auth.begin_second_factor": Action(
        lambda s, r: ("/compte/double-authentification/activer", {}), SIGNED_IN
    ),
    "auth.confirm_second_factor": Action(
        lambda s, r: _own_second_factor(s, r, "confirmer", enabled=False), SIGNED_IN
    ),
    "auth.change_recovery_codes": Action(
        lambda s, r: _own_second_factor(s, r, "codes-de-secours", password=NEW_PASSWORD),
        SIGNED_IN,
    ),
    "auth.deactivate_second_factor": Action(
        lambda s, r: _own_second_factor(s, r, "desactiver", password=NEW_PASSWORD), SIGNED_IN
    ),
    "admin.site_settings": Action(lambda s, r: ("/admin/parametres", {}), ADMIN),
    "admin.remove_second_factor": Action(
        lambda s, r: (
            f"/admin/utilisateurs/{_user_with_second_factor(s).id}/double-authentification/retirer",
            {"confirm": "y"},
        ),
        ADMIN,
    ),
    # everyone may delete their own account (`actors` adds a second admin: the last one may not);
    # it runs after auth.change_password, hence the new password.
    "auth.delete_account": Action(
        lambda s, r: ("/compte/supprimer", {"password": NEW_PASSWORD}), SIGNED_IN
    ),
    "admin.delete_user": Action(
        lambda s, r: (f"/admin/utilisateurs/{s.user().id}/supprimer", {"password": TEST_PASSWORD}),
        ADMIN,
    ),
    "history.restore": Action(
        lambda s, r: (f"/corbeille/carte/{s.own_map(deleted=True).id}/restaurer", {}),
        {"stagiaire", "formateur", "admin"},
    ),
    # the map's owner (or whoever made the change) and admins; its formateur reads, no more.
    "history.purge": Action(
        lambda s, r: (f"/historique/entree/{s.corrected_note()}/effacer", {}),
        {"stagiaire", "admin"},
    ),
    "training.delete_session": Action(
        lambda s, r: (f"/sessions/{s.training_session().id}/supprimer", {}), MANAGERS
    ),
    "training.delete_group": Action(
        lambda s, r: (f"/groupes/{s.training_group().id}/supprimer", {}), MANAGERS
    ),
    # ----- sessions and groups ----------------------------------------------------------------
    "training.create_session": Action(lambda s, r: ("/sessions/nouvelle", SESSION_FORM), STAFF),
    "training.edit_session": Action(
        lambda s, r: (
            f"/sessions/{s.w['session'].id}/modifier",
            versioned(s.w["session"], SESSION_FORM),
        ),
        STAFF,
    ),
    "training.create_group": Action(
        lambda s, r: (
            f"/sessions/{s.w['session'].id}/groupes/nouveau",
            {"name": "Groupe 3 Blois", "city": "Blois"},
        ),
        STAFF,
    ),
    "training.edit_group": Action(
        lambda s, r: (
            _group(s, "/modifier"),
            versioned(
                s.w["group"],
                {
                    "name": "Groupe 1 Orléans",
                    "city": "Orléans",
                    "trainer_ids": str(s.w["formateur"].id),
                },
            ),
        ),
        MANAGERS,
    ),
    "training.regenerate_code": Action(lambda s, r: (_group(s, "/code"), {}), MANAGERS),
    "training.close_code": Action(lambda s, r: (_group(s, "/code/fermer"), {}), MANAGERS),
    "training.remove_member": Action(
        lambda s, r: (_group(s, f"/membres/{s.trainee_of_group().id}/retirer"), {}), MANAGERS
    ),
    # ----- the directory ----------------------------------------------------------------------
    "directory.create_structure": Action(
        lambda s, r: (
            "/annuaire/nouvelle",
            {
                **STRUCTURE_FORM,
                "name": f"Épicerie {s.number()}",
                "commune": "Briare",
                "postal_code": "45250",
                "not_duplicate": "y",
            },
        ),
        SIGNED_IN,
    ),
    # world["structure"] has no creator: its référent, formateurs and admins edit it.
    "directory.edit_structure": Action(
        lambda s, r: (
            f"/annuaire/{s.w['structure'].id}/modifier",
            versioned(s.w["structure"], STRUCTURE_FORM),
        ),
        STAFF | {"referent"},
    ),
    # a structure the trainee added: she, formateurs and admins delete and restore it.
    "directory.delete_structure": Action(
        lambda s, r: (f"/annuaire/{s.own_structure().id}/supprimer", {}), STAFF | OWNER
    ),
    "directory.restore_structure": Action(
        lambda s, r: (f"/annuaire/{s.own_structure(deleted=True).id}/restaurer", {}),
        STAFF | OWNER,
    ),
    "directory.merge_structure": Action(
        lambda s, r: (
            f"/annuaire/{s.structure().id}/fusionner",
            {"absorber": str(s.structure().id)},
        ),
        STAFF,
    ),
    "directory.undo_merge": Action(
        lambda s, r: (f"/annuaire/fusions/{s.merge().id}/annuler", {}), STAFF
    ),
    # a request on world["structure"]: administrators and its (granted) référent decide it.
    "directory.approve_referent": Action(
        lambda s, r: (f"/annuaire/demandes-referents/{s.referent_request().id}/valider", {}),
        {"admin", "referent"},
    ),
    "directory.refuse_referent": Action(
        lambda s, r: (f"/annuaire/demandes-referents/{s.referent_request().id}/refuser", {}),
        {"admin", "referent"},
    ),
    # only a référent asks (for the structure on her account), or withdraws.
    "directory.request_referent": Action(
        lambda s, r: (s.referent_without_attachment(r), {}), {"referent"}
    ),
    "directory.withdraw_referent": Action(
        lambda s, r: ("/compte/referent/retirer", {}), {"referent"}
    ),
    "directory.import_structures": Action(
        lambda s, r: (
            "/annuaire/import",
            {"file": (b"nom;typologie;commune\nEpicerie de Gien;ES;Gien\n", "s.csv")},
        ),
        STAFF,
    ),
    "directory.confirm_import": Action(
        lambda s, r: ("/annuaire/import/confirmer", {"token": s.import_token()}), STAFF
    ),
    # ----- maps (world["map"] is the trainee's own) -------------------------------------------
    "maps.create_map": Action(
        lambda s, r: ("/cartes/nouvelle", {"title": "Nouvelle carte", "focal_structure_id": ""}),
        SIGNED_IN,
    ),
    "maps.edit_map": Action(
        lambda s, r: (
            _map(s, "/modifier"),
            versioned(
                s.w["map"],
                {
                    "title": "Ma carte",
                    "territory": "Orléans",
                    "focal_structure_id": str(s.w["structure"].id),
                },
            ),
        ),
        OWNER,
    ),
    "maps.delete_map": Action(lambda s, r: (_map(s, "/supprimer", s.own_map()), {}), OWNER),
    "maps.restore_map": Action(
        lambda s, r: (_map(s, "/restaurer", s.own_map(deleted=True)), {}),
        {"stagiaire", "formateur", "admin"},  # as the trash (history.restore)
    ),
    "maps.add_entry": Action(
        lambda s, r: (
            _map(s, "/structures"),
            {"structure_id": str(s.structure().id), "influence": "3"},
        ),
        OWNER,
    ),
    # the workshop around the group map: its formateurs and admins.
    "maps.close_workshop": Action(
        lambda s, r: (_map(s, "/clore", s.w["group_map"]), {"label": "Atelier"}), MANAGERS
    ),
    "maps.reopen": Action(lambda s, r: (_map(s, "/rouvrir", s.w["group_map"]), {}), MANAGERS),
    "maps.close_group_workshop": Action(
        lambda s, r: (_group(s, "/clore"), {"label": "Atelier"}), MANAGERS
    ),
    # the group's map: its members (trainees and formateur) edit it.
    "maps.add_entry#group": Action(
        lambda s, r: (
            _map(s, "/structures", s.w["group_map"]),
            {"structure_id": str(s.structure().id), "influence": "3"},
        ),
        {"stagiaire", "formateur"},
    ),
    "maps.edit_entry": Action(lambda s, r: _edit_entry(s), OWNER),
    "maps.remove_entry": Action(
        lambda s, r: (_map(s, f"/structures/{s.entry().id}/supprimer"), {}), OWNER
    ),
    "maps.restore_entry": Action(
        lambda s, r: (_map(s, f"/structures/{s.entry(deleted=True).id}/restaurer"), {}), OWNER
    ),
    "maps.add_link": Action(lambda s, r: (_map(s, "/liens"), _link_form(s, s.entry())), OWNER),
    "maps.edit_link": Action(
        lambda s, r: (
            _map(s, f"/liens/{s.w['link'].id}/modifier"),
            versioned(
                s.w["link"],
                {
                    "source_id": str(s.w["structure"].id),
                    "target_id": str(s.w["partner"].id),
                    "status": "existant",
                    "level": "4",
                    "direction": "mutuel",
                },
            ),
        ),
        OWNER,
    ),
    "maps.remove_link": Action(
        lambda s, r: (_map(s, f"/liens/{s.link().id}/supprimer"), {}), OWNER
    ),
    "maps.restore_link": Action(
        lambda s, r: (_map(s, f"/liens/{s.link(deleted=True).id}/restaurer"), {}), OWNER
    ),
    "maps.import_links": Action(
        lambda s, r: (_map(s, "/import"), {"lines": "CCAS d'Orléans → Mission locale, niveau 3"}),
        OWNER,
    ),
    "maps.copy_to_group": Action(
        lambda s, r: (_map(s, "/copier"), {"group_id": str(s.w["group"].id)}), OWNER
    ),
    "analysis.save_positions": Action(
        lambda s, r: (
            _map(s, "/positions"),
            {"positions": json.dumps({str(s.w["partner"].id): [10, 20]})},
        ),
        OWNER,
    ),
    # the analysis's suggested partners: whoever may change the map (the group's members too).
    "analysis.dismiss": Action(lambda s, r: (_suggestion(s, "ecarter"), {}), OWNER),
    "analysis.dismiss#group": Action(
        lambda s, r: (_suggestion(s, "ecarter", s.w["group_map"]), {}), {"stagiaire", "formateur"}
    ),
    "analysis.restore": Action(lambda s, r: (_restore_suggestion(s), {}), OWNER),
    "analysis.wish_link": Action(lambda s, r: (_suggestion(s, "lien-souhaite"), {}), OWNER),
    "analysis.plan_action": Action(lambda s, r: (_suggestion(s, "plan-d-action"), {}), OWNER),
    # formateurs and admins read the map and its snapshots; only its owner takes one.
    "analysis.snapshots": Action(
        lambda s, r: (_map(s, "/instantanes"), {"label": "Début de formation"}), OWNER
    ),
    # ----- initiatives (the trainee's, shared with her group) ---------------------------------
    "initiatives.create_initiative": Action(
        lambda s, r: ("/initiatives/nouvelle", _initiative_form(s, r)), SIGNED_IN
    ),
    "initiatives.edit_initiative": Action(lambda s, r: _edit_initiative(s, "groupe"), EDITORS),
    # once in the shared base, the référent of the carrying structure edits it too.
    "initiatives.edit_initiative#base": Action(
        lambda s, r: _edit_initiative(s, "base"), EDITORS | {"referent"}
    ),
    "initiatives.save_draft": Action(
        lambda s, r: (_initiative(s.initiative(), "/brouillon"), {"summary": "En cours…"}),
        EDITORS,
    ),
    "initiatives.delete_initiative": Action(
        lambda s, r: (_initiative(s.initiative(), "/supprimer"), {}), EDITORS
    ),
    "initiatives.restore_initiative": Action(
        lambda s, r: (_initiative(s.initiative(deleted=True), "/restaurer"), {}), EDITORS
    ),
    "initiatives.toggle_reference": Action(
        lambda s, r: (_initiative(s.initiative("base"), "/reference"), {}), STAFF
    ),
    "initiatives.add_partner": Action(
        lambda s, r: (
            _initiative(s.initiative(), "/partenaires"),
            {"structure_id": str(s.w["partner"].id), "role": "oriente"},
        ),
        EDITORS,
    ),
    "initiatives.remove_partner": Action(lambda s, r: (_remove_partner(s), {}), EDITORS),
    "initiatives.add_effect": Action(
        lambda s, r: (_initiative(s.initiative(), "/effets"), EFFECT_FORM), EDITORS
    ),
    "initiatives.edit_effect": Action(lambda s, r: _effect_form(s), EDITORS),
    "initiatives.delete_effect": Action(lambda s, r: (_edit_effect(s, "/supprimer"), {}), EDITORS),
    "initiatives.restore_effect": Action(
        lambda s, r: (_edit_effect(s, "/restaurer", deleted=True), {}), EDITORS
    ),
    "initiatives.edit_technique": Action(
        lambda s, r: ("/techniques/maraude/modifier", _technique_form()), STAFF
    ),
    # ----- presentations (the group's formateur's) --------------------------------------------
    "initiatives.create_presentation": Action(
        lambda s, r: (
            "/presentations/nouvelle",
            {"title": "Trois cas", "group_id": str(_own_group(s, r))},
        ),
        STAFF,
    ),
    "initiatives.edit_presentation": Action(lambda s, r: _edit_presentation(s), MANAGERS),
    "initiatives.delete_presentation": Action(
        lambda s, r: (_presentation(s.presentation(), "/supprimer"), {}), MANAGERS
    ),
    "initiatives.restore_presentation": Action(
        lambda s, r: (_presentation(s.presentation(deleted=True), "/restaurer"), {}), MANAGERS
    ),
    "initiatives.add_item": Action(lambda s, r: ("/presentations/ajouter", _add_item(s)), MANAGERS),
    "initiatives.move_item_up": Action(lambda s, r: (_item(s, 2, "monter"), {}), MANAGERS),
    "initiatives.move_item_down": Action(lambda s, r: (_item(s, 1, "descendre"), {}), MANAGERS),
    "initiatives.save_notes": Action(
        lambda s, r: (_item(s, 1, "notes"), {"notes": "Insister sur le binôme."}), MANAGERS
    ),
    "initiatives.remove_item": Action(lambda s, r: (_item(s, 1, "retirer"), {}), MANAGERS),
    "initiatives.restore_item": Action(lambda s, r: (_restore_item(s), {}), MANAGERS),
    # ----- the follow-up ----------------------------------------------------------------------
    # an action comes from a map the person may open: the trainee's, her formateur's, admins'.
    "followup.create_action": Action(
        lambda s, r: (
            "/plan-d-action/nouvelle",
            {
                "map_id": str(s.w["map"].id),
                "structure_id": str(s.w["partner"].id),
                "target_level": "4",
                "description": "Rencontrer la CAF",
                "status": "prevue",
            },
        ),
        {"stagiaire", "formateur", "admin"},
    ),
    # a personal action is its owner's alone, not even an admin's (as a journal note).
    "followup.edit_action": Action(lambda s, r: _edit_action(s), OWNER),
    "followup.set_action_status": Action(
        lambda s, r: (f"/plan-d-action/{s.action().id}/statut", {"status": "faite"}), OWNER
    ),
    "followup.delete_action": Action(
        lambda s, r: (f"/plan-d-action/{s.action().id}/supprimer", {}), OWNER
    ),
    "followup.restore_action": Action(
        lambda s, r: (f"/plan-d-action/{s.action(deleted=True).id}/restaurer", {}), OWNER
    ),
    "followup.create_note": Action(lambda s, r: ("/journal/nouvelle", {"text": "Note"}), SIGNED_IN),
    # a journal note is its author's alone, not even an admin's.
    "followup.edit_note": Action(lambda s, r: _edit_note(s), OWNER),
    "followup.delete_note": Action(lambda s, r: (f"/journal/{s.note().id}/supprimer", {}), OWNER),
    "followup.restore_note": Action(
        lambda s, r: (f"/journal/{s.note(deleted=True).id}/restaurer", {}), OWNER
    ),
    "followup.edit_statements": Action(
        lambda s, r: (
            f"/sessions/{s.w['session'].id}/auto-positionnement",
            {"objective": "2", "text": "Je sais cartographier."},
        ),
        STAFF,
    ),
    "followup.edit_statement": Action(lambda s, r: _edit_statement(s), STAFF),
    "followup.move_statement_up": Action(lambda s, r: (s.statement() + "/monter", {}), STAFF),
    "followup.move_statement_down": Action(lambda s, r: (s.statement() + "/descendre", {}), STAFF),
    "followup.remove_statement": Action(lambda s, r: (s.statement() + "/supprimer", {}), STAFF),
    "followup.restore_statement": Action(
        lambda s, r: (s.statement(deleted=True) + "/restaurer", {}), STAFF
    ),
    "followup.save_window": Action(
        lambda s, r: (
            _group(s, "/auto-positionnement/calendrier/suivi"),
            _window_form(s),
        ),
        MANAGERS,
    ),
    "followup.answer": Action(
        lambda s, r: (_group(s, "/auto-positionnement/debut"), s.answers()), OWNER
    ),
    "followup.attendance": Action(lambda s, r: (_group(s, "/emargement"), {}), MANAGERS),
}


def endpoint_of(name: str) -> str:
    return name.split("#")[0]


# ----- the sweep ------------------------------------------------------------------------------


@pytest.fixture
def actors(world, make_structure):
    """The world where everyone has an employer: each may then name one in an initiative."""
    for role in ("formateur", "formateur_autre", "admin", "stagiaire_autre"):
        world[role].structure_id = make_structure(name=f"Employeur de {role}").id
    accounts.create_user("admin2@exemple.fr", TEST_PASSWORD, "admin", "Seconde administratrice")
    db.session.commit()
    return world


def snapshot() -> dict[str, str]:
    """A digest of every row of every table: any change to any record shows."""
    db.session.expire_all()
    digests = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOT_RECORDS:
            continue
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def token_of(client, role: str) -> str:
    return csrf_token(client, "/connexion" if role == "anonyme" else "/")


def form(data: dict, token: str) -> dict:
    """The form with its token; (bytes, filename) is a file to upload, made anew each time."""
    files = {
        key: (io.BytesIO(value[0]), value[1], "text/csv")
        for key, value in data.items()
        if isinstance(value, tuple)
    }
    return {**data, **files, "csrf_token": token}


def test_every_action_has_an_expectation(app):
    routes = {rule.endpoint for rule in mutating_rules(app)}
    listed = {endpoint_of(name) for name in ACTIONS}
    missing = routes - listed - PUBLIC_ACTIONS
    assert not missing, f"actions sans attente dans tests/test_actions.py : {sorted(missing)}"
    assert not listed - routes, "attentes pour des routes qui n'existent plus"


def refusal_problem(response, role: str, htmx: bool) -> str | None:
    if role == "anonyme" and htmx:
        redirect = response.headers.get("HX-Redirect", "")
        ok = response.status_code == 401 and redirect.startswith("/connexion?next=")
    elif role == "anonyme":
        location = response.headers.get("Location", "")
        ok = response.status_code == 302 and location.startswith("/connexion?next=")
    else:
        ok = response.status_code == 404
    return None if ok else f"réponse {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_refused_actions_answer_404_and_change_nothing(client_as, actors, role):
    client = client_as(role)
    token = token_of(client, role)
    scene = Scene(actors)
    refused = [
        (name, *action.build(scene, role))
        for name, action in sorted(ACTIONS.items())
        if role not in action.allowed
    ]
    before = snapshot()
    problems = []
    for name, path, data in refused:
        for htmx in (False, True):
            headers = {"HX-Request": "true"} if htmx else {}
            response = client.post(path, data=form(data, token), headers=headers)
            problem = refusal_problem(response, role, htmx)
            after = snapshot()
            changed = sorted(table for table in after if after[table] != before[table])
            if changed:
                problem = f"{problem or ''} tables modifiées : {changed}"
                before = after
            if problem:
                problems.append(f"{name} {path} (htmx={htmx}) : {problem}")
    assert not problems, "\n".join(problems)


DOMAINS = sorted({name.split(".")[0] for name in ACTIONS})


@pytest.mark.parametrize("domain", DOMAINS)
def test_allowed_roles_may_act(app, actors, domain):
    """One world per domain: each action builds its own record, so they do not interfere."""
    clients: dict[str, tuple] = {}
    deleted: set[str] = set()  # roles whose account an action deleted
    problems = []
    for name, action in sorted(ACTIONS.items()):
        if not name.startswith(f"{domain}."):
            continue
        for role in sorted(action.allowed - deleted):
            if role not in clients:  # signed in once: a changed password must not lock it out
                client = app.test_client()
                sign_in(client, actors[role].email)
                clients[role] = (client, token_of(client, role))
            client, token = clients[role]
            path, data = action.build(Scene(actors), role)
            response = client.post(path, data=form(data, token))
            if response.status_code >= 400:
                page = visible_text(response)[-600:]
                problems.append(f"{name} {role} : {response.status_code} {page}")
            if name in ("auth.logout", "auth.delete_account"):
                del clients[role]
            if name == "auth.delete_account":
                deleted.add(role)
    assert not problems, "\n".join(problems)
