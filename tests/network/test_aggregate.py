"""The aggregate of several maps: merged structures, one link per pair, perception gaps."""

from allervers.network import LinkIn, StructureIn, aggregate, analyse

A = StructureIn(1, "CCAS", "social", "45")
B = StructureIn(2, "Mission locale", "emploi", "45")
C = StructureIn(3, "CMP", "sante", "45")


def _maps():
    first = ([A, B, C], [LinkIn(1, 2, "existant", 2), LinkIn(1, 3, "existant", 1)])
    second = (
        [A, StructureIn(2, "Mission locale", "emploi", "45", frozenset({"jeunes"})), C],
        [
            LinkIn(2, 1, "existant", 4),
            LinkIn(1, 3, "souhaite", None, desired_level=3, feasibility="possible"),
        ],
    )
    third = ([A, B, C], [LinkIn(1, 2, "existant", 3), LinkIn(2, 3, "difficile", 2)])
    return [first, second, third]


def _by_pair(links):
    return {link.pair: link for link in links}


def test_structures_merged_by_id():
    structures, _links, _gaps = aggregate(_maps())
    assert [structure.name for structure in structures] == ["CCAS", "CMP", "Mission locale"]
    assert structures[2].publics == frozenset({"jeunes"})


def test_one_link_per_pair_with_median_level_and_reports():
    _structures, links, _gaps = aggregate(_maps())
    links = _by_pair(links)
    assert set(links) == {(1, 2), (1, 3), (2, 3)}
    # Levels 2, 4, 3 → median 3; three maps report it.
    assert (links[1, 2].status, links[1, 2].level, links[1, 2].reports) == ("existant", 3, 3)
    # One map says it exists at 1, another wishes it at 3: it exists, to strengthen.
    assert (links[1, 3].status, links[1, 3].level, links[1, 3].reports) == ("existant", 1, 1)
    assert (links[1, 3].desired_level, links[1, 3].feasibility) == (3, "possible")
    assert (links[2, 3].status, links[2, 3].level) == ("difficile", 2)


def test_even_number_of_reports_rounds_the_median_down():
    maps = [([A, B], [LinkIn(1, 2, "existant", level)]) for level in (1, 2, 3, 4)]
    _structures, (link,), _gaps = aggregate(maps)
    assert (link.level, link.reports) == (2, 4)


def test_difficult_only_when_most_reports_say_so():
    def status_of(*statuses):
        maps = [([A, B], [LinkIn(1, 2, status, 2)]) for status in statuses]
        return aggregate(maps)[1][0].status

    assert status_of("existant", "difficile") == "existant"
    assert status_of("difficile", "difficile", "existant") == "difficile"
    assert status_of("souhaite", "souhaite") == "souhaite"


def test_perception_gaps_list_the_disagreements():
    _structures, _links, gaps = aggregate(_maps())
    assert len(gaps) == 1
    (gap,) = gaps
    assert (gap.source, gap.target, gap.levels, gap.spread) == (
        "CCAS",
        "Mission locale",
        [2, 3, 4],
        2,
    )


def test_no_perception_gap_when_maps_agree():
    maps = [([A, B], [LinkIn(1, 2, "existant", 2)]), ([A, B], [LinkIn(2, 1, "existant", 2)])]
    assert aggregate(maps)[2] == []


def test_merged_ratings_obstacles_and_direction():
    maps = [
        ([A, B], [LinkIn(1, 2, "existant", 2, "a_vers_b", trust=(4, 2, None), obstacles="Délais")]),
        (
            [A, B],
            [LinkIn(1, 2, "existant", 2, "a_vers_b", trust=(2, None, None), obstacles="Coût")],
        ),
    ]
    (link,) = aggregate(maps)[1]
    assert (link.source, link.target, link.direction) == (1, 2, "a_vers_b")
    assert link.trust == (3, 2, None)
    assert link.obstacles == "Coût ; Délais"
    maps.append(([A, B], [LinkIn(2, 1, "existant", 2, "a_vers_b")]))
    assert aggregate(maps)[1][0].direction == "mutuel"


def test_the_aggregate_can_be_analysed():
    structures, links, _gaps = aggregate(_maps())
    result = analyse(structures, links)
    assert (result.network.nodes, result.network.links, result.network.wished_links) == (3, 3, 0)
    assert result.network.difficult_links == 1
    assert [(gap.source, gap.target, gap.kind) for gap in result.gaps] == [
        ("CCAS", "CMP", "à renforcer")
    ]


def test_analyse_merges_a_pair_given_twice_like_an_aggregate():
    links = [LinkIn(1, 2, "existant", 1), LinkIn(2, 1, "existant", 3)]
    result = analyse([A, B], links)
    assert result.network.links == 1
    assert result.network.mean_level == 2.0
