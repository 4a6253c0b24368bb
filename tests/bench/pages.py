"""Server time of every main page and fragment, against the floor, one request at a time.

Each page is requested `WARM_UP` times untimed (compiled templates, warm caches), then
`RUNS` times; the server time comes from the bench's `Server-Timing` header, the round
trip from the client's clock (it adds gunicorn, loopback and the client's own parsing).
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from flask import Flask
from sqlalchemy import select

from allervers.extensions import db
from allervers.maps.models import CooperationLink, MapEntry
from allervers.maps.services import touch
from tests.bench.client import Browser, server_timing
from tests.bench.data import Manifest

RUNS = int(os.environ.get("BENCH_RUNS", 50))
WARM_UP = 5
TARGET_MS = 50
TARGET_RATIO = 3
FLOOR = "Plancher : route Flask minimale"


@dataclass
class Page:
    label: str
    who: str  # "stagiaire", "formateur", "admin" or "anonyme"
    path: str
    htmx: bool = False


@dataclass
class Measure:
    label: str
    who: str
    server: list[float] = field(default_factory=list)
    round_trip: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    collections: list[float] = field(default_factory=list)
    size: int = 0

    @property
    def p50(self) -> float:
        return percentile(self.server, 50)

    @property
    def p95(self) -> float:
        return percentile(self.server, 95)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "who": self.who,
            "p50": self.p50,
            "p95": self.p95,
            "rt_p50": percentile(self.round_trip, 50),
            "rt_p95": percentile(self.round_trip, 95),
            "statements": int(statistics.median(self.statements)),
            "sql_p50": percentile(self.sql, 50),
            "gc_max": max(self.collections, default=0.0),
            "slowest_gc": self.collections[self.server.index(max(self.server))]
            if self.server
            else 0.0,
            "kb": self.size / 1024,
            "runs": len(self.server),
        }


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def read_pages(m: Manifest, territory_node: int) -> list[Page]:
    """Every main page and fragment, each as the person who uses it."""
    trainee = m.trainees[0]
    map_url, group_url = f"/cartes/{trainee.map_id}", f"/groupes/{m.group_id}"
    search = urlencode({"q": "permanence marche", "technique": m.technique, "statut": "en_cours"})
    return [
        Page(FLOOR, "stagiaire", "/_floor"),
        Page("Route minimale derrière la connexion", "stagiaire", "/_floor/connecte"),
        Page("Page vide dans la mise en page", "stagiaire", "/_floor/page"),
        Page("Connexion (formulaire)", "anonyme", "/connexion"),
        Page("Tableau de bord", "stagiaire", "/"),
        Page("Annuaire, première page", "stagiaire", "/annuaire"),
        Page("Annuaire, recherche (fragment)", "stagiaire", "/annuaire?q=ccas+orleans", True),
        Page("Fiche d'une structure", "stagiaire", f"/annuaire/{m.structure_id}"),
        Page("Mes cartes", "stagiaire", "/cartes"),
        Page("Espace de travail de la carte", "stagiaire", map_url),
        Page("Chiffres clés de la carte (fragment)", "stagiaire", f"{map_url}/chiffres", True),
        Page("Onglet Structures de la carte", "stagiaire", f"{map_url}/structures"),
        Page("Structures de la carte (fragment)", "stagiaire", f"{map_url}/structures", True),
        Page("Onglet Liens de la carte", "stagiaire", f"{map_url}/liens"),
        Page("Liens de la carte (fragment)", "stagiaire", f"{map_url}/liens", True),
        Page("Formulaire de lien (fragment)", "stagiaire", f"{map_url}/liens/formulaire", True),
        Page(
            "Recherche d'une structure à placer (fragment)",
            "stagiaire",
            f"{map_url}/structures/recherche?q=mairie",
            True,
        ),
        Page("Analyse de la carte, en cache", "stagiaire", f"{map_url}/analyse"),
        Page("Analyse de la carte, en cache (fragment)", "stagiaire", f"{map_url}/analyse", True),
        Page("Analyse de la carte (JSON)", "stagiaire", f"{map_url}/analyse.json"),
        Page("Graphe de la carte (JSON)", "stagiaire", f"{map_url}/graphe.json"),
        Page(
            "Fiche d'une structure du graphe (fragment)",
            "stagiaire",
            f"{map_url}/noeud/{m.trainee_focal}",
            True,
        ),
        Page("Carte à côté de l'agrégat du groupe", "stagiaire", f"{map_url}/analyse/groupe"),
        Page("Base des initiatives, première page", "stagiaire", "/initiatives"),
        Page(
            "Base des initiatives, recherche + filtres", "stagiaire", f"/initiatives?{search}", True
        ),
        Page(
            f"Fiche d'une initiative ({m.initiative_effects} effets)",
            "stagiaire",
            f"/initiatives/{m.initiative_id}",
        ),
        Page("Catalogue des techniques", "stagiaire", "/techniques"),
        Page("Fiche d'une technique", "stagiaire", f"/techniques/{m.technique}"),
        Page("Présentations", "stagiaire", "/presentations"),
        Page("Page du groupe", "stagiaire", group_url),
        Page("Analyse du groupe, en cache", "stagiaire", f"{group_url}/analyse"),
        Page(
            "Graphe du groupe (JSON), en cache",
            "stagiaire",
            f"/agregats/groupe/{m.group_id}/graphe.json",
        ),
        Page("Auto-positionnement", "stagiaire", f"{group_url}/auto-positionnement"),
        Page("Journal de pratique", "stagiaire", "/journal"),
        Page("Plan d'action", "stagiaire", "/plan-d-action"),
        Page("Fiche d'une action", "stagiaire", f"/plan-d-action/{m.action_id}"),
        Page("Mon compte", "stagiaire", "/compte"),
        Page("Sessions", "formateur", "/sessions"),
        Page("Page d'une session", "formateur", f"/sessions/{m.session_id}"),
        Page("Analyse de la session, en cache", "formateur", f"/sessions/{m.session_id}/analyse"),
        Page("Tableau de bord du groupe", "formateur", f"{group_url}/tableau-de-bord"),
        Page("Émargement", "formateur", f"{group_url}/emargement"),
        Page("Journal du groupe", "formateur", f"{group_url}/journal"),
        Page("Rapport de session", "formateur", f"{group_url}/rapport"),
        Page("Territoire du département, en cache", "admin", "/territoire"),
        Page(
            "Graphe du territoire (JSON), en cache", "admin", "/agregats/territoire/0/graphe.json"
        ),
        Page(
            "Fiche d'une structure du territoire (fragment)",
            "admin",
            f"/agregats/territoire/0/noeud/{territory_node}",
            True,
        ),
        Page("Utilisateurs (administration)", "admin", "/admin/utilisateurs"),
    ]


def measure(label: str, who: str, send: Callable[[], requests.Response], before=None) -> Measure:
    """Time `send()` WARM_UP + RUNS times; `before()` runs untimed before each request."""
    result = Measure(label, who)
    for run in range(WARM_UP + RUNS):
        if before:
            before()
        began = time.perf_counter()
        response = send()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code >= 400:
            raise RuntimeError(f"{label} : réponse {response.status_code} ({response.url})")
        if run < WARM_UP:
            continue
        server, statements, sql, collections = server_timing(response)
        result.server.append(server)
        result.round_trip.append(elapsed)
        result.statements.append(statements)
        result.sql.append(sql)
        result.collections.append(collections)
        result.size = len(response.content)
    return result


class PagesBench:
    """The whole pass: reading pages, then the edits of a map and what they recompute."""

    def __init__(self, base: str, manifest: Manifest, app: Flask, territory_node: int):
        self.base, self.manifest, self.app = base, manifest, app
        self.territory_node = territory_node
        self.browsers = {
            "stagiaire": Browser(base, manifest.trainees[0].email),
            "formateur": Browser(base, manifest.formateur),
            "admin": Browser(base, manifest.admin),
            "anonyme": Browser(base),
        }

    def run(self, progress=print) -> list[Measure]:
        results = []
        for page in read_pages(self.manifest, self.territory_node):
            browser = self.browsers[page.who]
            headers = browser.htmx_headers() if page.htmx else {}
            url = f"{self.base}{page.path}"
            results.append(
                measure(
                    page.label, page.who, lambda b=browser, u=url, h=headers: b.get(u, headers=h)
                )
            )
            progress(results[-1])
        for measure_edit in (self.add_links, self.remove_links, self.analysis_after_edit):
            results.append(measure_edit())
            progress(results[-1])
        return results

    # ----- the edits ----------------------------------------------------------------------------

    @property
    def map_id(self) -> int:
        return self.manifest.trainees[0].map_id

    def free_pairs(self) -> list[tuple[int, int]]:
        with self.app.app_context():
            placed = sorted(
                db.session.scalars(
                    select(MapEntry.structure_id).where(MapEntry.map_id == self.map_id)
                )
            )
            linked = set(
                db.session.execute(
                    select(CooperationLink.pair_low_id, CooperationLink.pair_high_id).where(
                        CooperationLink.map_id == self.map_id
                    )
                ).all()
            )
        return [(a, b) for a in placed for b in placed if a < b and (a, b) not in linked]

    def add_links(self) -> Measure:
        browser = self.browsers["stagiaire"]
        self.added = self.free_pairs()[: WARM_UP + RUNS]
        pairs = iter(self.added)

        def send():
            first, second = next(pairs)
            form = {
                "source_id": first,
                "target_id": second,
                "status": "existant",
                "level": "3",
                "direction": "mutuel",
            }
            return browser.post(
                f"{self.base}/cartes/{self.map_id}/liens", data=form, headers=browser.htmx_headers()
            )

        return measure("Ajout d'un lien (POST htmx)", "stagiaire", send)

    def remove_links(self) -> Measure:
        browser = self.browsers["stagiaire"]
        with self.app.app_context():
            ids = {
                (low, high): link_id
                for link_id, low, high in db.session.execute(
                    select(
                        CooperationLink.id,
                        CooperationLink.pair_low_id,
                        CooperationLink.pair_high_id,
                    ).where(CooperationLink.map_id == self.map_id)
                )
            }
        links = iter(ids[pair] for pair in self.added)

        def send():
            url = f"{self.base}/cartes/{self.map_id}/liens/{next(links)}/supprimer"
            return browser.post(url, headers=browser.htmx_headers())

        return measure("Retrait d'un lien (POST htmx)", "stagiaire", send)

    def analysis_after_edit(self) -> Measure:
        """What the editor reloads after each edit: the analysis, computed in the request."""
        browser = self.browsers["stagiaire"]

        def map_changed():
            with self.app.app_context():
                touch(self.map_id)
                db.session.commit()

        url = f"{self.base}/cartes/{self.map_id}/analyse"
        return measure(
            "Analyse de la carte après une modification (calculée dans la requête)",
            "stagiaire",
            lambda: browser.get(url, headers=browser.htmx_headers()),
            before=map_changed,
        )
