"""Browser tests: a real Chromium (Debian's) drives the app served by a werkzeug thread.

Every test of this folder gets the `browser` marker. Without Chromium the tests are skipped
with the reason, except on CI (`CI=true`) where they fail: a green CI must have run them.
"""

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from tests.helpers import TEST_PASSWORD

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE.parent.parent / "static" / "vendor" / "axe" / "axe.min.js"
# The real binary first: the Debian wrapper /usr/bin/chromium prints a harmless shell error.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium introuvable : apt-get install chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox cannot start
]
AXE_BLOCKING_IMPACTS = ("serious", "critical")


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


# Werkzeug's development server (the live server below) leaves a static file open when the
# browser drops its request (a page left while its scripts revalidate, 304); the file is
# closed by the garbage collector later, in whichever test runs then. Only those are ignored.
STATIC_FILE_LEFT_OPEN = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io.FileIO name='[^']*static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A conftest's hook sees the items of the whole run: only mark those of this folder.
    ours = [item for item in items if HERE in item.path.parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
        item.add_marker(STATIC_FILE_LEFT_OPEN)
    if ours and chromium_path() is None and not on_ci():
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


# ----- pytest-playwright overrides ------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options (--headed, --slowmo…) plus Debian's Chromium."""
    executable = chromium_path()
    if executable is None:  # only reached on CI: elsewhere the tests were skipped at collection
        pytest.fail(f"{CHROMIUM_MISSING} (CI=true : les tests navigateur doivent tourner)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app (same database, so the factories' records are visible) over real HTTP."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def base_url(live_server: str) -> str:
    """So that `page.goto("/connexion")` reaches the live server."""
    return live_server


@pytest.fixture
def browser_context_args(base_url: str) -> dict:
    """Replaces the plugin's session fixture, which cannot depend on a per-test `base_url`.

    bypass_csp lets axe-core be injected despite the app's strict Content-Security-Policy.
    """
    return {"base_url": base_url, "bypass_csp": True, "locale": "fr-FR"}


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """pytest-playwright's page, failing the test on any uncaught script error.

    An exception thrown in an event handler leaves the page half-updated (a form never
    enhanced, a figure never refreshed) and the test then times out far from the cause.
    """
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url} : {error}"))
    yield page
    if errors:
        pytest.fail("Erreurs JavaScript non interceptées :\n" + "\n".join(errors))


# ----- helpers --------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD, *, go: bool = True) -> None:
    """Sign in through the form, as a person would: fields by their label, button by its role.

    With go=False the form already on screen is used (e.g. after being sent to sign-in).
    """
    if go:
        page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (script injected once per document)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} manque : lancez `make setup`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_SCRIPT)
    return page.evaluate("async () => (await axe.run()).violations")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}) : {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.fixture
def axe_check() -> Callable[[Page], None]:
    """axe_check(page): no serious or critical accessibility violation on the current page."""

    def check(page: Page) -> None:
        blocking = [v for v in axe_violations(page) if v["impact"] in AXE_BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(
                f"axe-core sur {page.url} : {len(blocking)} violation(s) graves\n"
                + format_violations(blocking)
            )

    return check
