"""The strict Content-Security-Policy holds: nothing in our templates or scripts needs inline
code or styles, and every answer carries the policy and the other security headers."""

import json
import re
from pathlib import Path

import pytest

from allervers.core.security import CONTENT_SECURITY_POLICY
from tests.helpers import post_form, sign_in
from tests.test_pages import PAGES, PUBLIC_PAGES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
OUR_SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))  # static/vendor is not ours

# What the policy (script-src 'self', style-src 'self', no 'unsafe-eval') would block.
IN_TEMPLATES = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\bhx-on", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx attribute evaluating code": re.compile(r"hx-vars|hx-vals=[\"']\s*js:", re.IGNORECASE),
}
IN_SCRIPTS = {
    "eval": re.compile(r"\beval\s*\("),
    "new Function": re.compile(r"\bnew\s+Function\s*\("),
    "timer with a string": re.compile(r"set(?:Timeout|Interval)\s*\(\s*[\"'`]"),
    "HTML written as text": re.compile(
        r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|"
        r"document\.write"
    ),
    "style or handler attribute": re.compile(r"setAttribute\(\s*[\"'](?:style|on)", re.I),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def findings(paths: list[Path], patterns: dict) -> list[str]:
    """Each match as file:line kind; a tag written over several lines is read whole."""
    found = []
    for path in paths:
        content = path.read_text()
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for kind, pattern in patterns.items():
            for match in pattern.finditer(content):
                found.append(f"{name}:{content.count(chr(10), 0, match.start()) + 1} {kind}")
    return found


def test_the_files_are_found():
    assert len(TEMPLATES) > 50
    assert {path.name for path in OUR_SCRIPTS} >= {"app.js", "graph.js", "slides.js"}


def test_templates_need_no_inline_code_or_style():
    assert not findings(TEMPLATES, IN_TEMPLATES)


def test_our_scripts_need_no_eval_and_write_no_html():
    assert not findings(OUR_SCRIPTS, IN_SCRIPTS)


def test_the_checks_find_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<script>alert(1)</script>\n<p style="color: red">\n<style>p{}</style>\n'
        '<button hx-on:click="x()">\n<a\n  onclick="x()">\n<a href="javascript:x()">\n'
        "<div hx-vars=\"a:1\">\n<script src='/static/js/app.js'></script>\n"
    )
    assert len(findings([bad], IN_TEMPLATES)) == 7
    script = tmp_path / "bad.js"
    script.write_text('eval("1");\nnew Function("x");\nsetTimeout("x()", 1);\n'
                      'el.innerHTML = s;\nel.setAttribute("onclick", s);\n')  # fmt: skip
    assert len(findings([script], IN_SCRIPTS)) == 5


def test_htmx_is_configured_for_the_policy():
    base = (ROOT / "templates" / "_htmx_config.html").read_text()  # base.html includes it
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', base).group(1))
    assert config["includeIndicatorStyles"] is False  # its indicator style is in app.css
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert ".htmx-indicator" in (ROOT / "static" / "css" / "app.css").read_text()


def test_the_policy_is_strict():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def header_problems(response, where: str, stored: bool = False) -> list[str]:
    expected = {**HEADERS, "Cache-Control": None if stored else "no-store"}
    problems = [
        f"{where} : {name} = {response.headers.get(name)!r}"
        for name, value in expected.items()
        if value is not None and response.headers.get(name) != value
    ]
    if response.mimetype.startswith("text/") and response.mimetype_params.get("charset") != "utf-8":
        problems.append(f"{where} : Content-Type = {response.headers['Content-Type']!r}")
    return problems


@pytest.mark.parametrize("role", ["stagiaire", "formateur", "admin"])
def test_every_page_carries_the_security_headers(app, world, role):
    client = app.test_client()
    sign_in(client, world[role].email)
    problems = []
    for name, spec in sorted(PAGES.items()):
        if role in spec[1]:
            for headers in ({}, {"HX-Request": "true"}):
                problems += header_problems(client.get(spec[0](world), headers=headers), name)
    assert not problems, "\n".join(problems)


def test_other_answers_carry_them_too(app, client, world):
    answers = {path: client.get(path) for path in PUBLIC_PAGES.values()}
    answers["redirect to sign-in"] = client.get("/sessions")
    answers["static file"] = client.get("/static/js/app.js")
    answers["400 without token"] = client.post("/connexion", data={})
    sign_in(client, world["stagiaire"].email)
    answers["404"] = client.get("/nexiste-pas")
    answers["405"] = client.get("/deconnexion")  # a POST-only route
    answers["303 after an action"] = post_form(client, "/journal/nouvelle", {"text": "Note"},
                                               token_from="/")  # fmt: skip
    answers["413"] = post_form(client, "/journal/nouvelle", {"text": "x" * 3_000_000},
                               token_from="/")  # fmt: skip
    assert [answer.status_code for answer in answers.values()][-4:] == [404, 405, 303, 413]
    assert "Action impossible" in answers["405"].get_data(as_text=True)
    problems = [
        p
        for where, answer in answers.items()
        for p in header_problems(answer, where, stored=where == "static file")
    ]
    assert "no-store" not in answers["static file"].headers.get("Cache-Control", "")
    for answer in answers.values():
        answer.close()  # the static file is streamed from disk
    assert not problems, "\n".join(problems)
