"""A record's history shows each entry only to those who could see the record then; old values
can be erased (personal data typed by mistake), by whom, and what is left of them."""

import pytest
from sqlalchemy import select

from allervers.extensions import db
from allervers.history import services
from allervers.history.models import PURGED, HistoryEvent
from allervers.initiatives.models import Initiative
from tests.helpers import csrf_token, fragment, post_form, text, visible_text
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


# ----- erasing old values -----------------------------------------------------------------------


def purge_path(initiative) -> str:
    event = db.session.scalar(
        select(HistoryEvent)
        .where(HistoryEvent.kind == "initiative", HistoryEvent.record_id == initiative.id)
        .order_by(HistoryEvent.id.desc())
    )
    return f"/historique/entree/{event.id}/effacer"


def test_the_save_offers_to_erase_the_flagged_old_value(shared_after_private):
    initiative, author, saved = shared_after_private
    page = text(author.get(saved.headers["Location"]))
    assert "L'initiative a été enregistrée." in page
    assert "L'ancienne valeur semble contenir un numéro de téléphone" in page
    assert f'href="{purge_path(initiative)}">Effacer aussi l\'ancienne valeur' in page
    history = visible_text(author.get(f"/historique/initiative/{initiative.id}"))
    assert "L'ancienne valeur semble contenir un numéro de téléphone" in history
    assert "Effacer les anciennes valeurs" in history


def test_a_save_without_flagged_text_offers_nothing(client_as, world, make_initiative):
    initiative = make_initiative(visibility="base")
    saved = edit(client_as("stagiaire"), initiative, world, summary="Autre texte")
    assert "Effacer aussi" not in text(client_as("stagiaire").get(saved.headers["Location"]))


def test_a_structure_contact_number_is_not_personal_data():
    """A structure's own phone changes: nothing to offer (its free text is still checked)."""
    phone = HistoryEvent(kind="structure", changes={"phone": ["02 38 00 00 00", "02 38 11 11 11"]})
    assert not services.removed_personal_data(phone)
    assert services.flagged_kinds(phone) == []
    note = HistoryEvent(kind="structure", changes={"description": [f"Appeler le {PHONE}", "—"]})
    assert services.removed_personal_data(note)
    assert services.flagged_kinds(note) == ["un numéro de téléphone"]


def test_the_author_erases_the_old_value_everywhere_in_the_history(shared_after_private):
    initiative, author, _saved = shared_after_private
    path = purge_path(initiative)
    confirm = author.get(path)
    assert confirm.status_code == 200
    assert PHONE in visible_text(confirm)
    assert "Effacer définitivement" in visible_text(confirm)
    done = post_form(author, path, token_from=path)
    assert done.status_code == 303
    assert done.headers["Location"] == f"/historique/initiative/{initiative.id}"
    rows = db.session.scalars(select(HistoryEvent).order_by(HistoryEvent.id)).all()
    assert PHONE not in repr([row.changes for row in rows])
    create, update = (r for r in rows if r.kind == "initiative")
    assert create.changes["summary"] == [None, PURGED]  # where it was typed
    assert update.changes["summary"] == [PURGED, "Une table au marché."]
    assert update.changes["visibility"] == ["privee", "base"]  # who-may-read is kept
    for row in (create, update):
        assert row.purged_by_id == initiative.author_id
        assert row.purged_at is not None
    page = visible_text(author.get(done.headers["Location"]))
    assert "valeur effacée" in page
    assert "Anciennes valeurs effacées le" in page
    assert "semble contenir" not in page
    again = post_form(author, path, token_from=path)
    assert again.status_code == 303  # nothing left to erase: said, not an error
    assert "Il n'y a plus" in visible_text(author.get(path))


def test_erasing_from_htmx_follows_the_redirect(shared_after_private):
    initiative, author, _saved = shared_after_private
    path = purge_path(initiative)
    assert "<html" not in text(fragment(author, path))
    response = post_form(author, path, htmx=True, token_from=path)
    assert response.status_code == 303  # htmx follows it and swaps the history page in
    page = text(author.get(response.headers["Location"], headers={"HX-Request": "true"}))
    assert "Les anciennes valeurs ont été effacées" in page
    assert PHONE not in page


def test_who_may_erase(client_as, world, shared_after_private):
    initiative, _author, _saved = shared_after_private
    path = purge_path(initiative)
    before = db.session.scalars(select(HistoryEvent.changes)).all()
    token = csrf_token(client_as("admin"), "/")
    for role in ("stagiaire_autre", "referent", "formateur", "formateur_autre"):
        client = client_as(role)
        assert client.get(path).status_code == 404, role  # they read the entry, may not erase
        refused = post_form(client, path, token_from="/")
        assert refused.status_code == 404, role
    assert db.session.scalars(select(HistoryEvent.changes)).all() == before
    admin = client_as("admin")
    no_token = admin.post(path)
    assert no_token.status_code == 400
    assert token  # the admin may: moderation
    assert post_form(admin, path, token_from="/").status_code == 303
    db.session.expire_all()
    assert PHONE not in repr(db.session.scalars(select(HistoryEvent.changes)).all())


def test_the_author_of_a_change_erases_it_on_a_record_not_theirs(client_as, world, make_initiative):
    """The référent of the carrying structure edits a shared initiative: his own entry."""
    initiative = make_initiative(visibility="base", summary=PRIVATE_TEXT)
    referent = client_as("referent")
    saved = edit(referent, initiative, world, summary="Sans numéro", visibility="base")
    assert saved.status_code == 303
    path = purge_path(initiative)
    assert "Effacer aussi" in text(referent.get(saved.headers["Location"]))
    assert post_form(referent, path, token_from=path).status_code == 303
    first = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.kind == "initiative").order_by(HistoryEvent.id)
    )
    assert first.purged_by_id == world["referent"].id
    assert PHONE not in repr(first.changes)


def test_a_hidden_entry_cannot_be_erased_by_others(client_as, world, make_initiative):
    """The creation made in private is not listed for an admin: no erasing it either."""
    initiative = make_initiative(summary=PRIVATE_TEXT)
    edit(client_as("stagiaire"), initiative, world, summary="x", visibility="base")
    create = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.kind == "initiative").order_by(HistoryEvent.id)
    )
    assert client_as("admin").get(f"/historique/entree/{create.id}/effacer").status_code == 404
    assert client_as("admin").get("/historique/entree/999999/effacer").status_code == 404
