"""Map CSV import (preview, errors by line, confirmation), export, quick entry and the CLI."""

import io
import re

from sqlalchemy import func, select

from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps import importer
from allervers.maps.models import CooperationLink, CooperationMap
from tests.helpers import post_form, text

GOOD = (
    "source;cible;niveau;statut;sens;frequence;niveau_souhaite;faisabilite;note\n"
    "CCAS Orléans;caf loiret;3;existant;mutuel;mensuelle;4;possible;Réunion trimestrielle\n"
    "CCAS d'Orléans;Mission locale de l'Orléanais;2;souhaite;;;;facile;\n"
    "Mission locale de l'Orléanais;CAF du Loiret;1;difficile;a->b;;;;\n"
)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Structure)),
        db.session.scalar(select(func.count()).select_from(CooperationLink)),
    )


def upload(client, map_id, content: str, **extra):
    data = {"fichier": (io.BytesIO(content.encode("utf-8")), "carte.csv"), **extra}
    return post_form(
        client, f"/cartes/{map_id}/import", data, token_from="/", content_type="multipart/form-data"
    )


def test_preview_writes_nothing_then_confirm_imports(client_as, world):
    client, cooperation_map = client_as("stagiaire"), world["map"]
    before = counts()
    preview = upload(client, cooperation_map.id, GOOD)
    assert preview.status_code == 200
    page = text(preview)
    assert "Aperçu : rien n'est encore enregistré" in page
    assert "elles y seront créées si vous confirmez : Mission locale de l'Orléanais." in page
    assert "Confirmer l'import et créer 1 structure</button>" in page  # « créer » is said
    assert counts() == before
    confirm = post_form(
        client,
        f"/cartes/{cooperation_map.id}/import",
        {"step": "confirmer", "csv_text": GOOD},
        token_from="/",
    )
    assert confirm.status_code == 303
    db.session.refresh(cooperation_map)
    links = {(lk.source.name, lk.target.name): lk for lk in cooperation_map.live_links}
    assert len(links) == 3
    first = links[("CCAS d'Orléans", "CAF du Loiret")]
    assert (first.level, first.desired_level, first.feasibility) == (3, 4, "possible")
    assert first.id == world["link"].id  # the existing pair was updated, not duplicated
    wished = links[("CCAS d'Orléans", "Mission locale de l'Orléanais")]
    assert (wished.status, wished.level, wished.desired_level) == ("souhaite", None, 2)
    hard = links[("Mission locale de l'Orléanais", "CAF du Loiret")]
    assert (hard.status, hard.direction) == ("difficile", "a_vers_b")
    assert counts()[0] == before[0] + 1


def test_errors_are_reported_by_line_and_nothing_is_written(client_as, world):
    bad = (
        "source,cible,niveau,statut\n"
        "CCAS Orléans,CAF Loiret,7,existant\n"
        ",CAF Loiret,2,existant\n"
        "CCAS Orléans,CCAS d'Orléans,2,existant\n"
        "CCAS Orléans,Mission locale,2,amical\n"
        "CCAS Orléans,Mission locale,,existant\n"
        "CAF Loiret,Centre social,,souhaite\n"
    )
    before = counts()
    response = upload(client_as("stagiaire"), world["map"].id, bad)
    assert response.status_code == 422
    page = text(response)
    for message in (
        "Ligne 2 : niveau « 7 » invalide (un nombre de 0 à 5).",
        "Ligne 3 : la source et la cible sont obligatoires.",
        "Ligne 4 : un lien relie deux structures différentes.",
        "Ligne 5 : statut « amical » inconnu",
        "Ligne 6 : le niveau est obligatoire pour un lien existant.",
        "Ligne 7 : un lien souhaité demande le niveau souhaité.",
    ):
        assert message in page, message
    assert "Confirmer l'import" not in page
    assert counts() == before


def test_missing_columns_and_duplicates(app):
    assert importer.parse("source;cible\na;b\n").errors == [
        "Colonnes obligatoires absentes : niveau, statut."
    ]
    plan = importer.parse("source;cible;niveau;statut\nA;B;1;existant\nB;A;2;existant\n")
    assert plan.errors == ["Ligne 3 : ce lien figure déjà plus haut dans le fichier."]


def test_ambiguous_names_wait_for_a_choice(app, make_structure):
    make_structure(name="Centre social", commune="Gien", typology="CS")
    make_structure(name="Centre social", commune="Tours", postal_code="37000", typology="CS")
    plan = importer.parse("source;cible;niveau;statut\nCentre social;Autre;1;existant\n")
    assert plan.errors == []
    found = plan.pending[importer.End("Centre social")].candidates
    assert sorted(c.structure.commune for c in found) == ["Gien", "Tours"]
    assert importer.End("Centre social") not in plan.to_create


HOMONYMS = (
    "source;cible;niveau;statut;commune_source;commune_cible\n"
    "Maison des habitants;CCAS;2;existant;Gien;Gien\n"
    "Maison des habitants;CCAS;3;existant;Tours;Tours\n"
)


def test_homonyms_new_to_the_directory_are_created_apart(app, world):
    plan = importer.parse(HOMONYMS)
    assert plan.errors == []
    assert sorted((end.name, end.commune) for end in plan.to_create) == [
        ("CCAS", "Gien"),
        ("CCAS", "Tours"),
        ("Maison des habitants", "Gien"),
        ("Maison des habitants", "Tours"),
    ]
    created, links = importer.apply(plan, world["map"], world["stagiaire"])
    assert (created, links) == (4, 2)
    pairs = {
        (link.source.commune, link.target.commune, link.level)
        for link in world["map"].live_links
        if link.source.name in ("CCAS", "Maison des habitants")
    }
    assert {(a, b) for a, b, _level in pairs} == {("Gien", "Gien"), ("Tours", "Tours")}
    assert {level for _a, _b, level in pairs} == {2, 3}


def test_a_homonym_written_without_its_commune_is_refused_by_line(app):
    plan = importer.parse(HOMONYMS + "Maison des habitants;Mairie;1;existant;;\n")
    assert plan.errors == [
        "Ligne 4 : « Maison des habitants » est donnée dans plusieurs communes (Gien, Tours) : "
        "précisez laquelle dans la colonne commune_source."
    ]


def test_a_name_written_once_with_its_commune_keeps_it_on_every_row(app):
    plan = importer.parse(
        "source;cible;niveau;statut;commune_source;commune_cible\n"
        "Maison des habitants;CCAS;2;existant;Gien;\n"
        "CCAS;Maison des habitants;2;existant;;\n"
    )
    assert plan.errors == ["Ligne 3 : ce lien figure déjà plus haut dans le fichier (ligne 2)."]
    assert {(end.name, end.commune) for end in plan.to_create} == {
        ("Maison des habitants", "Gien"),
        ("CCAS", ""),
    }


def test_homonyms_in_the_directory_are_matched_by_their_commune(app, make_structure):
    gien = make_structure(name="Centre social", commune="Gien", typology="CS")
    tours = make_structure(name="Centre social", commune="Tours", postal_code="37000")
    rows = "source;cible;niveau;statut;commune_source\nLe centre social;X;1;existant;Gien\n"
    rows += "Le centre social;Y;1;existant;Tours\n"
    plan = importer.parse(rows)
    assert plan.errors == []
    assert {end.commune: s.id for end, s in plan.matched.items()} == {
        "Gien": gien.id,
        "Tours": tours.id,
    }


def test_a_question_about_a_name_given_with_its_commune_names_the_commune(app, make_structure):
    gien = make_structure(name="Centre social", commune="Gien", typology="CS")
    make_structure(name="Centre social", commune="Tours", postal_code="37000")
    plan = importer.parse(
        "source;cible;niveau;statut;commune_source\nCentre social de Gien;X;1;existant;Tours\n"
    )
    [(end, _found, field_name)] = plan.questions
    assert (end.commune, field_name) == ("Tours", "choix-centre social gien@tours")
    importer.choose(plan, {"choix-centre social gien": str(gien.id)}, True)
    assert plan.unanswered == [end]  # the choice for the name without its commune is not it
    importer.choose(plan, {field_name: str(gien.id)}, True)
    assert plan.matched[end] == gien


def test_export_round_trips_and_neutralises_formulas(client_as, world):
    world["link"].note = '=HYPERLINK("http://x")'
    db.session.commit()
    response = client_as("formateur").get(f"/cartes/{world['map'].id}/export.csv")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert body.startswith("\ufeffsource;cible;niveau;statut;sens;frequence")
    assert "\"'=HYPERLINK" in body  # quoted by csv, and starting with an apostrophe
    plan = importer.parse(body)
    assert plan.errors == []
    assert [(p.source, p.target, p.fields["level"]) for p in plan.links] == [
        ("CCAS d'Orléans", "CAF du Loiret", 2)
    ]


def test_quick_entry_lines(client_as, world):
    client = client_as("stagiaire")
    lines = (
        "CCAS Orléans → CAF Loiret, niveau 4\nCCAS Orléans -> Épicerie de Gien, souhaité niveau 2\n"
    )
    preview = post_form(
        client, f"/cartes/{world['map'].id}/import", {"lines": lines}, token_from="/"
    )
    assert preview.status_code == 200
    assert "elles y seront créées si vous confirmez : Épicerie de Gien." in text(preview)
    csv_text = importer.quick_entry_csv(lines)
    post_form(
        client,
        f"/cartes/{world['map'].id}/import",
        {"step": "confirmer", "csv_text": csv_text},
        token_from="/",
    )
    db.session.refresh(world["map"])
    levels = sorted((lk.status, lk.level, lk.desired_level) for lk in world["map"].live_links)
    assert levels == [("existant", 4, None), ("souhaite", None, 2)]


def test_empty_import_says_what_to_do(client_as, world):
    response = post_form(
        client_as("stagiaire"), f"/cartes/{world['map'].id}/import", {}, token_from="/"
    )
    assert response.status_code == 422
    assert "Choisissez un fichier CSV" in text(response)


def test_cli_import_map_prints_the_path_last(app, world, tmp_path):
    csv_file = tmp_path / "atelier.csv"
    csv_file.write_text(GOOD, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=[
            "import-map",
            str(csv_file),
            "--owner",
            world["formateur"].email,
            "--title",
            "Atelier",
            "--creer-absentes",
        ]
    )
    assert result.exit_code == 0, result.output
    path = result.output.strip().splitlines()[-1]
    created = db.session.scalar(select(CooperationMap).where(CooperationMap.title == "Atelier"))
    assert path == f"/cartes/{created.id}"
    assert len(created.live_links) == 3
    assert created.owner_id == world["formateur"].id


def test_cli_import_map_refuses_bad_files(app, world, tmp_path):
    csv_file = tmp_path / "faux.csv"
    csv_file.write_text("source;cible;niveau;statut\nA;;2;existant\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["import-map", str(csv_file), "--owner", world["formateur"].email, "--title", "X"]
    )
    assert result.exit_code != 0
    assert "Ligne 2" in result.output
    unknown = app.test_cli_runner().invoke(
        args=["import-map", str(csv_file), "--owner", "personne@exemple.fr", "--title", "X"]
    )
    assert "Aucun compte" in unknown.output


def test_a_note_with_personal_data_is_refused(app):
    # Was: the import saved a link note the link's form would have asked to confirm.
    plan = importer.parse(
        "source;cible;niveau;statut;note\n"
        "A;B;1;existant;Orienter Mme Martine Dupont\n"
        "B;C;1;existant;Réunion avec M. le maire\n"
    )
    assert plan.errors == [
        "Ligne 2 : la note semble contenir le nom d'une personne : retirez ces données du fichier."
    ]
    assert [link.line for link in plan.links] == [3]


def test_a_name_and_its_acronym_are_one_structure(client_as, world):
    """The world's partner is « CAF du Loiret », acronym « CAF »: names differ, ends do not."""
    client, path = client_as("stagiaire"), f"/cartes/{world['map'].id}/import"
    same_ends = "source;cible;niveau;statut\nCCAS d'Orléans;Mission locale;2;existant\n"
    same_ends += "CAF du Loiret;caf;3;existant\n"
    before = counts()
    for data in ({"step": "confirmer", "csv_text": same_ends}, {"csv_text": same_ends}):
        response = post_form(client, path, data, token_from="/")
        assert response.status_code == 422
        assert (
            "Ligne 3 : « CAF du Loiret » et « caf » désignent la même structure (CAF du Loiret)"
            " : un lien relie deux structures différentes." in text(response)
        )
        assert "Confirmer l'import" not in text(response)
    assert counts() == before
    twice = "source;cible;niveau;statut\nCCAS d'Orléans;CAF du Loiret;2;existant\n"
    twice += "CAF;CCAS Orléans;4;existant\n"
    plan = importer.parse(twice)
    assert plan.errors == ["Ligne 3 : ce lien figure déjà plus haut dans le fichier (ligne 2)."]
    assert not plan.is_valid


def test_quick_entry_keeps_its_lines_and_their_numbers_after_the_preview(client_as, world):
    lines = (
        "CCAS Orléans → CAF Loiret, niveau 4\nCCAS Orléans → Mission locale, niveau 9\n\n"
        "CCAS Orléans → Secours populaire, niveau 7\n"
    )
    preview = post_form(
        client_as("stagiaire"),
        f"/cartes/{world['map'].id}/import",
        {"lines": lines},
        token_from="/",
    )
    assert preview.status_code == 422
    page = text(preview)
    assert "Ligne 2 : niveau « 9 » invalide" in page  # the second line typed, not the CSV's 3rd
    assert "Ligne 4 : niveau « 7 » invalide" in page  # blank lines count too
    box = re.search(r'<textarea[^>]*name="lines"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert box.strip() == lines.strip()
