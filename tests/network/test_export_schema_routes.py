"""The export routes: a map's and an aggregate's GEXF and GraphML valid against the published
schemas, « sans les liens souhaités », measures at full precision whether cached or not."""

import xml.etree.ElementTree as ET

from allervers.analysis import cache
from allervers.maps import services as maps
from tests.helpers import text
from tests.network.test_export_schema import GEXF, gexf_edges, gexf_nodes, schema, validate


def one_way_and_wished(world, make_structure):
    """CCAS – CAF (level 2), CAF → Mission locale one way, a wish of the Épicerie to the CCAS."""
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
        {"status": "souhaite", "desired_level": 4},
    )
    return mission, grocery


def test_map_exports_validate_and_keep_the_direction(client_as, world, make_structure):
    mission, _grocery = one_way_and_wished(world, make_structure)
    client = client_as("stagiaire")
    gexf = client.get(f"/cartes/{world['map'].id}/graphe.gexf")
    assert gexf.mimetype == "application/gexf+xml"
    validate(schema("gexf-1.3", "gexf.xsd"), gexf.get_data())
    graphml = client.get(f"/cartes/{world['map'].id}/graphe.graphml")
    validate(schema("graphml", "graphml.xsd"), graphml.get_data())
    one_way = next(edge for edge in gexf_edges(gexf.get_data()) if edge["level"] == "3")
    assert (one_way["source"], one_way["target"]) == (str(world["partner"].id), str(mission.id))
    assert one_way["type"] == "directed"


def test_without_wished_links(client_as, world, make_structure):
    one_way_and_wished(world, make_structure)
    client = client_as("stagiaire")
    page = text(client.get(f"/cartes/{world['map'].id}/analyse"))
    assert "le graphe sans les liens souhaités (GEXF)" in page
    full = client.get(f"/cartes/{world['map'].id}/graphe.gexf").get_data()
    assert sorted(edge["status"] for edge in gexf_edges(full)) == [
        "existant",
        "existant",
        "souhaite",
    ]
    response = client.get(f"/cartes/{world['map'].id}/graphe.gexf?souhaites=non")
    assert "sans-souhaites.gexf" in response.headers["Content-Disposition"]
    assert [edge["status"] for edge in gexf_edges(response.get_data())] == ["existant"] * 2
    assert len(gexf_nodes(response.get_data())) == 4


def test_measures_at_full_precision_whether_the_analysis_is_cached_or_not(
    client_as, world, make_structure
):
    one_way_and_wished(world, make_structure)
    client = client_as("stagiaire")
    path = f"/cartes/{world['map'].id}/graphe.gexf"
    cache.forget_parsed()
    cold = client.get(path).get_data()
    client.get(f"/cartes/{world['map'].id}/analyse.json")  # now cached, rounded to 4 decimals
    warm = client.get(path).get_data()
    assert cold == warm
    caf = gexf_nodes(warm)["CAF du Loiret"]
    # one pair of 3 (the Épicerie is alone): 1/3, every digit, where the cache keeps 0.3333
    assert float(caf["betweenness"]) == 1 / 3
    assert caf["effective_size"] == "2.0"
    assert float(caf["constraint"]) == 0.5
    assert caf["weighted_degree"] == "5"


def test_aggregate_exports_validate_without_any_links_own_ratings(client_as, world):
    maps.save_link(
        world["map"],
        world["structure"].id,
        world["partner"].id,
        {"level": 2, "status": "existant", "trust_reliability": 4, "trust_mission": 4,
         "trust_dialogue": 4},
    )  # fmt: skip
    client = client_as("formateur")
    client.get(f"/groupes/{world['group'].id}/analyse")
    base = f"/agregats/groupe/{world['group'].id}"
    page = text(client.get(f"/groupes/{world['group'].id}/analyse"))
    assert "le graphe sans les liens souhaités (GEXF)" in page
    gexf = client.get(f"{base}/graphe.gexf")
    assert gexf.status_code == 200
    validate(schema("gexf-1.3", "gexf.xsd"), gexf.get_data())
    validate(schema("graphml", "graphml.xsd"), client.get(f"{base}/graphe.graphml").get_data())
    edges = gexf_edges(gexf.get_data())
    assert edges
    assert not any("trust" in edge for edge in edges)
    root = ET.fromstring(gexf.get_data())
    assert root.find(f"{GEXF}graph") is not None
    without = client.get(f"{base}/graphe.gexf?souhaites=non")
    assert (
        f"groupe-{world['group'].id}-graphe-sans-souhaites.gexf"
        in without.headers["Content-Disposition"]
    )
