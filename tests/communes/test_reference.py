"""The official list of communes (allervers.communes), on communes whose answers are known."""

import json

import pytest

from allervers import communes
from allervers.communes import build

ORLEANS_METROPOLE = "244500468"
TOURS_METROPOLE = "243700754"


def test_lookup_gives_the_commune_with_its_epci():
    orleans = communes.lookup("45234")
    assert orleans.name == "Orléans"
    assert orleans.postal_codes == ("45000", "45100")
    assert (orleans.departement, orleans.epci, orleans.epci_name) == (
        "45",
        ORLEANS_METROPOLE,
        "Orléans Métropole",
    )
    assert orleans.population > 100_000
    assert orleans.label == "Orléans (45000, 45100)"
    assert communes.epci_of("45147") == ORLEANS_METROPOLE  # Fleury-les-Aubrais
    assert communes.lookup("99999") is None
    assert communes.lookup("") is None
    assert communes.epci_of("nope") is None


def test_corsica_and_overseas_keep_their_departement():
    assert communes.lookup("2a004").departement == "2A"  # Ajaccio, typed in lower case
    assert communes.lookup("2B033").name == "Bastia"
    assert communes.lookup("2B033").departement == "2B"
    assert communes.lookup("97411").departement == "974"
    assert communes.resolve("Ajaccio", "20000").insee == "2A004"
    assert communes.postal_departement("20200") == "2B"


def test_arrondissements_and_former_codes_read_as_the_current_commune():
    assert communes.lookup("75115").insee == "75056"  # Paris 15e → Paris
    assert communes.lookup("69383").insee == "69123"  # Lyon 3e → Lyon
    assert communes.lookup("13208").name == "Marseille"
    assert communes.by_postal_code("75015") == [communes.lookup("75056")]


def test_a_postal_code_with_several_communes_lists_them_biggest_first():
    briare = communes.by_postal_code("45250")
    assert [c.name for c in briare][:2] == ["Briare", "Ouzouer-sur-Trézée"]
    assert len(briare) == 5
    assert communes.by_postal_code("00000") == []


def test_search_ignores_accents_case_and_abbreviations():
    assert communes.search("orleans", 1)[0].insee == "45234"
    assert communes.search("ORLÉANS", 1)[0].insee == "45234"
    assert "45284" in [c.insee for c in communes.search("st jean de braye")]
    assert [c.name for c in communes.search("fleury aubr")] == ["Fleury-les-Aubrais"]
    # the exact name, then names that start with it, then names that only contain the word
    assert [c.name for c in communes.search("gien", 3)] == [
        "Gien", "Gien-sur-Cure", "Poilly-lez-Gien"
    ]  # fmt: skip
    assert communes.search("", 5) == []
    assert communes.search("  - ", 5) == []


def test_search_by_postal_code_prefix_and_name_with_departement():
    assert {c.insee for c in communes.search("45250", 10)} == {
        c.insee for c in communes.by_postal_code("45250")
    }
    found = communes.search("saint denis 93", 5)
    assert found[0].insee == "93066"
    assert all(c.departement == "93" for c in found)
    populations = [c.population for c in communes.search("37", 10)]
    assert populations == sorted(populations, reverse=True)
    assert len(communes.search("saint", 3)) == 3


@pytest.mark.parametrize(
    ("commune", "postal_code", "insee", "expected"),
    [
        ("Orléans", "45000", "37261", "37261"),  # the INSEE code wins
        ("Saint-Denis", "93200", None, "93066"),  # a name shared across France, the code decides
        ("St Denis", "97400", None, "97411"),
        (None, "37300", None, "37122"),  # a postal code serving one commune
        ("Joue-les-Tour", "37300", None, "37122"),  # a typo, the code decides
        ("Briare", None, None, "45053"),  # unique in France
        ("Saint-Denis", None, None, None),  # ambiguous
        (None, "45250", None, None),  # five communes
        ("Tours", "45000", None, None),  # Tours is not in the Loiret
        ("Sully-sur-Loire", "45999", None, "45315"),  # unknown code, unique name in the 45
        ("Nulle-Part-sur-Mer", None, None, None),
        (None, None, None, None),
    ],
)
def test_resolve(commune, postal_code, insee, expected):
    found = communes.resolve(commune, postal_code, insee)
    assert (found.insee if found else None) == expected


def test_neighbour_epcis_of_orleans_and_tours():
    around_orleans = communes.neighbour_epcis(ORLEANS_METROPOLE)
    assert "244500484" in around_orleans  # CC de la Forêt (Saint-Jean-de-Braye → Marigny)
    assert ORLEANS_METROPOLE not in around_orleans
    assert all(communes.lookup(c.insee).epci == ORLEANS_METROPOLE
               for c in communes.epci_members(ORLEANS_METROPOLE))  # fmt: skip
    around_tours = communes.neighbour_epcis(TOURS_METROPOLE)
    assert "200072650" in around_tours  # CC Touraine Vallée de l'Indre
    # the relation is symmetric, and never crosses the whole country
    for epci in around_tours:
        assert TOURS_METROPOLE in communes.neighbour_epcis(epci)
    assert communes.neighbour_epcis("nope") == frozenset()


def test_build_keeps_current_communes_and_maps_the_others(tmp_path):
    source = tmp_path / "data"
    source.mkdir()
    (tmp_path / "package.json").write_text('{"version": "9.9.9"}')
    rows = [
        {"code": "13055", "nom": "Marseille", "type": "commune-actuelle", "departement": "13",
         "codesPostaux": ["13001"], "population": 870000},
        {"code": "13201", "nom": "Marseille 1er", "type": "arrondissement-municipal",
         "commune": "13055", "departement": "13", "codesPostaux": ["13001"]},
        {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee", "chefLieu": "01015",
         "departement": "01"},
        {"code": "01340", "nom": "Ancienne", "type": "commune-associee", "chefLieu": "13055",
         "departement": "01"},
    ]  # fmt: skip
    (source / "communes.json").write_text(json.dumps(rows))
    epcis = [{"code": "200054807", "nom": "Métropole d'Aix-Marseille-Provence",
              "membres": [{"code": "13055"}]}]  # fmt: skip
    (source / "epci.json").write_text(json.dumps(epcis))
    target = tmp_path / "out" / "communes.json"
    build.main([str(source), str(target)])
    data = json.loads(target.read_text())
    assert data["version"] == "9.9.9"
    assert data["communes"] == [["13055", "Marseille", "13001", "13", "200054807", 870000]]
    assert data["aliases"] == {"13201": "13055", "01340": "13055"}
    assert data["epcis"] == {"200054807": "Métropole d'Aix-Marseille-Provence"}
