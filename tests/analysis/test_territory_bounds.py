"""A territory's area comes from the query string: typed values must not pile up results and
jobs, and old territory results go."""

import random
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from allervers.analysis import cache
from allervers.analysis import tasks as analysis_tasks
from allervers.analysis.models import AnalysisResult
from allervers.core.redis_client import redis_client
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.helpers import REDIS_URL, redis_or_skip, text


def territory_rows() -> int:
    query = select(func.count()).where(AnalysisResult.key.startswith(cache.TERRITORY))
    return db.session.scalar(query)


@pytest.fixture
def jobs(monkeypatch) -> list[dict]:
    """The territory jobs queued (still run inline)."""
    queued, real = [], analysis_tasks.compute_scope

    def counted(scope: dict):
        queued.append(scope)
        return real(scope)

    monkeypatch.setattr(analysis_tasks, "compute_scope", counted)
    return queued


def hostile_communes(count: int) -> list[str]:
    alphabet = "aàbcçeéèêzZ-' 0123456789<>\"&%;/\\\u200b\u202eéœ日本"
    rng = random.Random(14)
    values = {"".join(rng.choices(alphabet, k=rng.randint(1, 120))) for _ in range(count * 2)}
    return sorted(value for value in values if value.strip())[:count]


def test_a_thousand_typed_communes_store_one_result(client_as, world, jobs):
    """Only communes of the directory are computed, each under one spelling."""
    client = client_as("formateur")
    refused = 0
    for number, commune in enumerate(hostile_communes(1000)):
        response = client.get("/territoire", query_string={"commune": commune})
        assert response.status_code == 422, commune
        refused += "Aucune structure de l'annuaire n'est située à" in text(response)
        if number % 100 == 0:  # the sub-resources read the same area
            graph = "/agregats/territoire/0/graphe.json"
            assert client.get(graph, query_string={"commune": commune}).status_code == 404
    assert refused >= 990  # the rest are too long
    assert territory_rows() == 0
    assert jobs == []
    for spelling in ("Orléans", "orleans", " ORLÉANS ", "Orleans", "orléans"):
        response = client.get("/territoire", query_string={"commune": spelling})
        assert response.status_code == 200
        assert 'name="commune" value="Orléans"' in text(response)
    assert territory_rows() == 1
    assert len(jobs) == 1
    tours = client.get("/territoire", query_string={"commune": "Orléans", "departement": "37"})
    assert tours.status_code == 422
    assert "« Orléans » dans le département 37" in text(tours)


def test_old_and_surplus_territory_results_are_purged(app, client_as, world):
    now = utcnow()
    for number in range(cache.TERRITORIES_KEPT + 20):
        cache.save(f"{cache.TERRITORY}{number:04d}", "v1", {"maps": number})
    cache.save("groupe-1", "v1", {"maps": 1})
    # the first 20 were computed long ago, the rest one minute apart, the latest last
    for number in range(cache.TERRITORIES_KEPT + 20):
        at = now - cache.TERRITORY_MAX_AGE - timedelta(days=1) if number < 20 else now
        at -= timedelta(minutes=cache.TERRITORIES_KEPT + 20 - number)
        db.session.execute(
            update(AnalysisResult)
            .where(AnalysisResult.key == f"{cache.TERRITORY}{number:04d}")
            .values(computed_at=at)
        )
    db.session.execute(
        update(AnalysisResult)
        .where(AnalysisResult.key == "groupe-1")
        .values(computed_at=now - timedelta(days=365))
    )
    db.session.commit()
    assert territory_rows() == cache.TERRITORIES_KEPT + 20
    # a territory computed now (the worker's job) purges the others beyond the bound
    response = client_as("formateur").get("/territoire")
    assert response.status_code == 200
    assert territory_rows() == cache.TERRITORIES_KEPT
    kept = set(db.session.scalars(select(AnalysisResult.key)))
    assert f"{cache.TERRITORY}0019" not in kept  # too old
    assert f"{cache.TERRITORY}0020" not in kept  # the 101st most recent
    assert f"{cache.TERRITORY}{cache.TERRITORIES_KEPT + 19:04d}" in kept
    assert "groupe-1" in kept  # groups and sessions are as many as there are of them
    db.session.execute(update(AnalysisResult).values(computed_at=now - timedelta(days=40)))
    db.session.commit()
    assert len(cache.purge_territories()) == cache.TERRITORIES_KEPT
    assert territory_rows() == 0


def test_territory_results_expire_in_redis(app):
    redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    unique = uuid.uuid4().hex
    territory, group = f"{cache.TERRITORY}{unique}", f"groupe-{unique}"
    for key in (territory, group):
        assert cache.claim(key, "v1")
        cache.save(key, "v1", {"maps": 1})
    client, parts = redis_client(), ("meta", "payload")
    try:
        for part in parts:
            ttl = client.ttl(cache._redis_key(territory, part))
            assert 0 < ttl <= cache.TERRITORY_MAX_AGE.total_seconds()
            assert client.ttl(cache._redis_key(group, part)) == -1  # no expiry
    finally:
        client.delete(
            *(cache._redis_key(key, part) for key in (territory, group) for part in parts)
        )
