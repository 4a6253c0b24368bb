"""The home page: each user's dashboard."""

from flask import Blueprint

bp = Blueprint("home", __name__)
