"""A map exported for Gephi comes back through the import page as the same links; a new map
can start from a Gephi file; a bad file is refused with its reason and writes nothing."""

import html
import io
import re

from sqlalchemy import func, select

from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps import services as maps
from allervers.maps.models import CooperationLink, CooperationMap
from tests.helpers import post_form, text


def link_set(cooperation_map: CooperationMap) -> set[tuple]:
    db.session.refresh(cooperation_map)
    return {
        (
            link.source.name,
            link.target.name,
            link.status,
            link.level,
            link.desired_level,
            link.direction,
        )
        for link in cooperation_map.live_links
    }


def upload(client, map_id: int, content: bytes, filename: str):
    data = {"fichier": (io.BytesIO(content), filename)}
    return post_form(
        client, f"/cartes/{map_id}/import", data, token_from="/", content_type="multipart/form-data"
    )


def new_map_from_file(client) -> CooperationMap:
    page = client.get("/cartes/nouvelle?depuis=fichier")
    assert "Nouvelle carte depuis un fichier" in text(page)
    response = post_form(
        client,
        "/cartes/nouvelle?depuis=fichier",
        {"title": "Reprise du fichier Gephi", "territory": "", "focal_structure_id": ""},
        token_from="/",
    )
    assert response.status_code == 303
    created = db.session.scalar(
        select(CooperationMap).where(CooperationMap.title == "Reprise du fichier Gephi")
    )
    assert response.headers["Location"].endswith(f"/cartes/{created.id}/import")
    return created


def richer_map(world, make_structure) -> CooperationMap:
    """The trainee's map (CCAS – CAF, level 2) with a one-way link and a wished one."""
    cooperation_map = world["map"]
    mission = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    grocery = make_structure(name="Épicerie solidaire de Gien", typology="ES")
    for structure in (mission, grocery):
        maps.add_entry(cooperation_map, structure, {})
    maps.save_link(
        cooperation_map,
        world["partner"].id,
        mission.id,
        {"status": "existant", "level": 3, "direction": "a_vers_b"},
    )
    maps.save_link(
        cooperation_map,
        grocery.id,
        world["structure"].id,
        {"status": "souhaite", "desired_level": 4, "direction": "a_vers_b"},
    )
    return cooperation_map


def test_a_map_exported_for_gephi_comes_back_as_the_same_links(client_as, world, make_structure):
    client = client_as("stagiaire")
    original = richer_map(world, make_structure)
    for kind in ("gexf", "graphml"):
        exported = client.get(f"/cartes/{original.id}/graphe.{kind}").get_data()
        target = new_map_from_file(client) if kind == "gexf" else maps.create_map(
            world["stagiaire"], f"Depuis {kind}", None, None
        )  # fmt: skip
        structures = db.session.scalar(select(func.count()).select_from(Structure))
        preview = upload(client, target.id, exported, f"carte.{kind}")
        assert preview.status_code == 200, text(preview)
        page = text(preview)
        assert "Aperçu : rien n'est encore enregistré" in page
        assert "Structures à créer" not in page  # every name found in the directory
        hidden = preview.get_data(as_text=True).split('name="csv_text" value="')[1]
        csv_text = html.unescape(hidden.split('"')[0])
        confirm = post_form(
            client,
            f"/cartes/{target.id}/import",
            {"step": "confirmer", "csv_text": csv_text},
            token_from="/",
        )
        assert confirm.status_code == 303, text(confirm)
        assert link_set(target) == link_set(original), kind
        assert ("CAF du Loiret", "Mission locale de l'Orléanais", "existant", 3, None,
                "a_vers_b") in link_set(target)  # fmt: skip
        assert db.session.scalar(select(func.count()).select_from(Structure)) == structures


def test_a_bad_graph_file_is_refused_with_its_reason_and_writes_nothing(client_as, world):
    client = client_as("stagiaire")
    before = db.session.scalar(select(func.count()).select_from(CooperationLink))
    attack = (
        b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<gexf><graph><nodes><node id="a" label="&e;"/></nodes></graph></gexf>'
    )
    for content, message in (
        (attack, "déclaration de type de document (DTD)"),
        (b"<gexf><graph>", "n'est pas un XML lisible"),
        (b"<svg/>", "ni un GEXF ni un GraphML"),
    ):
        response = upload(client, world["map"].id, content, "carte.gexf")
        assert response.status_code == 422
        assert message in text(response)
        assert "root:" not in text(response)
    assert db.session.scalar(select(func.count()).select_from(CooperationLink)) == before


def test_the_import_page_and_the_maps_list_offer_gephi_files(client_as, world):
    client = client_as("stagiaire")
    page = text(client.get(f"/cartes/{world['map'].id}/import"))
    assert re.search(r'accept="[^"]*\.gexf,\.graphml', page)
    assert "Depuis un fichier CSV, Excel, LibreOffice, GEXF ou GraphML" in page
    listing = client.get("/cartes").get_data(as_text=True)
    assert 'href="/cartes/nouvelle?depuis=fichier"' in listing
    # the plain new-map form still leads to the map itself
    response = post_form(
        client, "/cartes/nouvelle", {"title": "Sans fichier", "territory": ""}, token_from="/"
    )
    assert "/import" not in response.headers["Location"]


def test_another_persons_map_cannot_import_a_graph_file(client_as, world):
    response = upload(client_as("stagiaire_autre"), world["map"].id, b"<gexf/>", "carte.gexf")
    assert response.status_code == 404
