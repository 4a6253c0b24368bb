"""The département's territory opened in a real Chromium, from the bench's gunicorn."""

import time

from playwright.sync_api import Error, sync_playwright

from tests.bench.data import PASSWORD
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.test_aggregate_graph import LONELIEST_NODE

TARGET_MS = 3000


def territory_in_chromium(base: str, email: str) -> tuple[float, float] | str:
    """Milliseconds until the cached territory is drawn, and until a click on a structure shows
    its card; or the reason it could not be measured."""
    executable = chromium_path()
    if executable is None:
        return "Chromium n'est pas installé (apt-get install chromium)"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                return _draw(browser.new_page(viewport={"width": 1280, "height": 900}), base, email)
            finally:
                browser.close()
    except (Error, KeyError, TypeError) as error:  # a measure lost, not the whole bench
        return f"la mesure a échoué : {str(error).splitlines()[0]}"


def _draw(page, base: str, email: str) -> tuple[float, float]:
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")
    start = time.perf_counter()
    page.goto(f"{base}/territoire")
    page.wait_for_selector("#graph[data-ready=true]", timeout=60_000)
    drawn = time.perf_counter() - start
    loneliest = page.evaluate(LONELIEST_NODE)
    if loneliest is None:
        raise KeyError("le graphe du territoire est vide")
    clicked = time.perf_counter()
    page.locator("#graph").scroll_into_view_if_needed()
    page.wait_for_timeout(250)  # Cytoscape refreshes its offset after a scroll
    spot = page.evaluate(
        f"document.getElementById('graph').cy.$id('{loneliest['id']}').renderedPosition()"
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    page.wait_for_selector("#node-card", timeout=30_000)
    usable = drawn + time.perf_counter() - clicked  # the search for a lone node left out
    return drawn * 1000, usable * 1000
