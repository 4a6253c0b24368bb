"""Every create, update, delete and restore of a tracked record is recorded: who, what, when."""

from sqlalchemy import func, select

from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.history.models import HistoryEvent
from allervers.initiatives.models import Effect, Initiative
from allervers.maps.models import CooperationMap, MapEntry
from allervers.training.models import Group, TrainingSession
from tests.directory.test_edit import FORM as STRUCTURE_FORM
from tests.helpers import post_form
from tests.initiatives.test_initiatives import form_data as initiative_form
from tests.training.test_sessions_and_groups import GROUP_FORM, SESSION_FORM


def post(client, path, data=None, **kwargs):
    return post_form(client, path, data or {}, token_from="/", **kwargs)


def actions(events) -> list[str]:
    return [action for action, _actor, _changes in events]


def newest(model):
    return db.session.scalar(select(model).order_by(model.id.desc()))


def count_events() -> int:
    return db.session.scalar(select(func.count()).select_from(HistoryEvent))


def test_a_structure_created_edited_deleted_restored(client_as, world, recorded):
    client, me = client_as("stagiaire_autre"), world["stagiaire_autre"].id
    post(client, "/annuaire/nouvelle", STRUCTURE_FORM)
    structure = newest(Structure)
    path = f"/annuaire/{structure.id}"
    edited = {**STRUCTURE_FORM, "phone": "02 38 11 11 11", "publics": ["travailleurs-precaires"]}
    assert post(client, f"{path}/modifier", {**edited, "version": "1"}).status_code == 303
    post(client, f"{path}/supprimer")
    post(client, f"{path}/restaurer")
    events = recorded("structure", structure.id)
    assert actions(events) == ["create", "update", "delete", "restore"]
    assert {actor for _action, actor, _changes in events} == {me}
    created = events[0][2]
    assert created["name"] == [None, "Épicerie solidaire de Briare"]
    assert created["publics"] == [None, ["familles-monoparentales", "travailleurs-precaires"]]
    assert "search_text" not in created  # derived caches are not history
    assert "version" not in created
    assert events[1][2] == {
        "phone": ["02 38 00 00 00", "02 38 11 11 11"],
        "publics": [
            ["familles-monoparentales", "travailleurs-precaires"],
            ["travailleurs-precaires"],
        ],
    }
    assert events[2][2] == {}


def test_a_map_created_edited_deleted_restored(client_as, world, recorded):
    client, me = client_as("stagiaire"), world["stagiaire"].id
    data = {"title": "Réseau", "territory": "Gien", "focal_structure_id": world["structure"].id}
    post(client, "/cartes/nouvelle", data)
    cooperation_map = newest(CooperationMap)
    path = f"/cartes/{cooperation_map.id}"
    post(client, f"{path}/modifier", {**data, "title": "Réseau de Gien", "version": "1"})
    post(client, f"{path}/supprimer")
    post(client, f"{path}/restaurer")
    events = recorded("map", cooperation_map.id)
    assert actions(events) == ["create", "update", "delete", "restore"]
    assert all(actor == me for _action, actor, _changes in events)
    assert events[0][2]["focal_structure_id"] == [None, world["structure"].id]
    assert events[1][2] == {"title": ["Réseau", "Réseau de Gien"]}  # not content_version
    # its focal structure was placed on it at once: recorded as the entry's creation
    entry = db.session.scalar(select(MapEntry).where(MapEntry.map_id == cooperation_map.id))
    assert actions(recorded("entry", entry.id)) == ["create"]


def test_entries_and_links_of_a_map(client_as, world, make_structure, recorded):
    client, me, own = client_as("stagiaire"), world["stagiaire"].id, world["map"]
    mission = make_structure(name="Mission locale", typology="ML")
    path = f"/cartes/{own.id}"
    post(client, f"{path}/structures", {"structure_id": mission.id, "influence": "3"})
    entry = newest(MapEntry)
    link = world["link"]
    data = {"source_id": link.source_id, "target_id": link.target_id, "status": "existant",
            "level": "4", "direction": "mutuel", "note": "Réunion mensuelle",
            "version": str(link.version)}  # fmt: skip
    assert post(client, f"{path}/liens/{link.id}/modifier", data).status_code == 303
    post(client, f"{path}/liens/{link.id}/supprimer")
    post(client, f"{path}/liens/{link.id}/restaurer")
    post(client, f"{path}/structures/{entry.id}/supprimer")
    assert recorded("entry", entry.id) == [
        ("create", me, {"structure_id": [None, mission.id], "influence": [None, 3]}),
        ("delete", me, {}),
    ]
    events = recorded("link", link.id)
    assert actions(events) == ["create", "update", "delete", "restore"]
    assert events[0][1] is None  # the fixture wrote it outside any request
    assert events[1] == ("update", me, {"level": [2, 4], "note": [None, "Réunion mensuelle"]})


def test_an_initiative_and_its_effects(client_as, world, recorded):
    client, me = client_as("stagiaire"), world["stagiaire"].id
    post_form(client, "/initiatives/nouvelle", initiative_form(world), token_from="/initiatives")
    initiative = newest(Initiative)
    path = f"/initiatives/{initiative.id}"
    post(client, f"{path}/brouillon", {"title": "Texte en cours"}, htmx=True)  # not history
    edited = initiative_form(
        world, title="Permanence du samedi", techniques=["lieux-de-vie"], version="1"
    )
    assert post(client, f"{path}/modifier", edited).status_code == 303
    effect_data = {"observed_on": "2026-10-03", "dimension": "personnes",
                   "indicator_code": "rencontrees", "value": "15"}  # fmt: skip
    post(client, f"{path}/effets", effect_data)
    effect = newest(Effect)
    post(client, f"{path}/effets/{effect.id}", {**effect_data, "value": "18", "version": "1"})
    post(client, f"{path}/effets/{effect.id}/supprimer")
    post(client, f"{path}/supprimer")
    post(client, f"{path}/restaurer")
    events = recorded("initiative", initiative.id)
    assert actions(events) == ["create", "update", "delete", "restore"]
    assert events[0][2]["techniques"] == [None, ["lieux-de-vie", "permanence-delocalisee"]]
    assert events[0][2]["started_on"] == [None, "2026-03-01"]
    assert events[1] == (
        "update",
        me,
        {
            "title": ["Permanence au marché de La Source", "Permanence du samedi"],
            "techniques": [["lieux-de-vie", "permanence-delocalisee"], ["lieux-de-vie"]],
        },
    )
    effect_events = recorded("effect", effect.id)
    assert actions(effect_events) == ["create", "update", "delete"]
    assert effect_events[1] == ("update", me, {"value": [15.0, 18.0]})


def test_sessions_and_groups(client_as, world, recorded):
    client, me = client_as("formateur"), world["formateur"].id
    post(client, "/sessions/nouvelle", SESSION_FORM)
    training = newest(TrainingSession)
    path = f"/sessions/{training.id}"
    post(client, f"{path}/modifier", {**SESSION_FORM, "module": "Module 3", "version": "1"})
    post(client, f"{path}/groupes/nouveau", {**GROUP_FORM, "trainer_ids": [str(me)]})
    group = newest(Group)
    post(client, f"/groupes/{group.id}/modifier",
         {**GROUP_FORM, "capacity": "15", "trainer_ids": [str(me)], "version": "1"})  # fmt: skip
    post(client, f"/groupes/{group.id}/supprimer")
    post(client, f"{path}/supprimer")
    post(client, f"/corbeille/session/{training.id}/restaurer")
    events = recorded("session", training.id)
    assert actions(events) == ["create", "update", "delete", "restore"]
    assert all(actor == me for _action, actor, _changes in events)
    assert events[0][2]["objectives"] == [None, ["Objectif A", "Objectif B"]]
    assert events[1][2] == {"module": ["Module 2", "Module 3"]}
    group_events = recorded("group", group.id)
    assert actions(group_events) == ["create", "update", "delete"]
    assert group_events[1] == ("update", me, {"capacity": [12, 15]})


def test_nothing_is_recorded_for_a_save_that_changes_nothing(client_as, world):
    client, training = client_as("formateur"), world["session"]
    data = {**SESSION_FORM, "version": str(training.version)}
    post(client, f"/sessions/{training.id}/modifier", data)
    before = count_events()
    data["version"] = str(db.session.get(TrainingSession, training.id).version)
    assert post(client, f"/sessions/{training.id}/modifier", data).status_code == 303
    assert count_events() == before


def test_a_refused_change_leaves_no_trace(client_as, world, recorded):
    link, own = world["link"], world["map"]
    stale = {"source_id": link.source_id, "target_id": link.target_id, "status": "existant",
             "level": "1", "direction": "mutuel", "version": "0"}  # fmt: skip
    client = client_as("stagiaire")
    response = post(client, f"/cartes/{own.id}/liens/{link.id}/modifier", stale)
    assert response.status_code == 409
    assert actions(recorded("link", link.id)) == ["create"]


def test_long_texts_are_cut_and_times_are_utc(client_as, world, recorded):
    client = client_as("formateur")
    long = "Un contexte très détaillé. " * 40
    post(client, "/sessions/nouvelle", {**SESSION_FORM, "context": long})
    training = newest(TrainingSession)
    ((_action, _actor, changes),) = recorded("session", training.id)
    old, new = changes["context"]
    assert old is None
    assert len(new) == 301
    assert new.endswith("…")
    assert long.startswith(new[:-1])
    event = db.session.scalar(select(HistoryEvent).where(HistoryEvent.kind == "session"))
    assert abs((event.created_at - training.created_at).total_seconds()) < 60  # both UTC
