"""Cooperation maps: the structures a trainee works with and the links between them."""

from flask import Blueprint

bp = Blueprint("maps", __name__)
