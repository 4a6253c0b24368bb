"""The technique catalogue: counts and effects over the initiatives each person may see, the
technique page, and what formateurs add to it."""

import re
from datetime import date

import pytest
from sqlalchemy import update

from allervers.core.models import EditConflictError
from allervers.extensions import db
from allervers.initiatives import services
from allervers.initiatives import techniques as catalogue
from allervers.initiatives.models import TechniqueNote
from tests.helpers import csrf_token, post_form, text, visible_text

EDIT = "/techniques/maraude/modifier"


def card_count(response, code: str) -> str:
    """The count shown beside a technique in the catalogue."""
    match = re.search(
        rf'href="/techniques/{code}">.*?<span class="badge">(.*?)</span>', text(response), re.S
    )
    assert match, f"pas de carte pour {code}"
    return match.group(1)


def edit(client, data: dict, **kwargs):
    """POST the edit form as the page would, hidden version included."""
    return post_form(client, EDIT, data, token_from=EDIT, **kwargs)


@pytest.fixture
def shared(world, make_initiative):
    """Maraude in four initiatives: a private draft of stagiaire, one shared with group 1,
    one in the shared base, and a deleted one."""
    private = make_initiative(title="Brouillon privé", techniques=["maraude"])
    group = make_initiative(
        title="Maraude du groupe 1",
        visibility="groupe",
        group_id=world["group"].id,
        techniques=["maraude", "binome"],
    )
    base = make_initiative(
        author=world["formateur_autre"],
        title="Maraude partagée",
        visibility="base",
        techniques=["maraude"],
    )
    gone = make_initiative(title="Maraude supprimée", visibility="base", techniques=["maraude"])
    services.remove_initiative(gone)
    return {"private": private, "group": group, "base": base}


# ----- the catalogue ------------------------------------------------------------------------


def test_catalogue_groups_techniques_by_family_in_csv_order(client_as):
    response = client_as("stagiaire").get("/techniques")
    assert response.status_code == 200
    page = visible_text(response)
    families = [
        "Présence sur les lieux de vie",
        "Délocalisation de l'offre",
        "Démarche proactive",
        "Repérage par des relais",
        "Médiation",
        "Actions collectives",
        "Aller-vers numérique",
        "Coopération de terrain",
    ]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", text(response))
    assert headings == families
    # Each technique sits under its own family, in the CSV order.
    positions = [page.index(label) for label in ("Maraude", "Travail de rue", "Équipe mobile")]
    assert positions == sorted(positions)
    assert page.index("Présence sur les lieux de vie") < positions[0]
    assert positions[1] < page.index("Délocalisation de l'offre") < positions[2]
    assert "Tournées à pied ou en véhicule" in page
    assert card_count(response, "numerique") == "Aucune initiative pour l'instant"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("stagiaire", "3 initiatives"),  # her private draft, her group's, the shared one
        ("stagiaire_autre", "1 initiative"),  # other group: only the shared base
        ("referent", "1 initiative"),
        ("formateur", "2 initiatives"),  # trainer of group 1: not the private draft
        ("formateur_autre", "1 initiative"),
        ("admin", "2 initiatives"),  # admins see what formateurs see, never private drafts
    ],
)
def test_catalogue_counts_only_the_initiatives_the_viewer_may_see(
    client_as, shared, role, expected
):
    response = client_as(role).get("/techniques")
    assert card_count(response, "maraude") == expected


def test_group_initiative_counts_for_its_group_only(client_as, shared):
    assert card_count(client_as("stagiaire").get("/techniques"), "binome") == "1 initiative"
    other = client_as("stagiaire_autre").get("/techniques")
    assert card_count(other, "binome") == "Aucune initiative pour l'instant"


def test_catalogue_shows_the_formateurs_description(client_as):
    edit(client_as("formateur"), {"version": "0", "description": "Notre définition maison."})
    page = visible_text(client_as("stagiaire").get("/techniques"))
    assert "Notre définition maison." in page
    assert "Tournées à pied ou en véhicule" not in page


# ----- the technique page ---------------------------------------------------------------------


def test_technique_page_shows_the_catalogue_entry_and_invites_formateurs(client_as):
    response = client_as("stagiaire").get("/techniques/maraude")
    assert response.status_code == 200
    page = visible_text(response)
    assert "<html" in text(response)
    assert "Famille : Présence sur les lieux de vie" in page
    assert "Tournées à pied ou en véhicule" in page
    # Nothing written anywhere: each part says so and what to do, not « pas encore renseignées ».
    assert "Pas encore renseign" not in page
    assert (
        "Ce qui a fait réussir Aucune initiative partagée n'a encore décrit ce qui a fait "
        "réussir cette technique. Vous l'avez mise en œuvre ? Remplissez la section "
        "« Conditions de réussite » de votre initiative"
    ) in page
    assert (
        "Ce qui a freiné Aucune initiative partagée n'a encore décrit ce qui a freiné cette "
        "technique. Vous l'avez mise en œuvre ? Remplissez la section « Freins et difficultés »"
    ) in page
    assert "Enseignements Aucune initiative partagée n'a encore tiré d'enseignement" in page
    assert 'href="/initiatives/nouvelle"' in text(response)
    assert EDIT not in text(response)
    assert "Aucune initiative que vous pouvez consulter" in page
    assert "Aucun effet n'a encore été suivi" in page
    assert "Voir tout" not in page

    staff = text(client_as("formateur").get("/techniques/maraude"))
    assert f'href="{EDIT}"' in staff
    assert ">Modifier</a>" in staff
    assert "Décrivez ce qui fait réussir cette technique" in staff
    assert "Signalez les écueils à connaître" in staff


@pytest.mark.parametrize(
    ("role", "seen", "hidden"),
    [
        ("stagiaire", {"Brouillon privé", "Maraude du groupe 1", "Maraude partagée"}, set()),
        ("stagiaire_autre", {"Maraude partagée"}, {"Brouillon privé", "Maraude du groupe 1"}),
        ("admin", {"Maraude du groupe 1", "Maraude partagée"}, {"Brouillon privé"}),
    ],
)
def test_technique_page_lists_only_visible_initiatives(client_as, shared, role, seen, hidden):
    page = visible_text(client_as(role).get("/techniques/maraude"))
    assert all(title in page for title in seen)
    assert not any(title in page for title in hidden)
    assert "Maraude supprimée" not in page


def test_hidden_initiatives_effects_are_not_summed(client_as, shared, make_effect):
    make_effect(shared["base"], value=10.0, observed_on=date(2026, 9, 1))
    make_effect(shared["private"], value=100.0, observed_on=date(2026, 10, 1))
    make_effect(shared["group"], value=1000.0, observed_on=date(2026, 11, 1))

    outsider = visible_text(client_as("stagiaire_autre").get("/techniques/maraude"))
    assert "Personnes rencontrées 1 1 10 personnes 01/09/2026" in outsider
    author = visible_text(client_as("stagiaire").get("/techniques/maraude"))
    assert "Personnes rencontrées 3 3 1 110 personnes 01/11/2026" in author
    trainer = visible_text(client_as("formateur").get("/techniques/maraude"))
    assert "Personnes rencontrées 2 2 1 010 personnes 01/11/2026" in trainer


def test_effects_are_aggregated_per_dimension_and_indicator(world, make_initiative, make_effect):
    one = make_initiative(title="Un", visibility="base", techniques=["maraude"])
    two = make_initiative(title="Deux", visibility="base", techniques=["maraude", "pairs"])
    other = make_initiative(title="Autre", visibility="base", techniques=["pairs"])
    make_effect(one, value=12.0, observed_on=date(2026, 9, 1))
    make_effect(one, value=8.0, observed_on=date(2026, 10, 15))
    make_effect(one, value=None, observed_on=date(2026, 10, 2))  # counted, not summed
    make_effect(two, value=5.5, observed_on=date(2026, 10, 20))
    make_effect(other, value=1000.0)  # another technique
    removed = make_effect(one, value=50.0, observed_on=date(2026, 12, 1))
    services.remove_effect(removed)
    make_effect(one, dimension="pratiques", indicator_code="outils", value=2.0)  # qualitative
    make_effect(
        two,
        dimension="organisations",
        indicator_code=None,
        indicator_label="Cafés des partenaires",
        value=3.0,
        observed_on=date(2026, 11, 5),
    )
    make_effect(one, dimension="personnes", indicator_code="droits-ouverts", value=None)

    summaries = catalogue.effect_summaries(world["stagiaire_autre"], "maraude")

    assert [dimension for dimension, _rows in summaries] == [
        "personnes",
        "pratiques",
        "organisations",
    ]
    people = {row.label: row for row in summaries[0][1]}
    assert list(people) == ["Personnes rencontrées", "Droits ouverts ou rétablis"]
    met = people["Personnes rencontrées"]
    assert (met.observations, met.initiatives, met.valued) == (4, 2, 3)
    assert met.total == pytest.approx(25.5)
    assert met.total_text == "25,5"
    assert met.unit == "personnes"
    assert met.last_observed == date(2026, 10, 20)
    rights = people["Droits ouverts ou rétablis"]
    assert (rights.observations, rights.total, rights.countable) == (1, None, True)
    (tools,) = summaries[1][1]
    assert (tools.observations, tools.countable, tools.total) == (1, False, None)
    (cafes,) = summaries[2][1]
    assert (cafes.label, cafes.total, cafes.unit) == ("Cafés des partenaires", 3.0, "")


def test_effects_table_on_the_page(client_as, make_initiative, make_effect):
    one = make_initiative(title="Un", visibility="base", techniques=["maraude"])
    make_effect(one, value=12.0, observed_on=date(2026, 9, 1))
    make_effect(one, value=None, observed_on=date(2026, 9, 8))
    make_effect(one, dimension="pratiques", indicator_code="outils", value=None)
    page = visible_text(client_as("referent").get("/techniques/maraude"))
    assert "3 observations notées par 1 initiative que vous pouvez consulter." in page
    assert (
        "Personnes concernées · 2 observations, 1 initiative "
        "Personnes concernées : effets par indicateur "
        "Indicateur Observations Initiatives Total Dernière observation "
        "Personnes rencontrées 2 1 12 personnes (sur 1 observation chiffrée) 08/09/2026"
    ) in page
    assert (
        "Pratiques professionnelles · 1 observation, 1 initiative "
        "Pratiques professionnelles : effets par indicateur "
        "Indicateur Observations Initiatives Total Dernière observation "
        "Nouveaux outils ou nouvelles postures adoptés (qualitatif) 1 1 qualitatif"
    ) in page
    assert "Organisations" not in page  # no empty dimension


def test_reference_cases_come_first_then_the_latest(client_as, make_initiative):
    oldest = make_initiative(title="Plus ancienne", visibility="base", techniques=["maraude"])
    make_initiative(title="Intermédiaire", visibility="base", techniques=["maraude"])
    make_initiative(title="Plus récente", visibility="base", techniques=["maraude"])
    reference = make_initiative(title="Référence", visibility="base", techniques=["maraude"])
    services.set_reference(reference, True)
    db.session.refresh(oldest)
    services.update_initiative(oldest, {"summary": "Relancée cette semaine."}, oldest.author, None)

    response = client_as("stagiaire_autre").get("/techniques/maraude")
    titles = re.findall(r'<h3><a href="/initiatives/\d+">(.*?)</a></h3>', text(response))
    assert titles == ["Référence", "Plus ancienne", "Plus récente", "Intermédiaire"]
    assert "Cas de référence" in visible_text(response)
    assert f'href="/initiatives/{reference.id}"' in text(response)


def test_initiatives_are_paginated_ten_per_page(client_as, make_initiative):
    for number in range(12):
        make_initiative(title=f"Initiative {number:02d}", visibility="base", techniques=["maraude"])
    client = client_as("stagiaire")
    first = text(client.get("/techniques/maraude"))
    assert first.count("<article>") == 10
    assert "Page 1 sur 2 · 12 résultats" in first
    assert 'hx-get="/techniques/maraude?page=2" hx-target="#technique-initiatives"' in first

    second = client.get("/techniques/maraude?page=2", headers={"HX-Request": "true"})
    assert second.status_code == 200
    assert "<html" not in text(second)
    assert "Ce qui a fait réussir" not in text(second)  # only the list is swapped
    assert text(second).count("<article>") == 2
    assert "Initiative 01" in text(second)
    assert "Initiative 11" not in text(second)


def test_page_is_whole_on_a_normal_or_boosted_request_and_a_fragment_with_htmx(client_as, shared):
    client = client_as("stagiaire")
    whole = client.get("/techniques/maraude")
    assert "<html" in text(whole)
    assert "Effets observés" in text(whole)
    boosted = client.get(
        "/techniques/maraude", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert "<html" in text(boosted)
    fragment = client.get("/techniques/maraude", headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "Maraude partagée" in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    catalogue_fragment = client.get("/techniques", headers={"HX-Request": "true"})
    assert "<html" not in text(catalogue_fragment)
    assert "Maraude" in text(catalogue_fragment)


def test_unknown_technique_is_a_404(client_as):
    assert client_as("stagiaire").get("/techniques/inconnue").status_code == 404
    formateur = client_as("formateur")
    assert formateur.get("/techniques/inconnue/modifier").status_code == 404
    token = csrf_token(formateur, "/techniques")
    response = formateur.post("/techniques/inconnue/modifier", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(TechniqueNote, "inconnue") is None


# ----- what formateurs add ----------------------------------------------------------------------


def test_formateur_completes_a_technique(client_as, world):
    client = client_as("formateur")
    form = text(client.get(EDIT))
    assert 'name="version" type="hidden" value="0"' in form
    assert "Description du catalogue : « Tournées à pied" in form

    response = edit(
        client,
        {
            "version": "0",
            "description": "",
            "conditions": "Des horaires réguliers.\nUn binôme stable.",
            "vigilance": "Ne pas promettre ce qu'on ne peut tenir.",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/techniques/maraude"
    note = db.session.get(TechniqueNote, "maraude")
    assert note.conditions == "Des horaires réguliers.\nUn binôme stable."
    assert note.description is None  # empty keeps the catalogue's description
    assert note.updated_by_id == world["formateur"].id

    page = client.get("/techniques/maraude")
    shown = visible_text(page)
    assert "Technique mise à jour." in shown
    assert "Des horaires réguliers. Un binôme stable." in shown
    assert "Ne pas promettre ce qu'on ne peut tenir." in shown
    assert "Tournées à pied ou en véhicule" in shown
    assert f"Fiche complétée par {world['formateur'].name}" in shown
    assert "Pas encore renseigné" not in shown

    again = text(client.get(EDIT))
    assert f'name="version" type="hidden" value="{note.version}"' in again
    assert "Un binôme stable." in again


def test_admin_may_edit_and_trainees_get_a_404(client_as):
    assert client_as("admin").get(EDIT).status_code == 200
    for role in ("stagiaire", "referent"):
        client = client_as(role)
        assert client.get(EDIT).status_code == 404
        response = post_form(
            client, EDIT, {"version": "0", "conditions": "Par un stagiaire"}, token_from="/"
        )
        assert response.status_code == 404
    assert db.session.get(TechniqueNote, "maraude") is None


@pytest.mark.parametrize("htmx", [False, True])
def test_too_long_text_is_refused_in_french_and_kept(client_as, htmx):
    typed = "Une condition très détaillée. " * 170  # 5 100 characters
    response = edit(
        client_as("formateur"),
        {"version": "0", "conditions": typed, "vigilance": "Gardé"},
        htmx=htmx,
    )
    assert response.status_code == 422
    body = text(response)
    assert "Ce texte compte 5099 caractères, pour 5 000 au plus : raccourcissez-le." in body
    assert typed.strip() in body
    assert "Gardé</textarea>" in body
    assert 'aria-invalid="true"' in body
    assert ("<html" in body) is not htmx
    assert db.session.get(TechniqueNote, "maraude") is None


def test_line_breaks_count_as_one_character_as_in_the_browser(client_as):
    typed = "a" * 2500 + "\r\n" + "b" * 2499  # 5 000 characters in the textarea
    assert edit(client_as("formateur"), {"version": "0", "conditions": typed}).status_code == 303
    assert db.session.get(TechniqueNote, "maraude").conditions == "a" * 2500 + "\n" + "b" * 2499


def test_saving_over_a_change_made_meanwhile_is_a_conflict(client_as):
    formateur, admin = client_as("formateur"), client_as("admin")
    edit(admin, {"version": "0", "vigilance": "Version de l'admin"})

    # The formateur opened the form before the admin's save: no note then (version 0).
    response = edit(formateur, {"version": "0", "vigilance": "Version du formateur"})
    assert response.status_code == 409
    body = visible_text(response)
    assert "Quelqu'un a modifié cette fiche pendant votre saisie" in body
    assert "Valeur enregistrée entre-temps : « Version de l'admin »" in body
    assert "Version du formateur" in body
    assert db.session.get(TechniqueNote, "maraude").vigilance == "Version de l'admin"

    # Their next try carries the new version, and wins.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', text(response)).group(1)
    assert edit(formateur, {"version": version, "vigilance": "Fusion"}).status_code == 303
    edit(admin, {"version": "1", "vigilance": "Trop tard"})  # stale again
    note = db.session.get(TechniqueNote, "maraude")
    assert note.vigilance == "Fusion"
    assert note.version == 2


def test_a_save_that_loses_a_race_is_a_conflict_too(world):
    fields = {"description": None, "conditions": None, "vigilance": "Première"}
    catalogue.save_note("maraude", fields, world["admin"], 0)
    note = db.session.get(TechniqueNote, "maraude")
    assert note.version == 1  # one save, one version; and now loaded, as when the form opened
    # Another worker saves between our version check and our write.
    db.session.execute(
        update(TechniqueNote)
        .where(TechniqueNote.code == "maraude")
        .values(version=2, vigilance="Écrite ailleurs")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(EditConflictError):
        catalogue.save_note("maraude", {**fields, "vigilance": "Perdue"}, world["formateur"], 1)
