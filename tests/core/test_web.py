"""The rendering helpers: no template variable can be taken for one of their own parameters.

A view passed `status=` to its template and `render` took it for the HTTP status: the
Werkzeug test client let « 0 en_cours » through, gunicorn answered 500. The helpers' named
parameters are now positional-only, so every name is free for the template.
"""

import ast
import inspect
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from jinja2 import ChoiceLoader, DictLoader
from wtforms import HiddenField, StringField

from allervers.core import web
from allervers.followup import plans
from allervers.followup.models import ACTION_STATUSES
from tests.helpers import fragment, text

ROOT = Path(__file__).resolve().parents[2]
HELPERS = (web.render, web.invalid, web.form_page, web.conflict)
# What `conflict` sets itself: the form it was given (with its new version) and the saved values.
SET_BY_THE_HELPER = {web.conflict: {"form"}}


def parameter_names(helper) -> list[str]:
    return [
        parameter.name
        for parameter in inspect.signature(helper).parameters.values()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]


@pytest.fixture
def probe(app):
    """Templates that print every parameter name of every helper, as page and as fragment."""
    names = sorted({name for helper in HELPERS for name in parameter_names(helper)})
    body = "".join(f"[{name}={{{{ {name} }}}}]" for name in names)
    templates = {"probe/page.html": f"page {body}", "probe/_fragment.html": f"fragment {body}"}
    app.jinja_env.loader = ChoiceLoader([DictLoader(templates), app.jinja_env.loader])
    return names


class ProbeForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    version = HiddenField()


def call(helper, make_structure):
    """The helper with its required arguments; its status on a POST."""
    if helper is web.conflict:
        record = make_structure()
        form = ProbeForm(data={"name": record.name, "version": "1"})
        return lambda **context: helper(
            form, record, "probe/page.html", "probe/_fragment.html", **context
        ), 409
    status = {web.render: 200, web.invalid: 422, web.form_page: 422}[helper]
    return lambda **context: helper("probe/page.html", "probe/_fragment.html", **context), status


@pytest.mark.parametrize("helper", HELPERS, ids=lambda helper: helper.__name__)
def test_the_helpers_parameters_are_positional_only(helper):
    for name, parameter in inspect.signature(helper).parameters.items():
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD:
            assert parameter.kind is inspect.Parameter.POSITIONAL_ONLY, name


@pytest.mark.parametrize("as_fragment", [False, True], ids=["page", "fragment"])
@pytest.mark.parametrize("helper", HELPERS, ids=lambda helper: helper.__name__)
def test_any_name_can_be_a_template_variable(app, probe, make_structure, helper, as_fragment):
    """Each helper is given, as template context, a value for each of its own parameter names
    (read from its signature, so a parameter added later is covered): they reach the template,
    and the HTTP status stays the helper's."""
    headers = {"HX-Request": "true"} if as_fragment else {}
    with app.test_request_context("/", method="POST", headers=headers):
        render_with, status = call(helper, make_structure)
        context = {name: f"valeur-{name}" for name in probe}
        response = render_with(**context)
        body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.status.split()[0] == str(status)  # the status line gunicorn writes
    assert body.startswith("fragment" if as_fragment else "page")
    for name in set(parameter_names(helper)) - SET_BY_THE_HELPER.get(helper, set()):
        assert f"[{name}=valeur-{name}]" in body


def test_form_page_is_200_on_get(app, probe):
    with app.test_request_context("/"):
        response = web.form_page("probe/page.html", None, status="en_cours", page="p")
    assert response.status_code == 200
    assert "[page=p]" in response.get_data(as_text=True)


# ----- the same rule for the views' own wrappers of the helpers ----------------------------------


def renderer_definitions() -> dict[tuple[str, str], ast.FunctionDef]:
    """Every function of the app that passes its **context on to a template, by (module,
    name): the helpers of core/web.py, then whatever forwards to them, transitively."""
    trees = {
        str(path.relative_to(ROOT)): ast.parse(path.read_text())
        for path in sorted((ROOT / "allervers").rglob("*.py"))
    }
    functions = {
        (module, node.name): node
        for module, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }
    renderers = {("allervers/core/web.py", helper.__name__) for helper in HELPERS}
    renderers.add(("flask", "render_template"))
    while True:
        found = {
            (module, node.name)
            for (module, _name), node in functions.items()
            if node.args.kwarg and forwards_kwargs(node, module, renderers)
        } - renderers
        if not found:
            return {key: functions[key] for key in renderers if key in functions}
        renderers |= found


def called_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else None


def resolve(module: str, name: str, renderers: set) -> tuple[str, str] | None:
    """A local function first, else one of the helpers (imported by name)."""
    for key in ((module, name), ("allervers/core/web.py", name), ("flask", name)):
        if key in renderers:
            return key
    return None


def forwards_kwargs(node: ast.FunctionDef, module: str, renderers: set) -> bool:
    kwarg = node.args.kwarg.arg
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and resolve(module, called_name(call) or "", renderers):
            for keyword in call.keywords:
                if keyword.arg is None and any(
                    isinstance(name, ast.Name) and name.id == kwarg
                    for name in ast.walk(keyword.value)
                ):
                    return True
    return False


def test_every_wrapper_of_the_helpers_has_positional_only_parameters():
    renderers = renderer_definitions()
    assert ("allervers/maps/views.py", "_editor") in renderers  # the search finds wrappers
    shadowable = [
        f"{module}::{name}({argument.arg})"
        for (module, name), node in renderers.items()
        for argument in [*node.args.args, *node.args.kwonlyargs]
    ]
    assert not shadowable


def test_no_call_gives_an_optional_parameter_by_name():
    """`render(page, fragment=…)` would now send `fragment` to the template, silently: the
    optional parameters of the helpers and their wrappers are always given by position."""
    renderers = renderer_definitions()
    optional = {
        key: {argument.arg for argument in node.args.posonlyargs[-len(node.args.defaults) :]}
        for key, node in renderers.items()
        if node.args.defaults
    }
    misused = []
    for path in sorted((ROOT / "allervers").rglob("*.py")):
        module = str(path.relative_to(ROOT))
        for call in ast.walk(ast.parse(path.read_text())):
            if not isinstance(call, ast.Call):
                continue
            key = resolve(module, called_name(call) or "", set(optional))
            named = {keyword.arg for keyword in call.keywords} & optional.get(key, set())
            if named:
                misused.append(f"{module}:{call.lineno} {sorted(named)}")
    assert not misused


# ----- the failure that showed it ----------------------------------------------------------------


@pytest.mark.parametrize("status", ACTION_STATUSES)
def test_every_status_tab_of_the_action_plan_answers(client_as, world, status):
    plans.create_action(world["stagiaire"], {"description": "Appeler la CAF", "status": status})
    client = client_as("stagiaire")
    for response in (client.get(f"/plan-d-action?statut={status}"),
                     fragment(client, f"/plan-d-action?statut={status}")):  # fmt: skip
        assert response.status == "200 OK"
        tabs = text(response).split('aria-label="Filtrer par statut"')[1].split("</nav>")[0]
        current = tabs.split('aria-current="page"')[0].rsplit("<a ", 1)[1]
        assert f"statut={status}" in current  # the template got its `status`
        assert "Appeler la CAF" in text(response)
