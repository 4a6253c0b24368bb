"""Fixtures of the analysis tests: suggested partners for the world's map (tests/conftest.py).

The world's map belongs to the trainee: her CCAS (focal) is linked to the CAF.
"""

import pytest

from allervers.maps import services as maps


@pytest.fixture
def neighbour(world, make_structure):
    """A partner of the trainee's partner, on her map but not linked to her structure."""
    structure = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    maps.add_entry(world["map"], structure, {})
    maps.save_link(world["map"], world["partner"].id, structure.id, {"level": 3})
    return structure


@pytest.fixture
def grocery(world, make_structure):
    """A directory structure of the Loiret for young people, as the CCAS's link to the CAF."""
    maps.save_link(
        world["map"], world["structure"].id, world["partner"].id, {"publics": ["jeunes"]}
    )
    return make_structure(
        name="Épicerie solidaire de Gien",
        commune="Gien",
        postal_code="45500",
        typology="ES",
        publics=["jeunes"],
    )
