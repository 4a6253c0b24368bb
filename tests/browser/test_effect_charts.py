"""Effect charts: a dated time axis and a value axis (Chart.js), the values as a table, and no
Content-Security-Policy violation in the console (this context does not bypass the CSP)."""

from datetime import date

from playwright.sync_api import Browser, expect

from allervers.initiatives import services
from tests.browser.conftest import sign_in

AXES = """() => {
  const chart = Chart.getChart(document.querySelector(".chart canvas"));
  const x = chart.scales.x, y = chart.scales.y;
  return {
    x: x.type, xTitle: x.options.title.text, xTicks: x.ticks.map(t => x.getLabelForValue(t.value)),
    xLabels: x._labelItems ? x._labelItems.map(i => i.label) : [],
    y: y.type, yTitle: y.options.title.text, yMin: y.min,
  };
}"""


def test_chart_has_dated_axes_a_table_and_no_csp_error(browser: Browser, base_url, world):
    author = world["stagiaire"]
    initiative = services.create_initiative(
        author, {"title": "Maraude du mardi", "visibility": "privee", "consent": True}
    )
    for day, value in ((date(2026, 9, 1), 18.0), (date(2026, 10, 6), 24.0)):
        services.add_effect(
            initiative,
            {"dimension": "personnes", "indicator_code": "rencontrees", "value": value,
             "observed_on": day},
            author,
        )  # fmt: skip
    context = browser.new_context(base_url=base_url, bypass_csp=False, locale="fr-FR")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, author.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/initiatives/{initiative.id}")
    canvas = page.locator(".chart canvas")
    expect(canvas).to_be_visible()
    expect(canvas).to_have_attribute(
        "aria-label", "Personnes rencontrées : 18 le 01/09/2026, 24 le 06/10/2026"
    )
    axes = page.evaluate(AXES)
    assert axes["x"] == "time"
    assert axes["xTitle"] == "Date d'observation"
    assert any("/09/2026" in label for label in axes["xLabels"]), axes["xLabels"]
    assert axes["y"] == "linear"
    assert axes["yTitle"] == "personnes"
    assert axes["yMin"] == 0
    # The same figures as a table, one click away once the chart is drawn.
    values = page.locator(".chart-values")
    expect(values).not_to_have_attribute("open", "")
    values.locator("summary").click()
    expect(values.get_by_role("row")).to_have_count(3)
    expect(values.get_by_role("row").nth(1)).to_have_text("01/09/202618")
    page.screenshot(path="/tmp/pages-effect-chart.png", full_page=True)
    assert problems == []
    context.close()


def test_without_javascript_the_table_is_the_chart(browser: Browser, base_url, world):
    author = world["stagiaire"]
    initiative = services.create_initiative(
        author, {"title": "Maraude du mardi", "visibility": "privee", "consent": True}
    )
    services.add_effect(
        initiative,
        {"dimension": "personnes", "indicator_code": "rencontrees", "value": 7.0,
         "observed_on": date(2026, 9, 1)},
        author,
    )  # fmt: skip
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, author.email)
    page.goto(f"/initiatives/{initiative.id}")
    expect(page.locator(".chart canvas")).to_be_hidden()
    expect(page.locator(".chart-values").get_by_role("row").nth(1)).to_be_visible()
    context.close()
