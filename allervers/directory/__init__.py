"""The shared directory (annuaire) of structures: the nodes of every cooperation graph."""

from flask import Blueprint

bp = Blueprint("directory", __name__)
