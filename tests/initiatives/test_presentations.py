"""Case presentations: list, form, ordering and notes, adding, slideshow, permissions."""

import re
from datetime import date

import pytest
from flask import render_template
from sqlalchemy import select

from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.initiatives import presentations, services
from allervers.initiatives.models import Presentation, PresentationItem
from allervers.training.models import Membership
from tests.helpers import post_form, sign_in, text, visible_text


def post(client, path, data=None, htmx=False):
    return post_form(client, path, data or {}, htmx=htmx, token_from="/")


def positions(presentation) -> list[tuple[str, int]]:
    db.session.refresh(presentation)
    return [(item.initiative.title, item.position) for item in presentation.items]


@pytest.fixture
def cases(world, make_initiative, make_effect, make_structure):
    """Three initiatives of the shared base, the first one with partners and effects."""
    first = make_initiative(
        title="Maraude en camping-car",
        summary="Une tournée hebdomadaire dans les hameaux du Giennois.",
        visibility="base",
        communes="Gien, Briare",
        techniques=["maraude", "permanence-delocalisee"],
        publics=["sans-domicile", "personnes-agees"],
    )
    services.add_partner(first, world["partner"], "Ouverture des droits sur place")
    mairie = make_structure(name="Mairie de Briare", commune="Briare", typology="MUNI")
    services.add_partner(first, mairie, None)
    make_effect(first, indicator_code="rencontrees", value=42.0, observed_on=date(2026, 9, 1))
    make_effect(
        first,
        dimension="organisations",
        indicator_code=None,
        indicator_label="Convention signée avec la mairie",
        value=None,
        observed_on=date(2026, 10, 5),
    )
    second = make_initiative(title="Permanence au marché du samedi", visibility="base")
    third = make_initiative(title="Café des parents", visibility="base", status="projet")
    return [first, second, third]


@pytest.fixture
def presentation(world, cases):
    """The formateur's presentation for their group, with the three cases in order."""
    made = presentations.create_presentation(
        world["formateur"], "Séance 2 : trois cas", world["group"]
    )
    for initiative in cases:
        presentations.add_item(made, initiative)
    return made


def slide_text(page: str, number: int) -> str:
    """What slide `number` of a slideshow shows, tags removed."""
    html = page.split(f'id="diapo-{number}"')[1].split(f'id="diapo-{number + 1}"')[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page_of(presentation, suffix: str = "") -> str:
    return f"/presentations/{presentation.id}{suffix}"


def item_path(presentation, index: int, action: str) -> str:
    db.session.refresh(presentation)
    return page_of(presentation, f"/elements/{presentation.items[index].id}/{action}")


# ----- the list -------------------------------------------------------------------------------


def test_list_shows_a_groups_presentations_to_its_members(client_as, presentation):
    trainer = text(client_as("formateur").get("/presentations"))
    assert "Séance 2 : trois cas" in trainer
    assert "Nouvelle présentation" in trainer
    trainee = text(client_as("stagiaire").get("/presentations"))
    assert "Séance 2 : trois cas" in trainee
    assert "Nouvelle présentation" not in trainee
    assert "Séance 2 : trois cas" in text(client_as("admin").get("/presentations"))
    for outsider in ("stagiaire_autre", "formateur_autre", "referent"):
        page = text(client_as(outsider).get("/presentations"))
        assert "Séance 2 : trois cas" not in page, outsider


def test_list_is_a_fragment_for_htmx_and_pages(client_as, world):
    for number in range(23):
        presentations.create_presentation(
            world["formateur"], f"Présentation {number:02d}", world["group"]
        )
    client = client_as("formateur")
    fragment = client.get("/presentations?page=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in text(fragment)
    assert "Présentation 02" in text(fragment)  # the oldest, on the second page
    assert "Présentation 22" not in text(fragment)
    assert "Page 2 sur 2" in text(fragment)
    assert "<html" in text(client.get("/presentations"))


# ----- creating and editing -------------------------------------------------------------------


def test_formateur_creates_a_presentation_for_their_group(client_as, world):
    response = post(
        client_as("formateur"),
        "/presentations/nouvelle",
        {"title": "  Cas ruraux  ", "group_id": world["group"].id},
    )
    assert response.status_code == 303
    created = db.session.scalar(select(Presentation).where(Presentation.title == "Cas ruraux"))
    assert response.headers["Location"] == f"/presentations/{created.id}"
    assert (created.owner_id, created.group_id) == (world["formateur"].id, world["group"].id)


def test_create_refuses_bad_input_in_french_and_keeps_it(client_as, world):
    client = client_as("formateur")
    response = post(client, "/presentations/nouvelle", {"title": " ", "group_id": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Donnez un titre à la présentation." in page
    assert "Choisissez le groupe à qui vous présenterez ces initiatives." in page
    assert 'aria-invalid="true"' in page

    too_long = "Titre " + "x" * 200
    response = post(
        client, "/presentations/nouvelle", {"title": too_long, "group_id": world["other_group"].id}
    )
    assert response.status_code == 422
    page = text(response)
    assert "200 caractères au plus." in page
    assert f'value="{too_long}"' in page
    assert "Choisissez l'un des groupes dont vous êtes formateur." in page
    assert db.session.scalar(select(Presentation)) is None


def test_only_those_with_groups_to_train_may_create(client_as, world):
    for role in ("stagiaire", "referent"):
        client = client_as(role)
        assert client.get("/presentations/nouvelle").status_code == 404
        data = {"title": "Essai", "group_id": world["group"].id}
        assert post(client, "/presentations/nouvelle", data).status_code == 404
    assert db.session.scalar(select(Presentation)) is None


def test_admin_may_choose_any_group(client_as, world):
    page = text(client_as("admin").get("/presentations/nouvelle"))
    assert "Groupe 1 Orléans" in page
    assert "Groupe 2 Tours" in page


def test_edit_renames_and_a_concurrent_edit_is_a_conflict(client_as, world, presentation):
    first, second = client_as("formateur"), client_as("admin")
    stale = str(presentation.version)
    path = page_of(presentation, "/modifier")
    assert f'name="version" type="hidden" value="{stale}"' in text(first.get(path))
    data = {"group_id": world["group"].id, "version": stale}
    assert post(first, path, {**data, "title": "Titre du formateur"}).status_code == 303
    response = post(second, path, {**data, "title": "Titre de l'admin"})
    assert response.status_code == 409
    page = text(response)
    assert "Quelqu'un a modifié cette fiche" in page
    assert 'value="Titre de l\'admin"' in page
    assert "Valeur enregistrée entre-temps : « Titre du formateur »" in page
    db.session.refresh(presentation)
    assert presentation.title == "Titre du formateur"


def test_moving_to_another_group_is_refused_while_it_shows_that_groups_cases(
    client_as, world, make_initiative, presentation
):
    shared = make_initiative(
        author=world["stagiaire"],
        title="Atelier numérique du groupe",
        visibility="groupe",
        group_id=world["group"].id,
    )
    presentations.add_item(presentation, shared)
    response = post(
        client_as("admin"),
        page_of(presentation, "/modifier"),
        {"title": "Séance 2", "group_id": world["other_group"].id, "version": presentation.version},
    )
    assert response.status_code == 422
    assert "Atelier numérique du groupe" in text(response)
    assert "retirez-les d'abord" in text(response)
    db.session.refresh(presentation)
    assert (presentation.title, presentation.group_id) == (
        "Séance 2 : trois cas",
        world["group"].id,
    )


# ----- permissions ----------------------------------------------------------------------------


def test_members_read_editors_edit_others_get_404(client_as, presentation):
    for role in ("stagiaire_autre", "formateur_autre", "referent"):
        client = client_as(role)
        for suffix in ("", "/diaporama", "/orateur", "/modifier"):
            assert client.get(page_of(presentation, suffix)).status_code == 404, (role, suffix)
    trainee = client_as("stagiaire")
    page = text(trainee.get(page_of(presentation)))
    assert "Maraude en camping-car" in page
    assert "Monter" not in page
    assert "Notes de l'orateur" not in page
    assert trainee.get(page_of(presentation, "/diaporama")).status_code == 200
    assert trainee.get(page_of(presentation, "/orateur")).status_code == 404  # notes: editors


@pytest.mark.parametrize("role", ["stagiaire", "formateur_autre", "referent"])
def test_only_editors_may_change_it(client_as, world, cases, presentation, role):
    client = client_as(role)
    for action in ("monter", "descendre", "retirer", "notes"):
        response = post(client, item_path(presentation, 1, action), {"notes": "x"})
        assert response.status_code == 404, action
    assert post(client, page_of(presentation, "/supprimer")).status_code == 404
    data = {"presentation_id": presentation.id, "initiative_id": cases[0].id}
    assert post(client, "/presentations/ajouter", data).status_code == 404
    assert positions(presentation) == [
        ("Maraude en camping-car", 1),
        ("Permanence au marché du samedi", 2),
        ("Café des parents", 3),
    ]
    assert presentation.items[1].notes is None
    assert not presentation.is_deleted


def test_the_groups_other_formateur_and_admins_may_edit(
    app, client_as, world, make_user, presentation
):
    colleague = make_user("formateur")
    world["group"].memberships.append(
        Membership(user=colleague, role="formateur", joined_at=utcnow())
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, colleague.email)
    assert post(client, item_path(presentation, 0, "descendre")).status_code == 303
    assert post(client_as("admin"), item_path(presentation, 1, "descendre")).status_code == 303
    assert [title for title, _position in positions(presentation)] == [
        "Permanence au marché du samedi",
        "Café des parents",
        "Maraude en camping-car",
    ]


# ----- the page, ordering and notes -----------------------------------------------------------


def test_page_and_its_fragment(client_as, presentation):
    client = client_as("formateur")
    page = client.get(page_of(presentation))
    assert "<html" in text(page)
    assert "Lancer le diaporama" in text(page)
    assert re.findall(r"<h3><a [^>]*>([^<]+)</a>", text(page)) == [
        "Maraude en camping-car",
        "Permanence au marché du samedi",
        "Café des parents",
    ]
    assert "3 initiatives projetées, soit 4 diapositives" in visible_text(page)
    fragment = client.get(page_of(presentation), headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "Maraude en camping-car" in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]


def test_move_up_and_down_keeps_positions_contiguous(client_as, presentation):
    client = client_as("formateur")
    version = presentation.version
    response = post(client, item_path(presentation, 0, "descendre"))
    assert response.status_code == 303
    moved = presentation.items[1].id
    assert response.headers["Location"] == f"/presentations/{presentation.id}#element-{moved}"
    assert positions(presentation) == [
        ("Permanence au marché du samedi", 1),
        ("Maraude en camping-car", 2),
        ("Café des parents", 3),
    ]
    response = post(client, item_path(presentation, 2, "monter"), htmx=True)
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment
    assert fragment.index("Café des parents") < fragment.index("Maraude en camping-car")
    assert "« Café des parents » est maintenant en position 2 sur 3." in fragment
    assert positions(presentation) == [
        ("Permanence au marché du samedi", 1),
        ("Café des parents", 2),
        ("Maraude en camping-car", 3),
    ]
    assert presentation.version == version  # a title being edited meanwhile is no conflict


def test_moving_past_the_ends_changes_nothing(client_as, presentation):
    client = client_as("formateur")
    top = post(client, item_path(presentation, 0, "monter"), htmx=True)
    assert "« Maraude en camping-car » est déjà en tête." in text(top)
    bottom = post(client, item_path(presentation, 2, "descendre"), htmx=True)
    assert "« Café des parents » est déjà en dernière position." in text(bottom)
    assert [position for _title, position in positions(presentation)] == [1, 2, 3]


def test_remove_closes_ranks_and_can_be_undone(client_as, presentation):
    client = client_as("formateur")
    path = item_path(presentation, 1, "notes")
    post(client, path, {"notes": "Insister sur le lieu."})
    response = post(client, item_path(presentation, 1, "retirer"), htmx=True)
    assert response.status_code == 200
    page = text(response)
    assert "Permanence au marché du samedi » est retirée de la présentation ; ses notes" in page
    assert positions(presentation) == [("Maraude en camping-car", 1), ("Café des parents", 2)]
    undo = re.search(r'action="(/presentations/\d+/elements/restaurer[^"]*)"', page).group(1)
    response = post(client, undo.replace("&amp;", "&"))
    assert response.status_code == 303
    assert positions(presentation) == [
        ("Maraude en camping-car", 1),
        ("Permanence au marché du samedi", 2),
        ("Café des parents", 3),
    ]


def test_notes_are_saved_per_item_with_and_without_javascript(client_as, presentation):
    client = client_as("formateur")
    path = item_path(presentation, 0, "notes")
    response = post(client, path, {"notes": "Montrer la carte des hameaux.\nDemander : qui ?"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#element-{presentation.items[0].id}")
    response = post(client, item_path(presentation, 1, "notes"), {"notes": "Court."}, htmx=True)
    assert response.status_code == 200
    fragment = text(response)
    assert fragment.lstrip().startswith(f'<form id="notes-{presentation.items[1].id}"')
    assert ">Court.</textarea>" in fragment
    assert "Notes de « Permanence au marché du samedi » enregistrées." in fragment
    db.session.refresh(presentation)
    assert [item.notes for item in presentation.items] == [
        "Montrer la carte des hameaux.\nDemander : qui ?",
        "Court.",
        None,
    ]
    page = text(client.get(page_of(presentation)))
    assert "Montrer la carte des hameaux." in page


def test_notes_that_look_personal_need_a_confirmation(client_as, presentation):
    client = client_as("formateur")
    path = item_path(presentation, 0, "notes")
    notes = "Appeler Mme X au 06 12 34 56 78."
    response = post(client, path, {"notes": notes}, htmx=True)
    assert response.status_code == 422
    assert "numéro de téléphone" in text(response)
    assert notes in text(response)
    db.session.refresh(presentation)
    assert presentation.items[0].notes is None
    response = post(client, path, {"notes": notes})  # without JavaScript: the whole page
    assert response.status_code == 422
    assert "<html" in text(response)
    assert "Je confirme que ce texte" in text(response)
    confirmed = post(client, path, {"notes": notes, "confirm_no_personal_data": "y"})
    assert confirmed.status_code == 303
    db.session.refresh(presentation)
    assert presentation.items[0].notes == notes


def test_notes_have_a_length_limit(client_as, presentation):
    response = post(
        client_as("formateur"), item_path(presentation, 0, "notes"), {"notes": "x" * 5001}, True
    )
    assert response.status_code == 422
    assert "5000 caractères au plus." in text(response)


# ----- adding an initiative -------------------------------------------------------------------


def test_add_from_an_initiative_page_without_javascript(client_as, world, make_initiative):
    made = presentations.create_presentation(world["formateur"], "Séance 3", world["group"])
    initiative = make_initiative(title="Bus France services", visibility="base")
    response = post(
        client_as("formateur"),
        "/presentations/ajouter",
        {
            "presentation_id": made.id,
            "initiative_id": initiative.id,
            "next": f"/initiatives/{initiative.id}",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/initiatives/{initiative.id}"
    assert positions(made) == [("Bus France services", 1)]


def test_add_with_htmx_answers_with_the_updated_form(client_as, world, make_initiative, cases):
    made = presentations.create_presentation(world["formateur"], "Séance 3", world["group"])
    presentations.add_item(made, cases[0])
    shared = make_initiative(
        title="Atelier du groupe", visibility="groupe", group_id=world["group"].id
    )
    data = {"presentation_id": made.id, "initiative_id": shared.id, "next": "/initiatives"}
    response = post(client_as("formateur"), "/presentations/ajouter", data, htmx=True)
    assert response.status_code == 200
    fragment = visible_text(response)
    assert "<html" not in text(response)
    assert "« Atelier du groupe » est ajoutée à la présentation « Séance 3 »." in fragment
    assert "Dans la présentation « Séance 3 »" in fragment
    assert positions(made) == [("Maraude en camping-car", 1), ("Atelier du groupe", 2)]


def test_adding_twice_says_it_is_already_there(client_as, presentation, cases):
    data = {"presentation_id": presentation.id, "initiative_id": cases[0].id}
    response = post(client_as("formateur"), "/presentations/ajouter", data, htmx=True)
    assert response.status_code == 422
    assert "« Maraude en camping-car » est déjà dans la présentation" in text(response)
    assert len(positions(presentation)) == 3


@pytest.mark.parametrize(
    ("visibility", "group"), [("privee", None), ("groupe", "other_group")], ids=["privee", "autre"]
)
def test_adding_what_the_group_may_not_see_is_refused(
    client_as, world, make_initiative, presentation, visibility, group
):
    # The formateur wrote it, so they may open it; the group may not.
    initiative = make_initiative(
        author=world["formateur"],
        title="Brouillon confidentiel",
        visibility=visibility,
        group_id=world[group].id if group else None,
    )
    data = {"presentation_id": presentation.id, "initiative_id": initiative.id}
    client = client_as("formateur")
    response = post(client, "/presentations/ajouter", data, htmx=True)
    assert response.status_code == 422
    assert "n'est pas visible par tout le groupe Groupe 1 Orléans" in text(response)
    without_js = post(client, "/presentations/ajouter", data)
    assert without_js.status_code == 303
    assert "n'est pas visible par tout le groupe" in text(
        client.get(without_js.headers["Location"])
    )
    assert len(positions(presentation)) == 3


def test_adding_what_one_may_not_open_is_a_404(client_as, world, make_initiative, presentation):
    hidden = make_initiative(author=world["stagiaire"], title="Mon brouillon", visibility="privee")
    data = {"presentation_id": presentation.id, "initiative_id": hidden.id}
    assert post(client_as("formateur"), "/presentations/ajouter", data).status_code == 404
    assert len(positions(presentation)) == 3


def test_add_form_offers_only_the_presentations_that_may_show_it(
    app, world, make_initiative, presentation
):
    other = presentations.create_presentation(world["admin"], "Pour Tours", world["other_group"])
    shared = make_initiative(
        title="Atelier du groupe", visibility="groupe", group_id=world["group"].id
    )
    private = make_initiative(title="Brouillon", visibility="privee")
    with app.test_request_context("/initiatives"):
        html = render_template(
            "initiatives/_add_to_presentation.html",
            initiative=shared,
            presentations=[presentation, other],
        )
        assert f'name="presentation_id" value="{presentation.id}"' in html
        assert "Pour Tours" not in html
        html = render_template(
            "initiatives/_add_to_presentation.html",
            initiative=private,
            presentations=[presentation, other],
        )
        assert "partagez-la d'abord" in html
        assert "<form" not in html
        nothing = render_template(
            "initiatives/_add_to_presentation.html", initiative=shared, presentations=[]
        )
        assert not nothing.strip()


def test_editable_presentations_are_those_one_may_edit(world, presentation):
    other = presentations.create_presentation(world["admin"], "Pour Tours", world["other_group"])
    assert presentations.editable_presentations(world["formateur"]) == [presentation]
    assert presentations.editable_presentations(world["formateur_autre"]) == [other]
    assert presentations.editable_presentations(world["stagiaire"]) == []
    assert set(presentations.editable_presentations(world["admin"])) == {presentation, other}


# ----- the slideshow and the speaker view -----------------------------------------------------


def test_slideshow_shows_one_section_per_initiative_in_order(client_as, presentation):
    response = client_as("stagiaire").get(page_of(presentation, "/diaporama"))
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith("<!doctype html>")
    assert '<html lang="fr">' in page
    assert "site-header" not in page  # no site chrome
    assert "js/slides.js" in page
    assert "htmx" not in page  # nothing is fetched once loaded
    assert 'data-channel="allervers-slides-' in page
    sections = re.findall(
        r'<section class="slide[^"]*" id="diapo-(\d+)" data-title="([^"]*)"', page
    )
    assert sections == [
        ("1", "Séance 2 : trois cas"),
        ("2", "Maraude en camping-car"),
        ("3", "Permanence au marché du samedi"),
        ("4", "Café des parents"),
    ]
    assert "1 / 4" in page
    first = slide_text(page, 2)
    for expected in (
        "CCAS d'Orléans · Gien, Briare",
        "En cours",
        "Une tournée hebdomadaire dans les hameaux du Giennois.",
        "Maraude",
        "Permanence délocalisée",
        "Personnes sans domicile ou à la rue",
        "CAF du Loiret — Ouverture des droits sur place",
        "Mairie de Briare",
        "42 personnes Personnes rencontrées Personnes concernées · 01/09/2026",
        "Convention signée avec la mairie Organisations · 05/10/2026",
    ):
        assert expected in first, expected
    assert first.index("Convention signée") < first.index("42 personnes")  # latest first
    assert "Projet" in page  # the third one's status


def test_slideshow_is_a_whole_document_even_for_htmx(client_as, presentation):
    response = client_as("formateur").get(
        page_of(presentation, "/diaporama"), headers={"HX-Request": "true"}
    )
    assert "<html" in text(response)
    assert "Vue orateur" in text(response)  # the editor may open it
    assert "Vue orateur" not in text(
        client_as("stagiaire").get(page_of(presentation, "/diaporama"))
    )


def test_slideshow_shows_at_most_five_effects(client_as, make_effect, cases, presentation):
    for day in range(1, 7):
        make_effect(cases[1], value=float(day), observed_on=date(2026, 3, day))
    page = text(client_as("formateur").get(page_of(presentation, "/diaporama")))
    second = slide_text(page, 3)
    assert "06/03/2026" in second
    assert "02/03/2026" in second
    assert "01/03/2026" not in second


def test_what_the_group_may_no_longer_see_is_not_projected(client_as, world, cases, presentation):
    services.update_initiative(cases[1], {"visibility": "privee"}, world["stagiaire"], None)
    show = text(client_as("stagiaire").get(page_of(presentation, "/diaporama")))
    assert "Permanence au marché du samedi" not in show
    assert "1 / 3" in show
    assert "Permanence au marché du samedi" not in text(
        client_as("stagiaire").get(page_of(presentation))
    )
    editor = text(client_as("formateur").get(page_of(presentation)))
    assert "Initiative non consultable" in editor
    assert "elle ne sera pas projetée" in editor
    assert "Permanence au marché du samedi" not in editor


def test_speaker_view_shows_notes_and_what_comes_next(client_as, presentation):
    client = client_as("formateur")
    post(client, item_path(presentation, 0, "notes"), {"notes": "Commencer par la carte."})
    response = client.get(page_of(presentation, "/orateur"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert '<html lang="fr">' in page
    assert "Commencer par la carte." in page
    assert "Pas de notes pour cette diapositive." in page
    assert 'data-slideshow="speaker"' in page
    assert f'data-channel="allervers-slides-{presentation.id}"' in page
    assert re.search(r"data-speaker-next>\s*Maraude en camping-car", page)
    assert "1 / 4" in page
    slideshow = text(client.get(page_of(presentation, "/diaporama")))
    assert "Commencer par la carte." not in slideshow  # never projected


def test_empty_presentation_has_its_title_slide(client_as, world):
    made = presentations.create_presentation(world["formateur"], "À compléter", world["group"])
    show = text(client_as("formateur").get(page_of(made, "/diaporama")))
    assert show.count('<section class="slide') == 1
    assert "Aucune initiative pour l'instant" in show
    page = text(client_as("formateur").get(page_of(made)))
    assert "Aucune initiative pour l'instant." in page


# ----- delete and restore ---------------------------------------------------------------------


def test_delete_is_soft_and_can_be_undone(client_as, presentation):
    client = client_as("formateur")
    response = post(client, page_of(presentation, "/supprimer"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/presentations"
    listing = client.get("/presentations")
    assert "La présentation « Séance 2 : trois cas » est supprimée." in text(listing)
    assert f'action="/presentations/{presentation.id}/restaurer"' in text(listing)
    assert client.get(page_of(presentation)).status_code == 404
    assert client_as("stagiaire").get(page_of(presentation, "/diaporama")).status_code == 404
    db.session.refresh(presentation)
    assert presentation.is_deleted
    assert db.session.scalar(select(PresentationItem).limit(1)) is not None  # nothing lost

    assert post(client_as("stagiaire"), page_of(presentation, "/restaurer")).status_code == 404
    response = post(client, page_of(presentation, "/restaurer"))
    assert response.status_code == 303
    assert "est restaurée" in text(client.get(response.headers["Location"]))
    assert len(positions(presentation)) == 3


def test_undo_with_htmx_reloads_the_page(client_as, presentation):
    client = client_as("formateur")
    post(client, page_of(presentation, "/supprimer"))
    response = post(client, page_of(presentation, "/restaurer"), htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == page_of(presentation)
