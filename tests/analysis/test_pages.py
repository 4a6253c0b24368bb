"""The analysis page, its fragment, the JSON interface and who may see them."""

import io

import networkx as nx
import pytest

from allervers.maps import services as maps
from tests.helpers import post_form, text

NETWORK_KEYS = {
    "nodes",
    "links",
    "density",
    "components",
    "isolates",
    "degree_centralization",
    "modularity",
    "clustering",
    "cross_sector_share",
    "ei_index",
    "wished_links",
}
STRUCTURE_KEYS = {
    "id",
    "name",
    "sector",
    "degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "community",
    "constraint",
    "effective_size",
    "is_articulation_point",
    "core_number",
}


@pytest.fixture
def star(world, make_structure):
    """The trainee's map as a star: the CCAS at the centre of three partners, one wished link."""
    cooperation_map, focal = world["map"], world["structure"]
    mission = make_structure(name="Mission locale", typology="ML")
    epicerie = make_structure(name="Épicerie solidaire", typology="ES")
    for structure in (mission, epicerie):
        maps.add_entry(cooperation_map, structure, {})
    maps.save_link(cooperation_map, focal.id, mission.id, {"status": "existant", "level": 3})
    maps.save_link(
        cooperation_map,
        mission.id,
        epicerie.id,
        {"status": "souhaite", "desired_level": 2, "feasibility": "facile"},
    )
    return {"map": cooperation_map, "mission": mission, "epicerie": epicerie}


def test_json_has_the_documented_keys_and_right_answers(client_as, world, star):
    response = client_as("stagiaire").get(f"/cartes/{star['map'].id}/analyse.json")
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert {"network", "structures", "diagnostic", "suggestions"} <= set(data)
    assert set(data["network"]) >= NETWORK_KEYS
    assert (data["network"]["nodes"], data["network"]["links"]) == (4, 2)
    assert data["network"]["wished_links"] == 1
    assert data["network"]["isolates"] == 1  # the Épicerie: its only link is wished
    rows = {row["name"]: row for row in data["structures"]}
    assert all(set(row) >= STRUCTURE_KEYS for row in rows.values())
    centre = rows["CCAS d'Orléans"]
    assert centre["degree"] == 2
    # On the one path between its two partners, out of the 3 pairs of the 3 other structures
    # (networkx normalises by all structures, the isolated Épicerie included).
    assert centre["betweenness"] == pytest.approx(1 / 3, abs=1e-4)
    assert centre["is_articulation_point"] is True
    assert all(isinstance(sentence, str) for sentence in data["diagnostic"])


def test_page_shows_figures_diagnostic_and_gaps(client_as, world, star):
    page = text(client_as("stagiaire").get(f"/cartes/{star['map'].id}/analyse"))
    assert "Chiffres clés" in page
    assert "Passeur" in page
    assert "Besoin et possibilité de coopérer" in page
    assert "Mission locale – Épicerie solidaire" in page
    assert "Facile" in page
    assert "Un niveau plus élevé n'est pas toujours meilleur" in page


def test_fragment_is_the_panel_and_sorting_works(client_as, world, star):
    client = client_as("stagiaire")
    fragment = client.get(
        f"/cartes/{star['map'].id}/analyse?tri=name", headers={"HX-Request": "true"}
    )
    body = text(fragment)
    assert body.lstrip().startswith('<div id="analysis"')
    assert "<html" not in body
    names = [
        name
        for name in ("CAF du Loiret", "CCAS d'Orléans", "Épicerie solidaire", "Mission locale")
        if name in body
    ]
    positions = [body.index(f'<th scope="row">{name}</th>') for name in names]
    assert positions == sorted(positions)


def test_workspace_links_the_analysis_and_refreshes_its_figures(client_as, world):
    page = text(client_as("stagiaire").get(f"/cartes/{world['map'].id}"))
    assert f'href="/cartes/{world["map"].id}/analyse"' in page  # its own tab
    assert "mapChanged from:body" in page  # the key figures follow the edits


def test_analysis_follows_the_edits(client_as, world, star):
    client = client_as("stagiaire")
    path = f"/cartes/{star['map'].id}"
    before = client.get(f"{path}/analyse.json").get_json()["network"]["links"]
    post_form(
        client,
        f"{path}/liens",
        {
            "source_id": star["mission"].id,
            "target_id": star["epicerie"].id,
            "status": "existant",
            "level": "2",
            "direction": "mutuel",
        },
        token_from="/",
    )
    assert client.get(f"{path}/analyse.json").get_json()["network"]["links"] == before + 1


@pytest.mark.parametrize(("kind", "read"), [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_graph_exports_read_back_as_the_same_graph(client_as, world, star, kind, read):
    response = client_as("formateur").get(f"/cartes/{star['map'].id}/graphe.{kind}")
    assert response.status_code == 200
    graph = read(io.BytesIO(response.get_data()))
    labels = {data["label"] for _node, data in graph.nodes(data=True)}
    assert labels == {"CCAS d'Orléans", "CAF du Loiret", "Mission locale", "Épicerie solidaire"}
    assert graph.number_of_edges() == 3  # two existing links and the wished one
    statuses = sorted(data["status"] for _a, _b, data in graph.edges(data=True))
    assert statuses == ["existant", "existant", "souhaite"]
    centre = next(d for _n, d in graph.nodes(data=True) if d["label"] == "CCAS d'Orléans")
    # every digit, computed from the map: the same whether the analysis was cached or not
    assert float(centre["betweenness"]) == 1 / 3


def test_map_structures_csv_lists_measures(client_as, world):
    response = client_as("formateur").get(f"/cartes/{world['map'].id}/structures.csv")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Structure;Secteur;Liens;Passeur;Proximité")
    assert sorted(line.split(";")[0] for line in lines[1:]) == ["CAF du Loiret", "CCAS d'Orléans"]
    assert all(line.split(";")[2] == "1" for line in lines[1:])


def test_a_long_list_of_gaps_shows_its_first_fifty_and_says_how_many(
    client_as, world, make_structure
):
    """A territory can have thousands of wished links: the page lists the first 50."""
    cooperation_map = world["map"]
    partners = [make_structure(name=f"Partenaire {n:02d}") for n in range(12)]
    for structure in partners:
        maps.add_entry(cooperation_map, structure, {})
    pairs = [(a, b) for i, a in enumerate(partners) for b in partners[i + 1 :]][:55]
    for first, second in pairs:
        maps.save_link(
            cooperation_map, first.id, second.id, {"status": "souhaite", "desired_level": 3}
        )
    page = text(client_as("stagiaire").get(f"/cartes/{cooperation_map.id}/analyse"))
    gaps = page.split("Besoin et possibilité de coopérer")[1].split("</table>")[0]
    assert gaps.count('<th scope="row">') == 50
    assert "Les 50 premiers sur 55 ; tous figurent dans l'export JSON." in page
    data = client_as("stagiaire").get(f"/cartes/{cooperation_map.id}/analyse.json").get_json()
    assert len(data["gaps"]) == 55
