"""History of the records (who changed what and when) and the trash of deleted records."""

from flask import Blueprint

bp = Blueprint("history", __name__)
