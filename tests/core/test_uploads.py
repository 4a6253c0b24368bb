"""Upload limits: the request size (French 413 page) and the row limits of both CSV imports."""

import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from allervers.directory import importer as directory_importer
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps import importer as map_importer
from allervers.maps.models import CooperationLink
from tests.helpers import csrf_token, post_form, text, visible_text


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, path: str, content: bytes, field: str, **extra):
    """A multipart POST built in memory (the test client would spool a large body to a file)."""
    fields = MultiDict({"csrf_token": csrf_token(client, "/"), **extra})
    fields.add(field, FileStorage(io.BytesIO(content), "liste.csv", content_type="text/csv"))
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_request_size_is_limited(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_a_request_over_the_limit_gets_the_french_413_page(client_as):
    client = client_as("stagiaire")
    before = count(Structure)
    huge = {"name": "x" * (3 * 1024 * 1024), "commune": "Gien", "typology": "CCAS"}
    response = post_form(client, "/annuaire/nouvelle", huge, token_from="/")
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)
    assert '<html lang="fr"' in text(response)
    fragment = post_form(client, "/annuaire/nouvelle", huge, token_from="/", htmx=True)
    assert fragment.status_code == 413
    assert "<html" not in text(fragment)
    assert "découpez-le" in text(fragment)
    assert count(Structure) == before


def test_directory_import_over_the_row_limit_imports_nothing(client_as, world):
    rows = "".join(f"Structure {n};CCAS;Gien\n" for n in range(directory_importer.MAX_ROWS + 1))
    before = count(Structure)
    content = ("nom;typologie;commune\n" + rows).encode()
    response = upload(client_as("admin"), "/annuaire/import", content, "file")
    assert response.status_code == 422
    assert "Le fichier compte plus de 5 000 lignes : découpez-le." in visible_text(response)
    assert count(Structure) == before


def test_directory_import_over_its_size_limit_is_refused_in_french(client_as, world):
    content = b"nom;typologie;commune\n" + b"x" * directory_importer.MAX_BYTES
    response = upload(client_as("admin"), "/annuaire/import", content, "file")
    assert response.status_code == 422
    assert "Le fichier dépasse 2 Mo" in visible_text(response)


def test_map_import_over_the_row_limit_imports_nothing(client_as, world):
    lines = "".join(f"CCAS d'Orléans;Partenaire {n};2;existant\n" for n in range(2001))
    content = ("source;cible;niveau;statut\n" + lines).encode()
    before = (count(CooperationLink), count(Structure))
    path = f"/cartes/{world['map'].id}/import"
    response = upload(client_as("stagiaire"), path, content, "fichier", step="confirmer")
    assert response.status_code == 422
    assert f"Le fichier dépasse {map_importer.MAX_ROWS} lignes." in visible_text(response)
    assert (count(CooperationLink), count(Structure)) == before


def test_map_import_over_its_size_limit_imports_nothing(client_as, world):
    content = b"source;cible;niveau;statut\n" + b"x" * map_importer.MAX_BYTES
    before = count(CooperationLink)
    path = f"/cartes/{world['map'].id}/import"
    response = upload(client_as("stagiaire"), path, content, "fichier", step="confirmer")
    assert response.status_code == 422
    assert "Le fichier dépasse 1 Mo" in visible_text(response)
    assert count(CooperationLink) == before


def test_a_large_map_import_can_be_confirmed(client_as, world):
    """The preview sends the file back as url-encoded text, up to three times its size: the
    confirmation of a file just under the limit is not refused for its size."""
    note = "é'" * 200
    lines = "".join(f"CCAS d'Orléans;Partenaire {n};2;existant;;;;;{note}\n" for n in range(1500))
    content = ("source;cible;niveau;statut;sens;frequence;niveau_souhaite;faisabilite;note\n"
               + lines)  # fmt: skip
    assert 900_000 < len(content.encode()) < map_importer.MAX_BYTES
    client = client_as("stagiaire")
    path = f"/cartes/{world['map'].id}/import"
    preview = upload(client, path, content.encode(), "fichier")
    assert preview.status_code == 200, visible_text(preview)[:300]
    confirmed = post_form(client, path, {"csv_text": content, "step": "confirmer"}, token_from="/")
    assert confirmed.status_code == 303
