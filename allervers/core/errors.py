"""French error pages, as a full page or an htmx fragment."""

from flask import Flask, Response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from allervers.core.web import render
from allervers.extensions import db

MESSAGES = {
    400: ("Requête refusée", "La requête n'a pas pu être traitée. Rechargez la page et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès."),
    405: ("Action impossible", "Cette action n'est pas possible à cette adresse."),
    413: (
        "Envoi trop volumineux",
        "Le fichier ou le texte envoyé dépasse la taille autorisée : "
        "découpez-le en plusieurs parties, puis réessayez.",
    ),
    500: (
        "Erreur du serveur",
        "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.",
    ),
}
CSRF_MESSAGE = (
    "Votre session a expiré ou le formulaire est trop ancien. "
    "Rechargez la page, puis recommencez votre saisie."
)


def error_page(status: int, message: str | None = None) -> Response:
    title, default = MESSAGES.get(status, MESSAGES[400])
    return render(
        "errors/error.html",
        "errors/_error.html",
        status=status,
        title=title,
        message=message or default,
        code=status,
    )


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Response:
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.code in MESSAGES:
            return error_page(error.code)
        return error

    @app.errorhandler(500)
    def server_error(_error: Exception) -> Response:
        db.session.rollback()
        return error_page(500)
