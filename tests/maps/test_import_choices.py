"""Map import and quick entry: a name close to a directory structure waits for a choice."""

from sqlalchemy import func, select

from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps.models import CooperationMap
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


# ----- flask import-map ------------------------------------------------------------------------


def run_import(app, tmp_path, content: str, owner: str, *flags: str):
    csv_file = tmp_path / "atelier.csv"
    csv_file.write_text(content, encoding="utf-8")
    args = ["import-map", str(csv_file), "--owner", owner, "--title", "Atelier", *flags]
    return app.test_cli_runner().invoke(args=args)


def test_cli_refuses_names_not_found_for_sure_and_lists_them(app, world, tmp_path, make_structure):
    make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    content = "source;cible;niveau;statut\nCCAS Fleury;CAF Loiret;3;existant\n"
    content += "Épicerie de Gien;CAF Loiret;2;existant\n"
    before = structure_count()
    result = run_import(app, tmp_path, content, world["stagiaire"].email)
    assert result.exit_code == 1
    close = "« CCAS Fleury » (proche de : CCAS de Fleury-les-Aubrais — Fleury-les-Aubrais"
    assert close in result.output
    assert "« Épicerie de Gien » (absente de l'annuaire)" in result.output
    assert "--creer-absentes" in result.output
    assert structure_count() == before
    assert (
        db.session.scalar(select(CooperationMap).where(CooperationMap.title == "Atelier")) is None
    )


def test_cli_creates_them_when_asked_and_says_so(app, world, tmp_path, make_structure):
    make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    content = "source;cible;niveau;statut\nCCAS Fleury;CAF Loiret;3;existant\n"
    before = structure_count()
    result = run_import(app, tmp_path, content, world["stagiaire"].email, "--creer-absentes")
    assert result.exit_code == 0, result.output
    assert "Créée dans l'annuaire : « CCAS Fleury » (proche de :" in result.output
    assert structure_count() == before + 1


def test_cli_does_not_add_the_owners_structure_alone(app, world, tmp_path):
    """Was: the owner's structure became an isolated node of every imported map."""
    content = "source;cible;niveau;statut\nCAF Loiret;CCAS Orléans;3;existant\n"
    result = run_import(app, tmp_path, content, world["stagiaire"].email)
    assert result.exit_code == 0, result.output
    assert "Structure centrale de la carte : « CCAS d'Orléans »." in result.output
    apart = "source;cible;niveau;statut\nCAF Loiret;Mission locale de l'Orléanais;3;existant\n"
    result = run_import(app, tmp_path, apart, world["stagiaire"].email, "--creer-absentes")
    assert result.exit_code == 0, result.output
    assert "ne figure dans aucun lien importé ; rien n'a été ajouté pour elle" in result.output
    made = db.session.get(CooperationMap, int(result.output.strip().rsplit("/", 1)[1]))
    placed = {entry.structure.name for entry in made.live_entries}
    assert placed == {"CAF du Loiret", "Mission locale de l'Orléanais"}
    assert made.focal_structure_id is None
