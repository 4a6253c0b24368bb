"""Analysis pages: a map's cooperation network read by the pure `allervers.network` module."""

from flask import Blueprint

bp = Blueprint("analysis", __name__)
