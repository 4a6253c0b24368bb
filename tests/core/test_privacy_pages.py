"""The pages of the forms that gained the personal-data check show the warning and the box.

tests/core/test_privacy_sweep.py proves each form warns; this proves each page then offers the
confirmation box, without which the person could neither confirm nor save.
"""

import pytest

from tests.helpers import post_form, text

NAME = "Rencontre avec Mme Martine Dupont"

PAGES = [
    ("formateur", lambda w: "/techniques/maraude/modifier", "conditions"),
    ("stagiaire", lambda w: "/annuaire/nouvelle", "description"),
    ("formateur", lambda w: "/sessions/nouvelle", "context"),
    ("formateur", lambda w: f"/sessions/{w['session'].id}/groupes/nouveau", "name"),
    ("formateur", lambda w: f"/sessions/{w['session'].id}/auto-positionnement", "text"),
    ("stagiaire", lambda w: "/cartes/nouvelle", "title"),
    ("stagiaire", lambda w: f"/cartes/{w['map'].id}/instantanes", "label"),
    ("formateur", lambda w: "/presentations/nouvelle", "title"),
    ("stagiaire", lambda w: "/initiatives/nouvelle", "title"),
]


@pytest.mark.parametrize(
    ("role", "url", "name"),
    PAGES,
    ids=[f"{number}-{name}" for number, (_role, _url, name) in enumerate(PAGES)],
)
def test_the_page_offers_the_confirmation(client_as, world, role, url, name):
    client, path = client_as(role), url(world)
    response = post_form(client, path, {name: NAME}, token_from=path)
    assert response.status_code == 422
    assert "le nom d'une personne" in text(response)
    assert 'name="confirm_no_personal_data"' in text(response)
