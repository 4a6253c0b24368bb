"""The personal-data check finds what identifies a person, and leaves ordinary notes alone."""

import pytest

from allervers.core.privacy import find_personal_data, warning


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Appeler Mme X au 06 12 34 56 78 demain", "un numéro de téléphone"),
        ("tél. 0612345678", "un numéro de téléphone"),
        ("joignable au +33 6 12 34 56 78", "un numéro de téléphone"),
        ("écrire à jean.dupont@gmail.com", "une adresse e-mail"),
        ("NIR 1 85 05 78 006 084 36", "un numéro de sécurité sociale"),
        ("n° 2850578006084", "un numéro de sécurité sociale"),
        ("Monsieur né le 12/03/1961 à Gien", "une date de naissance"),
        ("date de naissance : 3-4-58", "une date de naissance"),
    ],
)
def test_personal_data_is_found(text, kind):
    assert kind in {finding.kind for finding in find_personal_data(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Réunion mensuelle avec le CCAS, 12 participants en 2024.",
        "Permanence le 12/03/2025 à la mairie de Briare.",
        "Orientation vers la CAF (45000 Orléans), 3 dossiers ouverts.",
        "",
        None,
    ],
)
def test_ordinary_notes_pass(text):
    assert find_personal_data(text) == []


def test_warning_names_each_kind_once():
    message = warning(find_personal_data("06 12 34 56 78 ou 07 11 22 33 44, a@b.fr"))
    assert message.count("un numéro de téléphone") == 1
    assert "une adresse e-mail" in message
    assert "confirmez" in message
