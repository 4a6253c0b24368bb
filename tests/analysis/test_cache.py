"""A map's analysis is computed once per version of its data, in the database or in Redis."""

import json

import pytest

from allervers.analysis import services
from allervers.analysis.models import AnalysisResult
from allervers.core.redis_client import redis_client
from allervers.extensions import db
from allervers.maps import services as maps
from tests.helpers import REDIS_URL, redis_or_skip


@pytest.fixture
def computations(monkeypatch):
    calls = []
    real = services.compute_map_analysis

    def counted(cooperation_map, directory_version, wishes=None):
        calls.append(cooperation_map.id)
        return real(cooperation_map, directory_version, wishes)

    monkeypatch.setattr(services, "compute_map_analysis", counted)
    return calls


def analysis_json(client, world) -> dict:
    response = client.get(f"/cartes/{world['map'].id}/analyse.json")
    assert response.status_code == 200
    return json.loads(response.data)


def test_a_second_read_comes_from_the_cache(client_as, world, computations):
    client = client_as("stagiaire")
    first = analysis_json(client, world)
    second = analysis_json(client, world)
    assert computations == [world["map"].id]
    assert first == second
    assert db.session.get(AnalysisResult, f"carte-{world['map'].id}") is not None


def test_a_change_to_the_map_computes_it_again(client_as, world, make_structure, computations):
    client = client_as("stagiaire")
    assert analysis_json(client, world)["network"]["nodes"] == 2
    maps.add_entry(world["map"], make_structure(name="Mission locale d'Orléans"), {})
    assert analysis_json(client, world)["network"]["nodes"] == 3
    assert len(computations) == 2


def test_a_change_to_the_directory_computes_it_again(
    client_as, world, make_structure, computations
):
    """Suggestions read the directory: a new structure nearby may be one."""
    client = client_as("stagiaire")
    analysis_json(client, world)
    make_structure(name="Épicerie solidaire d'Orléans")
    analysis_json(client, world)
    assert len(computations) == 2


def test_the_cache_lives_in_redis_when_configured(app, client_as, world, computations):
    redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    key = f"allervers:analysis:carte-{world['map'].id}:meta"
    redis_client().delete(key, key.replace(":meta", ":payload"))
    client = client_as("stagiaire")
    first = analysis_json(client, world)
    assert analysis_json(client, world) == first
    assert computations == [world["map"].id]
    assert redis_client().exists(key)
    assert redis_client().exists(key.replace(":meta", ":payload"))
    assert db.session.get(AnalysisResult, f"carte-{world['map'].id}") is None
    redis_client().delete(key, key.replace(":meta", ":payload"))


def test_pages_keep_working_when_redis_is_down(app, client_as, world, computations):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    client = client_as("stagiaire")
    assert analysis_json(client, world)["network"]["nodes"] == 2
    assert analysis_json(client, world)["network"]["nodes"] == 2
    assert computations == [world["map"].id]  # the database took over
    assert client.get(f"/groupes/{world['group'].id}/analyse").status_code == 200
