"""`make bench-import`: the directory import of 5,000 data·inclusion rows, preview and confirmation.

Not a test: figures against their target, written as the section « Import de l'annuaire » of
BENCHMARKS.md (the rest of the file stays as the last `make bench` wrote it).

On the département data set (tests/bench/data.py: 2,000 structures already in the directory),
an administrator sends a data·inclusion v1 file of 5,000 structures of the Loiret (CSV, then
the same rows as .xlsx), through the pages: the preview (read, check, match against the
directory), then the confirmation (created in one transaction). The same file sent again
finds every structure by its data·inclusion `source` + `id`: nothing is created twice.
Target: preview + confirmation < 10 s. Timed in a fresh process (`--time URL EMAIL FILE`), on
SQLite then PostgreSQL when a server answers on 127.0.0.1 (BENCH_DATABASES=sqlite skips it).
"""

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from allervers import create_app
from allervers.core import tabular
from allervers.extensions import db
from tests.bench import data
from tests.bench.analysis import app_for, say, write
from tests.helpers import csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Import de l'annuaire"
ROWS = 5000
TARGET_S = 10.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1/allervers_bench_import"
FOLDER = Path(tempfile.gettempdir())

V1_COLUMNS = (
    "source",
    "id",
    "nom",
    "date_maj",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "description",
    "reseaux_porteurs",
)
NETWORKS = [
    "ccas-cias",
    "france-travail",
    "mission-locale",
    "caf",
    "france-services",
    "secours-populaire",
]
KINDS = ["Association", "Épicerie solidaire", "Centre social", "Point d'accueil", "Permanence"]


def v1_rows(count: int = ROWS) -> list[list[str]]:
    """Rows shaped like a data·inclusion v1 export of the Loiret (structures.csv)."""
    rng = random.Random(18)
    towns = data.departement_communes()
    rows = []
    for number in range(1, count + 1):
        town = rng.choice(towns[:120])
        networks = rng.sample(NETWORKS, rng.choice((0, 1, 1, 2)))
        rows.append(
            [
                rng.choice(("dora", "emplois-de-linclusion", "soliguide")),
                f"bench-{number:05d}",
                f"{rng.choice(KINDS)} {town.name} {number}",
                "2026-10-0" + str(rng.randint(1, 9)),
                "".join(rng.choice("0123456789") for _ in range(14)) if number % 3 else "",
                town.name if number % 10 else "",  # one row in ten gives only the code
                town.postal_codes[0] if town.postal_codes else "",
                town.insee,
                f"{rng.randint(1, 90)} rue de la République",
                f"{1.9 + rng.random():.6f}",
                f"{47.5 + rng.random():.6f}",
                f"02 38 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"accueil{number}@structure-exemple.fr",
                f"https://structure-exemple.fr/{number}",
                data.sentence(rng, 12),
                str(networks) if number % 2 else "|".join(networks),
            ]
        )
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(V1_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    return tabular.xlsx_bytes(V1_COLUMNS, rows)


def send(client, path: Path) -> tuple[float, float, str]:
    """Preview then confirm, as the pages do; (preview s, confirmation s, summary)."""
    token = csrf_token(client, "/annuaire/import")
    started = time.perf_counter()
    with path.open("rb") as handle:
        response = client.post(
            "/annuaire/import",
            data={"csrf_token": token, "file": (handle, path.name)},
            content_type="multipart/form-data",
        )
    preview = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    started = time.perf_counter()
    confirmed = client.post("/annuaire/import/confirmer", data=fields)
    confirm = time.perf_counter() - started
    assert confirmed.status_code in (200, 303), confirmed.status_code
    return preview, confirm, page


def time_import(url: str, email: str, folder: str) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b", "REDIS_URL": None})
    client = app.test_client()
    with app.app_context():
        assert sign_in(client, email, data.PASSWORD).status_code == 303
        before = db.session.execute(db.text("select count(*) from structures")).scalar()
    result = {"before": before}
    for label, name in (
        ("csv", "structures.csv"),
        ("csv again", "structures.csv"),
        ("xlsx", "structures.xlsx"),
    ):
        preview, confirm, _page = send(client, Path(folder) / name)
        with app.app_context():
            after = db.session.execute(db.text("select count(*) from structures")).scalar()
        result[label] = {"preview": preview, "confirm": confirm, "structures": after}
    return result


def run_database(kind: str, url: str, folder: Path) -> dict:
    say(f"\n== {kind} ==")
    app = app_for(url)
    with app.app_context():
        manifest = data.build()
    command = [
        sys.executable,
        "-m",
        "tests.bench.imports",
        "--time",
        url,
        manifest.admin,
        str(folder),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    say(f"  {result}")
    return result


def postgres_ready() -> bool:
    if os.environ.get("BENCH_DATABASES", "sqlite,postgresql") == "sqlite":
        return False
    name = PG_URL.rsplit("/", 1)[1]
    args = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *args, "--if-exists", name], capture_output=True)
    return subprocess.run(["createdb", *args, name], capture_output=True).returncode == 0


def section(results: dict) -> str:
    lines = [
        SECTION,
        "",
        "`make bench-import` (`tests/bench/imports.py`). Un administrateur envoie un fichier "
        f"data·inclusion v1 de {ROWS:,} structures du Loiret".replace(",", " ")
        + " (une ligne sur dix sans commune, retrouvée par le code INSEE ; listes `['a', 'b']` "
        "et `a|b`) dans un annuaire qui en compte déjà 2 000 : aperçu (lecture, contrôles, "
        "recherche des structures déjà présentes) puis confirmation, par les pages "
        "(client de test, processus neuf). Le même fichier renvoyé retrouve chaque structure par "
        "sa `source` + `id` data·inclusion ; puis les mêmes lignes en .xlsx. "
        f"Objectif : aperçu + confirmation < {TARGET_S:.0f} s.",
        "",
        "| Base | Fichier | Aperçu (s) | Confirmation (s) | Total (s) | Structures après "
        "| Objectif |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for kind, result in results.items():
        for label in ("csv", "csv again", "xlsx"):
            row = result[label]
            total = row["preview"] + row["confirm"]
            shown = {"csv": "CSV", "csv again": "CSV renvoyé", "xlsx": "xlsx (mêmes lignes)"}[label]
            verdict = "atteint" if total < TARGET_S else "manqué"
            count = f"{row['structures']:,}".replace(",", " ")
            lines.append(
                f"| {kind} | {shown} | {row['preview']:.2f} | {row['confirm']:.2f} | {total:.2f} "
                f"| {count} | {verdict} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    rows = v1_rows()
    (folder / "structures.csv").write_bytes(csv_bytes(rows))
    (folder / "structures.xlsx").write_bytes(xlsx_bytes(rows))
    results = {"SQLite": run_database("SQLite", f"sqlite:///{folder / 'bench.sqlite'}", folder)}
    if postgres_ready():
        results["PostgreSQL"] = run_database("PostgreSQL", PG_URL, folder)
    text_section = section(results)
    write(text_section, SECTION)
    say("\n" + text_section)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--time":
        print(json.dumps(time_import(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
