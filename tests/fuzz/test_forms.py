"""Every mutating route, posted arbitrary and hostile values: never a 500, and a refused request
leaves the database exactly as it was. An accepted one leaves pages that still render."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import (
    FUZZ,
    changed_tables,
    clear_flashes,
    form,
    location,
    refused,
    snapshot,
    upload,
    url_value,
)
from tests.fuzz.specs import ARGS, EXCLUDED, SPECS, Spec
from tests.helpers import csrf_token, sign_in
from tests.test_pages import mutating_rules

# A failing example with a 60 kB CSV line is printed in full: Hypothesis warns, we know.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def test_every_mutating_route_is_fuzzed(app):
    routes = {rule.endpoint for rule in mutating_rules(app)}
    missing = routes - set(SPECS) - set(EXCLUDED)
    assert not missing, f"routes sans spécification de fuzzing (tests/fuzz/specs.py) : {missing}"
    assert not (set(SPECS) | set(EXCLUDED)) - routes, "spécifications de routes disparues"
    assert not set(SPECS) & set(EXCLUDED)


class Clients:
    """Signed-in test clients by role, each with its CSRF token, made once per test."""

    def __init__(self, app, world) -> None:
        self.app, self.world, self.made = app, world, {}

    def get(self, role: str, fresh: bool):
        if fresh or role not in self.made:
            client = self.app.test_client()
            if role != "anonyme":
                assert sign_in(client, self.world[role].email).status_code == 303
            token = csrf_token(client, "/connexion" if role == "anonyme" else "/compte")
            self.made[role] = (client, token)
        return self.made[role]


def _rule(app, endpoint: str):
    return next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def request_for(rule, spec: Spec, fuzz_world: dict) -> st.SearchStrategy[dict]:
    """The strategies are built once per route: building them costs more than drawing."""
    ids, others = fuzz_world["ids"], fuzz_world["others"]
    arguments = {
        name: url_value(name, ids[key], others, key)
        for name, key in ((name, spec.args.get(name, ARGS[name])) for name in rule.arguments)
    }
    roles = spec.role if isinstance(spec.role, tuple) else (spec.role,)
    parts = [form(spec.fields(ids)), form(spec.files(ids)), form(spec.query(ids))]
    return draw_request(rule, arguments, roles, *parts)


@st.composite
def draw_request(draw, rule, arguments: dict, roles: tuple, fields, files, query) -> dict:
    values = {name: draw(strategy) for name, strategy in sorted(arguments.items())}
    _domain, path = rule.build(values, append_unknown=False)
    data = draw(fields)
    for name, content in draw(files).items():
        data[name] = (
            [upload(part) for part in content] if isinstance(content, list) else (upload(content))
        )
    headers = draw(
        st.sampled_from([{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}])
    )
    return {
        "role": draw(st.sampled_from(roles)),
        "path": path,
        "query": list(draw(query).items()),
        "data": data,
        "headers": headers,
    }


@pytest.mark.parametrize("endpoint", sorted(SPECS))
def test_hostile_posts(app, fuzz_world, endpoint):
    spec, rule = SPECS[endpoint], _rule(app, endpoint)
    clients = Clients(app, fuzz_world["world"])

    @FUZZ
    @given(request=request_for(rule, spec, fuzz_world))
    def post(request):
        client, token = clients.get(request["role"], spec.fresh_client)
        clear_flashes(client)
        before = snapshot(spec.changes_on_refusal)
        response = client.post(
            request["path"],
            query_string=request["query"],
            data={**request["data"], "csrf_token": token},
            headers=request["headers"],
        )
        assert response.status_code < 500
        if refused(client, response):
            after = snapshot(spec.changes_on_refusal)
            assert not changed_tables(before, after), (
                f"{response.status_code}: refusée, mais {changed_tables(before, after)} changées"
            )
            return
        for page in [location(response), *spec.pages(fuzz_world["ids"])]:
            if page and not page.startswith("/connexion"):
                assert client.get(page).status_code < 500, page

    post()
