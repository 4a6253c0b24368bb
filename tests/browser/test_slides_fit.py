"""The slideshow fits a projector: every slide of a long presentation at 1366×768 and 1920×1080,
nothing outside the screen, no scrollbar, the type growing with the screen."""

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from allervers.core import vocab
from allervers.initiatives import presentations, services
from tests.browser.conftest import sign_in

LONG = (
    "Une équipe du CCAS et de la CAF sillonne chaque mardi les hameaux du Giennois pour "
    "rencontrer les personnes âgées isolées, ouvrir leurs droits sur place et repérer avec les "
    "mairies, les infirmiers libéraux et les commerçants ambulants celles qui ne viennent plus "
    "à aucun guichet. "
)

# Everything a slide shows, from its header to its effects: each must end inside the screen.
OUTSIDE = """() => {
  const slide = [...document.querySelectorAll("section.slide")].find(s => !s.hidden);
  const width = window.innerWidth, height = window.innerHeight;
  const outside = [...slide.querySelectorAll("h1, h2, h3, p, li, dt, dd, span")]
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.bottom > height + 1 || r.right > width + 1 || r.top < -1))
    .map(([e, r]) => e.tagName + " " + e.textContent.trim().slice(0, 40));
  const root = document.documentElement;
  return {
    outside,
    scrollbars: root.scrollHeight > height + 1 || root.scrollWidth > width + 1
      || slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1,
    font: parseFloat(getComputedStyle(document.body).fontSize),
  };
}"""


@pytest.fixture
def long_presentation(world, make_structure):
    author = world["stagiaire"]
    techniques = [code for code, _label in vocab.choices("techniques")]
    publics = [code for code, _label in vocab.choices("publics")]
    made = presentations.create_presentation(
        world["formateur"],
        "Séance 3 : des initiatives rurales et urbaines longuement décrites pour le groupe",
        world["group"],
    )
    for number in range(1, 4):
        initiative = services.create_initiative(
            author,
            {
                "title": f"Cas {number} : maraude, permanences délocalisées et visites à domicile "
                "dans les hameaux et les quartiers prioritaires du Giennois et du Montargois",
                "summary": LONG * (2 + number),
                "status": "en_cours",
                "visibility": "base",
                "consent": True,
                "structure_id": world["structure"].id,
                "communes": "Gien, Briare, Châtillon-sur-Loire, Ouzouer-sur-Trézée, Bonny",
                "techniques": techniques[: 5 * number],
                "publics": publics[: 5 * number],
            },
        )
        for index in range(3 * number):
            partner = make_structure(name=f"Association partenaire {number}-{index} du Giennois")
            services.add_partner(initiative, partner, "Repérage des personnes et accompagnement")
        for day in range(1, 2 + 2 * number):
            services.add_effect(
                initiative,
                {
                    "dimension": "personnes",
                    "indicator_code": ["rencontrees", "droits-ouverts", "orientations"][day % 3],
                    "value": 10.0 * day,
                    "observed_on": date(2026, 9, day),
                },
                author,
            )
        presentations.add_item(made, initiative)
    return made


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_every_slide_fits_the_projector(browser: Browser, base_url, world, long_presentation,
                                        width, height):  # fmt: skip
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/presentations/{long_presentation.id}/diaporama")
    expect(page.locator("html")).to_have_class(re.compile(r"\bslides-js\b"))
    total = len(long_presentation.items) + 1
    fonts = set()
    for number in range(1, total + 1):
        expect(page.locator("[data-slides-counter]")).to_have_text(f"{number} / {total}")
        state = page.evaluate(OUTSIDE)
        page.screenshot(path=f"/tmp/pages-slide-{width}-{number}.png")
        assert state["outside"] == [], (number, state["outside"])
        assert not state["scrollbars"], number
        fonts.add(state["font"])
        page.keyboard.press("ArrowRight")
    context.close()
    # The base size follows the screen: about 20 px at 1366×768, 28 px at 1920×1080.
    (font,) = fonts
    assert font > (25 if width == 1920 else 18)
