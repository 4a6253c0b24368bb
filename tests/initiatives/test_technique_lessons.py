"""What a technique's page gathers from the initiatives that use it: « Ce qui a fait réussir »,
« Ce qui a freiné », « Enseignements » and the effects observed — only from the initiatives
the reader may see, capped on the page with a « voir tout » page that paginates."""

import re
from datetime import date

import pytest

from allervers.extensions import db
from allervers.initiatives import services
from allervers.initiatives.models import Initiative
from allervers.initiatives.technique_views import QUOTES_SHOWN
from tests.helpers import text, visible_text

PAGE = "/techniques/maraude"
PARTS = ("reussite", "freins", "enseignements")
ROLES = ("stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin")


def told(name: str) -> dict:
    """The three sections of an initiative, each text naming the initiative and its part."""
    return {
        "success_conditions": f"Réussite de {name}.",
        "difficulties": f"Frein de {name}.",
        "lessons": f"Leçon de {name}.",
    }


@pytest.fixture
def everyone(world, make_initiative, make_effect):
    """Maraude in initiatives of every visibility, each saying what worked, what hindered and
    what it taught, with one effect whose comment names it."""
    initiatives = {
        "privee-stagiaire": make_initiative(visibility="privee"),
        "privee-autre": make_initiative(author=world["stagiaire_autre"], visibility="privee"),
        "groupe-1": make_initiative(visibility="groupe", group_id=world["group"].id),
        "groupe-2": make_initiative(
            author=world["stagiaire_autre"],
            visibility="groupe",
            group_id=world["other_group"].id,
        ),
        "base": make_initiative(author=world["formateur_autre"], visibility="base"),
        "supprimee": make_initiative(visibility="base"),
    }
    for name, initiative in initiatives.items():
        services.update_initiative(
            initiative,
            {"title": f"Maraude {name}", "techniques": ["maraude"], **told(name)},
            initiative.author,
            None,
        )
        make_effect(initiative, comment=f"Effet de {name}.")
    services.remove_initiative(initiatives["supprimee"])
    return initiatives


SEES = {
    "stagiaire": {"privee-stagiaire", "groupe-1", "base"},
    "stagiaire_autre": {"privee-autre", "groupe-2", "base"},
    "referent": {"base"},
    "formateur": {"groupe-1", "base"},
    "formateur_autre": {"groupe-2", "base"},
    "admin": {"groupe-1", "groupe-2", "base"},  # never a private draft
}
ALL = {"privee-stagiaire", "privee-autre", "groupe-1", "groupe-2", "base", "supprimee"}


def test_each_part_quotes_the_initiatives_with_their_title_linked(world, client_as, everyone):
    response = client_as("referent").get(PAGE)
    body, page = text(response), visible_text(response)
    base = everyone["base"]
    success = page.index("Ce qui a fait réussir")
    hindered = page.index("Ce qui a freiné")
    learnt = page.index("Enseignements")
    effects = page.index("Effets observés")
    assert success < page.index("Réussite de base.") < hindered
    assert hindered < page.index("Frein de base.") < learnt
    assert learnt < page.index("Leçon de base.") < effects
    assert "Réussite de base. Maraude base · " + world["structure"].name in page
    for field in ("success_conditions", "difficulties", "lessons"):
        link = f'<a href="/initiatives/{base.id}#section-{field}">Maraude base</a>'
        assert link in body
    assert f'<a href="/initiatives/{base.id}#effets">Maraude base</a>' in body
    assert "Effet de base." in page


@pytest.mark.parametrize("role", ROLES)
def test_a_reader_sees_only_what_the_initiative_list_would_show_them(client_as, everyone, role):
    client = client_as(role)
    pages = [visible_text(client.get(PAGE))]
    pages += [visible_text(client.get(f"{PAGE}/{part}")) for part in PARTS]
    shown = " ".join(pages)
    for name in SEES[role]:
        for said in (*told(name).values(), f"Effet de {name}.", f"Maraude {name}"):
            assert said in shown, (role, said)
    for name in ALL - SEES[role]:
        assert f"de {name}." not in shown, (role, name)  # no part, no effect comment
        assert f"Maraude {name}" not in shown, (role, name)
    # The same initiatives as the shared base's own list, filtered on the technique.
    listed = visible_text(client.get("/initiatives?technique=maraude"))
    assert {name for name in ALL if f"Maraude {name}" in listed} == SEES[role]


def test_a_private_initiative_of_another_trainee_never_shows(client_as, everyone):
    """The case that matters most: a trainee reading another trainee's private draft."""
    for path in (PAGE, *(f"{PAGE}/{part}" for part in PARTS)):
        for headers in ({}, {"HX-Request": "true"}):
            body = text(client_as("stagiaire").get(path, headers=headers))
            assert "privee-autre" not in body, path
    hidden = f"/initiatives/{everyone['privee-autre'].id}"
    assert client_as("stagiaire").get(hidden).status_code == 404


def test_counts_and_badges_follow_the_reader(client_as, everyone):
    page = visible_text(client_as("stagiaire").get(f"{PAGE}/reussite"))
    assert "Réussite de privee-stagiaire. Maraude privee-stagiaire" in page
    assert re.search(r"Maraude privee-stagiaire · [^·]+ Privée", page)
    assert re.search(r"Maraude groupe-1 · [^·]+ Groupe", page)
    assert "3 résultats" in page
    effects = visible_text(client_as("stagiaire").get(PAGE))
    assert "3 observations notées par 3 initiatives que vous pouvez consulter." in effects
    assert "Personnes concernées · 3 observations, 3 initiatives" in effects


def test_what_the_author_removed_or_only_drafted_does_not_show(client_as, world, everyone):
    base = everyone["base"]
    services.update_initiative(
        base, {"success_conditions": "Texte corrigé."}, world["formateur_autre"], None
    )
    services.save_draft(base, {"difficulties": "Brouillon non publié du frein."})
    effect = base.live_effects[0]
    services.remove_effect(effect)

    client = client_as("referent")
    shown = " ".join(visible_text(client.get(path)) for path in (PAGE, f"{PAGE}/freins"))
    assert "Texte corrigé." in shown
    assert "Réussite de base." not in shown
    assert "Brouillon non publié" not in shown
    assert "Frein de base." in shown  # the saved text stays until a real save
    assert "Effet de base." not in shown
    assert "Aucun effet n'a encore été suivi" in shown


def test_a_blank_section_is_not_quoted(client_as, make_initiative):
    make_initiative(
        title="Sans rien",
        visibility="base",
        techniques=["maraude"],
        success_conditions="   \n  ",
        lessons="Une vraie leçon.",
    )
    page = visible_text(client_as("referent").get(PAGE))
    assert "Aucune initiative partagée n'a encore décrit ce qui a fait réussir" in page
    assert "Une vraie leçon. Sans rien" in page
    assert "Aucune initiative partagée n'a encore tiré d'enseignement" not in page


def test_an_initiative_of_another_technique_is_not_quoted(client_as, make_initiative):
    make_initiative(
        title="Autre technique",
        visibility="base",
        techniques=["pairs"],
        success_conditions="Réussite d'une autre technique.",
    )
    assert "Réussite d'une autre" not in visible_text(client_as("referent").get(PAGE))
    page = visible_text(client_as("referent").get("/techniques/pairs"))
    assert "Réussite d'une autre technique. Autre technique" in page


def test_the_formateurs_own_text_comes_first(client_as, make_initiative):
    make_initiative(
        visibility="base",
        techniques=["maraude"],
        success_conditions="Dit par l'initiative.",
        difficulties="Freiné dans l'initiative.",
    )
    client = client_as("formateur")
    token = re.search(r'name="csrf-token" content="([^"]+)"', text(client.get(PAGE))).group(1)
    saved = client.post(
        f"{PAGE}/modifier",
        data={
            "csrf_token": token,
            "version": "0",
            "conditions": "Des horaires réguliers.",
            "vigilance": "Ne pas promettre.",
        },
    )
    assert saved.status_code == 303
    page = visible_text(client_as("stagiaire").get(PAGE))
    assert (
        "Ce qui a fait réussir Repères des formateurs Des horaires réguliers. "
        "Dans les initiatives · 1 initiative Dit par l'initiative."
    ) in page
    assert (
        "Ce qui a freiné Points de vigilance (repères des formateurs) Ne pas promettre. "
        "Dans les initiatives · 1 initiative Freiné dans l'initiative."
    ) in page


def test_the_page_shows_a_few_then_voir_tout_lists_them_all(client_as, make_initiative):
    titles = []
    for number in range(12):
        title = f"Cas {number:02d}"
        titles.append(title)
        make_initiative(
            title=title,
            visibility="base",
            techniques=["maraude"],
            success_conditions=f"Réussite du cas {number:02d}.",
        )
    reference = db.session.scalar(db.select(Initiative).where(Initiative.title == "Cas 00"))
    services.set_reference(reference, True)
    client = client_as("referent")

    response = client.get(PAGE)
    page = visible_text(response)
    quoted = re.findall(r"Réussite du cas (\d\d)\.", page)
    assert quoted == ["00", "11", "10"][:QUOTES_SHOWN]  # the reference case, then the latest
    assert "Voir tout (12 initiatives)" in page
    assert 'href="/techniques/maraude/reussite"' in text(response)
    assert "Voir tout" in page.split("Ce qui a freiné")[0]
    assert "Voir tout" not in page.split("Ce qui a freiné")[1].split("Effets observés")[0]

    first = client.get(f"{PAGE}/reussite")
    assert first.status_code == 200
    assert "<html" in text(first)
    assert "Ce qui a fait réussir · Intervention" not in visible_text(first)
    assert re.findall(r"Réussite du cas (\d\d)\.", visible_text(first)) == [
        "00", "11", "10", "09", "08", "07", "06", "05", "04", "03"
    ]  # fmt: skip
    assert "Page 1 sur 2 · 12 résultats" in visible_text(first)
    assert 'hx-get="/techniques/maraude/reussite?page=2" hx-target="#technique-quotes"' in text(
        first
    )
    second = client.get(f"{PAGE}/reussite?page=2", headers={"HX-Request": "true"})
    assert second.status_code == 200
    assert "<html" not in text(second)
    assert re.findall(r"Réussite du cas (\d\d)\.", visible_text(second)) == ["02", "01"]
    assert "HX-Request" in second.headers["Vary"]
    beyond = visible_text(client.get(f"{PAGE}/reussite?page=99"))
    assert "Page 2 sur 2" in beyond


def test_a_long_text_is_cut_on_the_page_and_whole_on_its_list(client_as, make_initiative):
    long_text = "Une phrase sur la régularité des passages. " * 30  # ≈ 1 300 characters
    initiative = make_initiative(
        title="Longue", visibility="base", techniques=["maraude"], lessons=long_text
    )
    client = client_as("referent")
    page = text(client.get(PAGE))
    assert long_text.strip() not in page
    assert f'<a href="/initiatives/{initiative.id}#section-lessons">Lire la suite' in page
    whole = text(client.get(f"{PAGE}/enseignements"))
    assert long_text.strip() in whole
    assert "Lire la suite" not in whole


def test_effects_show_counts_and_the_latest_few_linked(client_as, make_initiative, make_effect):
    one = make_initiative(title="Une", visibility="base", techniques=["maraude"])
    two = make_initiative(title="Deux", visibility="base", techniques=["maraude"])
    for day, initiative in ((1, one), (2, two), (3, one), (4, two)):
        make_effect(
            initiative,
            observed_on=date(2026, 9, day),
            comment=f"Observation du {day} septembre.",
        )
    make_effect(
        one, dimension="organisations", indicator_code="conventions", value=1.0, comment=None
    )
    response = client_as("referent").get(PAGE)
    page, body = visible_text(response), text(response)
    assert "5 observations notées par 2 initiatives que vous pouvez consulter." in page
    assert "Personnes concernées · 4 observations, 2 initiatives" in page
    assert "Organisations · 1 observation, 1 initiative" in page
    assert "Pratiques professionnelles" not in page
    assert (
        "Dernières observations 04/09/2026 : Personnes rencontrées : 10 — "
        "« Observation du 4 septembre. » Deux "
        "03/09/2026 : Personnes rencontrées : 10 — « Observation du 3 septembre. » Une "
        "02/09/2026"
    ) in page
    assert "Observation du 1 septembre." not in page  # counted above, not among the latest
    assert "Dernière observation 01/10/2026 : Conventions signées : 1 Une" in page
    assert f'<a href="/initiatives/{two.id}#effets">Deux</a>' in body
    assert 'href="/initiatives?technique=maraude&avec_effets=1&tri=effets"' in body


@pytest.mark.parametrize(
    "path", [f"{PAGE}/ailleurs", "/techniques/inconnue/reussite", f"{PAGE}/Reussite"]
)
def test_an_unknown_part_or_technique_is_a_404(client_as, path):
    assert client_as("stagiaire").get(path).status_code == 404


def test_the_demo_techniques_teach(app):
    """The demo's common techniques show what worked, what hindered and effects observed."""
    from allervers.demo.training import DEMO_PASSWORD
    from tests.helpers import sign_in

    app.test_cli_runner().invoke(args=["demo"])
    client = app.test_client()
    assert sign_in(client, "stagiaire.tours@demo.allervers.fr", DEMO_PASSWORD).status_code == 303
    for code in ("binome", "maraude", "numerique", "lieux-de-vie"):
        page = visible_text(client.get(f"/techniques/{code}"))
        assert "Aucune initiative partagée n'a encore" not in page, code
        assert "Aucun effet n'a encore été suivi" not in page, code
