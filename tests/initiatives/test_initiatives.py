"""Writing an initiative, who sees it, its partners and effects, the draft, the CSV export."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from allervers.extensions import db
from allervers.initiatives.models import Effect, Initiative
from tests.helpers import post_form, text

FORM_URL = "/initiatives/nouvelle"


def form_data(world, **overrides) -> dict:
    return {
        "title": "Permanence au marché de La Source",
        "summary": "Chaque samedi, une table au marché.",
        "structure_id": world["structure"].id,
        "status": "en_cours",
        "communes": "Orléans – La Source",
        "territory_kinds": ["urbain", "qpv"],
        "started_on": "2026-03-01",
        "rhythm": "chaque samedi matin",
        "techniques": ["lieux-de-vie", "permanence-delocalisee"],
        "publics": ["personnes-agees"],
        "non_take_up": ["non-connaissance"],
        "context": "Peu de demandes venaient du quartier.",
        "lessons": "La régularité crée la confiance.",
        "visibility": "privee",
        **overrides,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ----- writing --------------------------------------------------------------------------------


def test_a_trainee_writes_an_initiative_with_every_section(client_as, world):
    client = client_as("stagiaire")
    response = post_form(client, FORM_URL, form_data(world), token_from=FORM_URL)
    assert response.status_code == 303
    initiative = db.session.scalar(select(Initiative))
    assert response.headers["Location"] == f"/initiatives/{initiative.id}"
    assert initiative.technique_codes == ["lieux-de-vie", "permanence-delocalisee"]
    assert initiative.territory_kinds == ["urbain", "qpv"]
    assert initiative.started_on == date(2026, 3, 1)
    assert initiative.author_id == world["stagiaire"].id
    page = text(client.get(response.headers["Location"]))
    assert "La régularité crée la confiance." in page
    assert "Enseignements" in page
    assert "Présence dans les lieux du quotidien" in page
    assert "Non-connaissance" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Donnez un titre à l'initiative."),
        ({"structure_id": ""}, "Choisissez la structure qui porte l'initiative."),
        ({"started_on": "2026-05-01", "ended_on": "2026-04-01"}, "La fin ne peut pas précéder"),
        ({"visibility": "groupe"}, "Choisissez le groupe avec qui partager"),
        ({"visibility": "base"}, "Pour publier dans la base partagée, cochez"),
        ({"context": "x" * 10_001}, "10 000 caractères au plus."),
        ({"techniques": ["inconnue"]}, "n'est pas un choix valide"),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_kept(client_as, world, overrides, message):
    client = client_as("stagiaire")
    response = post_form(client, FORM_URL, form_data(world, **overrides), token_from=FORM_URL)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert "chaque samedi matin" in page  # what was typed stays
    assert count(Initiative) == 0


def test_personal_data_needs_an_explicit_confirmation(client_as, world):
    client = client_as("stagiaire")
    data = form_data(world, context="Mme X, joignable au 06 12 34 56 78, est venue.")
    response = post_form(client, FORM_URL, data, token_from=FORM_URL)
    assert response.status_code == 422
    assert "un numéro de téléphone" in text(response)
    assert count(Initiative) == 0
    confirmed = post_form(
        client, FORM_URL, {**data, "confirm_no_personal_data": "y"}, token_from=FORM_URL
    )
    assert confirmed.status_code == 303
    assert count(Initiative) == 1


def test_publishing_to_the_base_records_the_consent(client_as, world):
    client = client_as("stagiaire")
    response = post_form(
        client, FORM_URL, form_data(world, visibility="base", consent="y"), token_from=FORM_URL
    )
    assert response.status_code == 303
    initiative = db.session.scalar(select(Initiative))
    assert initiative.consent_at is not None
    assert initiative.consent_by_id == world["stagiaire"].id


def test_the_structure_list_offers_only_my_structures(client_as, world, make_structure):
    stranger = make_structure(name="Association inconnue de Tours", commune="Tours")
    client = client_as("stagiaire")
    page = text(client.get(FORM_URL))
    assert "CAF du Loiret" in page  # on her map
    assert "Association inconnue de Tours" not in page
    response = post_form(
        client, FORM_URL, form_data(world, structure_id=stranger.id), token_from=FORM_URL
    )
    assert response.status_code == 422


def test_edit_keeps_versions_and_reports_conflicts(client_as, world, make_initiative):
    initiative = make_initiative()
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}/modifier"
    stale = form_data(world, title="Ancien titre", version=initiative.version)
    fresh_data = form_data(world, title="Nouveau titre", version=initiative.version)
    fresh = post_form(client, path, fresh_data, token_from=path)
    assert fresh.status_code == 303
    conflict = post_form(client, path, stale, token_from=path)
    assert conflict.status_code == 409
    db.session.refresh(initiative)
    assert initiative.title == "Nouveau titre"


def test_the_draft_is_kept_aside_until_saved(client_as, world, make_initiative):
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    autosave = post_form(
        client,
        f"{path}/brouillon",
        {"title": initiative.title, "lessons": "Texte en cours de frappe"},
        token_from=f"{path}/modifier",
        htmx=True,
    )
    assert autosave.status_code == 200
    assert "Brouillon enregistré" in text(autosave)
    # readers do not see a draft; the editor gets it back in the form
    assert "Texte en cours de frappe" not in text(client_as("stagiaire_autre").get(path))
    form = text(client.get(f"{path}/modifier"))
    assert "Texte en cours de frappe" in form
    assert "brouillon non enregistré a été restauré" in form
    saved = post_form(
        client,
        f"{path}/modifier",
        form_data(world, lessons="Texte final", version=initiative.version),
        token_from=f"{path}/modifier",
    )
    assert saved.status_code == 303
    db.session.refresh(initiative)
    assert initiative.draft is None
    assert initiative.lessons == "Texte final"


def test_an_autosaved_draft_does_not_make_the_open_form_stale(client_as, world, make_initiative):
    initiative = make_initiative()
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    page = text(client.get(f"{path}/modifier"))
    opened = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    draft = {"title": initiative.title, "lessons": "En cours de frappe"}
    post_form(client, f"{path}/brouillon", draft, token_from=f"{path}/modifier", htmx=True)
    saved = post_form(
        client,
        f"{path}/modifier",
        form_data(world, lessons="Texte final", version=opened),
        token_from=f"{path}/modifier",
    )
    assert saved.status_code == 303
    db.session.refresh(initiative)
    assert (initiative.lessons, initiative.draft) == ("Texte final", None)


# ----- who sees what --------------------------------------------------------------------------


@pytest.fixture
def three_initiatives(make_initiative, world):
    return {
        "privee": make_initiative(title="Maraude privée"),
        "groupe": make_initiative(
            title="Maraude du groupe", visibility="groupe", group_id=world["group"].id
        ),
        "base": make_initiative(title="Maraude partagée", visibility="base"),
    }


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("stagiaire", {"privee", "groupe", "base"}),
        ("formateur", {"groupe", "base"}),
        ("admin", {"groupe", "base"}),
        ("stagiaire_autre", {"base"}),
        ("formateur_autre", {"base"}),
        ("referent", {"base"}),
    ],
)
def test_lists_counts_and_pages_show_only_what_the_viewer_may_see(
    client_as, three_initiatives, role, seen
):
    client = client_as(role)
    listing = text(client.get("/initiatives?q=maraude"))
    for kind, initiative in three_initiatives.items():
        assert (initiative.title in listing) == (kind in seen), kind
        status = client.get(f"/initiatives/{initiative.id}").status_code
        assert status == (200 if kind in seen else 404), kind
    assert f"{len(seen)} initiative" in listing
    # the counts beside the filters never count a hidden initiative
    assert f"Présence dans les lieux du quotidien ({len(seen)})" in listing
    exported = client.get("/initiatives/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {three_initiatives[k].title for k in seen}


def test_only_editors_write(client_as, world, three_initiatives):
    shared = three_initiatives["base"]
    for role in ("stagiaire_autre", "formateur", "formateur_autre"):
        client = client_as(role)
        assert client.get(f"/initiatives/{shared.id}/modifier").status_code == 404
        assert (
            post_form(
                client,
                f"/initiatives/{shared.id}/effets",
                {"dimension": "personnes"},
                token_from="/",
            ).status_code
            == 404
        )


def test_a_referent_edits_the_shared_initiatives_of_their_structure(
    client_as, world, three_initiatives
):
    client = client_as("referent")
    assert client.get(f"/initiatives/{three_initiatives['base'].id}/modifier").status_code == 200
    assert client.get(f"/initiatives/{three_initiatives['privee'].id}/modifier").status_code == 404


# ----- search ---------------------------------------------------------------------------------


def test_search_ignores_accents_and_case_and_ranks_titles_first(client_as, make_initiative):
    body_only = make_initiative(
        title="Permanence en mairie", visibility="base", lessons="On nous a parlé du MARCHÉ."
    )
    in_title = make_initiative(title="Présence au marché du samedi", visibility="base")
    make_initiative(title="Maraude de nuit", visibility="base", summary="Dans les rues.")
    page = text(client_as("stagiaire_autre").get("/initiatives?q=marche"))
    assert "Maraude de nuit" not in page
    assert page.index(in_title.title) < page.index(body_only.title)
    plural = text(client_as("stagiaire_autre").get("/initiatives?q=Marchés"))
    assert in_title.title in plural


def test_filters_combine_and_paginate(client_as, world, make_initiative, make_effect):
    for number in range(25):
        initiative = make_initiative(
            title=f"Maraude {number:02d}",
            visibility="base",
            techniques=["maraude"],
            status="terminee" if number % 2 else "en_cours",
        )
        if number < 3:
            make_effect(initiative)
    client = client_as("stagiaire_autre")
    first = text(client.get("/initiatives?technique=maraude&tri=recentes"))
    assert "25 initiatives" in first
    assert "Page 1 sur 2" in first
    finished = text(client.get("/initiatives?technique=maraude&statut=terminee"))
    assert "12 initiatives" in finished
    with_effects = text(client.get("/initiatives?avec_effets=1"))
    assert "3 initiatives" in with_effects
    fragment = client.get("/initiatives?technique=maraude&page=2", headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "Page 2 sur 2" in text(fragment)


def test_reference_cases_come_first(client_as, world, make_initiative):
    older = make_initiative(title="Cas exemplaire", visibility="base")
    make_initiative(title="Initiative récente", visibility="base")
    client = client_as("formateur")
    response = post_form(
        client, f"/initiatives/{older.id}/reference", {}, token_from=f"/initiatives/{older.id}"
    )
    assert response.status_code == 303
    page = text(client_as("stagiaire_autre").get("/initiatives"))
    assert page.index("Cas exemplaire") < page.index("Initiative récente")
    assert "Cas de référence" in page
    assert (
        post_form(
            client_as("stagiaire"), f"/initiatives/{older.id}/reference", {}, token_from="/"
        ).status_code
        == 404
    )


# ----- partners and effects ---------------------------------------------------------------------


def test_partners_are_added_and_removed(client_as, world, make_initiative):
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    added = post_form(
        client,
        f"{path}/partenaires",
        {"structure_id": world["partner"].id, "role": "anime l'atelier numérique"},
        token_from=path,
    )
    assert added.status_code == 303
    page = text(client.get(path))
    assert "CAF du Loiret</a> — anime l'atelier numérique" in page
    partner = initiative.partners[0]
    removed = post_form(client, f"{path}/partenaires/{partner.id}/retirer", {}, token_from=path)
    assert removed.status_code == 303
    assert "anime l'atelier numérique" not in text(client.get(path))


def test_effects_are_recorded_drawn_and_counted(client_as, world, make_initiative):
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    for day, value in (("2026-09-05", 8), ("2026-10-03", 15)):
        response = post_form(
            client,
            f"{path}/effets",
            {"observed_on": day, "dimension": "personnes", "indicator_code": "rencontrees",
             "value": value, "comment": "Passage régulier."},
            token_from=path,
        )  # fmt: skip
        assert response.status_code == 303
    post_form(
        client,
        f"{path}/effets",
        {"observed_on": "2026-10-10", "dimension": "organisations",
         "indicator_label": "Convention signée avec la mairie"},
        token_from=path,
    )  # fmt: skip
    db.session.refresh(initiative)
    assert initiative.effects_count == 3
    page = text(client.get(path))
    assert "data-effect-chart=" in page  # drawn by charts.js, the values as a table
    assert "Personnes rencontrées : 8 le 05/09/2026, 15 le 03/10/2026" in page
    assert "Convention signée avec la mairie" in page
    base = text(client.get("/initiatives"))
    assert "Effets suivis (3)" in base


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"dimension": "personnes", "indicator_code": "rencontrees"}, "Indiquez la date."),
        ({"observed_on": "2026-10-01", "dimension": "personnes"}, "Choisissez un indicateur"),
        (
            {
                "observed_on": "2026-10-01",
                "dimension": "organisations",
                "indicator_code": "rencontrees",
            },
            "appartient à une autre dimension",
        ),
        (
            {
                "observed_on": "2026-10-01",
                "dimension": "personnes",
                "indicator_code": "rencontrees",
                "value": "-3",
            },
            "Une valeur positive.",
        ),
    ],
)
def test_bad_effects_are_refused(client_as, make_initiative, data, message):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.id}"
    response = post_form(client_as("stagiaire"), f"{path}/effets", data, token_from=path)
    assert response.status_code == 422
    assert message in text(response)
    assert count(Effect) == 0


def test_an_effect_is_deleted_then_restored(client_as, make_initiative, make_effect):
    initiative = make_initiative()
    effect = make_effect(initiative)
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    deleted = post_form(client, f"{path}/effets/{effect.id}/supprimer", {}, token_from=path)
    assert deleted.status_code == 303
    db.session.refresh(initiative)
    assert initiative.effects_count == 0
    page = text(client.get(path))
    assert f"{path}/effets/{effect.id}/restaurer" in page  # the undo button
    restored = post_form(client, f"{path}/effets/{effect.id}/restaurer", {}, token_from=path)
    assert restored.status_code == 303
    db.session.refresh(initiative)
    assert initiative.effects_count == 1


def test_an_initiative_is_deleted_then_restored(client_as, make_initiative):
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    assert post_form(client, f"{path}/supprimer", {}, token_from=path).status_code == 303
    assert client.get(path).status_code == 404
    assert initiative.title not in text(client_as("stagiaire_autre").get("/initiatives"))
    restored = post_form(client, f"{path}/restaurer", {}, token_from="/initiatives", htmx=True)
    assert restored.status_code == 204
    assert restored.headers["HX-Redirect"] == path
    assert client.get(path).status_code == 200


def test_export_neutralises_formulas(client_as, make_initiative):
    make_initiative(title='=HYPERLINK("http://x")', visibility="base")
    exported = client_as("stagiaire").get("/initiatives/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert rows[0][:3] == ["Titre", "Statut", "Visibilité"]
    assert rows[1][0].startswith("'=")


def test_the_group_page_lists_what_is_shared_with_the_group(client_as, world, make_initiative):
    make_initiative(title="Maraude du groupe", visibility="groupe", group_id=world["group"].id)
    make_initiative(title="Brouillon personnel")
    from allervers.initiatives import presentations

    presentations.create_presentation(world["formateur"], "Cas du lundi", world["group"])
    page = text(client_as("formateur").get(f"/groupes/{world['group'].id}"))
    assert "Maraude du groupe" in page
    assert "Brouillon personnel" not in page
    assert "Cas du lundi" in page
    other = text(client_as("formateur_autre").get(f"/groupes/{world['group'].id}"))
    assert "Maraude du groupe" not in other  # staff see the group page, not its shared work


def test_a_partner_is_found_in_the_whole_directory(
    client_as, world, make_initiative, make_structure
):
    far = make_structure(name="Croix-Rouge de Tours", commune="Tours", postal_code="37000")
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    assert "Croix-Rouge de Tours" not in text(client.get(path))
    found = text(client.get(f"{path}?partenaire=croix+rouge"))
    assert f'<option value="{far.id}">Croix-Rouge de Tours (Tours)</option>' in found
    added = post_form(
        client, f"{path}/partenaires", {"structure_id": far.id, "role": "maraude"}, token_from=path
    )
    assert added.status_code == 303
    assert "Croix-Rouge de Tours</a> — maraude" in text(client.get(path))
    refused = post_form(client, f"{path}/partenaires", {"structure_id": 999999}, token_from=path)
    assert refused.status_code == 422
    assert "Choisissez une structure de l'annuaire." in text(refused)


def test_a_structure_page_leads_to_its_initiatives(client_as, world, make_initiative):
    make_initiative(title="Portée par le CCAS", visibility="base")
    make_initiative(title="Portée par la CAF", visibility="base", structure_id=world["partner"].id)
    client = client_as("formateur")
    page = text(client.get(f"/annuaire/{world['structure'].id}"))
    link = f"/initiatives?structure={world['structure'].id}"
    assert link in page
    listed = text(client.get(link))
    assert "Portée par le CCAS" in listed
    assert "Portée par la CAF" not in listed


def test_a_partner_role_is_checked_for_personal_data(client_as, world, make_initiative):
    initiative = make_initiative(visibility="base")
    client = client_as("stagiaire")
    path = f"/initiatives/{initiative.id}"
    data = {"structure_id": world["partner"].id, "role": "contact : jean.dupont@exemple.fr"}
    refused = post_form(client, f"{path}/partenaires", data, token_from=path)
    assert refused.status_code == 422
    assert "une adresse e-mail" in text(refused)
    assert not initiative.partners
    confirmed = post_form(
        client, f"{path}/partenaires", {**data, "confirm_no_personal_data": "y"}, token_from=path
    )
    assert confirmed.status_code == 303
