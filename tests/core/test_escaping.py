"""Every text users type is rendered inert: HTML escaped, JSON and XML as data.

The sweep writes hostile payloads into every user text column of every table (found from the
models, so a new column is covered), then opens every page of tests/test_pages.py as each role
that may see it, as a full page and as an htmx fragment. A second sweep sends the payloads in
every query parameter the views read, and a third posts them in every form of
tests/test_actions.py: validation messages and flashed messages echo what was typed.
"""

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import JSON, String, Text, update

from allervers.analysis import cache
from allervers.analysis import services as analysis
from allervers.auth import security_log
from allervers.core.tabular import XLSX_MIMETYPE as XLSX
from allervers.extensions import db
from allervers.followup import assessment, plans
from allervers.initiatives import techniques
from allervers.initiatives.services import DRAFT_FIELDS
from tests.helpers import csrf_token, sign_in
from tests.test_actions import ACTIONS, Scene, form
from tests.test_pages import PAGES, PUBLIC_PAGES

PAYLOAD = "<script>alert(1)</script>\" onmouseover=\"alert(1)' onmouseover='alert(1)"
SHORT = "\"'><script>alert(1)</script>"  # for columns too short for the whole payload
WEBSITE = "javascript:alert(1)//" + PAYLOAD
# Once lower-cased, none of these may appear in an HTML answer.
LIVE = ("<script>alert(1)", '" onmouseover=', "' onmouseover=", 'href="javascript:')

# Columns that hold codes, secrets or derived values, not text a person typed.
NOT_TEXT = {
    "analysis_results": {"key", "version", "pending_version"},
    "rate_counters": {"key"},
    "user_sessions": {"token_hash", "address"},
    "users": {"email", "password_hash", "role"},  # the e-mail is the sign-in identifier
    # di_source and di_id: a data·inclusion record's identifiers, unique together
    "structures": {"typology", "sector", "search_text", "di_source", "di_id"},
    "structure_publics": {"public_code"},
    "technique_notes": {"code"},
    "invitation_codes": {"code"},
    "memberships": {"role"},
    "initiatives": {"status", "visibility", "search_text"},
    "initiative_publics": {"public_code"},
    "initiative_techniques": {"technique_code"},
    "effects": {"dimension", "indicator_code"},
    "actions": {"status"},
    "cooperation_links": {"status", "direction", "frequency", "feasibility"},
    "map_entries": {"position"},
    "second_factors": {"secret_encrypted"},
    "recovery_codes": {"code_hash"},
    "password_resets": {"token_digest"},
    "site_settings": {"key", "value"},
    "security_events": {"kind"},
}
# Append-only: its texts (an e-mail as typed at sign-in, a detail) come as a new entry.
APPEND_ONLY = {"security_events"}
# Free text kept in JSON columns; the others hold codes, positions or computed results.
JSON_TEXT = {
    ("structures", "thematiques"): [PAYLOAD],
    ("training_sessions", "objectives"): [PAYLOAD, SHORT],
    ("initiatives", "draft"): dict.fromkeys(DRAFT_FIELDS, PAYLOAD),
}


def hostile_value(table: str, column):
    if isinstance(column.type, JSON):
        return JSON_TEXT.get((table, column.name))
    if not isinstance(column.type, String | Text) or column.name in NOT_TEXT.get(table, ()):
        return None
    if (table, column.name) == ("structures", "website"):
        return WEBSITE
    length = getattr(column.type, "length", None)
    if length is None or length >= len(PAYLOAD):
        return PAYLOAD
    # shorter columns hold postal codes, SIRET, moments…: their forms accept no free text
    return SHORT[:length] if length >= len(SHORT) else None


def poison() -> set[str]:
    """Every user text of every row becomes a payload; returns the columns written."""
    written = set()
    for table in db.metadata.sorted_tables:
        values = {}
        for column in table.columns:
            value = hostile_value(table.name, column)
            if value is not None:
                values[column.name] = value
                written.add(f"{table.name}.{column.name}")
        if values and table.name in APPEND_ONLY:
            security_log.record("sign_in_failed", **values)
        elif values:
            db.session.execute(update(table).values(**values))
    db.session.commit()
    cache.forget_parsed()
    return written


def every_record_kind(world) -> None:
    """Records of every kind the pages show, besides those the page builders make."""
    scene = Scene(world)
    scene.effect()
    scene.partner()
    presentation = scene.presentation()
    presentation.items[0].notes = "Notes de l'orateur"
    plans.create_note(world["stagiaire"], {"text": "Partagée", "shared_with_trainers": True})
    action = scene.action()
    action.who, action.review_note = "La CESF", "Bilan"
    world["link"].obstacles = "Obstacles"
    world["entry"].note = "Note"
    world["structure"].acronym = "CCAS"
    techniques.save_note("maraude", {"description": "d", "conditions": "c", "vigilance": "v"},
                         world["formateur"], None)  # fmt: skip
    ratings = {s.id: 3 for s in assessment.statements_of(world["session"])}
    assessment.save_answers(world["group"], world["stagiaire"], "debut", ratings, "Commentaire")
    db.session.commit()


def live_payloads(body: str) -> list[str]:
    lowered = body.lower()
    return [pattern for pattern in LIVE if pattern in lowered]


def contains_payload(data) -> bool:
    if isinstance(data, str):
        return "<script>alert(1)" in data or "\"'><script>" in data
    if isinstance(data, dict):
        return any(contains_payload(v) for v in [*data.keys(), *data.values()])
    if isinstance(data, list):
        return any(contains_payload(v) for v in data)
    return False


def check(response, where: str) -> str | None:
    """The problem with an answer, or None: HTML escaped, JSON and XML well-formed data."""
    if response.status_code >= 500:
        return f"{where} : erreur {response.status_code}"
    if response.mimetype == XLSX:
        return None  # a workbook (its texts written as text: tests/core/test_tabular_pages.py)
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        json.loads(body)
        return None
    if response.mimetype.endswith("xml"):
        ET.fromstring(response.get_data())
        return None
    if response.mimetype == "text/csv":
        return None  # data for a spreadsheet (formulas: tests/core/test_spreadsheet.py)
    live = live_payloads(body)
    return f"{where} : {live}" if live else None


def signed_in(app, world, role: str):
    client = app.test_client()
    if role != "anonyme":
        sign_in(client, world[role].email)
    return client


SIGNED_IN_ROLES = ("stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre",
                   "admin")  # fmt: skip


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_stored_payloads_are_inert_on_every_page(app, world, role):
    every_record_kind(world)
    paths = {name: spec[0](world) for name, spec in PAGES.items() if role in spec[1]}
    written = poison()
    assert {"structures.name", "initiatives.title", "journal_notes.text"} <= written
    analysis.take_snapshot(world["map"], PAYLOAD, world["stagiaire"])
    client = signed_in(app, world, role)
    problems, shown = [], set()
    for name, path in sorted(paths.items()):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            problems.append(check(response, f"{name} {path} {headers}"))
            if response.mimetype == XLSX:
                continue
            body = response.get_data(as_text=True)
            if "&lt;script&gt;alert(1)" in body or contains_payload(_data(response)):
                shown.add(name)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    # the payloads did reach the pages: the record pages show them, escaped
    records = {"directory.show_structure", "maps.show_map", "initiatives.list_initiatives"}
    assert records & set(paths) <= shown, records - shown


def _data(response):
    if response.mimetype == "application/json":
        return response.get_json()
    return None


def test_stored_payloads_in_exports_are_well_formed(app, world):
    every_record_kind(world)
    poison()
    client = signed_in(app, world, "formateur")
    client.get(f"/groupes/{world['group'].id}/analyse")  # computes the group's aggregate
    group = f"/agregats/groupe/{world['group'].id}"
    files = [f"{group}/{name}" for name in ("analyse.json", "graphe.gexf", "graphe.graphml")]
    files += [f"/cartes/{world['map'].id}/{name}" for name in ("graphe.gexf", "analyse.json")]
    for path in files:
        response = client.get(path)
        assert response.status_code == 200, path
        if response.mimetype == "application/json":
            assert contains_payload(response.get_json()), path
        else:
            root = ET.fromstring(response.get_data())
            labels = [value for element in root.iter() for value in element.attrib.values()]
            labels += [element.text or "" for element in root.iter()]
            assert any(PAYLOAD in label for label in labels), path


# ----- reflected: payloads in the query string and in posted forms ----------------------------

QUERY_PARAMETERS = ("q", "technique", "public", "secteur", "departement", "commune", "tri",
                    "vue", "avant", "apres", "role", "statut", "groupe", "partenaire", "next",
                    "code", "carte", "structure_id", "absorber", "typologie", "page")  # fmt: skip


def with_payloads(path: str) -> str:
    parts = urlsplit(path)
    query = urlencode(dict.fromkeys(QUERY_PARAMETERS, PAYLOAD))
    return f"{parts.path}?{query}"


def test_payloads_in_the_query_string_are_inert(app, world):
    clients = {}
    problems = []
    pages = [(name, spec[0](world), sorted(spec[1])[-1]) for name, spec in sorted(PAGES.items())]
    pages += [(name, path, "anonyme") for name, path in PUBLIC_PAGES.items()]
    for name, path, role in pages:
        client = clients.get(role) or clients.setdefault(role, signed_in(app, world, role))
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(with_payloads(path), headers=headers)
            problems.append(check(response, f"{name} {headers}"))
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)


FREE_TEXTS = {"name", "title", "text", "description", "label", "notes", "note", "comment",
              "summary", "role", "who", "city", "audience", "lines", "territory", "job_title",
              "conditions", "vigilance", "objectives"}  # fmt: skip
# also codes, numbers and dates: the forms refuse them, some saying what was typed
EVERY_FIELD = FREE_TEXTS | {"email", "commune", "typology", "status", "level", "dimension",
                            "indicator_code", "value", "influence", "positions", "token",
                            "absorber", "observed_on", "target_level", "sectors", "module",
                            "duration_days", "duration_hours", "postal_code", "objective",
                            "opens_on", "closes_on", "direction"}  # fmt: skip


@pytest.mark.parametrize("mode", ["texts", "everything"])
def test_payloads_posted_in_every_form_are_inert(app, world, mode):
    """'texts': free texts only, so most forms save and flash them; 'everything': codes too,
    so forms refuse them and echo them in their error messages."""
    scene = Scene(world)
    clients, problems, echoed, with_text = {}, [], set(), set()
    for name, action in sorted(ACTIONS.items()):
        if name in ("auth.logout", "auth.change_password"):
            continue  # nothing echoed; and the client must stay signed in
        role = sorted(action.allowed)[-1]
        if role not in clients:
            client = signed_in(app, world, role)
            clients[role] = (client, csrf_token(client, "/"))
        client, token = clients[role]
        path, data = action.build(scene, role)
        keys = EVERY_FIELD if mode == "everything" else FREE_TEXTS
        hostile = {key: PAYLOAD for key in data if key in keys}
        if hostile.keys() & FREE_TEXTS and name != "initiatives.save_draft":  # answers a time
            with_text.add(name)
        response = client.post(path, data=form({**data, **hostile}, token))
        problems.append(check(response, f"{name} (réponse)"))
        if response.status_code == 303:
            response = client.get(response.headers["Location"])  # the flashed message
            problems.append(check(response, f"{name} (page suivante)"))
        if "&lt;script&gt;alert(1)" in response.get_data(as_text=True):
            echoed.add(name)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    assert with_text <= echoed, f"saisie jamais réaffichée : {sorted(with_text - echoed)}"
