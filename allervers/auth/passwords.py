"""Password hashing (scrypt by default, through Werkzeug) and the password rules."""

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the e-mail is unknown, so that a refusal costs one hash either way.

    Made once per process: computing it on each call (as `dict.setdefault(key, hash(...))`
    did) doubled the cost and told which e-mails have an account.
    """
    return generate_password_hash("not-a-real-password", method=method)


def password_problem(password: str) -> str | None:
    """The French message explaining why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    if password.strip() == "" or len(set(password)) < 4:
        return "Ce mot de passe est trop simple : variez les caractères."
    return None
