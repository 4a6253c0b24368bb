"""Every CSV import (directory, map page, `flask import-map`) × degenerate files: empty ones,
BOMs alone, blank lines, a header alone, NUL bytes. Each gets a French message saying what
is wrong, and the database is left exactly as it was.
"""

import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.helpers import csrf_token, text
from tests.test_actions import snapshot

BOM = b"\xef\xbb\xbf"
EMPTY = "Le fichier est vide."
NUL = "La première ligne du fichier contient des octets nuls"


def degenerate_files(header: bytes, header_alone: str) -> list[tuple[bytes, str]]:
    """(content, expected message): each body after 0 to 3 BOMs (a file saved several times
    by tools that each add one)."""
    bodies = [
        (b"", EMPTY),
        (b"\n", EMPTY),
        (b"\r\n\r\n", EMPTY),
        (b" \t\n \n", EMPTY),
        (b"\r", EMPTY),
        (b"\x0c\n", EMPTY),
        (b"\x00", NUL),
        (b"\x00" * 8 + b"\n\x00", NUL),
        (b"\x00" + header + b"\n", NUL),
        (b"\n\n\x00\n", NUL),
        (header, header_alone),
        (header + b"\n", header_alone),
        (header + b"\r\n\r\n\r\n", header_alone),
        (b"\n\n" + header + b"\n", header_alone),
    ]
    return [(BOM * boms + body, message) for boms in range(4) for body, message in bodies]


DIRECTORY_FILES = degenerate_files(b"nom;commune", "ne contient aucune structure")
MAP_FILES = degenerate_files(b"source;cible;niveau;statut", "Le fichier ne contient aucun lien")


def multipart(client, field: str, content: bytes) -> dict:
    fields = MultiDict({"csrf_token": csrf_token(client, "/")})
    fields.add(field, FileStorage(io.BytesIO(content), "fichier.csv", content_type="text/csv"))
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def refusal_problems(post, files) -> list[str]:
    problems, before = [], snapshot()
    for content, message in files:
        response = post(content)
        page = text(response)
        if response.status_code != 422 or message not in page:
            problems.append(f"{content!r}: {response.status_code}, « {message} » attendu")
        if snapshot() != before:
            problems.append(f"{content!r}: la base a changé")
            before = snapshot()
    return problems


def test_directory_import_refuses_degenerate_files_in_french(client_as, world):
    client = client_as("admin")

    def post(content: bytes):
        return client.post("/annuaire/import", **multipart(client, "file", content))

    problems = refusal_problems(post, DIRECTORY_FILES)
    assert not problems, "\n".join(problems)


def test_map_import_refuses_degenerate_files_in_french(client_as, world):
    client, path = client_as("stagiaire"), f"/cartes/{world['map'].id}/import"

    def post(content: bytes):
        return client.post(path, **multipart(client, "fichier", content))

    problems = refusal_problems(post, MAP_FILES)
    assert not problems, "\n".join(problems)


# A spreadsheet's older "CSV" is cp1252: the page reads it, the command read it as UTF-8 (a
# traceback).
CP1252 = b"source;cible;niveau;statut\nCaf\xe9;Mairie;9;existant\n"
CLI_FILES = [*MAP_FILES, (CP1252, "Ligne 2 : niveau « 9 » invalide")]


def test_cli_map_import_refuses_degenerate_files_in_french(app, world, tmp_path):
    csv_file = tmp_path / "carte.csv"
    problems, before = [], snapshot()
    for content, message in CLI_FILES:
        csv_file.write_bytes(content)
        email = world["formateur"].email
        result = app.test_cli_runner().invoke(
            args=["import-map", str(csv_file), "--owner", email, "--title", "Atelier"]
        )
        if result.exit_code != 1 or "Import refusé" not in result.output:
            problems.append(f"{content!r}: code {result.exit_code} {result.output[-200:]!r}")
        elif message not in result.output:
            problems.append(f"{content!r}: « {message} » attendu")
        if snapshot() != before:
            problems.append(f"{content!r}: la base a changé")
            before = snapshot()
    assert not problems, "\n".join(problems)
