"""The workshop, simulated: each user is a distinct trainee working on their own map.

A trainee clicks every 1 to 5 seconds: opens the map workspace, adds and removes links (with
the requests the page sends after each change: key figures and graph; a removal starts
from the links tab), reads the
analysis and the graph, searches the initiatives base and the directory, opens the group.
Run by `tests/bench/load.py` (`locust --headless`); reads the data manifest from
BENCH_MANIFEST and writes every request's outcome to BENCH_RECORDS, marked as made while
the room signs in (the ramp) or during the measured workshop.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

MANIFEST = json.loads(Path(os.environ["BENCH_MANIFEST"]).read_text(encoding="utf-8"))
TRAINEES = itertools.cycle(MANIFEST["trainees"])
SOURCES = re.compile(r'name="source_id"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
REMOVE = re.compile(r"/liens/(\d+)/supprimer")
INITIATIVE = re.compile(r'href="/initiatives/(\d+)"')
STRUCTURE = re.compile(r'href="/annuaire/(\d+)"')
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
TECHNIQUES = ["maraude", "permanence-delocalisee", "porte-a-porte", "equipe-mobile", ""]
RECORDS: list[tuple] = []
PHASE = {"measured": False}  # the workshop is measured once every trainee has signed in


@events.spawning_complete.add_listener
def signed_in(**_kw):
    PHASE["measured"] = True


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception, start_time, **_kw):
    error = None if exception is None else str(exception)[:200]
    name = f"{request_type} {name}"
    RECORDS.append((start_time, name, response_time, error, PHASE["measured"]))


@events.test_stop.add_listener
def save(**_kw):
    with open(os.environ["BENCH_RECORDS"], "w", encoding="utf-8") as handle:
        json.dump(RECORDS, handle)


class Trainee(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        me = next(TRAINEES)
        self.map_url = f"/cartes/{me['map_id']}"
        self.group_url = f"/groupes/{me['group_id']}"
        self.structures: list[str] = []
        self.links: list[str] = []
        page = self.client.get("/connexion", name="connexion (formulaire)")
        form = {
            "csrf_token": FORM_TOKEN.search(page.text).group(1),
            "email": me["email"],
            "password": MANIFEST["password"],
        }
        home = self.client.post("/connexion", data=form, name="connexion")
        self.token = META_TOKEN.search(home.text).group(1)

    def htmx(self) -> dict:
        return {"HX-Request": "true", "X-CSRFToken": self.token}

    def after_change(self) -> None:
        """What the workspace requests when the map changes (htmx `mapChanged`): the key
        figures and the graph."""
        self.client.get(
            f"{self.map_url}/chiffres", headers=self.htmx(), name="chiffres clés (fragment)"
        )
        self.client.get(f"{self.map_url}/graphe.json", name="graphe (JSON)")

    @task(2)
    def open_editor(self):
        page = self.client.get(self.map_url, name="espace de travail de la carte")
        sources = SOURCES.search(page.text)
        self.structures = OPTION.findall(sources.group(1)) if sources else []
        self.client.get(f"{self.map_url}/graphe.json", name="graphe (JSON)")

    @task(4)
    def add_link(self):
        if len(self.structures) < 2:
            return self.open_editor()
        source, target = random.sample(self.structures, 2)
        form = {
            "source_id": source,
            "target_id": target,
            "status": random.choice(["existant", "existant", "difficile"]),
            "level": str(random.randint(0, 5)),
            "direction": "mutuel",
        }
        self.client.post(
            f"{self.map_url}/liens", data=form, headers=self.htmx(), name="ajout d'un lien"
        )
        self.after_change()

    @task(2)
    def remove_link(self):
        """From the links tab, where each link has its « Supprimer »."""
        links = self.client.get(
            f"{self.map_url}/liens", headers=self.htmx(), name="liens de la carte (fragment)"
        )
        self.links = REMOVE.findall(links.text)
        if not self.links:
            return None
        link = self.links.pop(random.randrange(len(self.links)))
        self.client.post(
            f"{self.map_url}/liens/{link}/supprimer", headers=self.htmx(), name="retrait d'un lien"
        )
        self.after_change()

    @task(2)
    def read_analysis(self):
        self.client.get(f"{self.map_url}/analyse", name="analyse de la carte")
        self.client.get(f"{self.map_url}/graphe.json", name="graphe de la carte (JSON)")

    @task(3)
    def search_base(self):
        words = random.choice(MANIFEST["search_words"])
        query = {"q": words, "technique": random.choice(TECHNIQUES)}
        found = self.client.get(
            "/initiatives", params=query, headers=self.htmx(), name="recherche dans la base"
        )
        ids = INITIATIVE.findall(found.text)
        if ids:
            self.client.get(f"/initiatives/{random.choice(ids)}", name="fiche d'une initiative")

    @task(2)
    def browse_directory(self):
        query = {"q": random.choice(MANIFEST["communes"])}
        found = self.client.get(
            "/annuaire", params=query, headers=self.htmx(), name="recherche dans l'annuaire"
        )
        ids = STRUCTURE.findall(found.text)
        if ids:
            self.client.get(f"/annuaire/{random.choice(ids)}", name="fiche d'une structure")

    @task(1)
    def open_group(self):
        self.client.get(self.group_url, name="page du groupe")
        self.client.get(f"{self.group_url}/analyse", name="analyse du groupe")

    @task(1)
    def dashboard(self):
        self.client.get("/", name="tableau de bord")

    @task(1)
    def journal(self):
        self.client.get("/journal", name="journal de pratique")
