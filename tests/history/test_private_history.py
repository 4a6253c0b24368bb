"""A record's history shows each entry only to those who could see the record then; old values
can be erased (personal data typed by mistake), by whom, and what is left of them."""

import pytest
from sqlalchemy import select

from allervers.extensions import db
from allervers.initiatives.models import Initiative
from tests.helpers import fragment, post_form, text, visible_text
from tests.initiatives.test_initiatives import form_data

PHONE = "06 12 34 56 78"
PRIVATE_TEXT = f"Madame appelle le {PHONE} chaque lundi."
OTHERS = ("stagiaire_autre", "referent", "formateur", "formateur_autre", "admin")


def edit(client, initiative, world, **fields):
    path = f"/initiatives/{initiative.id}/modifier"
    db.session.refresh(initiative)
    data = form_data(world, version=initiative.version, consent="y", **fields)
    return post_form(client, path, data, token_from=path)


@pytest.fixture
def shared_after_private(client_as, world):
    """The reproduction: a private initiative whose summary held a phone number (confirmed at
    the guard), then shared with the whole base with that text taken out."""
    client = client_as("stagiaire")
    data = form_data(world, summary=PRIVATE_TEXT, confirm_no_personal_data="y")
    created = post_form(client, "/initiatives/nouvelle", data, token_from="/initiatives/nouvelle")
    assert created.status_code == 303
    initiative = db.session.scalar(select(Initiative))
    saved = edit(client, initiative, world, summary="Une table au marché.", visibility="base")
    assert saved.status_code == 303
    return initiative, client, saved


def test_old_private_text_is_not_shown_once_the_initiative_is_shared(
    client_as, shared_after_private
):
    initiative, author, _saved = shared_after_private
    path = f"/historique/initiative/{initiative.id}"
    for role in OTHERS:
        client = client_as(role)
        for response in (client.get(path), fragment(client, path)):
            assert response.status_code == 200, role
            page = visible_text(response)
            assert PHONE not in page, role
            assert "Madame appelle" not in page, role
            assert "Privée" not in page, role  # the old visibility is private too
            assert "Une table au marché." in page, role  # what they could see, they see
            assert "Création" not in page, role  # made private: not listed, not counted
            assert text(response).count('class="history-head"') == 1, role
    own = visible_text(author.get(path))
    assert PHONE in own
    assert "Création" in own


def test_entries_of_a_group_phase_are_for_the_group(client_as, world, make_initiative):
    initiative = make_initiative(visibility="groupe", group_id=world["group"].id)
    client = client_as("stagiaire")
    assert edit(client, initiative, world, summary="En groupe", visibility="groupe",
                group_id=world["group"].id).status_code == 303  # fmt: skip
    shared = edit(client, initiative, world, summary="Pour tous", visibility="base")
    assert shared.status_code == 303
    path = f"/historique/initiative/{initiative.id}"
    for role, sees_group_phase in (("formateur", True), ("admin", True),
                                   ("formateur_autre", False), ("referent", False)):  # fmt: skip
        page = visible_text(client_as(role).get(path))
        assert ("En groupe" in page) is sees_group_phase, role
        assert "Pour tous" in page, role
