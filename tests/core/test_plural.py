"""French plurals: 0 and 1 take the singular, the words agree with the number everywhere."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template

from allervers.core.plural import plural, plural_word

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Map templates belong to the map workspace; the lead replaces their leftovers at merge.
NOT_YET = ("maps",)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0 structure ajoutée"), (1, "1 structure ajoutée"), (2, "2 structures ajoutées"),
     (1500, "1\N{NARROW NO-BREAK SPACE}500 structures ajoutées")],
)  # fmt: skip
def test_plural_agrees_every_word(count, shown):
    assert plural(count, "structure ajoutée", "structures ajoutées") == shown


def test_plural_word_defaults_to_an_s():
    assert plural_word(1, "lien") == "lien"
    assert plural_word(3, "lien") == "liens"
    assert plural_word(2, "nouveau", "nouveaux") == "nouveaux"


def test_filters_render_in_templates(app):
    template = app.jinja_env.from_string(
        '{{ n | plural("carte modifiée", "cartes modifiées") }} · {{ n | plural_word("a", "ont") }}'
    )
    assert template.render(n=1) == "1 carte modifiée · a"
    assert template.render(n=2) == "2 cartes modifiées · ont"


def _evidence(n: int) -> SimpleNamespace:
    return SimpleNamespace(
        shared_initiatives=n,
        presented_initiatives=n,
        presentations=n,
        techniques=[],
        maps=n,
        wished_links=n,
        actions=n,
        actions_done=n,
        effects=n,
        maps_with_snapshot=n,
        density=None,
    )


def test_objectives_tracker_with_one_and_with_two(app):
    with app.test_request_context():
        one = render_template("followup/_objectives.html", objectives=[], evidence=_evidence(1))
        two = render_template("followup/_objectives.html", objectives=[], evidence=_evidence(2))
    one, two = " ".join(one.split()), " ".join(two.split())
    for text in ("1 initiative partagée ·", "1 présentée en 1 présentation", "1 carte ·",
                 "1 lien souhaité", "1 action au plan, dont 1 faite", "1 effet noté",
                 "1 carte avec un instantané"):  # fmt: skip
        assert text in one
    for text in ("2 initiatives partagées", "2 présentées en 2 présentations", "2 cartes ·",
                 "2 liens souhaités", "2 actions au plan, dont 2 faites", "2 effets notés",
                 "2 cartes avec un instantané"):  # fmt: skip
        assert text in two


def test_pagination_summary_with_one_and_with_two(app):
    template = app.jinja_env.from_string(
        '{% from "_macros/forms.html" import pagination %}{{ pagination(p, "home.dashboard") }}'
    )
    with app.test_request_context():
        one = template.render(p=SimpleNamespace(pages=1, total=1, page=1, has_prev=False))
        two = template.render(p=SimpleNamespace(pages=1, total=2, page=1, has_prev=False))
    assert "1 résultat<" in one
    assert "2 résultats<" in two


# A word followed by {{ "s" if … }} or « (s) » is the hand-made plural this helper replaces.
HAND_MADE = re.compile(r'\{\{ "(s|x)" if |\w\(s\)')


def test_no_hand_made_plural_left_in_templates():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES).parts[0] not in NOT_YET
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_MADE.search(line)
    ]
    assert found == []
