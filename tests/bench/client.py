"""A browser-like HTTP client for the bench: signs in through the form, keeps the CSRF token."""

import re

import requests

from tests.bench.data import PASSWORD

FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SERVER_TIMING = re.compile(r'app;dur=([\d.]+), sql;desc="(\d+)";dur=([\d.]+), gc;dur=([\d.]+)')


class Browser(requests.Session):
    """One person's browser: their session cookie and the CSRF token of their session."""

    def __init__(self, base: str, email: str | None = None):
        super().__init__()
        self.base, self.email, self.token = base, email, ""
        if email:
            self.sign_in(email)

    def sign_in(self, email: str) -> None:
        page = self.get(f"{self.base}/connexion")
        found = FORM_TOKEN.search(page.text)
        if found is None:
            raise RuntimeError("pas de jeton CSRF sur la page de connexion")
        form = {"csrf_token": found.group(1), "email": email, "password": PASSWORD}
        answer = self.post(f"{self.base}/connexion", data=form, allow_redirects=False)
        if answer.status_code not in (302, 303):  # the form again, with why
            raise RuntimeError(f"connexion de {email} refusée ({answer.status_code})")
        home = self.get(f"{self.base}/")
        found = META_TOKEN.search(home.text)
        if home.status_code != 200 or found is None:
            raise RuntimeError(f"connexion de {email} refusée ({home.status_code})")
        self.token = found.group(1)

    def htmx_headers(self) -> dict:
        return {"HX-Request": "true", "X-CSRFToken": self.token}


def server_timing(response: requests.Response) -> tuple[float, int, float, float]:
    """(server time in ms, SQL statements, SQL time in ms, garbage collection in ms) from the
    bench's header."""
    found = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
    if found is None:
        raise RuntimeError(f"pas d'en-tête Server-Timing sur {response.url}")
    server, statements, sql, collections = found.groups()
    return float(server), int(statements), float(sql), float(collections)
