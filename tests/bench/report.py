"""BENCHMARKS.md from the bench's figures: tables, targets met (✓) or not (✗), and why.

The explanations of the misses are written here once and filled with the figures of the run,
so that a run on another machine says why with its own numbers; only the misses of the run
are printed. `make bench` keeps the figures in instance/bench-results.json:
`python -m tests.bench.report` writes BENCHMARKS.md from them again.
"""

import json
import sys
from pathlib import Path

from tests.bench import browser, live, load, pages

RESULTS = "instance/bench-results.json"  # the figures of the last `make bench`
LIVE_RESULTS = "instance/bench-live-results.json"  # the live workshop's, also by `make bench-live`
LIVE_TITLE = "## Atelier en direct"
FLOOR = pages.FLOOR
SIGNED_IN = "Route minimale derrière la connexion"
EMPTY_PAGE = "Page vide dans la mise en page"
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Why a page may miss 50 ms, by page: what it does that costs (read with its p50 and SQL).
PAGE_WHY = {
    "Analyse de la carte après une modification (calculée dans la requête)": (
        "l'analyse complète de la carte est recalculée dans la requête après chaque "
        "modification (centralités, communautés, diagnostic, suggestions parmi les structures "
        "du département), puis mise en cache"
    ),
    "Espace de travail de la carte": (
        "la page la plus consultée de l'atelier : le formulaire d'ajout de structure, le "
        "formulaire de lien avec toutes les structures de la carte, les chiffres clés et le "
        "cadre du graphe (ses données arrivent ensuite en JSON)"
    ),
    "Ajout d'un lien (POST htmx)": (
        "validation du formulaire contre les structures de la carte, écriture, puis le "
        "formulaire de lien rendu de nouveau"
    ),
    "Territoire du département, en cache": (
        "le résultat en cache décrit 2 000 structures et 10 000 liens : vérifier qu'il est à "
        "jour relit l'état des 300 cartes et des initiatives, et la page trie les 2 000 "
        "structures pour en montrer 50"
    ),
    "Graphe du territoire (JSON), en cache": (
        "≈ 1,5 Mo de JSON (2 000 nœuds placés, 10 000 arêtes) : sérialisé une fois par résultat "
        "et par processus, mais envoyé à chaque fois"
    ),
    "Base des initiatives, première page": (
        "recherche plein texte, puis les comptes de chaque filtre (techniques, publics, statut, "
        "secteur, département) sur toutes les initiatives visibles"
    ),
    "Base des initiatives, recherche + filtres": (
        "recherche plein texte, puis les comptes de chaque filtre sur les initiatives trouvées"
    ),
    "Page du groupe": (
        "membres et leurs structures, cartes des stagiaires, initiatives partagées, une dizaine "
        "de comptes de ce que le groupe a produit, et l'état de l'agrégat du groupe (remis en "
        "calcul quand une carte a changé)"
    ),
    "Page d'une session": "ses groupes, leurs membres et ce que chaque groupe a produit",
    "Tableau de bord du groupe": (
        "la progression de chaque stagiaire (cartes, liens, instantanés, initiatives, effets, "
        "auto-positionnements) et ce qui a changé depuis la dernière visite"
    ),
    "Mon compte": (
        "le choix de sa structure dans l'annuaire entier : une liste de 2 000 options (≈ 160 Ko)"
    ),
    "Mes cartes": "chaque carte avec ses comptes de structures et de liens",
    "Fiche d'une initiative": (
        "l'initiative la plus suivie de la base, la frise et les graphiques SVG de tous ses effets"
    ),
    "Rapport de session": (
        "un rapport imprimable complet : présence, auto-positionnement, graphe de l'agrégat en "
        "SVG, initiatives et effets du groupe"
    ),
}


def page_line(measure) -> str:
    row = measure.as_dict() if hasattr(measure, "as_dict") else measure
    return (
        f"    {row['label'][:62]:<62} p50 {row['p50']:6.1f}  p95 {row['p95']:6.1f} ms"
        f"  ({row['statements']} SQL, aller-retour p95 {row['rt_p95']:.1f} ms)"
    )


def load_line(row: dict) -> str:
    return (
        f"    {row['requests']} requêtes en {row['seconds']:.0f} s ({row['per_second']:.1f}/s), "
        f"{row['errors']} erreurs ; p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, "
        f"p99 {row['p99']:.0f} ms ; connexions p95 {row['sign_in'].get('p95', 0):.0f} ms ; "
        f"pic mémoire des workers "
        f"{', '.join(f'{mb:.0f}' for mb in row['workers_peak_mb'])} Mo ; CPU {row['cpu_seconds']}"
        + server_text(row.get("server") or {})
        + "".join(f"\n      {count} × {message}" for message, count in row["error_messages"])
    )


def server_text(server: dict) -> str:
    if not server:
        return ""
    return (
        f"\n      côté serveur : p50 {server['p50']:.0f} ms, p95 {server['p95']:.0f} ms, "
        f"CPU {server['cpu_mean']:.1f} ms par requête, SQL {server['sql_mean']:.1f} ms"
    )


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def by_label(rows: list[dict]) -> dict[str, dict]:
    return {row["label"]: row for row in rows}


def page_checks(row: dict, floor_p95: float) -> tuple[bool, bool]:
    """(p95 under 50 ms, p95 under 3× the floor's)."""
    return row["p95"] < pages.TARGET_MS, row["p95"] < pages.TARGET_RATIO * floor_p95


def markdown(results: dict) -> str:
    lines = header(results)
    if not results["databases"]:
        return "\n".join([*lines, "Aucune base n'a été mesurée."]) + "\n"
    lines += data_section(results)
    lines += pages_section(results)
    lines += load_section(results)
    lines += live_section(live_results(results))
    lines += jobs_section(results)
    lines += misses_section(results)
    return "\n".join(lines) + "\n"


# ----- sections ---------------------------------------------------------------------------------


def header(results: dict) -> list[str]:
    machine = results["machine"]
    skipped = "".join(
        f"\n\n**{DATABASES[name]} non mesuré** : {reason}."
        for name, reason in results["skipped"].items()
    )
    return [
        "# Mesures de performance",
        "",
        "Écrit par `make bench` (`tests/bench/`) : ne pas modifier à la main, relancer le banc.",
        "",
        f"- Date : {machine['date']} ; durée du banc : {results['seconds'] / 60:.1f} min.",
        f"- Machine : {machine['cpu']}, **{machine['cores']} cœurs**, "
        f"{machine['memory_gb']} Go ; {machine['system']}, Python {machine['python']}.",
        f"- Charge moyenne de la machine au départ (1, 5, 15 min) : "
        f"{' / '.join(machine['load_before'])}. Les temps dépendent de ce que la machine fait "
        "d'autre : au-delà d'une charge de 1 par cœur, d'autres processus prennent le processeur "
        "aux workers et les temps s'allongent d'autant.",
        "- Serveur : gunicorn (workers `sync`) sur 127.0.0.1, sans Redis (cache, compteurs et "
        "file des calculs en base ou dans un fichier SQLite), le calculateur `huey_consumer` "
        "lancé comme par `make run`. Sur ces 2 cœurs, le générateur de charge, les 2 workers, "
        "le calculateur et PostgreSQL se partagent le processeur.",
        "",
        f"Cibles (issue #8) : 0 erreur sous charge ; p95 sous charge < {load.TARGET_P95_MS} ms ; "
        f"pour chaque page, p95 du temps serveur < {pages.TARGET_RATIO} × celui du plancher "
        f"et < {pages.TARGET_MS} ms.{skipped}",
        "",
    ]


def data_section(results: dict) -> list[str]:
    names = list(results["databases"])
    first = results["databases"][names[0]]
    lines = [
        "## Données",
        "",
        "Un département (Loiret) généré avec une graine fixe (`tests/bench/data.py`) : "
        "structures réparties dans 40 communes, 20 groupes de 13 stagiaires et leurs formateurs, "
        "une carte par stagiaire (≈ 30 structures, 33 liens), une carte par groupe, des "
        "initiatives surtout partagées dans la base, avec techniques, publics, partenaires et "
        "effets suivis, et le suivi des groupes (auto-positionnement, émargement, journal, plan "
        "d'action).",
        "",
        "| Table | Lignes |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {count:,} |".replace(",", " ") for name, count in first["sizes"].items()]
    built = ", ".join(
        f"{DATABASES[name]} {results['databases'][name]['build_seconds']:.1f} s" for name in names
    )
    return [*lines, "", f"Construction (insertions groupées) : {built}.", ""]


def pages_section(results: dict) -> list[str]:
    lines = [
        "## Temps serveur des pages",
        "",
        f"gunicorn avec 1 worker, une requête à la fois ({pages.WARM_UP} à blanc puis "
        f"{pages.RUNS} mesurées par page) : un seul worker pour que le plancher et chaque page "
        "passent par le même processus, aux caches déjà chauds, et que le client (l'autre "
        "cœur) ne lui dispute pas le processeur. Le temps serveur va de l'entrée de la requête "
        "dans l'application WSGI au dernier octet du corps : un en-tête `Server-Timing` ajouté "
        "par `tests/bench/wsgi_bench.py`, module propre au banc qui sert aussi le plancher "
        "`/_floor` (une route Flask qui répond « ok », derrière les mêmes hooks) et deux repères "
        "au-dessus : la même route derrière la connexion, et une page vide dans la mise en page. "
        "L'aller-retour est mesuré par le client (gunicorn, boucle locale, lecture de la "
        "réponse). « SQL » : requêtes SQL par page.",
        "",
    ]
    for name, db_results in results["databases"].items():
        rows = db_results["pages"]
        floor = by_label(rows)[FLOOR]
        lines += [
            f"### {DATABASES[name]}",
            "",
            "| Page ou fragment | Qui | p50 ms | p95 ms | × plancher | SQL | Aller-retour p95 ms "
            f"| Ko | < {pages.TARGET_MS} ms | < {pages.TARGET_RATIO}× |",
            "|---|---|---:|---:|---:|---:|---:|---:|:-:|:-:|",
        ]
        for row in rows:
            under, ratio_ok = page_checks(row, floor["p95"])
            lines.append(
                f"| {row['label']} | {row['who']} | {row['p50']:.1f} | {row['p95']:.1f} "
                f"| {row['p95'] / floor['p95']:.1f} | {row['statements']} | {row['rt_p95']:.1f} "
                f"| {row['kb']:.0f} | {mark(under)} | {mark(ratio_ok)} |"
            )
        lines.append("")
        if db_results.get("chromium") is not None:
            lines += chromium_lines(db_results["chromium"])
    return lines


def chromium_text(chromium) -> str:
    if isinstance(chromium, str):
        return f"non mesuré ({chromium})"
    drawn, usable = chromium
    return (
        f"dessiné en {drawn:.0f} ms (cible < {browser.TARGET_MS} ms "
        f"{mark(drawn < browser.TARGET_MS)}), utilisable — la fiche d'une structure ouverte "
        f"d'un clic — en {usable:.0f} ms ({mark(usable < browser.TARGET_MS)})"
    )


def chromium_lines(chromium) -> list[str]:
    return [
        f"Territoire du département (en cache) ouvert dans Chromium : {chromium_text(chromium)}.",
        "",
    ]


def load_section(results: dict) -> list[str]:
    names = list(results["databases"])
    runs = {name: results["databases"][name]["load"] for name in names}
    lines = [
        "## Charge",
        "",
        f"{load.USERS} stagiaires simulés par Locust (sans interface, dans son propre processus "
        "pour ne pas partager le GIL du serveur), chacun connecté à son propre compte et "
        f"travaillant sur sa propre carte, contre gunicorn avec 2 workers. Les stagiaires se "
        f"connectent d'abord ({load.SPAWN_RATE} par seconde), puis l'atelier est mesuré pendant "
        f"{load.DURATION} s. Chacun clique toutes les 1 à 5 s : espace de travail de la carte, "
        "ajout et retrait de liens (avec les requêtes que la page envoie ensuite : chiffres "
        "clés et graphe ; un retrait part de l'onglet des liens), analyse et graphe, "
        "recherche dans la base des initiatives et dans l'annuaire, page et analyse du groupe, "
        "tableau de bord, journal "
        "(`tests/bench/locustfile.py`). Les erreurs comptent toute la séance, connexions "
        "comprises. « Côté serveur » : les mêmes requêtes vues par les workers, avec le temps "
        "processeur que chacune leur a pris.",
        "",
        "| | " + " | ".join(DATABASES[name] for name in names) + " | Cible |",
        "|---|" + "---:|" * len(names) + ":-:|",
    ]

    def row(label, value, target=""):
        cells = " | ".join(value(runs[name]) for name in names)
        lines.append(f"| {label} | {cells} | {target} |")

    def server(key, digits=0):
        return lambda r: f"{(r.get('server') or {}).get(key, float('nan')):.{digits}f}"

    row("Requêtes de l'atelier", lambda r: f"{r['requests']:,}".replace(",", " "))
    row("Requêtes par seconde", lambda r: f"{r['per_second']:.1f}")
    row("Erreurs", lambda r: f"{r['errors']} {mark(r['errors'] == 0)}", "0")
    row("p50 ms", lambda r: f"{r['p50']:.0f}")
    row(
        "p95 ms",
        lambda r: f"{r['p95']:.0f} {mark(r['p95'] < load.TARGET_P95_MS)}",
        f"< {load.TARGET_P95_MS}",
    )
    row("p99 ms", lambda r: f"{r['p99']:.0f}")
    row("Connexions (montée) p50 / p95 ms", lambda r: sign_in_text(r["sign_in"]))
    row("Côté serveur : p50 ms", server("p50"))
    row("Côté serveur : p95 ms", server("p95"))
    row("Côté serveur : CPU par requête, ms", server("cpu_mean", 1))
    row("Côté serveur : cœurs occupés par gunicorn", lambda r: f"{busy_cores(r):.2f}")
    row(
        "Pic de mémoire par worker gunicorn (Mo)",
        lambda r: " / ".join(f"{mb:.0f}" for mb in r["workers_peak_mb"]),
    )
    row("Pic de mémoire du calculateur (Mo)", lambda r: f"{r['job_worker_peak_mb']:.0f}")
    for process in ("gunicorn", "calculateur", "locust"):
        row(
            f"Temps CPU de {process}, montée comprise (s)",
            lambda r, p=process: f"{r['cpu_seconds'].get(p, 0):.0f}",
        )
    row("Temps CPU du reste (PostgreSQL, système), montée comprise (s)", other_cpu_text)
    row("Cœurs occupés sur la machine (sur 2), montée comprise", machine_cores_text)
    lines.append("")
    for name in names:
        lines += per_request_lines(DATABASES[name], runs[name])
    return lines


def sign_in_text(sign_in: dict) -> str:
    if not sign_in.get("count"):
        return "—"
    return f"{sign_in['p50']:.0f} / {sign_in['p95']:.0f}"


def other_cpu_text(run: dict) -> str:
    cpu = run["cpu_seconds"]
    if "machine" not in cpu:
        return "—"
    ours = sum(cpu.get(name, 0.0) for name in ("gunicorn", "calculateur", "locust"))
    return f"{max(cpu['machine'] - ours, 0.0):.0f}"


def machine_cores_text(run: dict) -> str:
    cpu = run["cpu_seconds"]
    if not cpu.get("wall"):
        return "—"
    return f"{cpu['machine'] / cpu['wall']:.2f}"


def busy_cores(run: dict) -> float:
    server = run.get("server") or {}
    return server.get("cpu_total_s", 0.0) / run["seconds"] if run["seconds"] else 0.0


def per_request_lines(database: str, run: dict) -> list[str]:
    lines = [
        f"### Par requête, {database}",
        "",
        "| Requête | Nombre | Erreurs | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['name']} | {r['count']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} "
        f"| {r['p99']:.0f} |"
        for r in run["by_name"]
    ]
    paths = (run.get("server") or {}).get("paths") or []
    if paths:
        lines += [
            "",
            f"Où va le processeur des workers ({database}, requêtes de l'atelier) :",
            "",
            "| Requête | Nombre | CPU par requête ms | CPU total s | p95 serveur ms |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| `{p['name']}` | {p['count']} | {p['cpu_mean']:.1f} | {p['cpu_total_s']:.1f} "
            f"| {p['p95']:.0f} |"
            for p in paths
        ]
    return [*lines, ""]


def jobs_section(results: dict) -> list[str]:
    names = list(results["databases"])
    lines = [
        "## Calculs de fond",
        "",
        "Chaque agrégat est demandé par sa page puis calculé par le calculateur (`huey_consumer`, "
        "1 worker en processus) ; « dans le job » est le temps du calcul, « attente » le temps "
        "entre la demande et le résultat en cache.",
        "",
        "| Agrégat | Base | Cartes | Structures | Liens | Dans le job (s) | Attente (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        for job in results["databases"][name]["aggregates"]:
            lines.append(
                f"| {job['label']} | {DATABASES[name]} | {job['maps']} | {job['nodes']} "
                f"| {job['links']} | {job['job_seconds']:.2f} | {job['wall_seconds']:.2f} |"
            )
    peaks = ", ".join(
        f"{DATABASES[name]} {results['databases'][name]['worker_peak_mb']:.0f} Mo" for name in names
    )
    return [*lines, "", f"Pic de mémoire du calculateur après ces calculs : {peaks}.", ""]


# ----- the live workshop ------------------------------------------------------------------------


def live_results(results: dict) -> dict:
    """The live workshop's figures out of a whole bench's, as `make bench-live` keeps them."""
    return {
        "databases": {
            name: figures["live"]
            for name, figures in results["databases"].items()
            if figures.get("live")
        },
        "skipped": results["skipped"],
        "machine": results["machine"],
        "seconds": results.get("seconds", 0.0),
    }


def live_line(row: dict) -> str:
    delay, server = row["delay"], row["server"]
    return (
        f"    {row['posts_ok']}/{row['posts']} ajouts, {row['pairs']} paires (ajout × autre "
        f"spectateur) : délai p50 {delay['p50']:.0f} ms, p95 {delay['p95']:.0f} ms, "
        f"max {delay['max']:.0f} ms, {row['unseen']} jamais vus ; {row['errors']} erreurs, "
        f"{row['lost']} perdus, {row['doubled']} doublés ; {row['per_second']:.0f} requêtes/s ; "
        f"CPU gunicorn {server['cpu_seconds']:.0f} s, clients {row['clients_cpu_seconds']:.0f} s ; "
        f"mémoire {server['rss_mb_mean']:.0f} Mo"
        + "".join(
            f"\n      {r['label']} : p95 {r['quiet_p95']:.0f} → {r['live_p95']:.0f} ms "
            f"(× {r['ratio']:.2f})"
            for r in row["pages"]
        )
        + "".join(f"\n      {count} × {message}" for message, count in row["error_messages"])
        + "".join(
            f"\n      serveur {p['name']} : {p['count']} × p95 {p['p95']:.0f} ms, "
            f"CPU {p['cpu_mean']:.1f} ms"
            for p in (row.get("server_side") or {}).get("paths", [])
        )
    )


def live_section(kept: dict) -> list[str]:
    runs = {name: kept["databases"][name] for name in kept["databases"]}
    if not runs:
        return []
    names = list(runs)
    first = runs[names[0]]
    machine = kept["machine"]
    lines = [
        LIVE_TITLE,
        "",
        f"Deux groupes de {first['viewers'] // 2} stagiaires ont la carte de leur groupe "
        f"ouverte ({first['structures']} structures au départ) : {first['viewers']} "
        "spectateurs simulés comme `static/js/live.js` : une seconde après chaque réponse, "
        "`GET /cartes/<id>/direct?depuis=<v>` avec `If-None-Match` (304 tant que la carte ne "
        "change pas) ; quand elle a changé du fait d'un autre écran, ce que l'espace de "
        "travail recharge aussitôt, à côté du suivi : `graphe.json` (les chiffres clés viennent "
        "avec la réponse du suivi). "
        f"{first['editors']} d'entre eux ({first['editors'] // 2} par groupe) ajoutent un lien "
        "entre deux structures de la carte toutes les 5 à 10 s, par le formulaire de l'espace "
        "de travail (jeton CSRF de la page), puis leur écran recharge son graphe et ses "
        f"chiffres clés (htmx), pendant {first['seconds']} s. Serveur : "
        f"{server_command(first['server'])} et le calculateur, sans Redis : le "
        "direct est une scrutation conditionnelle de la version de la carte, en base. Les "
        f"spectateurs tournent dans {first['processes']} processus à eux (`tests/bench/"
        "live_client.py`), sur les mêmes 2 cœurs que le serveur : leur temps CPU est donné.",
        "",
        "Délai : pour chaque ajout et chaque *autre* spectateur de la carte, du début du POST "
        "au moment où ce spectateur a reçu un `graphe.json` à la version créée par l'ajout ou "
        "après (la version de chaque ajout est lue ensuite dans `map_activity`). Erreurs : "
        "toute réponse autre que 2xx ou 304. Liens perdus : ajouts répondus 200 dont le lien "
        "n'est pas en base à la fin ; en double : paires avec plus d'un lien vivant (ou plus "
        f"d'une ligne). Charge de la machine au départ : {' / '.join(machine['load_before'])}.",
        "",
        "| | " + " | ".join(DATABASES[name] for name in names) + " | Cible |",
        "|---|" + "---:|" * len(names) + ":-:|",
    ]

    def row(label, value, target=""):
        cells = " | ".join(value(runs[name]) for name in names)
        lines.append(f"| {label} | {cells} | {target} |")

    def per_name(name, key="p95"):
        return lambda r: f"{r['by_name'].get(name, {}).get(key, float('nan')):.0f}"

    def cores(r):
        return r["server"]["cpu_seconds"] / r["seconds"]

    row("Ajouts de liens réussis / envoyés", lambda r: f"{r['posts_ok']} / {r['posts']}")
    row("Paires mesurées (ajout × autre spectateur)", lambda r: f"{r['pairs']:,}".replace(",", " "))
    row("Délai jusqu'à l'écran des autres : p50 ms", lambda r: f"{r['delay']['p50']:.0f}")
    row(
        "Délai jusqu'à l'écran des autres : p95 ms",
        lambda r: f"{r['delay']['p95']:.0f} {mark(r['delay']['p95'] < live.TARGET_MS)}",
        f"< {live.TARGET_MS}",
    )
    row("Délai jusqu'à l'écran des autres : max ms", lambda r: f"{r['delay']['max']:.0f}")
    row(
        "Ajouts jamais vus par un spectateur",
        lambda r: f"{r['unseen']} {mark(not r['unseen'])}",
        "0",
    )
    row("Erreurs", lambda r: f"{r['errors']} {mark(r['errors'] == 0)}", "0")
    row(
        "Liens perdus",
        lambda r: f"{r['lost'] + r['unmatched']} {mark(r['lost'] + r['unmatched'] == 0)}",
        "0",
    )
    row(
        "Liens en double",
        lambda r: (
            f"{r['doubled'] + r['rows_over_one']} {mark(r['doubled'] + r['rows_over_one'] == 0)}"
        ),
        "0",
    )
    row("Requêtes par seconde", lambda r: f"{r['per_second']:.0f}")
    row("Suivi (`/direct`, 304 ou 200) p95 ms", per_name("GET /direct (suivi)"))
    row("`graphe.json` p95 ms", per_name("GET graphe.json"))
    row("Chiffres clés après son propre ajout (htmx) p95 ms", per_name("GET chiffres (htmx)"))
    row("Ajout d'un lien (POST) p95 ms", per_name("POST liens (ajout)"))
    row("CPU de gunicorn (maître + workers) : cœurs occupés", lambda r: f"{cores(r):.2f}")
    row(
        "CPU de gunicorn par spectateur : ms par seconde",
        lambda r: f"{cores(r) * 1000 / r['viewers']:.1f}",
    )
    row(
        "Mémoire de gunicorn (RSS, somme) : moyenne / pic Mo",
        lambda r: f"{r['server']['rss_mb_mean']:.0f} / {r['server']['rss_mb_max']:.0f}",
    )
    row(
        "Mémoire de gunicorn par spectateur Mo",
        lambda r: f"{r['server']['rss_mb_mean'] / r['viewers']:.1f}",
    )
    row("CPU du calculateur (s)", lambda r: f"{r['server']['worker_cpu_seconds']:.0f}")
    row("CPU des clients simulés (s)", lambda r: f"{r['clients_cpu_seconds']:.0f}")
    row(
        "Cœurs occupés sur la machine (sur 2)",
        lambda r: f"{r['server']['machine_cpu_seconds'] / r['seconds']:.2f}",
    )
    row(
        "… dont le reste : PostgreSQL, système, autres processus (cœurs)",
        lambda r: f"{others_cores(r):.2f}",
    )
    row(
        "Charge de la machine au départ de l'atelier (1, 5, 15 min)",
        lambda r: " / ".join(str(v) for v in r["server"].get("load_before", [])) or "—",
    )
    lines.append("")
    for name in names:
        lines += live_pages_lines(DATABASES[name], runs[name])
    lines += live_misses(runs)
    return lines


def server_command(server: dict) -> str:
    if server.get("threads"):
        return (
            f"`gunicorn --workers {server['workers']} --threads {server['threads']} --bind … "
            "wsgi:app` (workers `gthread` : un essai, pas la commande du README)"
        )
    return (
        f"`gunicorn --workers {server['workers']} --bind … wsgi:app` (workers `sync`, la "
        "commande de la section Production du README)"
    )


def others_cores(run: dict) -> float:
    """Cores busy with anything but gunicorn, the background worker and the simulated clients."""
    server = run["server"]
    ours = server["cpu_seconds"] + server["worker_cpu_seconds"] + run["clients_cpu_seconds"]
    return max(server["machine_cpu_seconds"] - ours, 0.0) / run["seconds"]


def live_pages_lines(database: str, run: dict) -> list[str]:
    lines = [
        f"Les autres pages, {database} : aller-retour p95 (ms) d'un stagiaire d'un autre groupe, "
        f"une requête à la fois ({live.PAGE_RUNS} par page, à tour de rôle), sans spectateurs "
        f"puis pendant l'atelier ; cible : pas plus de {live.PAGE_RATIO} × sans spectateurs.",
        "",
        f"| Page | Sans spectateurs | Pendant l'atelier | Rapport | ≤ {live.PAGE_RATIO} |",
        "|---|---:|---:|---:|:-:|",
    ]
    lines += [
        f"| {r['label']} | {r['quiet_p95']:.0f} | {r['live_p95']:.0f} | {r['ratio']:.2f} "
        f"| {mark(r['ratio'] <= live.PAGE_RATIO)} |"
        for r in run["pages"]
    ]
    return [*lines, ""]


def live_misses(runs: dict) -> list[str]:
    items = []
    for name, run in runs.items():
        met = live.targets(run)
        if not met["errors"]:
            messages = "; ".join(f"{count} × {text}" for text, count in run["error_messages"])
            items.append(f"- **{DATABASES[name]}, erreurs** ({run['errors']}) : {messages}.")
        if not met["delay"]:
            items.append(f"- **{DATABASES[name]}, délai** : {delay_why(run)}")
        if not met["pages"]:
            items.append(f"- **{DATABASES[name]}, autres pages** : {pages_why(run)}")
        if not met["lost"] or not met["doubled"]:
            items.append(
                f"- **{DATABASES[name]}, liens** : {run['lost']} perdus, {run['unmatched']} "
                f"ajouts sans trace dans `map_activity`, {run['doubled']} paires avec deux liens "
                f"vivants, {run['rows_over_one']} avec plusieurs lignes."
            )
    if not items:
        return ["Toutes les cibles de l'atelier en direct sont atteintes.", ""]
    return ["Cibles manquées de l'atelier en direct et pourquoi :", "", *items, ""]


def delay_why(run: dict) -> str:
    cores = run["server"]["cpu_seconds"] / run["seconds"]
    machine = run["server"]["machine_cpu_seconds"] / run["seconds"]
    graph = run["by_name"].get("GET graphe.json", {})
    return (
        f"p95 {run['delay']['p95']:.0f} ms ({run['unseen']} ajouts jamais vus). Un délai se "
        "compose de l'attente du prochain suivi (jusqu'à 1 s), du suivi lui-même et du "
        f"`graphe.json` (p95 {graph.get('p95', float('nan')):.0f} ms) ; les "
        f"{run['per_second']:.0f} requêtes par seconde ont occupé {cores:.2f} cœur côté "
        f"gunicorn et la machine {machine:.2f} cœur sur 2, dont {others_cores(run):.2f} "
        "pour autre chose que le serveur et les clients simulés (PostgreSQL, système, "
        "autres processus de la machine). Un worker `sync` sert une requête à la fois : quand "
        "le processeur manque, chaque requête dure plus longtemps, les 4 workers sont "
        "occupés et les suivantes attendent leur tour, si bien que le délai est surtout "
        "cette attente et non le travail des requêtes." + reloads_text(run)
    )


def reloads_text(run: dict) -> str:
    """What one change costs the server: the screens that reload after it."""
    reloads = sum(
        run["by_name"].get(name, {}).get("count", 0)
        for name in ("GET graphe.json", "GET chiffres (htmx)")
    )
    if not run["posts"] or not run["requests"]:
        return ""
    cpu = run["server"]["cpu_seconds"] * 1000 / run["requests"]
    return (
        f" Chaque ajout a valu en moyenne {reloads / run['posts']:.0f} rechargements (graphe "
        f"et chiffres des {run['viewers'] // 2 - 1} autres écrans de la carte), à "
        f"{cpu:.1f} ms de processeur par requête en moyenne : c'est ce rechargement, et non le "
        "suivi (un 304), qui occupe le serveur."
    )


def pages_why(run: dict) -> str:
    over = [r for r in run["pages"] if r["ratio"] > live.PAGE_RATIO]
    listed = ", ".join(f"{r['label']} × {r['ratio']:.2f}" for r in over)
    cores = run["server"]["machine_cpu_seconds"] / run["seconds"]
    fastest = min(row["quiet_p95"] for row in run["pages"])
    poll = run["by_name"].get("GET /direct (suivi)", {})
    return (
        f"{listed}. Pendant l'atelier, la machine a eu {cores:.2f} cœur occupé sur 2 : chaque "
        f"page partage le processeur et les {live.WORKERS} workers avec "
        f"{run['per_second']:.0f} requêtes par seconde des spectateurs. "
        f"{(live.PAGE_RATIO - 1) * 100:.0f} % d'une page de {fastest:.0f} ms, c'est "
        f"{fastest * (live.PAGE_RATIO - 1):.0f} ms : la moindre file devant les workers `sync` "
        f"le dépasse (le suivi, quelques ms de travail, a attendu {poll.get('p50', 0):.0f} ms "
        "en médiane vu du client)."
    )


def with_live_section(text: str, kept: dict) -> str:
    """BENCHMARKS.md with its « Atelier en direct » section replaced (or added before the
    misses), the rest as the last `make bench` wrote it."""
    section = "\n".join(live_section(kept))
    if not text:
        return f"# Mesures de performance\n\n{section}\n"
    if LIVE_TITLE + "\n" in text:
        before, after = text.split(LIVE_TITLE + "\n", 1)
        rest = after.split("\n## ", 1)
        return before + section + ("\n## " + rest[1] if len(rest) > 1 else "\n")
    anchor = "## Calculs de fond"
    if anchor in text:
        before, after = text.split(anchor, 1)
        return before + section + "\n" + anchor + after
    return text.rstrip("\n") + "\n\n" + section + "\n"


# ----- the misses -------------------------------------------------------------------------------


def misses_section(results: dict) -> list[str]:
    lines = ["## Cibles manquées et pourquoi", ""]
    for name, db_results in results["databases"].items():
        lines += database_misses(DATABASES[name], db_results)
    if len(lines) == 2:
        lines += ["Aucune : toutes les cibles sont atteintes.", ""]
    return lines


def database_misses(database: str, db_results: dict) -> list[str]:
    rows = by_label(db_results["pages"])
    floor = rows[FLOOR]
    over = [row for row in db_results["pages"] if not page_checks(row, floor["p95"])[0]]
    above_floor = [row for row in db_results["pages"] if not page_checks(row, floor["p95"])[1]]
    items = [ratio_why(rows, floor, len(above_floor))] if above_floor else []
    items += [page_why(row) for row in over]
    run = db_results["load"]
    if run["errors"]:
        messages = "; ".join(f"{count} × {text}" for text, count in run["error_messages"])
        items.append(f"- **Erreurs sous charge** ({run['errors']}) : {messages}.")
    if run["p95"] >= load.TARGET_P95_MS:
        items.append(load_why(run))
    return [f"### {database}", "", *items, ""] if items else []


def ratio_why(rows: dict, floor: dict, count: int) -> str:
    signed_in, empty = rows.get(SIGNED_IN), rows.get(EMPTY_PAGE)
    steps = ""
    if signed_in and empty:
        steps = (
            f" Lire la session et l'utilisateur en base (la route minimale derrière la "
            f"connexion) porte déjà le p95 à {signed_in['p95']:.1f} ms, soit "
            f"{signed_in['p95'] / floor['p95']:.1f} × le plancher ; rendre une page vide dans la "
            f"mise en page (menu, jeton CSRF, messages) à {empty['p95']:.1f} ms, "
            f"{empty['p95'] / floor['p95']:.1f} ×."
        )
    return (
        f"- **{pages.TARGET_RATIO} × le plancher** ({count} pages au-dessus) : le plancher est le "
        f"coût propre de Flask (p95 {floor['p95']:.2f} ms : routage, cookie de session, hooks), "
        f"sans base ni gabarit, si bien que {pages.TARGET_RATIO} × le plancher fait "
        f"{pages.TARGET_RATIO * floor['p95']:.1f} ms.{steps} Toute page qui lit ses données et "
        "rend son gabarit dépasse donc ce rapport : il mesure ce que chaque page ajoute au "
        f"socle, et la cible qui compte pour l'utilisateur est celle des {pages.TARGET_MS} ms."
    )


def page_why(row: dict) -> str:
    figure = f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, {row['statements']} requêtes SQL"
    what = next((why for label, why in PAGE_WHY.items() if row["label"].startswith(label)), None)
    if row["p50"] < pages.TARGET_MS:
        reason = (
            "la médiane est sous la cible : le p95 vient de requêtes ralenties (d'autres "
            "processus sur la machine, le ramasse-miettes de Python)"
        )
        if what:
            reason += f" ; ce que fait la page : {what}"
    else:
        reason = what or "(pas encore d'explication)"
    if row.get("gc_max", 0) >= 1:
        reason += (
            f" ; le ramasse-miettes de Python a pris jusqu'à {row['gc_max']:.0f} ms dans une de "
            f"ces requêtes ({row['slowest_gc']:.0f} ms dans la plus lente)"
        )
    return f"- **{row['label']}** ({figure}) : {reason}."


def load_why(run: dict) -> str:
    server = run.get("server") or {}
    demand = load.USERS * load.REQUESTS_PER_ACTION / load.THINK_SECONDS
    details = ""
    if server:
        capacity = 2 * 1000 / server["mean"]
        details = (
            f" Côté serveur, une requête prend {server['cpu_mean']:.1f} ms de processeur en "
            f"moyenne mais {server['mean']:.0f} ms de temps réel (p50 {server['p50']:.0f} ms, "
            f"p95 {server['p95']:.0f} ms) : le reste est de l'attente, du processeur (pris par "
            "les autres processus), de la base et du disque. Deux workers `sync` qui "
            f"passent {server['mean']:.0f} ms par requête en servent au plus "
            f"{capacity:.0f} par seconde ; l'atelier en demande ≈ {demand:.0f} "
            f"({load.USERS} stagiaires, une action toutes les {load.THINK_SECONDS} s en "
            f"moyenne, {load.REQUESTS_PER_ACTION} requêtes par action) : au-delà, les requêtes "
            "attendent un worker libre, et le temps vu par le client est surtout cette attente. "
            f"Gunicorn a occupé {busy_cores(run):.2f} cœur ; s'y ajoutent Locust "
            f"({run['cpu_seconds'].get('locust', 0):.0f} s de CPU), le calculateur "
            f"({run['cpu_seconds'].get('calculateur', 0):.0f} s : il recalcule l'agrégat d'un "
            "groupe chaque fois que ses cartes ont changé) et la base."
        )
        if run["cpu_seconds"].get("wall"):
            details += (
                f" En tout, la machine a eu {machine_cores_text(run)} cœur occupé sur 2 "
                f"(dont {other_cpu_text(run)} s de CPU pour PostgreSQL et le système)."
            )
        if server["cpu_mean"] * demand / 1000 > 1:
            details += (
                f" Même sans attente, {demand:.0f} requêtes de {server['cpu_mean']:.1f} ms de "
                f"processeur occupent {server['cpu_mean'] * demand / 1000:.1f} cœur à elles "
                "seules, sur 2 cœurs partagés avec le générateur de charge, le calculateur et "
                "la base : à ce taux d'occupation, la moindre pointe fait attendre les requêtes."
            )
    return (
        f"- **p95 sous charge** (p50 {run['p50']:.0f} ms, p95 {run['p95']:.0f} ms, "
        f"{run['per_second']:.1f} requêtes/s servies) : la machine n'a que 2 cœurs pour tout."
        f"{details} L'analyse recalculée après chaque modification (le quart des requêtes de "
        "l'atelier) et l'éditeur sont les plus gros consommateurs (tableau « Où va le "
        "processeur »)."
    )


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    results = json.loads((root / RESULTS).read_text(encoding="utf-8"))
    if (root / LIVE_RESULTS).exists():  # a later `make bench-live`
        kept = json.loads((root / LIVE_RESULTS).read_text(encoding="utf-8"))
        for name, figures in kept["databases"].items():
            if name in results["databases"]:
                results["databases"][name]["live"] = figures
    (root / "BENCHMARKS.md").write_text(markdown(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
