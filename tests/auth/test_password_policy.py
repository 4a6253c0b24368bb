"""The new-password rules (12 characters, zxcvbn's strength, common passwords, one's own
words), their French explanations, the strength meter and the « Afficher » toggle."""

import re
from pathlib import Path

import pytest
import zxcvbn

from allervers.auth.passwords import FRENCH_FEEDBACK, password_problem, password_strength
from tests.helpers import TEST_PASSWORD, csrf_token, post_form, sign_in, text, visible_text

STRONG = "soleil levant sur la loire"
OWNER = ("marie.dupont@ccas-gien.fr", "Marie Dupont")


# ----- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Xq7#vLp2!aZ", "au moins 12 caractères"),  # strong but 11 characters
        ("y" * 129, "ne doit pas dépasser 128 caractères"),
        ("password1234", "mot de passe très courant"),
        ("azertyuiop123", "ressemble à un mot de passe très courant"),
        ("motdepasse123", "ressemble à un mot de passe très courant"),
        ("aaaaaaaaaaaaaaaa", "répétitions"),
        ("abcdefghijklmnop", "suites"),
        ("P@ssw0rd2024!", "substitutions prévisibles"),
    ],
)
def test_weak_passwords_are_refused_with_a_french_reason(password, expected):
    problem = password_problem(password)
    assert problem is not None
    assert expected in problem


@pytest.mark.parametrize(
    "password",
    ["marie.dupont@ccas-gien.fr", "Marie Dupont 1985", "dupontmarie2024", "aller-vers-2026!"],
)
def test_the_persons_own_words_and_the_platforms_name_are_refused(password):
    problem = password_problem(password, user_inputs=OWNER)
    assert problem == (
        "Ce mot de passe est trop facile à deviner. "
        "Évitez votre nom, votre adresse e-mail et le nom de la plateforme."
    )


def test_the_same_words_pass_for_someone_else():
    assert password_problem("Marie Dupont 1985 !", user_inputs=("a.b@c.fr", "Jean Roy")) is None


@pytest.mark.parametrize(
    "password", [STRONG, "correct horse battery staple", "Xq7#vLp2!aZe", "é" * 3 + "çàù-ôî-Œ 7"]
)
def test_strong_passwords_are_accepted(password):
    assert password_problem(password, user_inputs=OWNER) is None
    assert password_strength(password, OWNER).score >= 3


def test_long_passwords_up_to_the_maximum_are_scored_without_error():
    assert password_problem(STRONG * 4 + "abcd") is None  # 108 characters, past zxcvbn's 72


def test_every_sentence_of_zxcvbn_has_its_french_translation():
    """A new zxcvbn release with new advice would fall back to the general sentence: caught here."""
    source = (Path(zxcvbn.__file__).parent / "feedback.py").read_text()
    english = {_joined(call) for call in re.findall(r"(?<!\w)_\(([^)]*)\)", source)}
    assert english, "feedback.py a changé de forme"
    assert english <= set(FRENCH_FEEDBACK), english - set(FRENCH_FEEDBACK)


def _joined(call: str) -> str:
    """The text of `_('a ' 'b')`: its string literals put together."""
    return "".join(literal for _quote, literal in re.findall(r"""(['"])(.*?)\1""", call))


def test_refusals_are_never_in_english():
    english_words = re.compile(r"\b(the|is|are|avoid|guess|password|words)\b", re.IGNORECASE)
    for password in (
        "password1234",
        "qwertyuiop12",
        "Aaaaaaaaaaaaa",
        "01/02/1990 12",
        "drowssap12345",
        "Aaaaaaaaaaaaa1",
    ):
        problem = password_problem(password)
        assert problem is not None
        assert not english_words.search(problem), problem


# ----- the forms ------------------------------------------------------------------------------


def change(client, new: str):
    data = {"current": TEST_PASSWORD, "new": new, "confirm": new}
    return post_form(client, "/compte/mot-de-passe", data, token_from="/")


def test_password_change_applies_the_rules_with_the_persons_own_name(client, make_user):
    user = make_user(name="Marie Dupont", email="marie.dupont@ccas-gien.fr")
    sign_in(client, user.email)
    short = change(client, "onze-signes")
    assert short.status_code == 422
    assert "au moins 12 caractères" in text(short)
    own = change(client, "Marie-Dupont-45")
    assert own.status_code == 422
    assert "Évitez votre nom" in text(own)
    assert change(client, STRONG).status_code == 303


def test_joining_refuses_a_password_built_on_the_typed_email(client, world):
    typed = "ana.lopez@caf45.fr"
    data = {"code": world["group"].current_code.code, "name": "Ana Lopez", "email": typed,
            "password": "ana.lopez@caf45", "confirm": "ana.lopez@caf45"}  # fmt: skip
    response = post_form(client, "/rejoindre", data, token_from="/rejoindre")
    assert response.status_code == 422
    assert "Évitez votre nom" in text(response)


def test_an_administrator_cannot_give_a_common_password(client, world):
    sign_in(client, world["admin"].email)
    data = {"email": "nouveau@exemple.fr", "password": "password1234", "role": "stagiaire",
            "name": "Nouvelle personne", "structure_id": ""}  # fmt: skip
    response = post_form(client, "/admin/utilisateurs/nouveau", data, token_from="/")
    assert response.status_code == 422
    assert "mot de passe très courant" in text(response)


@pytest.mark.parametrize(
    "path", ["/compte/mot-de-passe", "/admin/utilisateurs/nouveau", "/rejoindre"]
)
def test_every_new_password_field_has_the_meter_and_the_toggle(client, world, path):
    signed_in = {"/compte/mot-de-passe": "stagiaire", "/admin/utilisateurs/nouveau": "admin"}
    if path in signed_in:
        sign_in(client, world[signed_in[path]].email)
    page = text(client.get(path))
    assert page.count('hx-post="/mot-de-passe/force"') == 1
    assert 'autocomplete="new-password"' in page
    assert 'data-password-toggle="' in page
    assert "Afficher le mot de passe" in page
    assert 'aria-pressed="false"' in page


# ----- the strength meter ---------------------------------------------------------------------


def meter(client, data: dict, token_from: str = "/connexion"):
    return post_form(client, "/mot-de-passe/force", data, token_from=token_from, htmx=True)


def test_the_meter_is_open_to_visitors_who_join(client):
    response = meter(client, {"champ": "password", "password": "password1234"})
    assert response.status_code == 200
    assert re.search(r'<meter[^>]* value="1"', text(response))
    assert "Force du mot de passe : faible" not in visible_text(response)
    assert "très faible" in visible_text(response)
    assert "mot de passe très courant" in visible_text(response)


def test_the_meter_says_when_a_password_fits(client):
    response = meter(client, {"champ": "password", "password": STRONG})
    assert re.search(r'<meter[^>]* value="4"', text(response))
    assert "Force du mot de passe : fort ." in visible_text(response)
    assert "Ce mot de passe convient." in visible_text(response)


def test_the_meter_uses_the_typed_name_and_email(client):
    data = {"champ": "password", "password": "Marie Dupont 1985", "name": "Marie Dupont",
            "email": "marie.dupont@ccas-gien.fr"}  # fmt: skip
    assert "Évitez votre nom" in text(meter(client, data))


def test_the_meter_uses_the_signed_in_persons_own_words(client, make_user):
    user = make_user(name="Marie Dupont", email="marie.dupont@ccas-gien.fr")
    sign_in(client, user.email)
    response = meter(client, {"champ": "new", "new": "Marie Dupont 1985"}, token_from="/")
    assert "Évitez votre nom" in text(response)


def test_an_empty_password_clears_the_meter(client):
    assert meter(client, {"champ": "password", "password": ""}).get_data() == b""


def test_the_meter_needs_the_csrf_token(client):
    csrf_token(client)
    response = client.post("/mot-de-passe/force", data={"champ": "password", "password": "x"})
    assert response.status_code == 400
