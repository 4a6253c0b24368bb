"""`make bench`: server time of the pages a workshop leans on, on a generated data set.

Not a test: it prints figures against their targets. Data: 5,000 structures, a map of 150
structures and 400 links. Each figure is the median of several requests through the WSGI app
(no network), on a throw-away SQLite file — or on BENCH_DATABASE_URL when given.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from allervers import create_app
from allervers.auth.models import User
from allervers.auth.passwords import hash_password
from allervers.directory.models import Structure, StructurePublic
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from tests.helpers import csrf_token

PASSWORD = "mot-de-passe-du-banc"
TOWNS = ["Orléans", "Tours", "Gien", "Montargis", "Amboise", "Chinon", "Briare", "Loches"]
KINDS = [
    ("CCAS", "CCAS"),
    ("Association", "ASSO"),
    ("Mission locale", "ML"),
    ("Centre social", "CS"),
    ("Épicerie solidaire", "ES"),
    ("Mairie", "MUNI"),
]


def build_data() -> tuple[User, CooperationMap]:
    rng = random.Random(7)
    structures = []
    for number in range(5000):
        kind, typology = rng.choice(KINDS)
        town = rng.choice(TOWNS)
        structure = Structure(
            name=f"{kind} {number} de {town}",
            commune=town,
            typology=typology,
            postal_code="45000" if number % 2 else "37000",
        )
        structure.refresh_derived()
        structure.publics = [StructurePublic(public_code="jeunes")]
        structures.append(structure)
    db.session.add_all(structures)
    user = User(
        email="banc@exemple.fr",
        name="Banc",
        role="stagiaire",
        password_hash=hash_password(PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    cooperation_map = CooperationMap(title="Carte du banc", owner_id=user.id)
    db.session.add(cooperation_map)
    placed = structures[:150]
    cooperation_map.entries = [
        MapEntry(structure_id=s.id, influence=rng.randint(0, 5)) for s in placed
    ]
    pairs = set()
    while len(pairs) < 400:
        first, second = rng.sample(range(150), 2)
        pairs.add(tuple(sorted((first, second))))
    for first, second in sorted(pairs):
        link = CooperationLink(level=rng.randint(0, 5), status="existant")
        link.set_pair(placed[first].id, placed[second].id)
        cooperation_map.links.append(link)
    db.session.commit()
    return user, cooperation_map


def median_ms(call, runs: int) -> float:
    call()  # warm-up (template compilation, caches)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 400, response.status_code
    return statistics.median(timings)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="allervers-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "banc", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        user, cooperation_map = build_data()
        email, map_id = user.email, cooperation_map.id
        placed = [e.structure_id for e in cooperation_map.entries]
        existing = {(l.pair_low_id, l.pair_high_id) for l in cooperation_map.links}  # noqa: E741
        db.session.remove()
    client = app.test_client()
    token = csrf_token(client)
    client.post("/connexion", data={"csrf_token": token, "email": email, "password": PASSWORD})
    token = csrf_token(client, "/")
    free_pairs = ((a, b) for a in placed for b in placed if a < b and (a, b) not in existing)

    def add_link():
        first, second = next(free_pairs)
        data = {
            "csrf_token": token,
            "source_id": first,
            "target_id": second,
            "status": "existant",
            "level": "3",
            "direction": "mutuel",
        }
        return client.post(f"/cartes/{map_id}/liens", data=data, headers={"HX-Request": "true"})

    search_path = (
        "/annuaire?q=epicerie+orleans"
        if "directory.list_structures" in app.view_functions
        else f"/cartes/{map_id}/structures/recherche?q=epicerie+orleans"
    )
    analysis_page = median_ms(lambda: client.get(f"/cartes/{map_id}/analyse.json"), 10)
    results = [
        (
            "Éditeur de carte (150 structures, 400 liens)",
            100,
            median_ms(lambda: client.get(f"/cartes/{map_id}"), 15),
        ),
        ("Ajout d'un lien (htmx)", 30, median_ms(add_link, 30)),
        ("Analyse d'une carte de 150 structures (sans cache)", 100, analysis_page),
        (
            "Recherche dans l'annuaire (5 000 structures)",
            50,
            median_ms(lambda: client.get(search_path, headers={"HX-Request": "true"}), 30),
        ),
    ]
    print(f"Base : {url.split(':')[0]} · médianes du temps serveur")
    for label, target, value in results:
        verdict = "OK" if value <= target else "AU-DESSUS DE LA CIBLE"
        print(f"  {label:<48} {value:7.1f} ms   cible < {target} ms   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
