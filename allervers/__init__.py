"""Aller-vers: the intranet of the training module on outreach ("aller-vers") practice."""

import gc

from flask import Flask

from allervers.config import PROJECT_ROOT, build_config


def create_app(config: dict | None = None) -> Flask:
    """Config → extensions → hooks → blueprints → errors → CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(build_config(config))
    init_extensions(app)
    register_hooks(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    return app


GC_YOUNG_THRESHOLD = 10_000


def create_server_app() -> Flask:
    """The app of a long-running process (a gunicorn worker, `flask --app wsgi`).

    Python's garbage collector paused requests for 10 to 100 ms (`make bench`): a full
    collection goes through every object the worker holds, and a page such as the session
    report allocates enough to trigger one every few requests. What is loaded at start-up
    lives as long as the process: frozen, collections skip it; and young objects are
    collected every 10,000 allocations instead of 700, so full collections come 14 times
    less often (the garbage in between is a few megabytes at most).
    """
    app = create_app()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    return app


def init_extensions(app: Flask) -> None:
    from allervers.extensions import csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    from allervers.core import database

    database.configure_engine(app)


def register_hooks(app: Flask) -> None:
    from allervers.auth import access, security_log
    from allervers.core import bodies, routing, security, templating
    from allervers.history import recorder

    bodies.init_bodies(app)
    routing.init_routing(app)
    access.init_login(app)
    security_log.init_app(app)
    recorder.init_recorder(app)
    templating.init_templating(app)
    security.init_security_headers(app)


def register_blueprints(app: Flask) -> None:
    from allervers.admin import settings_views  # noqa: F401 - routes on admin_bp
    from allervers.admin.views import bp as admin_bp
    from allervers.analysis.views import bp as analysis_bp
    from allervers.auth import password_views, reset, session_views  # noqa: F401 - routes on auth_bp
    from allervers.auth.views import bp as auth_bp
    from allervers.directory.views import bp as directory_bp
    from allervers.followup.views import bp as followup_bp
    from allervers.history.views import bp as history_bp
    from allervers.home.views import bp as home_bp
    from allervers.initiatives.views import bp as initiatives_bp
    from allervers.maps import live_views, workshop_views  # noqa: F401 - routes on maps_bp
    from allervers.maps.views import bp as maps_bp
    from allervers.training.views import bp as training_bp

    for blueprint in (
        home_bp,
        auth_bp,
        training_bp,
        directory_bp,
        maps_bp,
        analysis_bp,
        initiatives_bp,
        followup_bp,
        admin_bp,
        history_bp,
    ):
        app.register_blueprint(blueprint)


def register_errors(app: Flask) -> None:
    from allervers.core import errors

    errors.init_errors(app)


def register_cli(app: Flask) -> None:
    from allervers.cli import commands

    for command in commands:
        app.cli.add_command(command)
