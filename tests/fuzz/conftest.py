"""The fuzz world: the `world` of tests/conftest.py plus one record of every kind a POST route
touches (live and deleted, the trainee's and someone else's), as plain ids."""

from datetime import date, timedelta

import pytest
from sqlalchemy import bindparam, event, select, text, update

from allervers import create_app
from allervers.analysis import dismissals
from allervers.auth import recovery
from allervers.auth import services as accounts
from allervers.auth.models import PasswordReset
from allervers.core.timeutil import utcnow
from allervers.directory import importer, referents
from allervers.directory import services as directory
from allervers.extensions import db
from allervers.followup import assessment, plans
from allervers.history.models import HistoryEvent
from allervers.initiatives import presentations
from allervers.initiatives import services as initiatives
from allervers.maps import services as maps
from tests.conftest import TEMPLATE_CACHE, IsolatedClient, _empty_tables, config_for_tests
from tests.helpers import TEST_PASSWORD
from tests.initiatives.conftest import make_effect, make_initiative  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def fuzz_app(database_url):
    """One app for the whole fuzz package: some 150 tests, and making an app takes longer
    than most of them. Each test still gets its own app context and empty tables (`app`)."""
    app = create_app(config_for_tests(database_url))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # Durability is not what these tests are about, and they commit a lot.
            event.listen(db.engine, "connect", _no_sync)
    yield app
    with app.app_context():
        db.engine.dispose()


def _no_sync(connection, _record) -> None:
    connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def app(fuzz_app):
    """Overrides tests/conftest.py's `app` in this package: the shared app, emptied after."""
    with fuzz_app.app_context():
        yield fuzz_app
        _empty_tables()
        db.session.remove()


# The world is built once per run through the usual fixtures; every later test gets the same
# rows back in milliseconds (building takes a second, and there are some 150 fuzz tests).
SAVED: dict = {}


@pytest.fixture
def fuzz_world(request, app):
    """{"ids": the records the routes act on, "others": the same kinds, someone else's,
    "world": the `world` fixture's records}."""
    if SAVED:
        _restore(SAVED["rows"])
    else:
        SAVED.update(_build(request.getfixturevalue))
        SAVED["rows"] = _dump()
    world = {key: db.session.get(model, ident) for key, (model, ident) in SAVED["refs"].items()}
    return {"ids": SAVED["ids"], "others": SAVED["others"], "world": world}


def _reset_token(world) -> str:
    """An open reset link for the trainee, as an admin issues it (auth/recovery.py)."""
    token, now = "jeton-de-fuzz-" + "x" * 30, utcnow()
    db.session.add(
        PasswordReset(
            user_id=world["stagiaire"].id,
            token_digest=recovery.digest(token),
            created_at=now,
            expires_at=now + timedelta(hours=24),
            issued_by_id=world["admin"].id,
        )
    )
    return token


def _build(fixture) -> dict:
    world, make_structure = fixture("world"), fixture("make_structure")
    new_initiative, new_effect = fixture("make_initiative"), fixture("make_effect")
    ids = {
        "map": world["map"].id,
        "group_map": world["group_map"].id,
        "entry": world["entry"].id,
        "link": world["link"].id,
        "structure": world["structure"].id,
        "partner": world["partner"].id,
        "session": world["session"].id,
        "group": world["group"].id,
        "stagiaire": world["stagiaire"].id,
        "formateur": world["formateur"].id,
        "formateur_autre": world["formateur_autre"].id,
        "email": world["stagiaire"].email,
        "moment": "debut",
        "technique": "maraude",
    }
    ids.update(_map_records(world, make_structure))
    ids.update(_directory_records(world, make_structure))
    ids.update(_initiative_records(world, new_initiative, new_effect))
    ids.update(_followup_records(world, ids))
    ids["import_tokens"] = _import_tokens()
    ids["reset_token"] = _reset_token(world)
    others = _other_records(world, new_initiative)
    ids.update({f"other_{key}": ident for key, ident in others.items()})  # for form fields
    db.session.commit()
    refs = {key: (type(record), record.id) for key, record in world.items()}
    return {"ids": ids, "others": others, "refs": refs}


def _dump() -> dict[str, list[dict]]:
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
            for table in db.metadata.sorted_tables
        }


def _restore(saved: dict[str, list[dict]]) -> None:
    """Insert the saved rows, their nullable references left out at first (structures and
    users point at each other), then set those; PostgreSQL's sequences move past the ids."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            late = _nullable_references(table)
            rows = [{**row, **dict.fromkeys(late)} for row in saved[table.name]]
            if rows:
                connection.execute(table.insert(), rows)
        for table in db.metadata.sorted_tables:
            _set_references(connection, table, saved[table.name])
        if connection.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and saved[table.name]:
                    connection.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                        {"t": table.name, "n": max(row["id"] for row in saved[table.name])},
                    )


def _nullable_references(table) -> list[str]:
    """The nullable references to a table inserted at the same time or later (structures and
    users point at each other): set after every insert. The others go in with their row, which
    the append-only security log requires (its rows may not be updated)."""
    order = {other.name: rank for rank, other in enumerate(db.metadata.sorted_tables)}
    return [
        column.name
        for column in table.columns
        if column.nullable
        and any(order[key.column.table.name] >= order[table.name] for key in column.foreign_keys)
    ]


def _set_references(connection, table, rows: list[dict]) -> None:
    late = _nullable_references(table)
    keys = [column.name for column in table.primary_key]
    if not late or not rows:
        return
    statement = (
        update(table)
        .where(*(table.c[key] == bindparam(f"pk_{key}") for key in keys))
        .values({name: bindparam(f"v_{name}") for name in late})
    )
    connection.execute(
        statement,
        [{**{f"pk_{k}": row[k] for k in keys}, **{f"v_{n}": row[n] for n in late}} for row in rows],
    )


def _map_records(world, make_structure) -> dict:
    """A structure and a link removed from the trainee's map (the structure then dismissed
    from its suggestions), and a removed map."""
    own = world["map"]
    gone = make_structure(name="Mission locale", commune="Orléans", typology="ML")
    entry = maps.add_entry(own, gone, {"influence": 2})
    link, _created = maps.save_link(own, world["structure"].id, gone.id, {"level": 1})
    maps.remove_link(link)
    maps.remove_entry(entry)
    dismissals.dismiss(own, gone, world["stagiaire"])  # no longer suggested, until restored
    removed = maps.create_map(world["stagiaire"], "Ancienne carte", "Tours", None)
    maps.remove_map(removed)
    kept = world["link"]
    for note in ("Appeler le 06 12 34 56 78", "Corrigée"):  # an old value to erase
        maps.save_link(own, kept.source_id, kept.target_id, {"level": 2, "note": note})
    corrected = select(HistoryEvent.id).where(HistoryEvent.kind == "link")
    return {
        "history_event": db.session.scalars(corrected.order_by(HistoryEvent.id)).all()[-1],
        "deleted_entry": entry.id,
        "deleted_link": link.id,
        "deleted_map": removed.id,
        "dismissed_structure": gone.id,
        "map_slug": "carte",  # the trash's name for maps, in /corbeille/<slug>/<id>/restaurer
    }


def _directory_records(world, make_structure) -> dict:
    """A deleted structure, a merge the admin may undo, a référent's pending request."""
    deleted = make_structure(name="Épicerie solidaire", commune="Blois", typology="ASSO")
    directory.delete_structure(deleted)
    kept = make_structure(name="CIAS du Giennois", commune="Gien", typology="CIAS")
    twin = make_structure(name="CIAS Giennois", commune="Gien", typology="CIAS")
    merge = directory.merge_structures(directory.plan_merge(kept, twin), world["admin"])
    applicant = accounts.create_user(
        "demandeuse@exemple.fr", TEST_PASSWORD, "referent", "Demandeuse", structure_id=None
    )
    applicant.structure_id = world["structure"].id
    request = referents.request_attachment(applicant)
    return {
        "deleted_structure": deleted.id,
        "merge": merge.id,
        "merge_kept": kept.id,
        "referent_request": request.id,
    }


def _initiative_records(world, new_initiative, new_effect) -> dict:
    """The trainee's initiative in the shared base, with effects and a partner; a presentation."""
    initiative = new_initiative(visibility="base", consent=True)
    effect = new_effect(initiative)
    removed_effect = new_effect(initiative, value=3.0)
    initiatives.remove_effect(removed_effect)
    initiatives.add_partner(initiative, world["partner"], "Tient la permanence avec nous.")
    partner = initiative.partners[0]
    removed = new_initiative(title="Ancienne maraude")
    initiatives.remove_initiative(removed)
    presentation = presentations.create_presentation(
        world["formateur"], "Trois cas pour la séance 2", world["group"]
    )
    presentations.add_item(presentation, initiative)
    removed_presentation = presentations.create_presentation(
        world["formateur"], "Séance annulée", world["group"]
    )
    presentations.remove_presentation(removed_presentation)
    return {
        "initiative": initiative.id,
        "effect": effect.id,
        "deleted_effect": removed_effect.id,
        "initiative_partner": partner.id,
        "deleted_initiative": removed.id,
        "presentation": presentation.id,
        "item": presentation.items[0].id,
        "deleted_presentation": removed_presentation.id,
    }


def _followup_records(world, ids: dict) -> dict:
    action_fields = {"structure_id": ids["partner"], "target_level": 4, "map_id": ids["map"]}
    action = plans.create_action(
        world["stagiaire"],
        {**action_fields, "description": "Rencontrer la CAF", "status": "prevue"},
    )
    removed_action = plans.create_action(
        world["stagiaire"], {**action_fields, "description": "Appeler", "status": "prevue"}
    )
    plans.remove_action(removed_action)
    note = plans.create_note(world["stagiaire"], {"text": "Première maraude avec la CAF."})
    removed_note = plans.create_note(world["stagiaire"], {"text": "Note supprimée."})
    plans.remove_note(removed_note)
    statements = assessment.statements_of(world["session"])
    assessment.remove_statement(statements[-1])
    assessment.save_window(world["group"], "debut", date(2020, 1, 1), date(2100, 1, 1))
    return {
        "live_statements": [statement.id for statement in statements[:-1]],
        "action": action.id,
        "deleted_action": removed_action.id,
        "note": note.id,
        "deleted_note": removed_note.id,
        "statement": statements[0].id,
        "deleted_statement": statements[-1].id,
    }


def _import_tokens() -> list[str]:
    """Signed previews of a valid and a broken directory import, as the preview page gives."""
    good = "nom;commune;typologie\nRestos du cœur;Orléans;ASSO\n"
    bad = "nom;commune\n" + "x" * 300 + ";\x00\n"
    return [importer.token_for(good), importer.token_for(bad), "jeton-invalide"]


def _other_records(world, new_initiative) -> dict:
    """Records of the other group's people: every route must answer 404 on them."""
    other = world["stagiaire_autre"]
    other_map = maps.create_map(other, "Carte de Tours", "Tours", None)
    private = new_initiative(author=other, title="Maraude à Tours", structure_id=None)
    note = plans.create_note(other, {"text": "Note de Tours."})
    action = plans.create_action(
        other, {"description": "Voir le CCAS", "status": "prevue", "target_level": 2}
    )
    presentation = presentations.create_presentation(
        world["formateur_autre"], "Séance de Tours", world["other_group"]
    )
    return {
        "map": other_map.id,
        "group_map": maps.group_map(world["other_group"]).id,
        "initiative": private.id,
        "note": note.id,
        "action": action.id,
        "presentation": presentation.id,
        "group": world["other_group"].id,
        "stagiaire": other.id,
    }
