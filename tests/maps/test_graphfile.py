"""GEXF and GraphML files read into the map import's CSV: Gephi's shape, yEd's, networkx's,
our own export, and the files that must be refused with a clear message."""

import csv
import io
from pathlib import Path

import networkx as nx
import pytest

from allervers.maps import importer
from allervers.maps.graphfile import MAX_BYTES, GraphFileError, to_import_csv
from allervers.network import LinkIn, StructureIn
from allervers.network.export import export_graph, to_gexf, to_graphml

DATA = Path(__file__).resolve().parents[1] / "data" / "gephi"


def rows(raw: bytes) -> list[tuple]:
    reader = csv.DictReader(io.StringIO(to_import_csv(raw)), delimiter=";")
    return [
        (row["source"], row["cible"], row["niveau"], row["statut"], row["sens"]) for row in reader
    ]


def test_a_file_as_gephi_0_10_writes_it():
    assert rows((DATA / "gephi-0.10-mixte.gexf").read_bytes()) == [
        ("CAF du Loiret", "CCAS d'Orléans", "3", "existant", "a->b"),
        # no weight: Gephi leaves out weights of 1.0
        ("CCAS d'Orléans", "Mission locale de l'Orléanais", "1", "existant", "mutuel"),
        # one directed edge each way: one mutual link
        ("Mission locale de l'Orléanais", "Épicerie solidaire La Source", "2", "difficile",
         "mutuel"),
        ("Maison départementale de la solidarité", "CCAS d'Orléans", "4", "existant", "mutuel"),
        ("Maison départementale de la solidarité", "Épicerie solidaire La Source", "5", "souhaité",
         "a->b"),
    ]  # fmt: skip


def test_a_file_as_yed_writes_it():
    assert rows((DATA / "yed.graphml").read_bytes()) == [
        ("CCAS de Tours", "Secours populaire 37", "2", "existant", "a->b"),
        ("France Travail Tours", "CCAS de Tours", "4", "existant", "mutuel"),
    ]


def test_a_graphml_as_networkx_writes_it():
    graph = nx.DiGraph()
    graph.add_node("a", name="Centre social Romain Rolland")
    graph.add_node("b", name="CCAS de Blois")
    graph.add_node("c")
    graph.add_edge("a", "b", weight=2.0)
    graph.add_edge("c", "a")
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    assert rows(buffer.getvalue()) == [
        ("Centre social Romain Rolland", "CCAS de Blois", "2", "existant", "a->b"),
        ("c", "Centre social Romain Rolland", "1", "existant", "a->b"),  # no name: its id
    ]


STRUCTURES = [
    StructureIn(1, "CCAS d'Orléans", "social"),
    StructureIn(2, "CAF du Loiret", "social"),
    StructureIn(3, "Mission locale", "emploi"),
    StructureIn(4, "Épicerie solidaire", None),
]
LINKS = [
    LinkIn(2, 1, "existant", 3, direction="a_vers_b"),
    LinkIn(1, 3, "existant", 0),
    LinkIn(3, 2, "difficile", None),
    LinkIn(4, 1, "souhaite", None, desired_level=4, direction="a_vers_b"),
]


@pytest.mark.parametrize("write", [to_gexf, to_graphml])
def test_our_export_reads_back_as_the_same_links(write):
    document = write(export_graph(STRUCTURES, LINKS))
    reader = csv.DictReader(io.StringIO(to_import_csv(document)), delimiter=";")
    got = sorted(tuple(row.values()) for row in reader)
    assert got == sorted(
        [
            ("CAF du Loiret", "CCAS d'Orléans", "3", "existant", "a->b", ""),
            ("CCAS d'Orléans", "Mission locale", "0", "existant", "mutuel", ""),
            # no level: not its weight (level + 1), the importer asks for one
            ("Mission locale", "CAF du Loiret", "", "difficile", "mutuel", ""),
            ("Épicerie solidaire", "CCAS d'Orléans", "4", "souhaite", "a->b", ""),
        ]
    )


def test_levels_out_of_0_to_5_are_refused_naming_the_link():
    graph = nx.Graph()
    graph.add_edge("CCAS", "CAF", weight=12.5)
    graph.add_edge("CCAS", "MDS", weight=-1)
    graph.add_edge("CAF", "MDS", weight=2)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    with pytest.raises(GraphFileError) as error:
        to_import_csv(buffer.getvalue())
    message = str(error.value)
    assert "« CCAS » – « CAF » a le niveau (ou poids) « 12.5 »" in message
    assert "« -1 »" in message
    assert "un nombre entier de 0 à 5" in message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>
<node id="a" label="&lol4;"/><node id="b" label="b"/></nodes>
<edges><edge source="a" target="b"/></edges></graph></gexf>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gexf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>
<node id="a" label="&secret;"/><node id="b" label="b"/></nodes>
<edges><edge source="a" target="b"/></edges></graph></gexf>"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (BILLION_LAUGHS, "déclaration de type de document (DTD) ou des entités"),
        (EXTERNAL_ENTITY, "déclaration de type de document (DTD) ou des entités"),
        (b"source;cible\nA;B\n", "n'est pas un XML lisible"),
        (b"<gexf><graph><nodes>", "n'est pas un XML lisible"),
        (b"\xff\xfe<\x00g\x00", "n'est pas un XML lisible"),
        (b"<html><body>Bonjour</body></html>", "ni un GEXF ni un GraphML"),
        (b'<?xml version="1.0" encoding="klingon"?><gexf/>', "n'est pas un XML lisible"),
        (b"   ", "Le fichier est vide."),
        (b"<gexf/>", "aucun graphe"),
        (b'<gexf><graph><nodes><node id="a"/></nodes></graph></gexf>', "aucun lien"),
        (
            b'<graphml><graph><node id="a"/><edge source="a" target="z"/></graph></graphml>',
            "un lien part d'un nœud « z » absent de la liste des nœuds",
        ),
        (b"<gexf>" + b" " * MAX_BYTES + b"</gexf>", "dépasse 2 Mo"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(raw, expected):
    with pytest.raises(GraphFileError) as error:
        to_import_csv(raw)
    assert expected in str(error.value)


def test_what_it_produces_is_what_the_csv_import_reads(app):
    """The import CSV parses without errors (no database row is needed to read it)."""
    plan = importer.parse(to_import_csv((DATA / "gephi-0.10-mixte.gexf").read_bytes()))
    assert not plan.errors
    fields = {(link.source, link.target): link.fields for link in plan.links}
    one_way = fields["CAF du Loiret", "CCAS d'Orléans"]
    assert (one_way["status"], one_way["level"], one_way["direction"]) == (
        "existant",
        3,
        "a_vers_b",
    )
    wished = fields["Maison départementale de la solidarité", "Épicerie solidaire La Source"]
    assert (wished["status"], wished["level"], wished["desired_level"]) == ("souhaite", None, 5)
