"""« Télécharger mes données »: a person's whole record, nobody else's, no secrets."""

import json

from allervers.auth import personal_data
from allervers.extensions import db
from tests.auth.records import OTHER_TITLE, PRIVATE_TITLE, SHARED_TITLE, fill_every_table
from tests.helpers import text


def references_to_users() -> set[tuple[str, str]]:
    """(table, column) of every foreign key to users.id in the schema."""
    return {
        (table.name, key.parent.name)
        for table in db.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "users"
    }


def test_every_reference_to_a_user_is_exported_or_excluded_on_purpose(app):
    missing = references_to_users() - personal_data.covered_columns()
    assert not missing, f"colonnes vers users.id absentes de l'export : {sorted(missing)}"
    assert personal_data.covered_columns() <= references_to_users()


def download(client):
    response = client.get("/compte/donnees.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response


def test_the_download_holds_the_persons_own_records(client_as, world):
    records = fill_every_table(world)
    data = json.loads(download(client_as("stagiaire")).get_data(as_text=True))
    trainee = world["stagiaire"]
    assert data["account"]["email"] == trainee.email
    assert data["account"]["structure"] == "CCAS d'Orléans"
    assert [m["group"] for m in data["memberships"]] == ["Groupe 1 Orléans"]
    (own_map,) = data["maps"]
    assert own_map["title"] == "Ma carte"
    assert {e["structure"] for e in own_map["entries"]} == {"CCAS d'Orléans", "CAF du Loiret"}
    assert [(lk["source"], lk["target"], lk["level"]) for lk in own_map["links"]] == [
        ("CCAS d'Orléans", "CAF du Loiret", 2)
    ]
    assert [s["label"] for s in own_map["snapshots"]] == ["Début de formation"]
    assert [s["label"] for s in data["snapshots_taken"]] == [
        "Début de formation",
        "Carte du groupe",
    ]
    titles = {i["title"]: i for i in data["initiatives"]}
    assert set(titles) == {SHARED_TITLE, PRIVATE_TITLE, "Café des aidants"}
    shared = titles[SHARED_TITLE]
    assert shared["techniques"] == ["lieux-de-vie"]
    assert [p["role"] for p in shared["partners"]] == ["Co-animation du stand"]
    assert [e["comment"] for e in shared["effects"]] == ["Beaucoup de passage au stand."]
    assert shared["draft"] == {"summary": "Texte en cours, jamais publié."}
    assert "Observé lors d'une visite croisée." in [e["comment"] for e in data["effects_recorded"]]
    assert [p["title"] for p in data["presentations"]] == ["Mes cas pour le groupe"]
    assert [n["text"] for n in data["journal_notes"]] == ["Ma première maraude."]
    assert {a["description"] for a in data["actions"]} == {
        "Rencontrer la CAF",
        "Réunir les partenaires",
    }
    (answers,) = data["self_assessments"]
    assert (answers["comment"], [a["rating"] for a in answers["answers"]]) == (
        "Je découvre le réseau.",
        [3],
    )
    assert {(a["day"], a["half"], a["present"]) for a in data["attendance"]} >= {(1, "matin", True)}
    assert [v["group_id"] for v in data["dashboard_visits"]] == [world["group"].id]
    assert [t["code"] for t in data["technique_notes"]] == ["maraude"]
    assert [s["name"] for s in data["structures_created"]] == ["Épicerie solidaire Saint-Marceau"]
    assert [m["id"] for m in data["structure_merges"]] == [records["merge"].id]
    assert [s["id"] for s in data["training_sessions_created"]] == [world["session"].id]
    assert [s["address"] for s in data["sign_in_sessions"]][:1] == ["192.0.2.10"]


def test_the_download_holds_nothing_of_others_and_no_secret(client_as, world):
    fill_every_table(world)
    body = text(download(client_as("stagiaire")))
    for others in (
        OTHER_TITLE,
        "Carte des partenaires de Tours",
        "Note de Tours, rien à voir.",
        "Relire avec le groupe.",
        "Cas du groupe 1",
        world["stagiaire_autre"].email,
        world["formateur"].email,
    ):
        assert others not in body
    assert "password_hash" not in body
    assert "token_hash" not in body
    assert world["stagiaire"].password_hash not in body


def test_each_person_downloads_their_own(client_as, world):
    data = download(client_as("formateur")).get_json()
    assert data["account"]["email"] == world["formateur"].email
    assert data["maps"] == []
    assert [m["role"] for m in data["memberships"]] == ["formateur"]


def test_the_account_page_links_to_the_download_and_the_deletion(client_as):
    page = text(client_as("referent").get("/compte"))
    assert 'href="/compte/donnees.json" hx-boost="false" download>Télécharger mes données' in page
    assert 'href="/compte/supprimer">Supprimer mon compte' in page
