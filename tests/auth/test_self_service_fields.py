"""Class sweep (issue #14): no field a person sets about themselves widens what they may see or
change. A right must be granted by someone else (an administrator, a référent, a formateur's
invitation code), never typed.

The forms are found by reading the self-service views (every route under /compte, /rejoindre,
/connexion): a new form or a new field there that is not listed in FIELDS fails the first test.
Each listed field is then set to values that point at other people's records (another
structure, another group, role-like words…), with extra fields a form does not have (role,
user id…) riding along, and what the person may see or change — from the access rules, and
from every GET page of tests/test_pages.py — must not grow.
"""

import inspect

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from allervers.auth.models import User
from allervers.directory import access as directory_access
from allervers.directory import services as directory
from allervers.directory.models import ReferentAttachment, Structure
from allervers.extensions import db
from allervers.history import access as history_access
from allervers.history.kinds import kinds
from allervers.initiatives import access as initiatives_access
from allervers.initiatives import services as initiatives
from allervers.initiatives.models import Initiative
from allervers.maps import access as maps_access
from allervers.maps.models import CooperationMap
from allervers.training import services as training
from allervers.training.access import group_ids_of
from tests.helpers import TEST_PASSWORD, csrf_token
from tests.test_pages import PAGES

SELF_SERVICE = ("/compte", "/rejoindre", "/connexion")
NOT_FIELDS = {"csrf_token", "submit"}
NEW = "-1"  # « Autre (à saisir) »

# form → field → values pointing at someone else's records (built from the scene); a field a
# form gains must be listed here, with the values that would abuse it.
FIELDS = {
    "ProfileForm": {
        "name": lambda s: ["Administrateur", s["admin"].name],
        "job_title": lambda s: ["Administrateur de la plateforme", "referent", "formateur"],
        "structure_id": lambda s: [s["victim"].id, s["partner"].id, s["gone"].id, 999_999, NEW],
        "new_structure_name": lambda s: [s["victim"].name],
        "new_structure_commune": lambda s: [s["victim"].commune],
        "new_structure_postal_code": lambda s: [s["victim"].postal_code],
        "new_structure_confirmed": lambda s: ["y"],
    },
    "JoinCodeForm": {"code": lambda s: [s["closed_code"], str(s["other_group"].id), "ADMIN"]},
    "JoinForm": {
        "code": lambda s: [s["closed_code"], str(s["other_group"].id)],
        "name": lambda s: ["Administrateur", s["referent"].name],
        "email": lambda s: [s["referent"].email, s["admin"].email.upper()],
        "password": lambda s: [TEST_PASSWORD],
        "confirm": lambda s: [TEST_PASSWORD],
        "job_title": lambda s: ["Administrateur", "referent"],
        "structure_id": lambda s: [s["victim"].id, s["gone"].id, 999_999],
        "new_structure_name": lambda s: [s["victim"].name],
        "new_structure_commune": lambda s: [s["victim"].commune],
        "new_structure_postal_code": lambda s: [s["victim"].postal_code],
        "new_structure_confirmed": lambda s: ["y"],
    },
    # credentials: they set nothing about the person but a password; swept all the same.
    "LoginForm": {
        "email": lambda s: [s["admin"].email],
        "password": lambda s: ["pas-le-bon-mot-de-passe"],
        "next": lambda s: ["/admin/utilisateurs", "https://ailleurs.example/"],
    },
    "PasswordChangeForm": {
        "current": lambda s: ["pas-le-bon-mot-de-passe"],
        "new": lambda s: ["une phrase de passe neuve"],
        "confirm": lambda s: ["une phrase de passe neuve"],
    },
    "DeleteAccountForm": {"password": lambda s: ["pas-le-bon-mot-de-passe"]},
    # the second factor: codes and a password, nothing about the person.
    "ConfirmEnrolmentForm": {"code": lambda s: ["000000", "admin"]},
    "SignInCodeForm": {"code": lambda s: ["000000", "abcd-efgh-jkmn"]},
    "NewRecoveryCodesForm": {"password": lambda s: ["pas-le-bon-mot-de-passe"]},
    "DeactivateForm": {
        "password": lambda s: ["pas-le-bon-mot-de-passe"],
        "code": lambda s: ["000000"],
    },
}


# Fields no self-service form has, sent with every submission: none may be taken up.
def extra(s) -> dict:
    admin = str(s["admin"].id)
    return {
        "role": "admin", "email": s["admin"].email, "is_enabled": "y", "is_admin": "1",
        "id": admin, "user_id": admin, "decided_by_id": admin, "status": "approved",
        "structure": str(s["victim"].id), "group_id": str(s["other_group"].id),
        "password_hash": "x",
    }  # fmt: skip


def typed_structure(s, field: str, value) -> dict:
    """« Autre (à saisir) » with the victim's name and place, one of them replaced."""
    victim = s["victim"]
    return {
        "structure_id": NEW, "new_structure_name": victim.name,
        "new_structure_commune": victim.commune,
        "new_structure_postal_code": victim.postal_code, field: str(value),
    }  # fmt: skip


def forms_named_by(view) -> dict[str, type]:
    """The form classes a view (and the module functions it calls) names in its code."""
    view = inspect.unwrap(view)
    found, seen, todo = {}, set(), [view]
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        for name in function.__code__.co_names:
            value = function.__globals__.get(name)
            if inspect.isclass(value) and issubclass(value, FlaskForm):
                found[name] = value
            elif inspect.isfunction(value) and value.__module__ == function.__module__:
                todo.append(value)
    return found


def self_service_forms(app) -> dict[str, type]:
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SELF_SERVICE):
            found.update(forms_named_by(app.view_functions[rule.endpoint]))
    return found


def field_names(form_class) -> set[str]:
    return set(form_class()._fields) - NOT_FIELDS


def test_every_field_a_person_sets_about_themselves_is_listed(app):
    forms = self_service_forms(app)
    assert {"ProfileForm", "JoinForm", "JoinCodeForm"} <= set(forms)
    assert set(forms) == set(FIELDS), "formulaire en libre-service non listé dans FIELDS"
    with app.test_request_context():
        for name, form_class in forms.items():
            assert field_names(form_class) == set(FIELDS[name]), f"champs de {name} à lister"


# ----- the scene -------------------------------------------------------------------------------


@pytest.fixture
def scene(world, make_structure):
    """The world, plus someone else's structure with a shared and a deleted initiative, a
    deleted structure, and the other group's code, closed."""
    victim = make_structure(name="Secours de Gien", commune="Gien", postal_code="45500")
    fields = {"visibility": "base", "group_id": None, "structure_id": victim.id,
              "consent": True, "techniques": ["maraude"], "publics": []}  # fmt: skip
    author = world["stagiaire_autre"]
    initiatives.create_initiative(author, {**fields, "title": "Maraude de Gien"})
    deleted = initiatives.create_initiative(author, {**fields, "title": "Permanence de Gien"})
    initiatives.remove_initiative(deleted)
    group_only = {**fields, "visibility": "groupe", "group_id": world["other_group"].id}
    initiatives.create_initiative(author, {**group_only, "title": "Atelier de Tours"})
    gone = make_structure(name="Structure supprimée", commune="Gien")
    directory.delete_structure(gone)
    closed_code = world["other_group"].current_code.code
    training.close_code(world["other_group"])
    return {**world, "victim": victim, "gone": gone, "closed_code": closed_code}


def reach(user_id: int) -> dict:
    """What the person may do, read from the access rules over every record."""
    db.session.expire_all()
    user = db.session.get(User, user_id)
    structures = db.session.scalars(select(Structure)).all()
    shared = db.session.scalars(select(Initiative)).all()
    map_ids = maps_access.visible_maps(user).with_only_columns(CooperationMap.id)
    return {
        "role": {user.role},
        "email": {user.email},
        "referent_of": set(db.session.scalars(directory_access.referent_structure_ids(user))),
        "decides_requests": {directory_access.can_see_referent_requests(user)} - {False},
        # a structure one added is one's own to keep right: only the others' count
        "structures": {
            s.id
            for s in structures
            if s.created_by_id != user.id and directory_access.can_edit(user, s)
        },
        "initiatives_seen": {i.id for i in shared if initiatives_access.can_view(user, i)},
        "initiatives_edited": {i.id for i in shared if initiatives_access.can_edit(user, i)},
        "groups": set(db.session.scalars(group_ids_of(user))),
        "maps": set(db.session.scalars(map_ids)),
        **{f"restorable_{name}": _restorable(user, kind) for name, kind in kinds().items()},
    }


def _restorable(user: User, kind) -> set[int]:
    return {record.id for record in db.session.scalars(history_access.restorable(user, kind))}


def widened(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in before if after[key] - before[key]}


def page_paths(scene) -> set[str]:
    """Every GET page of tests/test_pages.py (some builders make records: built once)."""
    return {build(scene) for build, *_rest in PAGES.values()}


def pages_answering(client, paths: set[str]) -> set[str]:
    return {path for path in paths if client.get(path).status_code == 200}


SIGNED_IN_FORMS = {
    "ProfileForm": ("/compte", lambda s, who: {"name": s[who].name, "job_title": "",
                                               "structure_id": str(s[who].structure_id or "")}),
    "JoinCodeForm": ("/rejoindre", lambda s, who: {}),
    "LoginForm": ("/connexion", lambda s, who: {"email": s[who].email, "password": "faux"}),
    "PasswordChangeForm": ("/compte/mot-de-passe", lambda s, who: {"current": TEST_PASSWORD}),
    "DeleteAccountForm": ("/compte/supprimer", lambda s, who: {"password": "faux"}),
    "ConfirmEnrolmentForm": ("/compte/double-authentification/confirmer", lambda s, who: {}),
    "SignInCodeForm": ("/connexion/code", lambda s, who: {}),
    "NewRecoveryCodesForm": ("/compte/double-authentification/codes-de-secours",
                             lambda s, who: {}),
    "DeactivateForm": ("/compte/double-authentification/desactiver",
                       lambda s, who: {"password": "faux", "code": "000000"}),
}  # fmt: skip


def submissions(scene, who: str):
    """(path, form data) for each listed field × each hostile value, other fields valid."""
    for form_name, (path, base) in SIGNED_IN_FORMS.items():
        for field, values in FIELDS[form_name].items():
            for value in values(scene):
                data = {**extra(scene), **base(scene, who), field: str(value)}
                if field.startswith("new_structure_") or (field == "structure_id" and value == NEW):
                    data.update(typed_structure(scene, field, value))
                yield path, data


def restore(scene, who: str, structure_id, attachments: list[tuple[int, str]]) -> None:
    """Put the person back as they were, so that each value is tried from the same start."""
    user = db.session.get(User, scene[who].id)
    user.structure_id = structure_id
    db.session.execute(
        ReferentAttachment.__table__.delete().where(ReferentAttachment.user_id == user.id)
    )
    for structure, status in attachments:
        attachment = ReferentAttachment(user_id=user.id, structure_id=structure, status=status)
        attachment.requested_at = user.created_at
        db.session.add(attachment)
    db.session.commit()


@pytest.mark.parametrize("who", ["referent", "stagiaire"])
def test_no_field_set_about_oneself_widens_ones_reach(client_as, scene, who):
    client = client_as(who)
    user_id, structure_id = scene[who].id, scene[who].structure_id
    query = select(ReferentAttachment.structure_id, ReferentAttachment.status)
    attachments = list(db.session.execute(query.where(ReferentAttachment.user_id == user_id)))
    paths = page_paths(scene)
    before, pages_before = reach(user_id), pages_answering(client, paths)
    assert pages_before  # the sweep reads real pages
    problems = []
    for path, data in submissions(scene, who):
        token = csrf_token(client, "/compte")
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code < 500, (path, data)
        gained = widened(before, reach(user_id))
        if gained:
            problems.append(f"{path} {data} → {gained}")
        restore(scene, who, structure_id, attachments)
    assert not problems, "\n".join(problems)
    # the worst case, left in place: another structure named, every extra field sent
    client.post("/compte", data={**extra(scene), "name": "X", "csrf_token": token,
                                 "structure_id": str(scene["victim"].id)})  # fmt: skip
    assert db.session.get(User, user_id).structure_id == scene["victim"].id
    assert not widened(before, reach(user_id))
    assert pages_answering(client, paths) <= pages_before


def test_joining_with_hostile_fields_gives_only_a_trainees_reach(app, scene):
    """/rejoindre creates an account from what a stranger types: it is a trainee of the
    code's group, whatever else was typed."""
    code = scene["group"].current_code.code
    base = {"code": code, "name": "Nouvelle Stagiaire", "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD, "job_title": "", "structure_id": ""}  # fmt: skip
    numbers = iter(range(1, 1000))

    def join(data: dict) -> int | None:
        client = app.test_client()
        email = f"nouvelle{next(numbers)}@exemple.fr"
        payload = {**extra(scene), **base, "email": email, **data}
        payload["csrf_token"] = csrf_token(client, "/rejoindre")
        response = client.post("/rejoindre", data=payload)
        assert response.status_code < 500, payload
        created = db.session.scalar(select(User).where(User.email.in_([email, data.get("email")])))
        return created.id if created and created.email == email else None

    baseline = reach(join({}))
    assert baseline["groups"] == {scene["group"].id}
    problems = []
    for field, values in FIELDS["JoinForm"].items():
        for value in values(scene):
            data = {field: str(value)}
            if field.startswith("new_structure_"):
                data = typed_structure(scene, field, value)
            user_id = join(data)
            if user_id is None:
                continue  # refused (an existing e-mail, a closed code): nothing was created
            got = reach(user_id)
            got["email"] = baseline["email"]
            gained = widened(baseline, got)
            if gained:
                problems.append(f"{data} → {gained}")
    assert not problems, "\n".join(problems)
    # the existing accounts named in the form were not touched
    assert db.session.get(User, scene["referent"].id).name != "Administrateur"
