"""Training sessions, their groups, members and invitation codes."""

from flask import Blueprint

bp = Blueprint("training", __name__)
