"""GEXF (Gephi) and GraphML files read into the map import's CSV, so that the same preview,
matching and errors apply to them as to a CSV file.

What is read, whatever tool wrote the file (Gephi, yEd, networkx, our own export):
- a node's name: its GEXF `label`, else a `label` or `name` attribute (GraphML data keys of
  that name, yEd's node label), else its id;
- a link's level: a `level`/`niveau` attribute, else its weight (1 when absent, GEXF's default:
  Gephi leaves out weights of 1.0); it must be a whole number
  from 0 to 5, otherwise the file is refused and the message names the link. A weight
  written by our export (level + 1, see network/export.py) is never read: the level is there;
- its status: a `status`/`statut` attribute (existant, souhaite, difficile), else
  `souhaite=true`, else existant; a wished link's level is its `desired_level` /
  `niveau_souhaite` when given, else as above;
- its direction: a directed edge (GEXF `type`, GraphML `directed` or the graph's default)
  is « a->b » from source to target; two directed edges between the same structures, one
  each way, make one mutual link. A `direction` attribute (mutuel, a_vers_b) wins.
The XML comes from a user: parsed by defusedxml with no DTD at all (no external entity, no
entity expansion), and a bounded size.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BYTES = 2_000_000  # the app refuses larger requests anyway (MAX_CONTENT_LENGTH)
DEFAULT_WEIGHT = "1"  # GEXF's; Gephi writes no weight when it is 1.0
EXTENSIONS = (".gexf", ".graphml")
LEVEL_NAMES = ("level", "niveau")
DESIRED_NAMES = ("desired_level", "niveau_souhaite")
STATUS_NAMES = ("status", "statut")
WISHED_NAMES = ("souhaite", "wished")
LABEL_NAMES = ("label", "name", "nom")
COLUMNS = ("source", "cible", "niveau", "statut", "sens", "niveau_souhaite")
MAX_LISTED = 5  # problems listed in the message, the others counted


class GraphFileError(ValueError):
    """The file cannot be read: the message, in French, says why and what to do."""


@dataclass
class Link:
    source: str
    target: str
    directed: bool
    values: dict  # attribute name (lower case) → text
    weight: str | None = None


@dataclass
class Graph:
    names: dict[str, str] = field(default_factory=dict)  # node id → name
    links: list[Link] = field(default_factory=list)
    has_levels: bool = False  # links have a level attribute: their weight is not their level


def is_graph_file(filename: str) -> bool:
    return filename.lower().endswith(EXTENSIONS)


def to_import_csv(raw: bytes) -> str:
    """The map import's CSV text of a GEXF or GraphML file; GraphFileError when unreadable."""
    return _csv(read(raw))


def read(raw: bytes) -> Graph:
    root = _root(raw)
    kind = _local(root.tag)
    if kind == "gexf":
        return _read_gexf(root)
    if kind == "graphml":
        return _read_graphml(root)
    raise GraphFileError(
        f"Ce fichier XML n'est ni un GEXF ni un GraphML (son élément principal est « {kind} ») : "
        "exportez le graphe depuis Gephi au format GEXF ou GraphML."
    )


def _root(raw: bytes) -> Element:
    if len(raw) > MAX_BYTES:
        raise GraphFileError("Le fichier dépasse 2 Mo : exportez une partie du graphe seulement.")
    if not raw.strip():
        raise GraphFileError("Le fichier est vide.")
    try:
        return fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as error:
        raise GraphFileError(
            "Le fichier contient une déclaration de type de document (DTD) ou des entités, "
            "refusées pour la sécurité du serveur : exportez-le de nouveau depuis Gephi."
        ) from error
    except (ParseError, ValueError, LookupError) as error:  # LookupError: an unknown encoding
        raise GraphFileError(
            "Le fichier n'est pas un XML lisible (GEXF ou GraphML) : vérifiez qu'il s'agit bien "
            "du fichier exporté par Gephi, sans modification."
        ) from error


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _descendants(element: Element, name: str) -> list[Element]:
    return [item for item in element.iter() if _local(item.tag) == name]


def _graph_element(root: Element) -> Element:
    graphs = _children(root, "graph")
    if not graphs:
        raise GraphFileError("Le fichier ne contient aucun graphe (élément « graph » absent).")
    return graphs[0]


# ----- GEXF -----------------------------------------------------------------------------------


def _read_gexf(root: Element) -> Graph:
    element = _graph_element(root)
    titles = {}  # (class, attribute id) → title, lower case
    for attributes in _children(element, "attributes"):
        kind = attributes.get("class", "node")
        for attribute in _children(attributes, "attribute"):
            ident = attribute.get("id", "")
            titles[kind, ident] = (attribute.get("title") or ident).strip().lower()
    graph = Graph()
    for node in _descendants(element, "node"):
        ident = node.get("id")
        if ident is None:
            continue
        values = _gexf_values(node, "node", titles)
        graph.names[ident] = _name(node.get("label"), values, ident)
    default = element.get("defaultedgetype", "undirected")
    for edge in _descendants(element, "edge"):
        kind = edge.get("type") or default
        graph.links.append(
            Link(
                source=edge.get("source", ""),
                target=edge.get("target", ""),
                directed=kind == "directed",
                values=_gexf_values(edge, "edge", titles),
                weight=edge.get("weight"),
            )
        )
    graph.has_levels = any(
        kind == "edge" and title in LEVEL_NAMES for (kind, _ident), title in titles.items()
    )
    return graph


def _gexf_values(item: Element, kind: str, titles: dict) -> dict:
    values = {}
    for attvalue in _descendants(item, "attvalue"):
        ident = attvalue.get("for") or attvalue.get("id") or ""
        values[titles.get((kind, ident), ident.lower())] = attvalue.get("value", "")
    return values


# ----- GraphML --------------------------------------------------------------------------------


def _read_graphml(root: Element) -> Graph:
    names = {}  # key id → attribute name, lower case
    for key in _children(root, "key"):
        names[key.get("id", "")] = (key.get("attr.name") or key.get("id", "")).strip().lower()
    element = _graph_element(root)
    graph = Graph()
    for node in _descendants(element, "node"):
        ident = node.get("id")
        if ident is None:
            continue
        values = _graphml_values(node, names)
        yed = [
            label.text for label in _descendants(node, "NodeLabel") if (label.text or "").strip()
        ]
        graph.names[ident] = _name(yed[0] if yed else None, values, ident)
    default = element.get("edgedefault", "undirected")
    for edge in _descendants(element, "edge"):
        values = _graphml_values(edge, names)
        graph.links.append(
            Link(
                source=edge.get("source", ""),
                target=edge.get("target", ""),
                directed=(edge.get("directed") or ("true" if default == "directed" else "false"))
                == "true",
                values=values,
                weight=values.get("weight"),
            )
        )
    graph.has_levels = any(
        key.get("for") in ("edge", "all") and names.get(key.get("id", "")) in LEVEL_NAMES
        for key in _children(root, "key")
    )
    return graph


def _graphml_values(item: Element, names: dict) -> dict:
    return {
        names.get(data.get("key", ""), data.get("key", "").lower()): "".join(data.itertext())
        for data in _children(item, "data")
    }


# ----- to the import's CSV --------------------------------------------------------------------


def _name(label: str | None, values: dict, ident: str) -> str:
    for candidate in (label, *(values.get(name) for name in LABEL_NAMES)):
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return ident


def _first(values: dict, names: tuple[str, ...]) -> str:
    return next((values[name].strip() for name in names if values.get(name, "").strip()), "")


def _level(raw: str) -> int | None:
    """A whole number from 0 to 5 (`3`, `3.0`, `3,0`), else None."""
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= 5:
        return None
    return int(number)


def _rows(graph: Graph) -> list[dict]:
    problems, rows, by_pair = [], [], {}
    for link in graph.links:
        source, target = graph.names.get(link.source), graph.names.get(link.target)
        if source is None or target is None:
            missing = link.source if source is None else link.target
            problems.append(f"un lien part d'un nœud « {missing} » absent de la liste des nœuds")
            continue
        values = link.values
        status = _first(values, STATUS_NAMES)
        if not status and _first(values, WISHED_NAMES).lower() in ("true", "1", "oui"):
            status = "souhaite"
        wished = re.sub(r"[ée]$", "e", status.lower()) == "souhaite"
        desired = _first(values, DESIRED_NAMES)
        raw_level = _first(values, LEVEL_NAMES)
        if wished:  # its level is the desired one
            raw_level = desired or raw_level
        if not raw_level and not graph.has_levels:
            raw_level = (link.weight or "").strip() or DEFAULT_WEIGHT
        level = _level(raw_level) if raw_level else None
        if raw_level and level is None:
            problems.append(
                f"le lien « {source} » – « {target} » a le niveau (ou poids) « {raw_level} » : "
                "un niveau de coopération est un nombre entier de 0 à 5"
            )
            continue
        direction = _first(values, ("direction", "sens")).lower()
        if direction not in ("mutuel", "a_vers_b"):
            direction = "a_vers_b" if link.directed else "mutuel"
        pair = frozenset((link.source, link.target))
        earlier = by_pair.get(pair)
        if earlier is not None and link.directed and earlier["_ends"] == (link.target, link.source):
            earlier["sens"] = "mutuel"  # one directed edge each way: a mutual link
            continue
        row = {
            "source": source,
            "cible": target,
            "niveau": "" if level is None else str(level),
            "statut": status or "existant",
            "sens": "a->b" if direction == "a_vers_b" else "mutuel",
            "niveau_souhaite": "" if wished else desired,
            "_ends": (link.source, link.target),
        }
        by_pair.setdefault(pair, row)
        rows.append(row)
    if problems:
        listed = " ; ".join(problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        extra = f" (et {more} autre{'s' if more > 1 else ''})" if more > 0 else ""
        raise GraphFileError(
            f"Le fichier n'a pas été importé : {listed}{extra}. Corrigez-le dans Gephi, puis "
            "envoyez-le de nouveau."
        )
    if not rows:
        raise GraphFileError(
            "Le graphe ne contient aucun lien : une carte s'importe lien par lien."
        )
    return rows


def _csv(graph: Graph) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, COLUMNS, delimiter=";", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(_rows(graph))
    return buffer.getvalue()
