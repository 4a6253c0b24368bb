"""The personal-data check finds what identifies a person, and leaves ordinary notes alone."""

import time

import pytest

from allervers.core.privacy import (
    ADDRESS,
    BIRTH_DATE,
    EMAIL,
    IBAN,
    NAME,
    NIR,
    PHONE,
    find_personal_data,
    warning,
)


def _nir(thirteen: str) -> str:
    """A NIR with its right key (Corsica's 2A and 2B count as 19 and 18)."""
    number = int(thirteen.upper().replace("2A", "19").replace("2B", "18"))
    return f"{thirteen}{97 - number % 97:02d}"


@pytest.mark.parametrize(
    ("text", "kind", "excerpt"),
    [
        ("Appeler Mme X au 06 12 34 56 78 demain", PHONE, "06 12 34 56 78"),
        ("tél. 0612345678", PHONE, "0612345678"),
        ("joignable au +33 6 12 34 56 78", PHONE, "+33 6 12 34 56 78"),
        ("écrire à jean.dupont@gmail.com", EMAIL, "jean.dupont@gmail.com"),
        ("NIR 1 85 05 78 006 084 91", NIR, "1 85 05 78 006 084 91"),
        (f"n° {_nir('2690299341732')}", NIR, _nir("2690299341732")),
        (f"né à Ajaccio : {_nir('184072A123456')}", NIR, _nir("184072A123456")),
        (f"né à Bastia : {_nir('284072B123456')}", NIR, _nir("284072B123456")),
        ("carte Vitale : 2850578006084", NIR, "2850578006084"),
        ("Monsieur né le 12/03/1961 à Gien", BIRTH_DATE, "né le 12/03/1961"),
        ("date de naissance : 3-4-58", BIRTH_DATE, "naissance : 3-4-58"),
        ("née le 3 mars 1961", BIRTH_DATE, "née le 3 mars 1961"),
        ("Mme Martine Dupont", NAME, "Mme Martine Dupont"),
        ("M. Kevin Durand orienté vers la PASS", NAME, "M. Kevin Durand"),
        ("vu Mme D. au local", NAME, "Mme D"),
        ("Mlle Sarah Benali", NAME, "Mlle Sarah Benali"),
        ("Monsieur Traoré est revenu", NAME, "Monsieur Traoré"),
        ("Madame KOWALSKI", NAME, "Madame KOWALSKI"),
        ("Mr Jean-Pierre N'Diaye", NAME, "Mr Jean-Pierre N'Diaye"),
        ("Mme. Leroy", NAME, "Mme. Leroy"),
        ("M. et Mme Lefèvre", NAME, "Mme Lefèvre"),
        ("la famille Moreau est relogée", NAME, "famille Moreau"),
        ("A;B;Mme Martine Dupont\nB;C", NAME, "Mme Martine Dupont"),  # within its line
        ("12 rue des Lilas", ADDRESS, "12 rue des Lilas"),
        ("au 4 bis, avenue Jean Jaurès", ADDRESS, "4 bis, avenue Jean Jaurès"),
        ("3 av. de la Libération", ADDRESS, "3 av. de la Libération"),
        ("17 bd Rocheplatte", ADDRESS, "17 bd Rocheplatte"),
        ("8 impasse des Tilleuls", ADDRESS, "8 impasse des Tilleuls"),
        ("2 place du Martroi", ADDRESS, "2 place du Martroi"),
        ("140 route de Sandillon", ADDRESS, "140 route de Sandillon"),
        ("5 résidence Les Acacias", ADDRESS, "5 résidence Les Acacias"),
        ("habite 12 rue des lilas", ADDRESS, "12 rue des"),
        ("bâtiment C, appt 34", ADDRESS, "appt 34"),
        ("12 rue des Lilas\nBonne journée", ADDRESS, "12 rue des Lilas"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", IBAN, "FR76 3000 6000 0112 3456 7890 189"),
        ("RIB FR7630006000011234567890189", IBAN, "FR7630006000011234567890189"),
    ],
)
def test_personal_data_is_found(text, kind, excerpt):
    assert (kind, excerpt) in {(f.kind, f.excerpt) for f in find_personal_data(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Réunion mensuelle avec le CCAS, 12 participants en 2024.",
        "Permanence le 12/03/2025 à la mairie de Briare.",
        "Orientation vers la CAF (45000 Orléans), 3 dossiers ouverts.",
        "Rencontre avec M. le maire de Saran et Madame la directrice du CCAS.",
        "Courrier de Monsieur le Préfet ; réponse de Mme la Présidente du Département.",
        "Madame, Monsieur, veuillez trouver ci-joint le bilan.",
        "Appeler Mme X ou M. Y avant la commission.",
        "Mme souhaite un rendez-vous ; M. a été orienté.",
        "Liste des présents : Mme\nDurée : 2 h",
        "Atelier au Centre social Jean Zay, à l'École Jules Ferry et à la Maison de santé "
        "Simone Veil.",
        "Maison France services de Gien, Familles Rurales et Restos du Cœur.",
        "Il reste 1 place de parking et 3 places en crèche ; 2 cours de français par semaine.",
        "Local de 5 m. de large, 2 voies d'accès, 4 routes départementales.",
        # Numbers of 13 and 15 digits that are not NIRs: a wrong key, no announcing word.
        "NIR 1 85 05 78 006 084 36",
        "dossier 2850578006084",
        "SIRET 130 012 345 00018, convention 185057800608436",
        "FR76 3000 6000 0112 3456 7890 188",
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


# Texts made to make a backtracking pattern rescan: long runs of what each pattern starts with,
# never completing a match. 100 kB each.
HOSTILE = {
    "titres": "Mme M. Monsieur Madame famille " * 3_300,
    "titres collés": "MmeMmeMme" * 11_200,
    "numéros de rue": "12 rue 12 bis 12, place de " * 3_800,
    "chiffres espacés": "1 2 3 4 5 6 7 8 9 0 " * 5_000,
    "chiffres": "1" * 100_000,
    "NIR sans clé": "NIR 1 85 05 78 006 084 " * 4_400,
    "IBAN tronqués": "FR76 3000 6000 " * 6_700,
    "naissances": "née le né le 12/ " * 5_900,
    "e-mail": "a.b+c-d" * 14_300,
    "lettres": "x" * 100_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_text_is_read_in_linear_time(name):
    # A quadratic pattern takes minutes on 100 kB (the e-mail pattern once took 7 s on 20 kB);
    # a linear one takes milliseconds. CPU time, with room to spare, so a busy machine does not
    # make it flaky.
    text = HOSTILE[name]
    assert len(text) >= 99_000
    started = time.process_time()
    find_personal_data(text)
    assert time.process_time() - started < 1.0
