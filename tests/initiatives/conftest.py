"""Factories of initiatives and effects for the initiative, technique and presentation tests."""

from datetime import date

import pytest

from allervers.extensions import db
from allervers.initiatives import services


@pytest.fixture
def make_initiative(app, world):
    """make_initiative(author=world["stagiaire"], visibility="base", techniques=["maraude"], …)."""

    def make(author=None, **fields):
        author = author or world["stagiaire"]
        values = {
            "title": "Permanence au marché du samedi",
            "summary": "Une présence hebdomadaire au marché de La Source.",
            "status": "en_cours",
            "visibility": "privee",
            "structure_id": world["structure"].id,
            "techniques": ["lieux-de-vie"],
            "publics": ["personnes-agees"],
            "consent": True,
            **fields,
        }
        return services.create_initiative(author, values)

    return make


@pytest.fixture
def make_effect(app, world):
    """make_effect(initiative, dimension="personnes", indicator_code="rencontrees", value=12)."""

    def make(initiative, **fields):
        values = {
            "observed_on": date(2026, 10, 1),
            "dimension": "personnes",
            "indicator_code": "rencontrees",
            "value": 10.0,
            "comment": "Beaucoup de passage.",
            **fields,
        }
        effect = services.add_effect(initiative, values, world["stagiaire"])
        db.session.refresh(initiative)
        return effect

    return make
