"""Every page, asked with hostile query strings (search, page, filters, sort, département…),
as a full page and as an htmx fragment: never a 500."""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ
from tests.fuzz.strategies import hostile, number_text
from tests.helpers import sign_in
from tests.test_pages import PAGES, PUBLIC_PAGES

SOURCE = Path(__file__).resolve().parents[2] / "allervers"
# Every query parameter the app reads, with values it understands; the test below checks
# that none is missing, so a new filter is fuzzed from the day it is written.
PARAMETERS = {
    "q": ["caf", "orl", "maraude marché", "é"],
    "page": ["1", "2", "-1", "0", "99999999999", "1.5"],
    "tri": ["nom", "commune", "recent", "pertinence", "effets", "betweenness", "degree", "x"],
    "departement": ["45", "2A", "2B", "971", "00", "4"],
    "commune": ["Orléans", "Tours", "orleans"],
    "typologie": ["CCAS", "CAF", "ccas"],
    "secteur": ["social", "sante"],
    "public": ["jeunes", "sans-domicile"],
    "technique": ["maraude", "lieux-de-vie"],
    "statut": ["en_cours", "prevue", "projet", "faite"],
    "structure": ["1", "2"],
    "structure_id": ["1", "2"],
    "avec_effets": ["1", "0"],
    "souhaites": ["non", "oui", "x"],
    "supprimees": ["1"],
    "supprimee": ["1", "2"],
    "role": ["admin", "stagiaire", "formateur"],
    "groupe": ["1", "2"],
    "carte": ["1", "2"],
    "de": ["1", "2"],
    "vers": ["2", "1"],
    "avant": ["maintenant", "1", "0"],
    "apres": ["maintenant", "1"],
    "vue": ["resume"],
    "absorber": ["1", "2", "3"],
    "partenaire": ["caf", "ccas"],
    "next": ["/cartes", "//exemple.fr", "https://exemple.fr", "/\\exemple.fr"],
    "code": ["ORLAAA111", "ORL-AAA-111"],
    "initiative_id": ["1", "2"],
    "position": ["0", "1", "-1"],
    "depuis": ["0", "1", "-1", "99999999999", "1.5"],
    # the security log's filters (/admin/journal)
    "type": ["sign_in", "lockout", "x"],
    "compte": ["admin", "@demo", "%", "_"],
    "adresse": ["127.", "192.0.2.10", "%"],
    "du": ["2026-12-01", "2026-13-45", "hier"],
    "au": ["2026-12-31", "", "0000-00-00"],
}
ROLE_ORDER = ("admin", "formateur", "stagiaire", "referent", "formateur_autre", "stagiaire_autre")


def parameters_read_by_the_app() -> set[str]:
    patterns = (
        r"args\.get\(\s*\"([a-z_]+)\"",
        r"request\.values\.get\(\s*\"([a-z_]+)\"",
        r"request\.args\[\"([a-z_]+)\"\]",
    )
    found = set()
    for path in SOURCE.rglob("*.py"):
        source = path.read_text()
        for pattern in patterns:
            found.update(re.findall(pattern, source))
    return found


def test_every_query_parameter_is_fuzzed():
    missing = parameters_read_by_the_app() - set(PARAMETERS)
    assert not missing, f"paramètres lus par l'application mais pas fuzzés : {missing}"


def query_value(name: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(PARAMETERS[name]), hostile(), number_text())


@st.composite
def query_string(draw) -> list[tuple[str, str]]:
    """Each parameter the app reads, or not, with a value it understands or a hostile one;
    a page ignores the others, so every page gets all of them (and some twice)."""
    pairs = []
    for name in sorted(PARAMETERS):
        for _repeat in range(draw(st.sampled_from([0, 0, 1, 1, 1, 2]))):
            pairs.append((name, draw(query_value(name))))
    return pairs


QUERY = query_string()
HEADERS = st.sampled_from(
    [{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}]
)

PUBLIC = {"anonyme"}
GET_PAGES = {
    **PAGES,
    **{name: (lambda _w, path=path: path, PUBLIC) for name, path in PUBLIC_PAGES.items()},
}


@pytest.mark.parametrize("endpoint", sorted(GET_PAGES))
def test_hostile_query_strings(app, fuzz_world, endpoint):
    build, allowed, *_expected = GET_PAGES[endpoint]
    world = fuzz_world["world"]
    path = build(world)
    role = next((role for role in ROLE_ORDER if role in allowed), "anonyme")
    client = app.test_client()
    if role != "anonyme":
        assert sign_in(client, world[role].email).status_code == 303
    base = urlsplit(path)
    own = parse_qsl(base.query)

    @FUZZ
    @given(query=QUERY, headers=HEADERS)
    def get(query, headers):
        response = client.get(base.path, query_string=own + query, headers=headers)
        assert response.status_code < 500

    get()
