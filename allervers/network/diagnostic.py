"""The diagnostic in plain French sentences, and what each measure means for a social worker."""

from collections import Counter
from collections.abc import Hashable, Mapping

import networkx as nx

from allervers.network.gaps import STRENGTHEN_KIND, WISHED_KIND
from allervers.network.graph import Network
from allervers.network.model import Gap, NetworkMeasures, StructureMeasures, name_key
from allervers.network.suggestions import french_list

# Density reads « dense » from 0.5 (half of all possible links exist) and « clairsemé » below 0.2.
DENSE_FROM = 0.5
SPARSE_BELOW = 0.2
TOP_BROKERS = 3
LIST_LIMIT = 5

CAUTION = (
    "Un niveau plus élevé n'est pas toujours meilleur : "
    "le bon niveau est celui que le besoin appelle."
)

EXPLANATIONS = {
    "degree": "Nombre de partenaires avec qui la structure coopère déjà ; beaucoup de liens "
    "coûtent aussi du temps à entretenir.",
    "weighted_degree": "Somme des niveaux de ses liens : l'intensité de ses coopérations, pas leur "
    "qualité ; un niveau élevé n'est utile que si le besoin l'appelle.",
    "betweenness": "Passeur : la structure se trouve sur les chemins entre partenaires qui ne se "
    "connaissent pas ; très haut, elle devient un goulot et tout repose sur elle.",
    "closeness": "Proximité : en peu d'intermédiaires, la structure peut joindre tout le réseau ; "
    "elle ne dit rien de la qualité des liens.",
    "eigenvector": "Influence dans le réseau (centralité de vecteur propre) : la structure est "
    "liée à des partenaires eux-mêmes très liés ; "
    "l'influence ne garantit pas l'accès aux publics les plus éloignés.",
    "community": "Groupe de structures qui coopèrent surtout entre elles ; un groupe trop fermé "
    "oriente peu vers l'extérieur.",
    "constraint": "Contrainte de Burt : plus elle est forte, plus les partenaires de la structure "
    "se connaissent tous entre eux, donc moins elle a d'ouvertures nouvelles ; faible, elle "
    "relie des mondes séparés mais porte seule ces liens.",
    "effective_size": "Taille effective : nombre de partenaires qui apportent des contacts "
    "différents ; des partenaires redondants peuvent aussi être une sécurité.",
    "is_articulation_point": "Point de fragilité : si cette structure se retire, le réseau se "
    "coupe en morceaux ; c'est là qu'il faut doubler les liens.",
    "core_number": "Cœur du réseau : la structure appartient à un noyau où chacun a au moins ce "
    "nombre de partenaires dans le noyau ; le cœur n'est pas forcément là où sont les publics.",
    "nodes": "Nombre de structures sur la carte, avec ou sans lien.",
    "links": "Nombre de liens existants ou difficiles (les liens souhaités sont comptés à part).",
    "density": "Réseau dense ou clairsemé : la part des liens possibles qui existent ; un réseau "
    "très dense coûte du temps et se ferme, un réseau clairsemé dépend de quelques liens.",
    "average_degree": "Nombre moyen de partenaires par structure.",
    "degree_centralization": "Centralisation : 1 quand tout passe par une seule structure (une "
    "étoile), 0 quand chacune a autant de liens ; très centralisé, le réseau dépend d'un pivot.",
    "components": "Nombre de morceaux du réseau qui ne se rejoignent pas (une structure isolée "
    "compte pour un morceau).",
    "largest_component": "Nombre de structures du plus grand morceau relié.",
    "isolates": "Structures de la carte sans aucun lien existant.",
    "bridges": "Points de fragilité : liens dont la disparition coupe le réseau en deux ; "
    "un seul fil tient toute une partie du réseau.",
    "communities": "Nombre de groupes de structures qui coopèrent surtout entre elles.",
    "modularity": "Modularité : au-dessus de 0,3 les groupes sont nets ; très haute, ils se "
    "parlent peu entre eux.",
    "clustering": "Regroupement : la part des partenaires d'une structure qui coopèrent aussi "
    "entre eux ; élevé, le réseau est solidaire mais apporte moins de nouveautés.",
    "cross_sector_share": "Part des liens entre structures de secteurs différents, là où se "
    "trouvent souvent les réponses aux situations complexes.",
    "ei_index": "Indice E-I : de −1 (liens seulement entre structures du même secteur) à +1 "
    "(seulement entre secteurs différents) ; ni l'un ni l'autre extrême n'est un but.",
    "difficult_links": "Liens qui existent mais sont tendus.",
    "mean_level": "Niveau moyen des liens (0 se connaître … 5 partenariat formalisé) ; un "
    "niveau plus élevé n'est pas toujours meilleur.",
    "mean_trust": "Score de confiance du réseau (PARTNER) : moyenne des scores de confiance des "
    "liens notés, de 1 à 4 ; le score d'un lien est la moyenne de ses trois critères "
    "(fiabilité, convergence des missions, ouverture au dialogue).",
    "mean_value": "Score de valeur du réseau (PARTNER) : moyenne des scores de valeur des liens "
    "notés, de 1 à 4 ; le score d'un lien est la moyenne de ses trois critères (influence, "
    "implication, apport de ressources).",
    "trust_rated": "Nombre de liens dont les trois critères de confiance sont notés.",
    "value_rated": "Nombre de liens dont les trois critères de valeur sont notés.",
    "ratings_partial": "Liens notés sur une partie des critères seulement : ils ne comptent pas "
    "dans les scores (PARTNER demande les trois).",
    "trust": "Confiance (PARTNER) : moyenne des scores de confiance de ses liens notés, de 1 "
    "(faible) à 4 (forte).",
    "value": "Valeur (PARTNER) : moyenne des scores de valeur de ses liens notés, de 1 à 4 : ce "
    "que la coopération apporte, selon vous.",
    "rated_links": "Nombre de ses liens qui ont un score de confiance ou de valeur.",
    "influence_declared": "Influence déclarée (Net-Map) : le poids que vous lui prêtez sur "
    "l'aller-vers du territoire, de 0 (aucun) à 5 (décisif).",
    "position": "Position envers l'aller-vers (Net-Map) : moteur, favorable, neutre ou réservé.",
    "network_influence": "Influence dans le réseau : son influence par les liens (centralité de "
    "vecteur propre) rapportée à la plus forte de la carte, de 0 à 1.",
    "wished_links": "Liens souhaités : besoins de coopération pas encore couverts.",
    "wished_share": "Part des liens souhaités parmi tous les liens de la carte.",
}


def decimal(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _names(network: Network, nodes) -> list[str]:
    return [network.name(node) for node in sorted(nodes, key=network.key)]


def _density(measures: NetworkMeasures) -> list[str]:
    value = decimal(measures.density)
    if measures.density >= DENSE_FROM:
        return [
            f"Réseau dense (densité {value}) : la plupart de vos partenaires coopèrent entre eux.",
            "Un réseau très dense demande du temps à entretenir et s'ouvre moins aux "
            "nouveaux partenaires.",
        ]
    if measures.density < SPARSE_BELOW:
        return [
            f"Réseau clairsemé (densité {value}) : la plupart des structures ne coopèrent pas "
            "entre elles."
        ]
    return [f"Réseau moyennement dense (densité {value})."]


def _isolates(network: Network) -> list[str]:
    graph = network.graph
    names = _names(network, nx.isolates(graph))
    if not names:
        return []
    if len(names) == 1:
        return [f"{names[0]} n'a aucun lien existant sur la carte."]
    listed = french_list(names, LIST_LIMIT)
    return [f"{len(names)} structures n'ont aucun lien existant sur la carte : {listed}."]


def _brokers(rows: list[StructureMeasures]) -> list[str]:
    ranked = sorted(
        (row for row in rows if row.betweenness > 0),
        key=lambda row: -row.betweenness,  # rows come in name order: the sort is stable
    )[:TOP_BROKERS]
    if not ranked:
        return []
    names = french_list(sorted((row.name for row in ranked), key=name_key))
    if len(ranked) == 1:
        return [f"Principal passeur, qui relie des partenaires éloignés : {names}."]
    return [f"Principaux passeurs, qui relient des partenaires éloignés : {names}."]


def _articulations(rows: list[StructureMeasures]) -> list[str]:
    names = [row.name for row in rows if row.is_articulation_point]
    if not names:
        return []
    listed = french_list(names, LIST_LIMIT)
    if len(names) == 1:
        return [f"Point de fragilité (sans elle, le réseau se coupe) : {listed}."]
    return [f"Points de fragilité (sans elles, le réseau se coupe) : {listed}."]


def _bridges(measures: NetworkMeasures) -> list[str]:
    pairs = [f"{a} – {b}" for a, b in measures.bridges]
    if not pairs:
        return []
    if len(pairs) == 1:
        a, b = measures.bridges[0]
        return [
            f"Le lien entre {a} et {b} est un point de fragilité : s'il cesse, le réseau se coupe."
        ]
    listed = french_list(pairs, LIST_LIMIT)
    return [
        f"{len(pairs)} liens sont des points de fragilité "
        f"(s'ils cessent, le réseau se coupe) : {listed}."
    ]


def sector_gates(network: Network, focal: int | None) -> list[tuple[int, int, list[str]]]:
    """Bridges that are the only way from the rest of the network to a sector.

    Each component is rooted (at the focal structure when it is there, else at its first
    name) and walked depth first; a bridge is a tree edge parent → child, the child's subtree
    being one side. The side that holds the focal structure (or else the larger side, the
    root's on a tie) is « the network »: a sector found only on the other side is reached
    only through this bridge. Returns (structure on the network's side, the other end, the
    sector codes). Linear in the size of the graph.
    """
    graph = network.graph
    bridges = {frozenset(pair) for pair in network.bridges}
    if not bridges:
        return []
    gates = []
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        root = focal if focal in component else min(component, key=network.key)
        parents = nx.dfs_predecessors(graph, root)
        order = list(nx.dfs_preorder_nodes(graph, root))
        counts: dict[Hashable, Counter] = {node: Counter() for node in order}
        sizes = dict.fromkeys(order, 1)
        for node in reversed(order):
            sector = graph.nodes[node]["sector"]
            if sector:
                counts[node][sector] += 1
            if node in parents:
                counts[parents[node]].update(counts[node])
                sizes[parents[node]] += sizes[node]
        for child, parent in parents.items():
            if frozenset((child, parent)) not in bridges:
                continue
            inside, outside = counts[child], counts[root] - counts[child]
            if root != focal and sizes[child] > sizes[root] - sizes[child]:
                main, other, gate, beyond = inside, outside, child, parent
            else:
                main, other, gate, beyond = outside, inside, parent, child
            sectors = sorted(sector for sector in other if not main[sector])
            if sectors:
                gates.append((gate, beyond, sectors))
    gates.sort(key=lambda item: network.pair_key(item[0], item[1]))
    return gates


def _sector_label(code: str, labels: Mapping[str, str]) -> str:
    return f"« {labels.get(code, code)} »"


def _gates(network: Network, focal: int | None, labels: Mapping[str, str]) -> list[str]:
    sentences = []
    for gate, beyond, codes in sector_gates(network, focal):
        words = french_list(sorted(_sector_label(code, labels) for code in codes))
        noun = "au secteur" if len(codes) == 1 else "aux secteurs"
        sentences.append(
            f"{network.name(gate)} est la seule à relier le réseau {noun} {words} "
            f"(par son lien avec {network.name(beyond)})."
        )
    return sentences


def _missing_sectors(network: Network, labels: Mapping[str, str]) -> list[str]:
    graph = network.graph
    reached = {graph.nodes[node]["sector"] for node in graph if graph.degree(node)}
    missing = sorted(
        (label for code, label in labels.items() if code not in reached),
        key=name_key,
    )
    if not missing:
        return []
    words = ", ".join(f"« {label} »" for label in missing)
    noun = "le secteur" if len(missing) == 1 else "les secteurs"
    return [f"Aucun lien avec {noun} {words}."]


def _needs(gaps: list[Gap]) -> list[str]:
    sentences = []
    wished = [gap for gap in gaps if gap.kind == WISHED_KIND]
    if wished:
        easy = sum(1 for gap in wished if gap.feasibility == "facile")
        if len(wished) == 1:
            text = "Un lien souhaité n'est pas encore engagé"
            text += ", jugé facile." if easy else "."
        else:
            text = f"{len(wished)} liens souhaités ne sont pas encore engagés"
            if easy:
                text += f", dont {easy} {'jugé facile' if easy == 1 else 'jugés faciles'}."
            else:
                text += "."
        sentences.append(text)
    stronger = sum(1 for gap in gaps if gap.kind == STRENGTHEN_KIND)
    if stronger == 1:
        sentences.append("Un lien existant est à renforcer (niveau souhaité plus élevé).")
    elif stronger:
        sentences.append(
            f"{stronger} liens existants sont à renforcer (niveau souhaité plus élevé)."
        )
    return sentences


def _size(measures: NetworkMeasures) -> str:
    structures = "une structure" if measures.nodes == 1 else f"{measures.nodes} structures"
    if not measures.links:
        return f"La carte compte {structures} et aucun lien existant."
    links = "un lien existant" if measures.links == 1 else f"{measures.links} liens existants"
    text = f"La carte compte {structures} et {links}"
    if measures.difficult_links:
        hard = measures.difficult_links
        text += f", dont {hard} {'difficile' if hard == 1 else 'difficiles'}"
    return text + "."


def _components(network: Network) -> list[str]:
    pieces = sum(1 for part in nx.connected_components(network.graph) if len(part) > 1)
    if pieces < 2:
        return []
    return [f"Le réseau est morcelé en {pieces} ensembles de structures qui ne se rejoignent pas."]


def _mix(measures: NetworkMeasures) -> list[str]:
    if measures.cross_sector_share is None:
        return []
    share = round(100 * measures.cross_sector_share)
    return [f"{share}\u00a0% des liens relient des structures de secteurs différents."]


def diagnose(
    network: Network,
    measures: NetworkMeasures,
    rows: list[StructureMeasures],
    gaps: list[Gap],
    focal: int | None,
    sector_labels: Mapping[str, str],
) -> list[str]:
    """Short sentences in a fixed order, names in French alphabetical order."""
    if not measures.nodes:
        return ["La carte ne compte encore aucune structure."]
    sentences = [_size(measures)]
    if measures.links:
        sentences += _density(measures) if measures.nodes > 2 else []
        sentences += _components(network)
        sentences += _isolates(network)
        sentences += _brokers(rows)
        sentences += _articulations(rows)
        sentences += _bridges(measures)
        sentences += _gates(network, focal, sector_labels)
        sentences += _missing_sectors(network, sector_labels)
        sentences += _mix(measures)
    sentences += _needs(gaps)
    if measures.links or gaps:
        sentences.append(CAUTION)
    return sentences
