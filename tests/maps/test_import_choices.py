"""Map import and quick entry: a name close to a directory structure waits for a choice."""

from sqlalchemy import func, select

from allervers.directory.models import Structure
from allervers.extensions import db
from tests.helpers import post_form, text

LINES = "CCAS Fleury → CAF Loiret, niveau 3\n"


def structure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Structure))


def test_quick_entry_proposes_the_close_structure_and_creates_nothing(
    client_as, world, make_structure
):
    fleury = make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    client, path = client_as("stagiaire"), f"/cartes/{world['map'].id}/import"
    before = structure_count()
    preview = post_form(client, path, {"lines": LINES}, token_from="/")
    page = text(preview)
    assert preview.status_code == 200
    assert "<legend>« CCAS Fleury » : quelle structure ?</legend>" in page
    assert f'value="{fleury.id}"' in page
    assert "Créer une nouvelle structure « CCAS Fleury »" in page
    assert "CAF Loiret → CAF du Loiret" in page  # the sure match is shown as matched
    csv_text = page.split('name="csv_text" value="')[1].split('"')[0]
    unchosen = post_form(client, path, {"step": "confirmer", "csv_text": csv_text}, token_from="/")
    assert unchosen.status_code == 422
    assert 'aria-invalid="true"' in text(unchosen)
    assert structure_count() == before
    assert len(world["map"].live_links) == 1


def test_the_chosen_candidate_is_used(client_as, world, make_structure):
    fleury = make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    client, path = client_as("stagiaire"), f"/cartes/{world['map'].id}/import"
    csv_text = "source;cible;niveau;statut\nCCAS Fleury;CAF Loiret;3;existant\n"
    before = structure_count()
    data = {"step": "confirmer", "csv_text": csv_text, "choix-ccas fleury": str(fleury.id)}
    response = post_form(client, path, data, token_from="/")
    assert response.status_code == 303
    assert structure_count() == before
    db.session.refresh(world["map"])
    ends = {(lk.source.name, lk.target.name) for lk in world["map"].live_links}
    assert ("CCAS de Fleury-les-Aubrais", "CAF du Loiret") in ends


def test_create_is_honoured_and_a_bad_choice_refused(client_as, world, make_structure):
    make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    client, path = client_as("stagiaire"), f"/cartes/{world['map'].id}/import"
    csv_text = "source;cible;niveau;statut\nCCAS Fleury;CAF Loiret;3;existant\n"
    before = structure_count()
    forged = {"step": "confirmer", "csv_text": csv_text, "choix-ccas fleury": "999999"}
    assert post_form(client, path, forged, token_from="/").status_code == 422
    assert structure_count() == before
    data = {"step": "confirmer", "csv_text": csv_text, "choix-ccas fleury": "creer"}
    assert post_form(client, path, data, token_from="/").status_code == 303
    assert structure_count() == before + 1
    assert db.session.scalar(select(Structure).where(Structure.name == "CCAS Fleury"))
