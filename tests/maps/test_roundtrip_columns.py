"""The map import's newer columns: checked like the forms check them, each problem once with
its line number; older files keep their meaning; the export's formula prefix is undone."""

from hypothesis import given
from hypothesis import strategies as st

from allervers.core.spreadsheet import original_text, safe_cell
from allervers.extensions import db
from allervers.maps import importer
from allervers.maps.models import CooperationMap
from tests.helpers import post_form, text
from tests.maps.test_import import upload
from tests.maps.test_roundtrip import content

LINK_HEADER = (
    "source;cible;niveau;statut;confiance_fiabilite;valeur_ressources;ressources;publics;obstacles"
)


def test_every_bad_link_cell_is_reported_once_with_its_line(app):
    plan = importer.parse(
        f"{LINK_HEADER}\n"
        "A;B;2;existant;1;4;locaux;jeunes;Rien\n"
        "A;C;2;existant;5;0;locaux|argent;jeunes|tous;Appeler Mme Dupont\n"
    )
    assert plan.errors == [
        "Ligne 3 : confiance_fiabilite « 5 » invalide (un nombre de 1 à 4).",
        "Ligne 3 : valeur_ressources « 0 » invalide (un nombre de 1 à 4).",
        plan.errors[2],
        plan.errors[3],
        "Ligne 3 : la colonne obstacles semble contenir le nom d'une personne : retirez ces "
        "données du fichier.",
    ]
    assert plan.errors[2].startswith("Ligne 3 : ressources « argent » inconnu (codes possibles")
    assert "financement, locaux" in plan.errors[2]
    assert plan.errors[3].startswith("Ligne 3 : publics « tous » inconnu")
    assert [(p.source, p.target) for p in plan.links] == [("A", "B")]


def test_structure_rows_are_checked_like_the_entry_form(app):
    plan = importer.parse(
        "source;cible;niveau;statut;commune_source;influence_structure;position_structure;"
        "note_structure\n"
        "A;;;;Gien;6;hostile;\n"
        "B;;;;;2;Réservé;Joindre au 06 12 34 56 78\n"
        "C;;;;;5;moteur;Très présent\n"
        "c;;;;;;;\n"
        f"D;;;;{'x' * 121};;;\n"
        "C;D;2;existant;;4;;\n"
    )
    assert plan.errors == [
        "Ligne 2 : influence_structure « 6 » invalide (un nombre de 0 à 5).",
        "Ligne 2 : position_structure « hostile » inconnu (valeurs possibles : favorable, "
        "moteur, neutre, reserve).",
        "Ligne 3 : la note de la structure semble contenir un numéro de téléphone : retirez "
        "ces données du fichier.",
        "Ligne 5 : cette structure figure déjà plus haut dans le fichier.",
        "Ligne 6 : commune_source dépasse 120 caractères.",
        "Ligne 7 : influence_structure se remplit sur la ligne de la structure (cible vide), "
        "pas sur une ligne de lien.",
    ]
    assert [(e.name, e.fields) for e in plan.entries] == [
        ("C", {"influence": 5, "position": "moteur", "note": "Très présent"})
    ]


def test_a_row_without_cible_but_with_link_cells_is_still_a_link_without_cible(app):
    plan = importer.parse("source;cible;niveau;statut\nA;;2;existant\nB;;;\n")
    assert plan.errors == ["Ligne 2 : la source et la cible sont obligatoires."]
    assert [e.name for e in plan.entries] == ["B"]


def test_a_quick_entry_line_without_arrow_is_not_a_structure(app):
    plan = importer.parse(importer.quick_entry_csv("CCAS Orléans\nA → B, niveau 2\n"))
    assert plan.errors == ["Ligne 2 : la source et la cible sont obligatoires."]
    assert plan.entries == []


def test_spreadsheet_spellings_are_accepted(app):
    plan = importer.parse(
        "source;cible;niveau;statut;sens;ressources;publics;position_structure\n"
        "A;B;2;Existant;A->B; locaux | Financement |locaux;QPV;\n"
        "A;;;;;;;Réservé\n"
    )
    assert plan.errors == []
    fields = plan.links[0].fields
    assert (fields["direction"], fields["resources"]) == ("a_vers_b", ["locaux", "financement"])
    assert fields["publics"] == ["qpv"]
    assert plan.entries[0].fields == {"position": "reserve"}


def test_line_numbers_count_line_breaks_inside_cells(app):
    plan = importer.parse(
        'source;cible;niveau;statut;note\nA;B;2;existant;"un\ndeux\r\ntrois"\nA;C;9;existant;\n'
    )
    assert plan.errors == ["Ligne 5 : niveau « 9 » invalide (un nombre de 0 à 5)."]


def test_an_older_file_leaves_the_newer_fields_as_they_are(world):
    link, entry = world["link"], world["entry"]
    link.trust_dialogue, link.resources, link.obstacles = 3, ["locaux"], "Horaires"
    db.session.commit()
    plan = importer.parse("source;cible;niveau;statut\nCCAS d'Orléans;CAF du Loiret;4;existant\n")
    importer.apply(plan, world["map"], world["stagiaire"])
    db.session.expire_all()
    assert (link.level, link.trust_dialogue, link.resources) == (4, 3, ["locaux"])
    assert (link.obstacles, entry.influence) == ("Horaires", 4)


def test_reimporting_its_own_export_through_the_page_changes_nothing(client_as, world):
    link = world["link"]
    link.trust_mission, link.publics, link.obstacles = 2, ["jeunes", "qpv"], "-Moyens"
    world["entry"].note, world["entry"].position = "@Antenne locale", "favorable"
    db.session.commit()
    client, map_id = client_as("stagiaire"), world["map"].id
    before = content(world["map"])
    exported = client.get(f"/cartes/{map_id}/export.csv").get_data(as_text=True)
    preview = upload(client, map_id, exported)
    assert preview.status_code == 200, text(preview)
    confirm = post_form(
        client,
        f"/cartes/{map_id}/import",
        {"step": "confirmer", "csv_text": exported},
        token_from="/",
    )
    assert confirm.status_code == 303
    assert content(db.session.get(CooperationMap, map_id)) == before


@given(st.text())
def test_original_text_undoes_safe_cell(value):
    assert original_text(safe_cell(value)) == value


def test_safe_cell_still_writes_ordinary_texts_as_they_are():
    assert [safe_cell(v) for v in ("'abc", "-3", "a'=b")] == ["'abc", "-3", "a'=b"]
    assert [safe_cell(v) for v in ("'=x", "''")] == ["''=x", "'''"]


def test_a_structure_described_twice_under_two_names_is_refused(world):
    plan = importer.parse(
        "source;cible;niveau;statut;influence_structure\nCAF du Loiret;;;;2\nCAF;;;;5\n"
    )
    assert plan.errors == [
        "Ligne 3 : « CAF » désigne la même structure que la ligne 2 : décrivez chaque "
        "structure sur une seule ligne."
    ]


def test_the_row_limit_counts_links_and_structures_apart(app):
    structures = "".join(f"Partenaire {n};;;\n" for n in range(importer.MAX_ROWS))
    links = "".join(f"Pivot;Partenaire {n};2;existant\n" for n in range(importer.MAX_ROWS))
    plan = importer.parse(f"source;cible;niveau;statut\n{structures}{links}")
    assert plan.errors == []
    assert (len(plan.entries), len(plan.links)) == (importer.MAX_ROWS, importer.MAX_ROWS)
    plan = importer.parse(f"source;cible;niveau;statut\n{structures}Seule;;;\n")
    assert plan.errors == [
        f"Le fichier dépasse {importer.MAX_ROWS} lignes sans cible (structures)."
    ]
