"""Faults injected into a running gunicorn (two workers): a worker killed in the middle of a
write, PostgreSQL restarted under load, Redis gone, the background worker stopped, a full
disk and a read-only database. Each time: a French answer, never a traceback, nothing
half-written, and the service back as soon as the cause is gone."""

import http.client
import os
import re
import resource
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.faults.conftest import POSTGRES_URL
from tests.faults.server import (
    Browser,
    Database,
    PostgresCluster,
    RedisServer,
    migrate,
    seed,
    serving_worker,
    start_consumer,
    stop_group,
    wait_until,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.faults

IMPORTED = "SELECT count(*) FROM structures WHERE name LIKE 'Import %'"
IMPORT_ROWS = 5000
TOKEN = re.compile(r'name="token" type="hidden" value="([^"]+)"')
UNAVAILABLE = "Service momentanément indisponible"
sqlite_only = pytest.mark.skipif(
    bool(POSTGRES_URL), reason="un fichier SQLite : vérifié lors du passage sur SQLite"
)


def import_file(rows: int = IMPORT_ROWS) -> bytes:
    """A directory import close to the 2 MB limit: one transaction of thousands of rows."""
    lines = ["nom;commune;code_postal;typologie;description"]
    description = "Accueil, orientation et accompagnement des publics du quartier. " * 5
    lines += [f"Import {n:05d};Orléans;45000;ASSO;{description}" for n in range(rows)]
    return "\n".join(lines).encode()


def import_token(browser: Browser) -> str:
    """Upload the file: the preview page carries the signed token the confirmation sends."""
    files = {"file": ("structures.csv", import_file())}
    preview = browser.post_form("/annuaire/import", {}, files=files)
    assert preview.status == 200, preview.text[:500]
    return TOKEN.search(preview.body).group(1)


def confirm_import(browser: Browser, token: str):
    return browser.post_form(
        "/annuaire/import/confirmer", {"token": token}, token_from="/annuaire/import"
    )


def assert_french_error(response, status: int, *phrases: str) -> None:
    assert response.status == status, response.text[:500]
    for phrase in phrases:
        assert phrase in response.text
    assert "Traceback" not in response.text
    assert "sqlalchemy" not in response.text.lower()


def edit_title(browser: Browser, world: dict, title: str, token: str):
    path = f"/cartes/{world['map']}/modifier"
    version = re.search(r'name="version" type="hidden" value="(\d+)"', browser.get(path).body)
    data = {
        "title": title,
        "territory": "Orléans",
        "focal_structure_id": world["structures"][0],
        "version": version.group(1) if version else "",
    }
    return browser.post(path, data, token)


# ----- a worker killed in the middle of a write ------------------------------------------------


def writing_started(database: Database, wal_size: int):
    """True once the import's transaction has written rows it has not committed yet."""
    if database.is_sqlite:
        wal = database.path.with_name(database.path.name + "-wal")
        return wal.exists() and wal.stat().st_size > wal_size + 256 * 1024
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
    )
    return database.scalar(busy) > 0


def wal_size(database: Database) -> int:
    wal = database.path.with_name(database.path.name + "-wal")
    return wal.stat().st_size if database.is_sqlite and wal.exists() else 0


def test_a_worker_killed_mid_write_leaves_it_whole_or_absent(
    database, world, start_server, signed_in
):
    server = start_server(database)
    admin = signed_in(server, "admin")
    token = import_token(admin)
    body, headers = admin.form({"token": token}, admin.csrf("/annuaire/import"))
    before = wal_size(database)

    request = admin.send("POST", "/annuaire/import/confirmer", body, headers)
    port = request.sock.getsockname()[1]
    worker = wait_until(lambda: serving_worker(server, port), 10, "le worker de la requête")
    wait_until(lambda: writing_started(database, before), 60, "l'écriture de l'import")
    os.kill(worker, signal.SIGKILL)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        admin.answer(request)

    imported = database.scalar(IMPORTED)
    assert imported in (0, IMPORT_ROWS)  # all of the import or none of it
    wait_until(lambda: worker not in server.workers() and len(server.workers()) == 2, 30,
               "gunicorn remplace le worker tué")  # fmt: skip
    for path in ("/", "/annuaire", f"/cartes/{world['map']}"):
        assert admin.get(path).status == 200
    trainee = signed_in(server, "stagiaire")  # and nothing was left locked: writes go through
    assert edit_title(trainee, world, "Après la panne", trainee.csrf("/cartes")).status == 303
    assert database.scalar(IMPORTED) == imported
    if database.is_sqlite:
        assert database.scalar("PRAGMA integrity_check") == "ok"


# ----- PostgreSQL restarted under load ----------------------------------------------------------


@pytest.fixture
def own_postgres():
    """A PostgreSQL cluster of this test's own (the shared server is never restarted)."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


class Load:
    """Browsers reading pages in a loop until stopped; every answer is kept."""

    def __init__(self, browsers: list[Browser], paths: list[str]) -> None:
        self.answers: list[tuple[float, float, int, str]] = []  # sent, answered, status, text
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(browser, paths)) for browser in browsers
        ]

    def _run(self, browser: Browser, paths: list[str]) -> None:
        while not self.stopping.is_set():
            for path in paths:
                sent = time.monotonic()
                answer = browser.get(path)
                self.answers.append((sent, time.monotonic(), answer.status, answer.text))
            time.sleep(0.02)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_postgresql_restarted_under_load(own_postgres, start_server, tmp_path):
    database = own_postgres.create_database("allervers")
    migrate(database.url, tmp_path / "migrate.log")
    world = seed(database.url)
    server = start_server(database)
    browsers = [Browser(server.url).sign_in(world["emails"]["stagiaire"]) for _ in range(3)]
    person = browsers.pop()
    token = person.csrf("/cartes")
    paths = ["/cartes", f"/cartes/{world['map']}", "/annuaire"]

    with Load(browsers, paths) as load:
        time.sleep(0.5)
        own_postgres.stop("fast")
        stopped = time.monotonic()
        page = person.get(f"/cartes/{world['map']}")
        save = edit_title(person, world, "Jamais enregistré", token)
        time.sleep(1)
        restarting = time.monotonic()
        own_postgres.start()
        restarted = time.monotonic()
        first = person.get(f"/cartes/{world['map']}")  # pool_pre_ping: no stale connection
        time.sleep(0.5)

    assert_french_error(page, 503, UNAVAILABLE, "Patientez une minute")
    assert page.headers["Retry-After"] == "30"
    assert_french_error(save, 503, UNAVAILABLE)
    assert first.status == 200
    assert {answer[2] for answer in load.answers} <= {200, 503}
    outage = [answer for answer in load.answers if stopped < answer[0] and answer[1] < restarting]
    assert outage
    assert {status for _sent, _answered, status, _text in outage} == {503}
    assert all(UNAVAILABLE in text and "Traceback" not in text for *_, text in outage)
    after = [answer[2] for answer in load.answers if answer[0] > restarted]
    assert after
    assert set(after) == {200}
    assert edit_title(person, world, "Enregistré", token).status == 303
    assert database.scalar(
        "SELECT title FROM cooperation_maps WHERE id = :id", id=world["map"]
    ) == ("Enregistré")

    # Restarted while nobody asked anything: the connections kept by each worker are dead,
    # and the pre-ping replaces them before the first request can meet one.
    for _warm in range(6):
        assert person.get("/cartes").status == 200
    own_postgres.stop("fast")
    own_postgres.start()
    assert [person.get("/cartes").status for _request in range(6)] == [200] * 6


# ----- Redis gone -------------------------------------------------------------------------------


def test_without_redis_pages_and_sign_in_keep_working(database, world, start_server, tmp_path):
    redis = RedisServer(tmp_path / "redis.log")
    try:
        server = start_server(database, REDIS_URL=redis.url)
        trainee = Browser(server.url).sign_in(world["emails"]["stagiaire"])
        formateur = Browser(server.url).sign_in(world["emails"]["formateur"])
        analysis = f"/cartes/{world['map']}/analyse"
        group = f"/groupes/{world['group']}/analyse"
        assert trainee.get(analysis).status == 200
        assert "Calcul en cours" in formateur.get(group).text  # queued in Redis
        assert redis_keys(redis, "allervers:analysis:*")  # the cache was in Redis
        redis.kill()

        for path in ("/", "/cartes", f"/cartes/{world['map']}", analysis, "/annuaire"):
            assert trainee.get(path).status == 200, path
        assert Browser(server.url).sign_in(world["emails"]["stagiaire"])
        waiting = formateur.get(group)
        assert waiting.status == 200
        assert "Le calculateur est momentanément injoignable" in waiting.text
        # the failure counters moved to the database: an account is still protected
        stranger = Browser(server.url)
        for _attempt in range(5):
            wrong = {"email": world["emails"]["referent"], "password": "pas-le-bon-mot-de-passe"}
            assert stranger.post_form("/connexion", wrong).status == 422
        right = {"email": world["emails"]["referent"], "password": TEST_PASSWORD}
        refused = stranger.post_form("/connexion", right)
        assert refused.status == 422
        assert "Trop de tentatives de connexion ont échoué" in refused.text
    finally:
        redis.kill()


def redis_keys(redis: RedisServer, pattern: str) -> list:
    import redis as client

    return client.Redis.from_url(redis.url).keys(pattern)


# ----- the background worker stopped and restarted ----------------------------------------------


def test_jobs_queued_while_the_worker_is_stopped_run_when_it_restarts(
    database, world, start_server, signed_in, tmp_path
):
    server = start_server(database)
    formateur, trainee = signed_in(server, "formateur"), signed_in(server, "stagiaire")
    path = f"/groupes/{world['group']}/analyse"
    env = {key: server.env[key] for key in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "HUEY_DB")}
    log = tmp_path / "worker.log"

    def computed():
        page = formateur.get(path)
        return "Calcul en cours" not in page.text and "Structure 05" in page.text

    def links() -> int:
        exported = formateur.get(f"/agregats/groupe/{world['group']}/analyse.json").json()
        return exported["analysis"]["network"]["links"]

    assert "Calcul en cours" in formateur.get(path).text  # queued, nobody to compute it
    worker = start_consumer(env, log)
    try:
        wait_until(computed, 60, f"le calcul\n{log.read_text()}")
    finally:
        stop_group(worker)  # the worker is stopped…
    before = links()

    link = {"source_id": world["structures"][0], "target_id": world["structures"][1],
            "status": "existant", "level": "3", "direction": "mutuel"}  # fmt: skip
    assert trainee.post_form(f"/cartes/{world['map']}/liens", link).status == 303
    stale = formateur.get(path).text  # …and the data changes: a new computation is queued
    assert "Calcul en cours" in stale
    assert "Voici le dernier résultat" in stale
    time.sleep(1)
    assert "Calcul en cours" in formateur.get(path).text  # still waiting for a worker

    worker = start_consumer(env, log)
    try:
        wait_until(computed, 60, f"le calcul en attente\n{log.read_text()}")
    finally:
        stop_group(worker)
    assert links() == before + 1


# ----- a full disk, a read-only database -------------------------------------------------------


def file_size_limit(limit: int):
    """For the server's processes: no file may grow past `limit` bytes (as on a full disk)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def checkpoint(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


@sqlite_only
def test_a_full_disk_refuses_the_write_clearly_and_keeps_serving(
    database, world, start_server, signed_in
):
    checkpoint(database.path)
    # The upload of the preview fits (a 2 MB temporary file); the import's rows do not.
    limit = database.path.stat().st_size + 2_300_000
    server = start_server(database, preexec_fn=file_size_limit(limit))
    admin = signed_in(server, "admin")
    token = import_token(admin)

    refused = confirm_import(admin, token)

    assert_french_error(
        refused, 507, "l'espace disque du serveur est plein", "Rien n'a été enregistré"
    )
    assert database.scalar(IMPORTED) == 0
    for path in ("/", "/annuaire", f"/cartes/{world['map']}"):
        assert admin.get(path).status == 200
    assert "Traceback" not in server.log_text()


@sqlite_only
def test_a_read_only_database_refuses_writes_clearly(database, world, start_server, signed_in):
    writable = start_server(database)
    trainee = signed_in(writable, "stagiaire")
    token = trainee.csrf("/cartes")
    writable.stop()
    read_only = Database(f"sqlite:///file:{database.path}?mode=ro&uri=true")
    server = start_server(read_only)
    trainee.base = server.url

    assert trainee.get(f"/cartes/{world['map']}").status == 200  # reading still works
    refused = edit_title(trainee, world, "Jamais enregistré", token)
    assert_french_error(
        refused, 503, "la base de données est en lecture seule", "Rien n'a été enregistré"
    )
    assert database.scalar("SELECT title FROM cooperation_maps") == "Carte des pannes"
    newcomer = Browser(server.url).post_form(
        "/connexion", {"email": world["emails"]["formateur"], "password": TEST_PASSWORD}
    )
    assert_french_error(newcomer, 503, "la base de données est en lecture seule")
