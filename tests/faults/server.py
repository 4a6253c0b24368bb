"""The real thing for the fault tests: a migrated database, gunicorn with two workers, HTTP.

Every process a test starts is in its own process group, and stopped with it.
"""

import contextlib
import html
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "faults-test-secret-key"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"{what} : toujours pas au bout de {seconds} s")


def stop_group(process: subprocess.Popen, seconds: float = 10, how=signal.SIGTERM) -> None:
    """SIGTERM (or `how`) to the process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, how)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


# ----- the database ---------------------------------------------------------------------------


@dataclass
class Database:
    url: str

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Path:
        return Path(make_url(self.url).database)

    def row(self, sql: str, **params) -> tuple | None:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                found = connection.execute(text(sql), params).first()
                return None if found is None else tuple(found)
        finally:
            engine.dispose()

    def rows(self, sql: str, **params) -> list[tuple]:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return [tuple(found) for found in connection.execute(text(sql), params)]
        finally:
            engine.dispose()

    def scalar(self, sql: str, **params):
        found = self.row(sql, **params)
        return None if found is None else found[0]


def server_config(url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "REDIS_URL": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def flask_command(url: str, log: Path, *args: str, **env: str) -> None:
    """`flask --app wsgi <args>` as an operator runs it (production settings, not the tests')."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": "", **env}
    with log.open("a") as out:
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
    assert done.returncode == 0, log.read_text()


def migrate(url: str, log: Path) -> None:
    flask_command(url, log, "db", "upgrade")


def seed(url: str) -> dict:
    """Accounts, twelve structures, a trainee's map holding them all, a group."""
    from allervers import create_app
    from allervers.auth.models import User
    from allervers.auth.passwords import hash_password
    from allervers.core.timeutil import utcnow
    from allervers.directory.services import build_structure
    from allervers.extensions import db
    from allervers.maps import services as maps
    from allervers.training.models import Group, InvitationCode, Membership, TrainingSession

    app = create_app(server_config(url))
    with app.app_context():
        structures = [
            build_structure(
                name=f"Structure {number:02d}",
                commune="Orléans",
                postal_code="45000",
                typology="ASSO",
            )
            for number in range(12)
        ]
        db.session.add_all(structures)
        password = hash_password(TEST_PASSWORD)
        people = {
            role: User(email=f"{role}@pannes.fr", name=role.capitalize(), role=role,
                       password_hash=password)
            for role in ("admin", "formateur", "stagiaire", "referent")
        }  # fmt: skip
        db.session.add_all(people.values())
        db.session.commit()
        people["stagiaire"].structure_id = structures[0].id
        training = TrainingSession(
            title="Session des pannes",
            module="Module 2",
            audience="Niveau 6",
            objectives=["Objectif"],
            registration_deadline=date(2030, 1, 1),
        )
        group = Group(session=training, name="Groupe des pannes", city="Orléans")
        group.invitation_codes.append(InvitationCode(code="PANNES001", created_at=utcnow()))
        group.memberships.append(
            Membership(user=people["formateur"], role="formateur", joined_at=utcnow())
        )
        group.memberships.append(
            Membership(user=people["stagiaire"], role="stagiaire", joined_at=utcnow())
        )
        db.session.add(group)
        db.session.commit()
        cooperation_map = maps.create_map(
            people["stagiaire"], "Carte des pannes", "Orléans", structures[0].id
        )
        entries = [maps.add_entry(cooperation_map, s, {}).id for s in structures[1:]]
        world = {
            "emails": {role: person.email for role, person in people.items()},
            "structures": [structure.id for structure in structures],
            "map": cooperation_map.id,
            "entries": entries,
            "group": group.id,
        }
        db.session.remove()
        db.engine.dispose()
    return world


# ----- gunicorn -------------------------------------------------------------------------------


@dataclass
class Gunicorn:
    """`gunicorn --workers 2 wsgi:app` on a free port, with its own environment."""

    env: dict
    log: Path
    preexec_fn: object = None
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        self.port = free_port()
        command = [
            str(BIN / "gunicorn"),
            "--workers", "2",
            "--bind", f"127.0.0.1:{self.port}",
            "--graceful-timeout", "2",
            "--timeout", "60",
            "--no-control-socket",  # one per user by default: servers would share it
            "wsgi:app",
        ]  # fmt: skip
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=self.preexec_fn,
            )
        wait_until(self._ready, 60, f"gunicorn sur le port {self.port}\n{self.log_text()}")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn s'est arrêté :\n{self.log_text()}")
        if len(self.workers()) < 2:
            return False
        try:
            return Browser(self.url).get("/connexion").status == 200
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, how=signal.SIGINT)  # gunicorn's quick shutdown

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# ----- a browser without JavaScript -----------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    content: bytes = b""  # the body as sent

    @property
    def text(self) -> str:
        return html.unescape(self.body)

    def json(self):
        return json.loads(self.body)


@dataclass
class Browser:
    """Cookies, CSRF token from the page, redirects not followed (303 is the answer)."""

    base: str
    cookies: dict = field(default_factory=dict)
    timeout: float = 30
    token: str = ""  # the session's CSRF token, once read

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        return self.answer(self.send(method, path, body, headers))

    def send(self, method: str, path: str, body: bytes | None = None, headers=None):
        """The request is sent; `answer(connection)` waits for the response."""
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
        except BaseException:
            connection.close()
            raise
        return connection

    def answer(self, connection: http.client.HTTPConnection) -> Response:
        try:
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        body_text = content.decode("utf-8", errors="replace")
        return Response(answer.status, dict(answer.getheaders()), body_text, content)

    def form(self, data: dict, token: str) -> tuple[bytes, dict]:
        body = urlencode({"csrf_token": token, **data}, doseq=True).encode()
        return body, {"Content-Type": "application/x-www-form-urlencoded"}

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, headers=headers)

    def csrf(self, path: str = "/connexion") -> str:
        page = self.get(path)
        match = CSRF.search(page.body)
        assert match, f"pas de jeton CSRF sur {path} ({page.status})\n{page.text[:500]}"
        return match.group(1)

    def post(self, path: str, data: dict, token: str, files: dict | None = None) -> Response:
        if files:
            body, kind = multipart({"csrf_token": token, **data}, files)
            return self.request("POST", path, body=body, headers={"Content-Type": kind})
        return self.request("POST", path, *self.form(data, token))

    def post_form(self, path: str, data: dict, token_from: str | None = None, **kwargs):
        return self.post(path, data, self.csrf(token_from or path), **kwargs)

    def sign_in(self, email: str, password: str = TEST_PASSWORD) -> "Browser":
        answer = self.post_form("/connexion", {"email": email, "password": password})
        assert answer.status == 303, answer.text[:500]
        return self


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    for name, (filename, content) in files.items():
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# ----- what the server depends on: PostgreSQL, Redis, the background worker ------------------


def skip_or_fail(reason: str) -> None:
    """Where the machine cannot do it, skip; CI (CI=true) must be able to, so it fails."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true : ce test doit tourner)")
    pytest.skip(reason)


class PostgresCluster:
    """A throw-away PostgreSQL cluster of our own on a free port, which we may stop and
    start at will (never the shared server). Made with initdb as the `postgres` user."""

    def __init__(self) -> None:
        import pwd

        initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not initdb:
            skip_or_fail("PostgreSQL (initdb) n'est pas installé")
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            skip_or_fail("pas d'utilisateur système postgres pour lancer un serveur jetable")
        if os.geteuid() != 0:
            skip_or_fail("il faut être root pour lancer un serveur PostgreSQL jetable")
        self.bin = initdb[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="allervers-pg-"))
        os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.port = free_port()
        self._as_postgres("initdb", "-A", "trust", "--no-sync", "-U", "postgres",
                          "-D", str(self.folder / "data"))  # fmt: skip

    def _as_postgres(self, tool: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{tool} : {done.stdout}\n{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres("pg_ctl", "-D", str(self.folder / "data"), "-l",
                          str(self.folder / "log"), "-w", "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> Database:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        engine.dispose()
        return Database(self.url(name))

    def destroy(self) -> None:
        with contextlib.suppress(AssertionError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """redis-server on a free port, nothing saved to disk."""

    def __init__(self, log: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            skip_or_fail("redis-server n'est pas installé")
        self.port = free_port()
        with log.open("a") as out:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_until(self.answers, 10, "redis-server ne répond pas")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_consumer(env: dict, log: Path) -> subprocess.Popen:
    """The background worker, as `make run` starts it."""
    with log.open("a") as out:
        return subprocess.Popen(
            [str(BIN / "huey_consumer"), "allervers.worker.huey", "-w", "1", "-k", "process",
             "-d", "0.05", "-m", "0.2"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def serving_worker(server: Gunicorn, client_port: int) -> int | None:
    """The gunicorn worker holding the connection that comes from `client_port`."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server.port and (
                int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                sockets.add(f"socket:[{inode}]")
    for pid in server.workers():
        try:
            for descriptor in Path(f"/proc/{pid}/fd").iterdir():
                if os.readlink(descriptor) in sockets:
                    return pid
        except OSError:
            continue
    return None
