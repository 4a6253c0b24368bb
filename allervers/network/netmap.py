"""Net-Map: the influence a trainee declares for each structure against its place in the network.

Net-Map (Schiffer and Hauck 2010, « Net-Map: collecting social network data and facilitating
network learning through participatory influence network mapping », Field Methods 22(3)) asks
how much influence each actor has (0–5, the height of its tower) and how it stands towards the
goal. Set beside the network measures, the two readings say where the network does not match
what the trainee believes: influential actors out of reach, « moteurs » left on the edge,
« réservés » in a central place.

Thresholds: influential from 4 out of 5; « on the edge » = at most one link or a network
influence (eigenvector relative to the map's highest) below 0.25; « central » = a network
influence of 0.5 or more, or a point of fragility (articulation point).
"""

from allervers.network.graph import Network
from allervers.network.model import StructureMeasures
from allervers.network.suggestions import french_list

INFLUENTIAL_FROM = 4
EDGE_BELOW = 0.25
CENTRAL_FROM = 0.5
LIST_LIMIT = 5


def is_on_edge(row: StructureMeasures) -> bool:
    return row.degree <= 1 or row.network_influence < EDGE_BELOW


def is_central(row: StructureMeasures) -> bool:
    return row.network_influence >= CENTRAL_FROM or row.is_articulation_point


def _listed(rows: list[StructureMeasures]) -> str:
    return french_list([row.name for row in rows], LIST_LIMIT)


def netmap_sentences(
    network: Network, rows: list[StructureMeasures], focal: int | None
) -> list[str]:
    """Sentences in a fixed order, structures in name order (the rows' order)."""
    sentences = []
    declared = [row for row in rows if row.influence_declared is not None]
    influential = [row for row in declared if row.influence_declared >= INFLUENTIAL_FROM]
    if focal is not None and focal in network.graph:
        partners = set(network.graph.adj[focal])
        unreached = [row for row in influential if row.id != focal and row.id not in partners]
        if unreached:
            sentences.append(
                "Jugées influentes (4 ou 5 sur 5) mais sans lien avec vous : "
                f"{_listed(unreached)}. Un lien, même simple, ouvrirait l'accès à leur poids."
            )
    quiet = [row for row in influential if is_on_edge(row) and row.id != focal]
    if quiet:
        sentences.append(
            "Influence déclarée forte mais place faible dans le réseau : "
            f"{_listed(quiet)}. Leur influence ne passe pas (encore) par les liens de la carte."
        )
    engines = [row for row in rows if row.position == "moteur" and is_on_edge(row)]
    if engines:
        sentences.append(
            f"Moteurs de l'aller-vers en marge du réseau : {_listed(engines)}. "
            "Les relier aux structures centrales donnerait du poids à la démarche."
        )
    reserved = [row for row in rows if row.position == "reserve" and is_central(row)]
    if reserved:
        sentences.append(
            f"Structures réservées en position centrale : {_listed(reserved)}. "
            "Beaucoup passe par elles : les associer tôt, entendre leurs réserves."
        )
    if rows and not declared:
        sentences.append(
            "Aucune influence déclarée : notez-la (0 à 5) sur les fiches des structures pour "
            "la comparer à leur place dans le réseau."
        )
    return sentences
