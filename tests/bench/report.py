"""BENCHMARKS.md from the bench's figures: tables, targets met (✓) or not (✗), and why."""

from tests.bench import browser, load, pages

FLOOR = pages.FLOOR
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Why a target is missed, when it is: read with the figures of the run. Keyed by page label
# (or by a rule name); only the misses of the run are printed.
WHY: dict[str, str] = {}


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
        f"p99 {row['p99']:.0f} ms ; pic mémoire des workers "
        f"{', '.join(f'{mb:.0f}' for mb in row['workers_peak_mb'])} Mo ; CPU {row['cpu_seconds']}"
        + server_text(row.get("server") or {})
        + "".join(f"\n      {count} × {message}" for message, count in row["error_messages"])
    )


def server_text(server: dict) -> str:
    if not server:
        return ""
    return (
        f"\n      côté serveur : p50 {server['p50']:.0f} ms, p95 {server['p95']:.0f} ms, "
        f"CPU moyen {server['cpu_mean']:.1f} ms par requête (dont SQL {server['sql_mean']:.1f} ms)"
    )


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def page_checks(row: dict, floor_p95: float) -> tuple[bool, bool]:
    """(p95 under 50 ms, p95 under 3× the floor's)."""
    return row["p95"] < pages.TARGET_MS, row["p95"] < pages.TARGET_RATIO * floor_p95


def markdown(results: dict) -> str:
    lines = header(results)
    lines += data_section(results)
    lines += pages_section(results)
    lines += load_section(results)
    lines += jobs_section(results)
    lines += misses_section(results)
    return "\n".join(lines) + "\n"


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
        f"{' / '.join(machine['load_before'])}.",
        "- Serveur : gunicorn (workers `sync`) sur 127.0.0.1, sans Redis (cache, compteurs et "
        "file des calculs en base ou dans un fichier SQLite), le calculateur `huey_consumer` "
        "lancé comme par `make run`.",
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
        "Un département (Loiret) généré avec une graine fixe (`tests/bench/data.py`).",
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
        f"gunicorn avec 1 worker, une requête à la fois : {pages.WARM_UP} requêtes à blanc puis "
        f"{pages.RUNS} mesurées par page. Le temps serveur va de l'entrée de la requête dans "
        "l'application WSGI au dernier octet du corps (en-tête `Server-Timing` ajouté par "
        "`tests/bench/wsgi_bench.py`, qui sert aussi le plancher `/_floor` : une route Flask "
        "qui répond « ok », derrière les mêmes hooks). L'aller-retour est mesuré par le client "
        "(gunicorn, boucle locale, lecture de la réponse).",
        "",
    ]
    for name, db_results in results["databases"].items():
        rows = db_results["pages"]
        floor = next(row for row in rows if row["label"] == FLOOR)
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
        chromium = db_results.get("chromium")
        if chromium is not None:
            lines += chromium_lines(chromium)
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
    first = runs[names[0]]
    lines = [
        "## Charge",
        "",
        f"{first['users']} stagiaires simulés (Locust, sans interface, dans son propre processus), "
        f"chacun connecté à son propre compte et travaillant sur sa propre carte, pendant "
        f"{load.DURATION} s (connexions comprises, {load.SPAWN_RATE} par seconde) contre "
        "gunicorn avec 2 workers. Chaque stagiaire clique toutes les 1 à 5 s : éditeur de "
        "carte, ajout et retrait de liens (avec les requêtes que htmx envoie ensuite : liens et "
        "analyse recalculée), analyse et graphe, recherche dans la base des initiatives et "
        "dans l'annuaire, page et analyse du groupe, tableau de bord, journal "
        "(`tests/bench/locustfile.py`).",
        "",
        "| | " + " | ".join(DATABASES[name] for name in names) + " | Cible |",
        "|---|" + "---:|" * len(names) + ":-:|",
    ]

    def row(label, value, target=""):
        cells = " | ".join(value(runs[name]) for name in names)
        lines.append(f"| {label} | {cells} | {target} |")

    row("Requêtes", lambda r: f"{r['requests']:,}".replace(",", " "))
    row("Requêtes par seconde", lambda r: f"{r['per_second']:.1f}")
    row("Erreurs", lambda r: f"{r['errors']} {mark(r['errors'] == 0)}", "0")
    row("p50 ms", lambda r: f"{r['p50']:.0f}")
    row(
        "p95 ms",
        lambda r: f"{r['p95']:.0f} {mark(r['p95'] < load.TARGET_P95_MS)}",
        f"< {load.TARGET_P95_MS}",
    )
    row("p99 ms", lambda r: f"{r['p99']:.0f}")
    row(
        "Pic de mémoire par worker gunicorn (Mo)",
        lambda r: " / ".join(f"{mb:.0f}" for mb in r["workers_peak_mb"]),
    )
    row("Pic de mémoire du calculateur (Mo)", lambda r: f"{r['job_worker_peak_mb']:.0f}")
    for process in ("gunicorn", "calculateur", "locust"):
        row(
            f"Temps CPU de {process} (s)",
            lambda r, p=process: f"{r['cpu_seconds'].get(p, 0):.0f}",
        )
    lines.append("")
    for name in names:
        lines += [
            f"### Par requête, {DATABASES[name]}",
            "",
            "| Requête | Nombre | Erreurs | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['name']} | {r['count']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} |"
            for r in runs[name]["by_name"]
        ]
        lines.append("")
    return lines


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


def misses_section(results: dict) -> list[str]:
    lines = ["## Cibles manquées et pourquoi", ""]
    missed = []
    for name, db_results in results["databases"].items():
        rows = db_results["pages"]
        floor = next(row for row in rows if row["label"] == FLOOR)
        for row in rows:
            under, ratio_ok = page_checks(row, floor["p95"])
            if not under:
                missed.append(("page", row["label"], f"{DATABASES[name]} p95 {row['p95']:.1f} ms"))
            elif not ratio_ok:
                missed.append(("ratio", row["label"], f"{DATABASES[name]} p95 {row['p95']:.1f} ms"))
        run = db_results["load"]
        if run["errors"]:
            missed.append(("errors", "Erreurs sous charge", f"{DATABASES[name]} {run['errors']}"))
        if run["p95"] >= load.TARGET_P95_MS:
            missed.append(("load", "p95 sous charge", f"{DATABASES[name]} {run['p95']:.0f} ms"))
    if not missed:
        return [*lines, "Aucune : toutes les cibles sont atteintes.", ""]
    for kind, label, figure in missed:
        why = WHY.get(label) or WHY.get(kind) or "(pas encore d'explication)"
        lines.append(f"- **{label}** ({figure}) : {why}")
    return [*lines, ""]
