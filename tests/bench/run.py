"""`make bench`: server time of the pages a workshop leans on, on a generated data set.

Not a test: it prints figures against their targets. Data: 5,000 structures; a map of 150
structures and 400 links; a group of 30 trainee maps (~600 structures, ~2,000 links); a
territory of 100 more maps (2,000 structures, 10,000 links) seen by its formateur; 5,000
shared initiatives. Page figures are medians of requests through the WSGI app (no network);
aggregates are computed by a real background worker (`huey_consumer`, as `make run` starts
it), whose peak memory is read from /proc; the territory is also opened in Chromium.
On a throw-away SQLite file, or on BENCH_DATABASE_URL when given.
"""

import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select

from allervers import create_app
from allervers.analysis import cache
from allervers.auth.models import User
from allervers.auth.passwords import hash_password
from allervers.core import vocab
from allervers.core.jobs import huey
from allervers.directory.models import Structure, StructurePublic, normalise
from allervers.extensions import db
from allervers.initiatives.models import Effect, Initiative, InitiativePublic, InitiativeTechnique
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from allervers.maps.services import touch
from allervers.training.models import Group, Membership, TrainingSession
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
SECTORS = ["social", "sante", "emploi", "logement", "droits", "jeunesse"]


# ----- data -------------------------------------------------------------------------------------


def make_structures(rng: random.Random) -> list[int]:
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
    db.session.flush()
    return [structure.id for structure in structures]


def make_user(email: str, role: str, password_hash: str) -> User:
    user = User(email=email, name=email.split("@")[0], role=role, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


def make_map(rng, title: str, structure_ids: list[int], links: int, **owner) -> int:
    """A map of these structures with `links` random distinct links, written in bulk."""
    cooperation_map = CooperationMap(title=title, **owner)
    db.session.add(cooperation_map)
    db.session.flush()
    db.session.execute(
        insert(MapEntry),
        [{"map_id": cooperation_map.id, "structure_id": sid} for sid in structure_ids],
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(links, len(structure_ids) * (len(structure_ids) - 1) // 2):
        first, second = rng.sample(structure_ids, 2)
        pairs.add((min(first, second), max(first, second)))
    rows = []
    for low, high in sorted(pairs):
        status = rng.choice(["existant"] * 6 + ["difficile", "souhaite"])
        rows.append(
            {
                "map_id": cooperation_map.id,
                "source_id": low,
                "target_id": high,
                "pair_low_id": low,
                "pair_high_id": high,
                "level": rng.randint(0, 5),
                "status": status,
                "direction": "mutuel",
                "resources": [],
                "publics": [],
            }
        )
    db.session.execute(insert(CooperationLink), rows)
    return cooperation_map.id


WORDS = ["marché", "maraude", "permanence", "jeunes", "quartier", "numérique", "santé", "accès"]


def make_initiatives(rng, author_id: int, structure_ids: list[int]) -> int:
    """5,000 shared initiatives (full-text indexed by the database) and one with 50 effects."""
    techniques = [entry.code for entry in vocab.load("techniques")]
    publics = [entry.code for entry in vocab.load("publics")]
    rows = []
    for number in range(5000):
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {number}"
        summary = " ".join(rng.choice(WORDS) for _ in range(30))
        rows.append(
            {
                "title": title,
                "summary": summary,
                "status": rng.choice(["projet", "en_cours", "terminee"]),
                "visibility": "base",
                "author_id": author_id,
                "structure_id": rng.choice(structure_ids),
                "territory_kinds": [],
                "non_take_up": [],
                "search_text": normalise(f"{title} {summary}"),
                "effects_count": rng.randint(0, 5),
            }
        )
    db.session.execute(insert(Initiative), rows)
    ids = list(db.session.scalars(select(Initiative.id)))
    db.session.execute(
        insert(InitiativeTechnique),
        [
            {"initiative_id": i, "technique_code": code}
            for i in ids
            for code in rng.sample(techniques, 2)
        ],
    )
    db.session.execute(
        insert(InitiativePublic),
        [{"initiative_id": i, "public_code": code} for i in ids for code in rng.sample(publics, 2)],
    )
    followed = ids[0]
    db.session.execute(
        insert(Effect),
        [
            {
                "initiative_id": followed,
                "observed_on": date(2026, 1, 1) + timedelta(days=7 * week),
                "dimension": ["personnes", "pratiques", "organisations"][week % 3],
                "indicator_code": ["rencontrees", "binomes", "partenariats"][week % 3],
                "value": float(rng.randint(1, 40)),
                "comment": "Observation de la semaine.",
            }
            for week in range(50)
        ],
    )
    return followed


def build_data() -> dict:
    rng = random.Random(7)
    ids = make_structures(rng)
    password_hash = hash_password(PASSWORD)
    trainee = make_user("banc@exemple.fr", "stagiaire", password_hash)
    admin = make_user("admin-banc@exemple.fr", "admin", password_hash)
    # The territory's formateur sees exactly the 100 territory maps (and the shared base).
    mapper = make_user("territoire-banc@exemple.fr", "formateur", password_hash)
    workshop_map = make_map(rng, "Carte du banc", ids[:150], 400, owner_id=trainee.id)

    training = TrainingSession(
        title="Session du banc", module="Module 2", audience="Niveau 6", objectives=[]
    )
    group = Group(session=training, name="Groupe du banc", city="Orléans")
    db.session.add_all([training, group])
    group_pool = ids[200:800]
    for number in range(30):
        person = make_user(f"stagiaire{number}@exemple.fr", "stagiaire", password_hash)
        group.memberships.append(
            Membership(user=person, role="stagiaire", joined_at=datetime.now())
        )
        # a shared core of 40 structures (perception gaps) and 20 of the trainee's own
        chosen = rng.sample(group_pool[:40], 15) + group_pool[40 + number * 18 : 58 + number * 18]
        make_map(rng, f"Carte {number}", chosen, 67, owner_id=person.id)

    territory_pool = ids[1000:3000]
    for number in range(100):
        own = territory_pool[number * 20 : number * 20 + 20]
        chosen = own + rng.sample(territory_pool, 20)
        make_map(rng, f"Territoire {number}", sorted(set(chosen)), 100, owner_id=mapper.id)
    followed = make_initiatives(rng, trainee.id, ids[:300])
    db.session.commit()
    return {
        "trainee": trainee.email,
        "admin": admin.email,
        "mapper": mapper.email,
        "map": workshop_map,
        "group": group.id,
        "initiative": followed,
    }


# ----- measures ---------------------------------------------------------------------------------


def median_ms(call, runs: int, before=None) -> float:
    """Median server time of `call()`; `before()` runs untimed before each call."""
    call()  # warm-up (template compilation, caches)
    timings = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 400, response.status_code
    return statistics.median(timings)


def signed_in(app, email: str):
    client = app.test_client()
    token = csrf_token(client)
    client.post("/connexion", data={"csrf_token": token, "email": email, "password": PASSWORD})
    return client


def start_worker(url: str, queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HUEY_DB": queue,
        "REDIS_URL": "",
        "SECRET_KEY": "banc",
    }
    consumer = Path(sys.executable).parent / "huey_consumer"
    return subprocess.Popen(
        [str(consumer), "allervers.worker.huey", "-w", "1", "-k", "thread", "-d", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for(app, key: str, pages: dict, timeout: float = 120) -> tuple[float, float, str]:
    """Wait for the worker's result, requesting pages meanwhile.

    Returns the wall time in seconds, the slowest page time in ms and that page's name.
    """
    start, slowest, which = time.perf_counter(), 0.0, ""
    while time.perf_counter() - start < timeout:
        for name, page in pages.items():
            began = time.perf_counter()
            response = page()
            elapsed = (time.perf_counter() - began) * 1000
            if elapsed > slowest:
                slowest, which = elapsed, name
            assert response.status_code < 400, response.status_code
        with app.app_context():
            stored = cache.load(key)
            if stored.payload is not None and stored.pending_version is None:
                return time.perf_counter() - start, slowest, which
        time.sleep(0.02)
    raise TimeoutError(f"pas de résultat pour {key} en {timeout} s")


def browser_territory_seconds(app, email: str) -> tuple[float, float] | None:
    """Open the cached territory in headless Chromium: seconds until drawn, and until a click
    on a structure shows its card. None when Chromium is not installed."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
    from tests.browser.test_aggregate_graph import LONELIEST_NODE

    executable = chromium_path()
    if executable is None:
        return None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/connexion")
            page.get_by_label("Adresse e-mail").fill(email)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(f"{base}/")
            start = time.perf_counter()
            page.goto(f"{base}/territoire")
            page.wait_for_selector("#graph[data-ready=true]", timeout=60_000)
            drawn = time.perf_counter() - start
            loneliest = page.evaluate(LONELIEST_NODE)
            clicked = time.perf_counter()
            page.locator("#graph").scroll_into_view_if_needed()
            page.wait_for_timeout(250)  # Cytoscape refreshes its offset after a scroll
            spot = page.evaluate(
                f"document.getElementById('graph').cy.$id('{loneliest['id']}').renderedPosition()"
            )
            box = page.locator("#graph").bounding_box()
            page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
            page.wait_for_selector("#node-card", timeout=30_000)
            usable = drawn + time.perf_counter() - clicked  # the search for a node left out
            browser.close()
    finally:
        server.shutdown()
    return drawn, usable


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="allervers-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    queue = str(folder / "jobs.sqlite")
    huey.storage_kwargs["filename"] = queue
    huey.storage = huey.create_storage()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "banc", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        data = build_data()
        db.session.remove()
    map_id, group_id = data["map"], data["group"]
    client, staff = signed_in(app, data["trainee"]), signed_in(app, data["admin"])
    mapper = signed_in(app, data["mapper"])
    token = csrf_token(client, "/")
    with app.app_context():
        placed = [entry.structure_id for entry in db.session.get(CooperationMap, map_id).entries]
        existing = {
            (link.pair_low_id, link.pair_high_id)
            for link in db.session.get(CooperationMap, map_id).links
        }
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

    def map_changed():
        with app.app_context():
            touch(map_id)
            db.session.commit()

    analysis_json = f"/cartes/{map_id}/analyse.json"
    results = [
        (
            "Éditeur de carte (150 structures, 400 liens)",
            100,
            median_ms(lambda: client.get(f"/cartes/{map_id}"), 15),
        ),
        ("Ajout d'un lien (htmx)", 30, median_ms(add_link, 30)),
        (
            "Analyse d'une carte de 150 structures, à froid",
            100,
            median_ms(lambda: client.get(analysis_json), 10, before=map_changed),
        ),
        ("Analyse de cette carte, en cache", 20, median_ms(lambda: client.get(analysis_json), 30)),
        (
            "Recherche dans l'annuaire (5 000 structures)",
            50,
            median_ms(
                lambda: client.get("/annuaire?q=epicerie+orleans", headers={"HX-Request": "true"}),
                30,
            ),
        ),
    ]

    results += [
        (
            "Base des initiatives : recherche + filtres (5 000 initiatives)",
            50,
            median_ms(
                lambda: client.get(
                    "/initiatives?q=marche+quartier&technique=maraude&statut=en_cours",
                    headers={"HX-Request": "true"},
                ),
                20,
            ),
        ),
        (
            "Page d'une initiative avec 50 effets",
            30,
            median_ms(lambda: client.get(f"/initiatives/{data['initiative']}"), 20),
        ),
    ]

    worker = start_worker(url, queue)
    try:
        time.sleep(1.5)  # the worker imports the app
        resting = peak_memory_mb(worker.pid)
        group_page = f"/groupes/{group_id}/analyse"
        staff.get(group_page)  # queues the group aggregate
        group_wall, _slowest, _page = wait_for(app, f"groupe-{group_id}", {})
        with app.app_context():
            group_payload = cache.load(f"groupe-{group_id}").payload
        network = group_payload["analysis"]["network"]
        results.append(
            (
                f"Agrégat du groupe ({group_payload['maps']} cartes, "
                f"{network['nodes']} structures, "
                f"{network['links'] + network['wished_links']} liens), dans le job",
                1000,
                group_payload["seconds"] * 1000,
            )
        )
        results.append(
            (
                "Page de l'agrégat du groupe, en cache",
                200,
                median_ms(lambda: staff.get(group_page), 10),
            )
        )
        results.append(
            (
                "Graphe de l'agrégat du groupe (JSON), en cache",
                20,
                median_ms(lambda: staff.get(f"/agregats/groupe/{group_id}/graphe.json"), 10),
            )
        )

        mapper.get("/territoire")  # queues the territory
        with app.app_context():
            from allervers.analysis import scopes

            viewer = db.session.scalar(db.select(User).where(User.email == data["mapper"]))
            territory_key = scopes.territory_scope(viewer, "", "").key
        pages = {
            "éditeur": lambda: client.get(f"/cartes/{map_id}"),
            "analyse en cache": lambda: client.get(analysis_json),
            "agrégat du groupe": lambda: staff.get(group_page),
            "annuaire": lambda: client.get(
                "/annuaire?q=epicerie+orleans", headers={"HX-Request": "true"}
            ),
        }
        territory_wall, slowest, slowest_page = wait_for(app, territory_key, pages)
        with app.app_context():
            territory = cache.load(territory_key).payload
        peak = peak_memory_mb(worker.pid)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    network = territory["analysis"]["network"]
    results += [
        (
            f"Territoire ({territory['maps']} cartes, {network['nodes']} structures, "
            f"{network['links'] + network['wished_links']} liens), dans le job",
            5000,
            territory["seconds"] * 1000,
        ),
        (f"Page la plus lente pendant le calcul du territoire ({slowest_page})", 200, slowest),
        (
            "Page du territoire, en cache",
            200,
            median_ms(lambda: mapper.get("/territoire"), 10),
        ),
        (
            "Graphe du territoire (JSON), en cache",
            200,
            median_ms(lambda: mapper.get("/agregats/territoire/0/graphe.json"), 10),
        ),
        (
            "Fiche d'une structure du territoire (htmx)",
            100,
            median_ms(
                lambda: mapper.get(
                    f"/agregats/territoire/0/noeud/{territory['analysis']['structures'][0]['id']}",
                    headers={"HX-Request": "true"},
                ),
                10,
            ),
        ),
    ]

    seen = browser_territory_seconds(app, data["mapper"])
    if seen is not None:
        results += [
            ("Territoire dessiné dans Chromium (en cache)", 3000, seen[0] * 1000),
            ("Territoire utilisable dans Chromium (fiche ouverte)", 3000, seen[1] * 1000),
        ]

    print(f"Base : {url.split(':')[0]} · médianes du temps serveur")
    for label, target, value in results:
        verdict = "OK" if value <= target else "AU-DESSUS DE LA CIBLE"
        print(f"  {label:<78} {value:8.1f} ms   cible < {target} ms   {verdict}")
    print(
        f"  Calculateur : mémoire au repos {resting:.0f} Mo, pic {peak:.0f} Mo ; "
        f"attente du groupe {group_wall:.2f} s, du territoire {territory_wall:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
