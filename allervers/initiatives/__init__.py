"""Aller-vers initiatives: the shared base, effect follow-up, techniques and case presentations."""

from flask import Blueprint

bp = Blueprint("initiatives", __name__)
