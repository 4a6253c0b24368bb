"""Need and possibility: wished links and links to strengthen, the easiest first."""

from allervers.network.graph import Network
from allervers.network.model import FEASIBILITY_ORDER, WISHED, Gap, LinkIn

WISHED_KIND = "souhaité"
STRENGTHEN_KIND = "à renforcer"


def _gap(network: Network, link: LinkIn) -> Gap | None:
    if link.status == WISHED:
        # No link yet counts as one step below « se connaître » (level 0).
        kind, size = WISHED_KIND, (link.desired_level or 0) + 1
    elif (
        link.is_edge
        and link.level is not None
        and link.desired_level is not None
        and link.desired_level > link.level
    ):
        kind, size = STRENGTHEN_KIND, link.desired_level - link.level
    else:
        return None
    return Gap(
        source=network.name(link.source),
        target=network.name(link.target),
        source_id=link.source,
        target_id=link.target,
        kind=kind,
        current_level=None if link.status == WISHED else link.level,
        desired_level=link.desired_level,
        size=size,
        feasibility=link.feasibility,
        obstacles=link.obstacles,
    )


def gap_list(network: Network) -> list[Gap]:
    """Sorted by feasibility (facile, possible, difficile, then unknown), widest gap, names."""
    gaps = [gap for link in network.links if (gap := _gap(network, link)) is not None]
    gaps.sort(
        key=lambda gap: (
            FEASIBILITY_ORDER.get(gap.feasibility or "", len(FEASIBILITY_ORDER)),
            -gap.size,
            network.pair_key(gap.source_id, gap.target_id),
        )
    )
    return gaps
