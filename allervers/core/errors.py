"""French error pages, as a full page or an htmx fragment."""

import logging

from flask import Flask, Response, g
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from allervers.core.bodies import UnreadableText
from allervers.core.models import EditConflictError
from allervers.core.web import render
from allervers.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête refusée", "La requête n'a pas pu être traitée. Rechargez la page et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès."),
    405: ("Action impossible", "Cette action n'est pas possible à cette adresse."),
    409: (
        "Modification simultanée",
        "Quelqu'un a modifié ces informations en même temps que vous : votre modification "
        "n'a pas été enregistrée. Rechargez la page pour voir la version à jour, puis "
        "recommencez.",
    ),
    413: (
        "Envoi trop volumineux",
        "Le fichier ou le texte envoyé dépasse la taille autorisée : "
        "découpez-le en plusieurs parties, puis réessayez.",
    ),
    500: (
        "Erreur du serveur",
        "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.",
    ),
    503: (
        "Service momentanément indisponible",
        "La base de données ne répond pas pour le moment. Patientez une minute, puis "
        "réessayez. Si vous enregistriez une modification, vérifiez ensuite qu'elle a bien "
        "été prise en compte.",
    ),
    507: (
        "Enregistrement impossible",
        "Enregistrement impossible : l'espace disque du serveur est plein. Rien n'a été "
        "enregistré. Prévenez l'administrateur de la plateforme.",
    ),
}
READ_ONLY_MESSAGE = (
    "Enregistrement impossible : la base de données est en lecture seule. Rien n'a été "
    "enregistré. Prévenez l'administrateur de la plateforme."
)
CSRF_MESSAGE = (
    "Votre session a expiré ou le formulaire est trop ancien. "
    "Rechargez la page, puis recommencez votre saisie."
)
RETRY_AFTER_SECONDS = 30
# Answers that say the server, not the request, is at fault: sqlite3's error names, then
# PostgreSQL's SQLSTATE codes (disk_full, read_only_sql_transaction).
DISK_FULL = ("SQLITE_FULL", "SQLITE_IOERR")
READ_ONLY = ("SQLITE_READONLY",)
OUTAGE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN")
POSTGRES_KINDS = {"53100": "disk_full", "25006": "read_only"}


def error_page(status: int, message: str | None = None, title: str | None = None) -> Response:
    default_title, default = MESSAGES.get(status, MESSAGES[400])
    return render(
        "errors/error.html",
        "errors/_error.html",
        status,
        title=title or default_title,
        message=message or default,
        code=status,
    )


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Response:
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(UnreadableText)
    def unreadable_text(error: UnreadableText) -> Response:
        return error_page(400, error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.code in MESSAGES:
            return error_page(error.code)
        return error

    @app.errorhandler(EditConflictError)
    @app.errorhandler(StaleDataError)
    def edit_conflict(_error: Exception) -> Response:
        """A concurrent save the view did not expect (its own forms show the conflict form)."""
        db.session.rollback()
        return error_page(409)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def database_error(error: Exception) -> Response:
        return database_unavailable(error)

    @app.errorhandler(500)
    def server_error(_error: Exception) -> Response:
        db.session.rollback()
        return error_page(500)


def database_unavailable(error: Exception) -> Response:
    """The database is down, restarting, full or read-only: say so in French, never a trace."""
    _forget_transaction()
    kind = failure_kind(error)
    if kind == "outage" or "_login_user" not in g:
        # Who is signed in cannot be read now: the page is shown as to a visitor.
        g._login_user = login_manager.anonymous_user()
    if kind == "bug":
        log.exception("Erreur de la base de données", exc_info=error)
        return error_page(500)
    log.error("Base de données indisponible (%s) : %s", kind, error)
    if kind == "disk_full":
        return error_page(507)
    if kind == "read_only":
        return error_page(503, READ_ONLY_MESSAGE, title=MESSAGES[507][0])
    response = error_page(503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def failure_kind(error: Exception) -> str:
    """outage (try again later), disk_full, read_only, or bug (a query the database refused)."""
    if isinstance(error, PoolTimeoutError):
        return "outage"
    if not isinstance(error, DBAPIError):
        return "bug"
    name = getattr(error.orig, "sqlite_errorname", None)
    if name is not None:
        return _sqlite_kind(name)
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in POSTGRES_KINDS:
        return POSTGRES_KINDS[sqlstate]
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return "outage"  # PostgreSQL: connection refused, lost, server shutting down…
    return "bug"


def _sqlite_kind(name: str) -> str:
    if name.startswith(DISK_FULL):
        return "disk_full"
    if name.startswith(READ_ONLY):
        return "read_only"
    return "outage" if name.startswith(OUTAGE) else "bug"


def _forget_transaction() -> None:
    """Roll back; a connection that died with the server may refuse even that."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session().invalidate()
