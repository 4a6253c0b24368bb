"""The app as gunicorn serves it in production, plus what only the bench needs (never in the app):

- `/_floor`: the smallest Flask route, behind the same hooks (login wall, security headers,
  session): what any page costs at least, the « floor » every page is compared with; and two
  steps above it, to tell where a page's time goes: the same behind the sign-in
  (`/_floor/connecte`: the session and the user read from the database) and an empty page in
  the layout (`/_floor/page`);
- a `Server-Timing` header on every response: the time from the request entering the WSGI
  app to the last byte of its body (`app`), and the SQL statements it ran and their time
  (`sql`), and the time Python's garbage collector took meanwhile (`gc`), so the client can
  tell server time from network and client time, and a slow request from a collection.

`gunicorn tests.bench.wsgi_bench:app`, configured by the environment like `wsgi.py`.
"""

import gc
import os
import re
import time

from flask import render_template_string
from flask_login import current_user
from sqlalchemy import event

from allervers import create_server_app
from allervers.auth.access import public
from allervers.extensions import db

NUMBER = re.compile(r"/\d+")
EMPTY_PAGE = "{% extends layout %}{% block content %}<p>ok</p>{% endblock %}"


class ServerTiming:
    """WSGI middleware: buffers the body to time it whole, then sends the header with it.

    With BENCH_TIMINGS (a folder), each worker also writes a line per request: method and
    path, when it came, server time, SQL time and the CPU time the worker spent on it — under
    load, a server time well above its CPU time is time spent waiting (for the CPU or a lock)."""

    def __init__(self, wsgi_app, statements: "StatementCounter"):
        self.wsgi_app = wsgi_app
        self.statements = statements
        self.collections = CollectionTimer()
        self.folder = os.environ.get("BENCH_TIMINGS")

    def __call__(self, environ, start_response):
        started, cpu, wall = time.perf_counter(), time.process_time(), time.time()
        self.statements.reset()
        self.collections.reset()
        captured = {}
        chunks: list[bytes] = []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.wsgi_app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        elapsed = (time.perf_counter() - started) * 1000
        timing = (
            f"app;dur={elapsed:.3f}, "
            f'sql;desc="{self.statements.count}";dur={self.statements.seconds * 1000:.3f}, '
            f"gc;dur={self.collections.seconds * 1000:.3f}"
        )
        start_response(captured["status"], [*captured["headers"], ("Server-Timing", timing)])
        if self.folder:
            cpu = (time.process_time() - cpu) * 1000
            self.log(environ, wall, elapsed, self.statements.seconds * 1000, cpu)
        return chunks

    def log(self, environ, wall: float, elapsed: float, sql: float, cpu: float) -> None:
        name = f"{environ['REQUEST_METHOD']} {NUMBER.sub('/<id>', environ.get('PATH_INFO', ''))}"
        line = f"{name}\t{wall:.3f}\t{elapsed:.3f}\t{sql:.3f}\t{cpu:.3f}\n"
        with open(f"{self.folder}/timings-{os.getpid()}.tsv", "a", encoding="utf-8") as out:
            out.write(line)


class CollectionTimer:
    """Time Python's garbage collector took in this process since `reset()`."""

    def __init__(self):
        self.seconds, self._started = 0.0, 0.0
        gc.callbacks.append(self.callback)

    def reset(self) -> None:
        self.seconds = 0.0

    def callback(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


class StatementCounter:
    """How many SQL statements the current request ran, and how long they took (one request
    at a time per process: gunicorn's sync workers)."""

    def __init__(self):
        self.count, self.seconds, self._started = 0, 0.0, 0.0

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def before(self, *_args) -> None:
        self._started = time.perf_counter()

    def after(self, *_args) -> None:
        self.count += 1
        self.seconds += time.perf_counter() - self._started


def create_bench_app():
    app = create_server_app()

    @app.get("/_floor")
    @public
    def floor():
        return "ok"

    @app.get("/_floor/connecte")
    def signed_in_floor():
        return f"ok {current_user.id}"

    @app.get("/_floor/page")
    def empty_page():
        return render_template_string(EMPTY_PAGE, layout="base.html")

    statements = StatementCounter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", statements.before)
        event.listen(db.engine, "after_cursor_execute", statements.after)
    app.wsgi_app = ServerTiming(app.wsgi_app, statements)
    return app


app = create_bench_app()
