"""`flask backup` then `flask restore`: every row of every table comes back identical.

On PostgreSQL (TEST_DATABASE_URL) this runs the real pg_dump and pg_restore against the
session's test database; the restore brings back the dumped state, migrations included.
"""

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from allervers.auth import erasure
from allervers.auth.models import User
from allervers.core import backup
from allervers.directory.services import build_structure
from allervers.extensions import db
from allervers.initiatives.models import Initiative
from tests.auth.records import SHARED_TITLE, fill_every_table
from tests.helpers import sign_in, visible_text


def every_row() -> dict[str, list]:
    """Each table of the database (migrations' own and full-text tables included), its rows
    in a stable order."""
    db.session.remove()
    with db.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def change_everything(trainee_id: int) -> None:
    erasure.delete_account(db.session.get(User, trainee_id))
    db.session.add(build_structure(name="Mission locale de l'Orléanais", commune="Orléans"))
    db.session.execute(text("UPDATE initiatives SET title = 'Titre changé après la sauvegarde'"))
    db.session.commit()


def test_restore_brings_back_every_record(app, world, tmp_path):
    fill_every_table(world)
    trainee_id = world["stagiaire"].id
    empty = [
        table.name
        for table in db.metadata.sorted_tables
        if db.session.scalar(select(func.count()).select_from(table)) == 0
    ]
    assert empty == []
    before = every_row()
    path = tmp_path / "sauvegarde.bak"
    result = run(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert f"Sauvegarde écrite : {path}" in result.output
    change_everything(trainee_id)
    changed = every_row()
    assert changed != before

    refused = run(app, "restore", str(path))
    assert refused.exit_code == 1
    assert "Tout le contenu actuel de la base sera remplacé" in refused.output
    assert "relancez avec --yes" in refused.output
    assert every_row() == changed

    result = run(app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert every_row() == before


def test_the_restored_database_works(app, world, tmp_path):
    fill_every_table(world)
    email, path = world["stagiaire"].email, tmp_path / "sauvegarde.bak"
    trainee_id = world["stagiaire"].id
    assert run(app, "backup", str(path)).exit_code == 0
    change_everything(trainee_id)
    assert run(app, "restore", str(path), "--yes").exit_code == 0
    client = app.test_client()
    assert sign_in(client, email).status_code == 303
    found = client.get("/initiatives?q=marche+source")
    assert SHARED_TITLE in visible_text(found)  # the full-text index came back with its rows
    db.session.add(build_structure(name="Centre social de la Source", commune="Orléans"))
    db.session.commit()  # the sequences came back too: a new row gets a free id
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 4


def test_backup_without_a_path_writes_a_dated_file_in_the_instance_folder(app, world, tmp_path):
    app.instance_path = str(tmp_path)
    result = run(app, "backup")
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("allervers-")
    assert written.suffix == (".db" if db.engine.dialect.name == "sqlite" else ".dump")
    assert not list((tmp_path / "backups").glob("*.partiel"))


def test_restore_refuses_a_file_that_is_not_a_backup(app, world, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("pas une sauvegarde")
    before = every_row()
    result = run(app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "n'est pas une sauvegarde" in result.output
    assert every_row() == before


def test_a_missing_postgresql_tool_is_explained(app, monkeypatch, tmp_path):
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://allervers@127.0.0.1/allervers"
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError, match="pg_dump est introuvable : installez le client"):
        backup.backup(tmp_path / "base.dump")
    assert list(Path(tmp_path).iterdir()) == []
