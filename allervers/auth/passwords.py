"""Password hashing (scrypt by default, through Werkzeug) and the password rules."""

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128
# Checked against when the e-mail is unknown, so a failed sign-in takes the same time either way.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        password_hash = _DUMMY_HASH.setdefault(method, hash_password("not-a-real-password"))
        check_password_hash(password_hash, password)
        return False
    return check_password_hash(password_hash, password)


def password_problem(password: str) -> str | None:
    """The French message explaining why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    if password.strip() == "" or len(set(password)) < 4:
        return "Ce mot de passe est trop simple : variez les caractères."
    return None
