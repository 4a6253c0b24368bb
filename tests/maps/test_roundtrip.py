"""A map's CSV export imported into a fresh map gives back the same map, field by field."""

import pytest

from allervers.extensions import db
from allervers.maps import importer
from allervers.maps import services as maps
from allervers.maps.models import LINK_FIELDS, CooperationMap

EVERY_LINK_FIELD = {
    "status": "difficile",
    "level": 3,
    "direction": "a_vers_b",
    "frequency": "hebdomadaire",
    "trust_reliability": 1,
    "trust_mission": 2,
    "trust_dialogue": 4,
    "value_influence": 3,
    "value_involvement": 1,
    "value_resources": 4,
    "resources": ["locaux", "financement", "expertise-sante"],
    "publics": ["jeunes", "sans-domicile"],
    "note": '-2 réunions ; « point » "mensuel"\r\nà revoir',
    "desired_level": 5,
    "feasibility": "possible",
    "obstacles": "=Pas de locaux, @agenda + missions",
}
EVERY_ENTRY_FIELD = {"influence": 0, "position": "reserve", "note": "+ Très présent ; à l'écoute"}


def content(cooperation_map: CooperationMap) -> dict:
    """Everything a person recorded on the map, by structure ids, as the database holds it."""
    db.session.expire_all()
    cooperation_map = db.session.get(CooperationMap, cooperation_map.id)
    return {
        "entries": {
            entry.structure_id: (entry.influence, entry.position, entry.note)
            for entry in cooperation_map.live_entries
        },
        "links": {
            (link.source_id, link.target_id): {name: getattr(link, name) for name in LINK_FIELDS}
            for link in cooperation_map.live_links
        },
    }


def round_trip(cooperation_map: CooperationMap, owner) -> CooperationMap:
    """Export the map, then import the file into a new, empty map."""
    plan = importer.parse(importer.export(cooperation_map))
    assert plan.errors == []
    fresh = maps.create_map(owner, "Copie", None, None)
    importer.apply(plan, fresh, owner)
    return fresh


@pytest.fixture
def three(make_structure):
    return [
        make_structure(name="CCAS de Gien", commune="Gien", postal_code="45500"),
        make_structure(name="=Maison des solidarités", commune="Montargis", typology="MDS"),
        make_structure(name="Épicerie « Le Panier »", commune="Orléans", typology="Autre"),
    ]


def test_every_field_of_every_link_and_entry_comes_back(world, three):
    owner, (gien, mds, epicerie) = world["stagiaire"], three
    source = maps.create_map(owner, "Complète", None, None)
    for structure in three:
        maps.add_entry(source, structure, EVERY_ENTRY_FIELD)
    maps.save_link(source, mds.id, gien.id, EVERY_LINK_FIELD)
    maps.save_link(source, gien.id, epicerie.id, {**EVERY_LINK_FIELD, "direction": "mutuel"})
    copy = round_trip(source, owner)
    assert content(copy) == content(source)
    link = content(copy)["links"][(mds.id, gien.id)]
    for name, value in EVERY_LINK_FIELD.items():
        assert link[name] == value, name
    assert content(copy)["entries"][gien.id] == tuple(EVERY_ENTRY_FIELD.values())


def test_a_map_with_no_optional_field_set_comes_back_bare(world, three):
    owner, (gien, mds, _epicerie) = world["stagiaire"], three
    source = maps.create_map(owner, "Nue", None, None)
    for structure in three:
        maps.add_entry(source, structure, {})
    maps.save_link(source, gien.id, mds.id, {"level": 0, "status": "existant"})
    copy = round_trip(source, owner)
    assert content(copy) == content(source)
    link = content(copy)["links"][(gien.id, mds.id)]
    assert link["resources"] == []
    assert [link[name] for name in ("trust_mission", "obstacles", "note")] == [None] * 3
    assert set(content(copy)["entries"].values()) == {(None, None, None)}


def test_isolated_structures_stay_on_the_map(world, three):
    owner, (gien, mds, epicerie) = world["stagiaire"], three
    source = maps.create_map(owner, "Isolées", None, None)
    maps.add_entry(source, gien, {})
    maps.add_entry(source, mds, {"influence": 5})
    maps.add_entry(source, epicerie, {"position": "moteur"})
    maps.save_link(source, gien.id, epicerie.id, {"level": 1})
    copy = round_trip(source, owner)
    assert set(content(copy)["entries"]) == {gien.id, mds.id, epicerie.id}
    assert content(copy) == content(source)


def test_a_map_of_isolated_structures_alone_imports(world, three):
    owner = world["stagiaire"]
    source = maps.create_map(owner, "Sans lien", None, None)
    maps.add_entry(source, three[0], {"note": "Premier contact"})
    copy = round_trip(source, owner)
    assert content(copy) == content(source)
    assert content(copy)["links"] == {}


def test_direction_and_order_are_kept(world, three):
    owner, (gien, mds, epicerie) = world["stagiaire"], three
    source = maps.create_map(owner, "Sens", None, None)
    for structure in three:
        maps.add_entry(source, structure, {})
    maps.save_link(source, epicerie.id, gien.id, {"level": 2, "direction": "a_vers_b"})
    maps.save_link(source, mds.id, epicerie.id, {"level": 4, "direction": "a_vers_b"})
    maps.save_link(source, gien.id, mds.id, {"level": 1, "direction": "mutuel"})
    links = content(round_trip(source, owner))["links"]
    assert {pair: link["direction"] for pair, link in links.items()} == {
        (epicerie.id, gien.id): "a_vers_b",
        (mds.id, epicerie.id): "a_vers_b",
        (gien.id, mds.id): "mutuel",
    }


def test_wished_links_keep_their_desired_level_and_no_level(world, three):
    owner, (gien, mds, _epicerie) = world["stagiaire"], three
    source = maps.create_map(owner, "Souhaits", None, None)
    for structure in three:
        maps.add_entry(source, structure, {})
    wished = {"status": "souhaite", "level": None, "desired_level": 4, "feasibility": "facile"}
    maps.save_link(source, gien.id, mds.id, wished)
    link = content(round_trip(source, owner))["links"][(gien.id, mds.id)]
    assert (link["status"], link["level"], link["desired_level"]) == ("souhaite", None, 4)
    assert link["feasibility"] == "facile"


def test_homonyms_in_two_communes_are_exported_with_their_commune(world, make_structure):
    owner = world["stagiaire"]
    gien = make_structure(name="Centre social", commune="Gien", typology="CS")
    tours = make_structure(name="Centre social", commune="Tours", typology="CS")
    source = maps.create_map(owner, "Homonymes", None, None)
    maps.add_entry(source, gien, {"influence": 1})
    maps.add_entry(source, tours, {"influence": 4})
    maps.save_link(source, gien.id, tours.id, {"level": 2})
    header, rows = importer.export_rows(source)
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    ends = [(c["source"], c["commune_source"], c["cible"], c["commune_cible"]) for c in cells]
    assert ends == [
        ("Centre social", "Gien", None, None),
        ("Centre social", "Tours", None, None),
        ("Centre social", "Gien", "Centre social", "Tours"),
    ]
    assert [c["influence_structure"] for c in cells] == [1, 4, None]


def test_homonyms_in_two_communes_stay_apart_on_reimport(world, make_structure):
    owner = world["stagiaire"]
    gien = make_structure(name="Centre social", commune="Gien", typology="CS")
    tours = make_structure(name="Centre social", commune="Tours", typology="CS")
    source = maps.create_map(owner, "Homonymes", None, None)
    maps.add_entry(source, gien, {"influence": 1})
    maps.add_entry(source, tours, {"influence": 4})
    maps.save_link(source, gien.id, tours.id, {"level": 2})
    assert content(round_trip(source, owner)) == content(source)


@pytest.mark.parametrize("note", ["-2 réunions", "=A1+1", "+33 partenaires", "@équipe", "'=x"])
def test_three_trips_leave_a_formula_like_note_unchanged(world, note):
    owner = world["stagiaire"]
    world["link"].note = note
    world["entry"].note = note
    db.session.commit()
    current = world["map"]
    for _trip in range(3):
        current = round_trip(current, owner)
    assert content(current) == content(world["map"])
    assert {link["note"] for link in content(current)["links"].values()} == {note}
