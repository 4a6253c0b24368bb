"""The Net-Map chart of the analysis page: one mark per structure whose influence was declared,
placed by its influence in the network and its declared influence, with the table beside it and
no Content-Security-Policy violation (this context does not bypass the CSP; axe checks the
same page in tests/browser/test_graph.py)."""

from playwright.sync_api import Browser, expect

from allervers.maps import services as maps
from tests.browser.conftest import sign_in

POINTS = """() => {
  const chart = Chart.getChart(document.querySelector(".netmap-chart canvas"));
  return chart.data.datasets.map(d => [d.label, d.data.map(p => [p.name, p.x, p.y])]);
}"""


def test_netmap_chart_places_each_declared_structure(
    browser: Browser, base_url, world, make_structure
):
    cooperation_map, caf = world["map"], world["partner"]
    prefecture = make_structure(name="Préfecture du Loiret", typology="ETAT")
    maps.add_entry(cooperation_map, prefecture, {"influence": 5, "position": "reserve"})
    maps.save_link(cooperation_map, caf.id, prefecture.id, {"status": "existant", "level": 1})
    context = browser.new_context(base_url=base_url, bypass_csp=False, locale="fr-FR")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{cooperation_map.id}/analyse")
    canvas = page.locator(".netmap-chart canvas")
    expect(canvas).to_be_visible()
    datasets = dict(page.evaluate(POINTS))
    # the CAF (declared 4 in the world's map) sits between the CCAS and the Préfecture: the
    # most central of the path, influence 1 in the network
    assert datasets["Non précisée"] == [["CAF du Loiret", 1, 4]]
    ((name, x, y),) = datasets["Réservé"]
    assert (name, y) == ("Préfecture du Loiret", 5)
    assert 0 < x < 1
    values = page.locator(".netmap-chart .chart-values")
    expect(values).not_to_have_attribute("open", "")  # the chart is drawn: the table folds
    values.locator("summary").click()
    expect(values.get_by_role("row")).to_have_count(3)
    assert problems == []
    context.close()
