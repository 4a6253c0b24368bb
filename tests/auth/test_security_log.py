"""The security log: what is recorded, who reads it, that nobody rewrites it, and its purge."""

import re
import sqlite3
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import delete, make_url, select, text, update
from sqlalchemy.exc import DBAPIError

from allervers.auth import security_log
from allervers.auth.models import SecurityEvent
from allervers.core.jobs import huey
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.helpers import TEST_PASSWORD, fragment, post_form, sign_in, visible_text

NEW_PASSWORD = "une toute nouvelle phrase"


def events(kind: str | None = None) -> list[SecurityEvent]:
    db.session.expire_all()
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query))


def only(kind: str) -> SecurityEvent:
    found = events(kind)
    assert len(found) == 1, [(e.kind, e.email, e.detail) for e in events()]
    return found[0]


def add_event(kind: str = "sign_in", *, age_days: float = 0, **fields) -> SecurityEvent:
    entry = security_log.record(kind, **fields)
    entry.created_at = utcnow() - timedelta(days=age_days)
    db.session.commit()
    return entry


# ----- what is recorded, through the real pages ----------------------------------------------


def test_a_sign_in_is_recorded_with_the_account_and_address(client, make_user):
    user = make_user()
    assert sign_in(client, user.email).status_code == 303
    entry = only("sign_in")
    assert (entry.user_id, entry.email, entry.address) == (user.id, user.email, "127.0.0.1")


def test_a_wrong_password_is_recorded_against_the_account(client, make_user):
    user = make_user()
    sign_in(client, user.email.upper(), "pas le bon")
    entry = only("sign_in_failed")
    assert (entry.user_id, entry.email) == (user.id, user.email)
    assert entry.detail == security_log.WRONG_PASSWORD
    assert "pas le bon" not in repr([e.__dict__ for e in events()])


def test_an_unknown_email_is_recorded_as_typed_without_an_account(app, client):
    sign_in(client, "Personne@Exemple.fr", "pas le bon")
    entry = only("sign_in_failed")
    assert (entry.user_id, entry.email) == (None, "personne@exemple.fr")
    longest = "a" * 243 + "@exemple.fr"  # 254 characters: the most the form takes
    sign_in(client, longest, "pas le bon")
    assert events("sign_in_failed")[-1].email == longest
    add_event("sign_in_failed", email="a" * 300)  # the column's size, whoever calls
    assert len(events("sign_in_failed")[-1].email) == security_log.EMAIL_LENGTH


def test_reaching_the_account_limit_is_one_lockout_then_refusals(app, client, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit + 2):
        sign_in(client, user.email, "pas le bon")
    assert only("lockout").user_id == user.id
    details = [e.detail for e in events("sign_in_failed")]
    assert details == [security_log.WRONG_PASSWORD] * limit + [security_log.REFUSED_BY_LIMITS] * 2


def test_joining_a_group_records_the_account_or_the_failure(client, world):
    page = "/rejoindre"
    data = {"code": "ORLAAA111", "name": "Dominique", "password": "une-phrase-de-passe"}
    data["confirm"] = data["password"]
    post_form(client, page, {**data, "email": "dominique@exemple.fr"}, token_from=page)
    created = only("account_created")
    assert (created.email, created.detail) == (
        "dominique@exemple.fr",
        "Inscription : Groupe 1 Orléans",
    )
    assert only("sign_in").user_id == created.user_id
    other = client.application.test_client()
    post_form(other, page, {**data, "email": world["stagiaire"].email}, token_from=page)
    assert only("sign_in_failed").user_id == world["stagiaire"].id


def test_a_disabled_account_signing_in_is_a_failure(client, make_user):
    user = make_user(is_enabled=False)
    sign_in(client, user.email)
    assert only("sign_in_failed").detail == security_log.DISABLED
    assert not events("sign_in")


def test_sign_out_and_password_change_are_recorded(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    response = post_form(
        client,
        "/compte/mot-de-passe",
        {"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        token_from="/compte/mot-de-passe",
    )
    assert response.status_code == 303
    assert only("password_changed").user_id == user.id
    post_form(client, "/deconnexion", token_from="/compte")
    entry = only("sign_out")
    assert (entry.user_id, entry.actor_id) == (user.id, user.id)


def test_a_wrong_confirmation_password_is_a_failure_and_can_lock(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        post_form(
            client,
            "/compte/mot-de-passe",
            {"current": "pas le bon", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            token_from="/compte/mot-de-passe",
        )
    assert not events("password_changed")
    failures = events("sign_in_failed")
    assert {(e.user_id, e.detail) for e in failures} == {(user.id, security_log.WRONG_CONFIRMATION)}
    assert only("lockout").user_id == user.id


def test_the_personal_data_download_is_recorded(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.get("/compte/donnees.json").status_code == 200
    assert only("personal_data_export").user_id == user.id


def test_the_download_holds_ones_own_entries_only(client, make_user):
    user, other = make_user(), make_user("admin")
    add_event("sign_in_failed", user=other)
    add_event("role_changed", user=user, actor=other)
    sign_in(client, user.email)
    entries = client.get("/compte/donnees.json").json["security_events"]
    assert [e["kind"] for e in entries] == ["role_changed", "sign_in"]
    assert "actor_id" not in entries[0]


def test_an_administrators_account_changes_are_recorded(client, make_user):
    admin = make_user("admin")
    sign_in(client, admin.email)
    created = post_form(
        client,
        "/admin/utilisateurs/nouveau",
        {
            "email": "nouvelle@exemple.fr",
            "password": "une phrase de passe",
            "role": "stagiaire",
            "name": "Nouvelle",
            "structure_id": "",
        },
        token_from="/admin/utilisateurs/nouveau",
    )
    assert created.status_code == 303
    entry = only("account_created")
    assert (entry.email, entry.actor_id) == ("nouvelle@exemple.fr", admin.id)
    path = f"/admin/utilisateurs/{entry.user_id}"
    post_form(client, path, {"name": "Nouvelle", "role": "formateur"}, token_from=path)
    assert only("role_changed").detail == "Stagiaire → Formateur"
    post_form(client, path, {"name": "Nouveau nom", "role": "formateur"}, token_from=path)
    assert len(events("role_changed")) == 1  # same role: no entry
    post_form(client, f"{path}/desactiver", token_from=path)
    post_form(client, f"{path}/reactiver", token_from=path)
    for kind in ("account_disabled", "account_enabled"):
        assert (only(kind).user_id, only(kind).actor_id) == (entry.user_id, admin.id)


def test_deleting_an_account_keeps_its_entries_with_the_email(client, make_user):
    admin, user = make_user("admin"), make_user()
    email = user.email
    sign_in(client, email)
    client.get("/compte/donnees.json")
    other = client.application.test_client()
    sign_in(other, admin.email)
    path = f"/admin/utilisateurs/{user.id}/supprimer"
    response = post_form(other, path, {"password": TEST_PASSWORD}, token_from=path)
    assert response.status_code == 303
    mine = [e for e in events() if e.email == email]
    assert [e.kind for e in mine] == ["sign_in", "personal_data_export", "account_deleted"]
    assert all(e.user_id is None for e in mine)
    assert only("account_deleted").actor_id == admin.id


def test_deleting_ones_own_account_clears_the_actor_too(client, make_user):
    user = make_user()
    email = user.email
    sign_in(client, email)
    response = post_form(
        client, "/compte/supprimer", {"password": TEST_PASSWORD}, token_from="/compte/supprimer"
    )
    assert response.status_code == 303
    entry = only("account_deleted")
    assert (entry.email, entry.user_id, entry.actor_id) == (email, None, None)


@pytest.mark.parametrize(("action", "kind"), [("valider", "approved"), ("refuser", "refused")])
def test_referent_decisions_are_recorded(
    client, make_user, make_structure, make_attachment, action, kind
):
    admin, structure = make_user("admin"), make_structure()
    referent = make_user("referent", structure_id=structure.id)
    attachment = make_attachment(referent, structure, status="requested")
    sign_in(client, admin.email)
    page = "/annuaire/demandes-referents"
    post_form(client, f"{page}/{attachment.id}/{action}", token_from=page)
    entry = only(f"referent_{kind}")
    assert (entry.user_id, entry.actor_id, entry.detail) == (referent.id, admin.id, structure.name)


def test_an_administrator_naming_a_referent_approves_at_once(client, make_user, make_structure):
    admin, structure, user = make_user("admin"), make_structure(), make_user()
    sign_in(client, admin.email)
    path = f"/admin/utilisateurs/{user.id}"
    data = {"name": user.name, "role": "referent", "structure_id": str(structure.id)}
    assert post_form(client, path, data, token_from=path).status_code == 303
    entry = only("referent_approved")
    assert (entry.user_id, entry.actor_id, entry.detail) == (user.id, admin.id, structure.name)
    assert only("role_changed").detail == "Stagiaire → Référent de structure"


def test_every_kind_has_a_french_label_and_unknown_kinds_are_refused(app):
    assert all(label and label[0].isupper() for label in security_log.KINDS.values())
    with pytest.raises(ValueError, match="Unknown"):
        security_log.record("nimporte_quoi")


# ----- the administrators' page --------------------------------------------------------------


@pytest.mark.parametrize("who", ["stagiaire", "formateur", "referent"])
def test_only_administrators_see_the_log(client_as, who):
    assert client_as(who).get("/admin/journal").status_code == 404


def test_the_log_lists_newest_first_with_labels(client_as, world):
    add_event("sign_in_failed", email="ancien@exemple.fr", age_days=2)
    add_event("password_changed", user=world["stagiaire"], age_days=1)
    response = client_as("admin").get("/admin/journal")
    assert "<h1>Journal de sécurité</h1>" in response.text
    page = visible_text(response).split("Détail", 1)[1]  # the table, after its header
    newest = page.index(world["admin"].email)  # the admin's own sign-in, just now
    assert newest < page.index("Mot de passe changé") < page.index("Échec de connexion")


def test_the_filters_narrow_the_list_and_stay_in_the_url(client_as, world):
    admin = client_as("admin")
    add_event("sign_in_failed", email="cible@exemple.fr", address="192.168.1.7", age_days=3)
    add_event("sign_in_failed", email="autre@exemple.fr", address="10.0.0.9", age_days=3)
    add_event("lockout", email="cible@exemple.fr", address="10.0.0.9", age_days=40)

    def emails(query: str) -> list[str]:
        page = visible_text(fragment(admin, f"/admin/journal?{query}"))
        return [e for e in ("cible@", "autre@") if e in page] + (
            ["bloqué"] if "Compte bloqué" in page else []
        )

    assert emails("type=sign_in_failed&compte=CIBLE") == ["cible@"]
    assert emails("adresse=10.0.0.") == ["cible@", "autre@", "bloqué"]
    day = (utcnow() - timedelta(days=40)).date().isoformat()
    assert emails(f"du={day}&au={day}") == ["cible@", "bloqué"]
    assert emails("compte=%25") == []  # a % typed is a character, not a wildcard
    full = admin.get("/admin/journal?type=lockout&du=pas-une-date")
    assert full.status_code == 200
    assert '<option value="lockout" selected>' in full.get_data(as_text=True)


def test_a_users_page_links_to_their_entries(client_as, world):
    admin, email = client_as("admin"), world["stagiaire"].email
    add_event("password_changed", user=world["stagiaire"])
    page = admin.get(f"/admin/utilisateurs/{world['stagiaire'].id}").text
    link = re.search(r'href="(/admin/journal\?compte=[^"]+)"', page).group(1)
    assert unquote(link) == f"/admin/journal?compte={email}"
    entries = visible_text(admin.get(link)).split("Détail", 1)[1]
    assert "Mot de passe changé" in entries
    assert world["admin"].email not in entries


def test_a_typed_email_is_shown_escaped(client, client_as, world):
    sign_in(client, '<script>alert("x")</script>@exemple.fr', "pas le bon")
    body = client_as("admin").get("/admin/journal").get_data(as_text=True)
    assert "&lt;script&gt;alert" in body
    assert "<script>alert" not in body


def test_the_results_are_a_fragment_for_htmx_and_paginated(app, client_as, world):
    for number in range(app.config["PER_PAGE"] + 1):
        add_event("sign_in_failed", email=f"x{number}@exemple.fr", age_days=1)
    admin = client_as("admin")
    body = fragment(admin, "/admin/journal?type=sign_in_failed").get_data(as_text=True)
    assert "<h1>" not in body
    assert "Page 1 sur 2" in body
    assert "x0@exemple.fr" in fragment(admin, "/admin/journal?type=sign_in_failed&page=2").text


# ----- append-only ---------------------------------------------------------------------------


def test_the_database_refuses_to_rewrite_or_delete_an_entry(app, make_user):
    entry = add_event("sign_in_failed", email="x@exemple.fr")
    user = make_user()
    for statement in (
        "UPDATE security_events SET detail = 'effacé'",
        "UPDATE security_events SET email = NULL",
        f"UPDATE security_events SET user_id = {user.id}",
        "DELETE FROM security_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert only("sign_in_failed").detail == entry.detail


def test_the_database_lets_a_deleted_account_be_unlinked_only(app, make_user):
    user = make_user()
    add_event("sign_in", user=user, actor=user)
    db.session.execute(text("UPDATE security_events SET user_id = NULL, actor_id = NULL"))
    db.session.commit()
    assert only("sign_in").email == user.email


def test_another_sqlite_client_cannot_delete_entries(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite only: on PostgreSQL, a DELETE without the setting is refused above")
    add_event()
    connection = sqlite3.connect(url.database)
    try:
        with pytest.raises(sqlite3.OperationalError, match="allervers_purging"):
            connection.execute("DELETE FROM security_events")
    finally:
        connection.close()
    assert len(events()) == 1


def test_the_orm_refuses_to_change_or_delete_an_entry(app):
    entry = add_event()
    entry.detail = "réécrit"
    with pytest.raises(security_log.AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(SecurityEvent, entry.id))
    with pytest.raises(security_log.AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    for statement in (delete(SecurityEvent), update(SecurityEvent).values(detail="x")):
        with pytest.raises(security_log.AppendOnlyError):
            db.session.execute(statement)
        db.session.rollback()
    assert len(events()) == 1


# ----- retention and purge -------------------------------------------------------------------


def test_the_purge_deletes_entries_older_than_the_retention(app):
    add_event("sign_in_failed", email="vieux@exemple.fr", age_days=366)
    add_event("sign_in_failed", email="recent@exemple.fr", age_days=364)
    assert security_log.purge() == 1
    assert [e.email for e in events()] == ["recent@exemple.fr"]


def test_the_retention_is_a_setting(app):
    app.config["SECURITY_LOG_RETENTION_DAYS"] = 30
    add_event(age_days=31)
    add_event(age_days=29)
    assert security_log.purge() == 1


def test_the_purge_command(app):
    add_event(age_days=400)
    result = app.test_cli_runner().invoke(args=["purge-security-log"])
    assert result.exit_code == 0, result.output
    assert "1 entrée de plus de 365 jours supprimée" in result.output
    assert not events()


def test_the_purge_runs_every_night_in_the_worker(app):
    import allervers.worker  # noqa: F401  (the consumer's module: registers the tasks)
    from allervers.auth.tasks import purge_security_log

    night = datetime(2026, 12, 8, 3, 17)
    assert purge_security_log.task_class in {type(t) for t in huey.read_periodic(night)}
    assert not huey.read_periodic(night.replace(hour=12))
    add_event(age_days=400)
    purge_security_log.call_local()
    assert not events()
