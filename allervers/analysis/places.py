"""Where a map's structures are: their intercommunalité (EPCI), its neighbours, and the names the
suggestions' sentences use — from the official list of communes (allervers/communes)."""

from collections.abc import Iterable

from allervers import communes
from allervers.network.suggestions import Proximity


def epci_of(insee: str | None) -> str | None:
    return communes.epci_of(insee) if insee else None


def proximity(focal_insee: str | None, candidates: Iterable) -> Proximity:
    """The focal structure's neighbouring EPCIs, and the names of the focal commune and of the
    EPCIs the candidates (`StructureIn`) belong to."""
    focal = communes.lookup(focal_insee) if focal_insee else None
    if focal is None:
        return Proximity()
    names = {focal.insee: focal.name}
    for candidate in candidates:
        commune = communes.lookup(candidate.commune) if candidate.commune else None
        if commune is not None and commune.epci:
            names[commune.epci] = commune.epci_name
    if focal.epci:
        names[focal.epci] = focal.epci_name
    nearby = communes.neighbour_epcis(focal.epci) if focal.epci else frozenset()
    return Proximity(nearby_epcis=frozenset(nearby), names=names)
