"""Accounts: sign-in, sign-out, password, joining a group with an invitation code."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
