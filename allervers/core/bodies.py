"""Request bodies: a chunked body is held to its route's size limit like any other, and a form
or a query string that is not UTF-8 gets a French 400 that says so."""

import io
from typing import IO
from urllib.parse import unquote_to_bytes

from flask import Flask
from flask import Request as FlaskRequest
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import cached_property

READ_SIZE = 64 * 1024
# Past the limit, a chunked body is still read (and dropped) up to this much more: a server
# that closes a connection with unread data resets it, and the sender never sees the 413 page.
DRAIN_LIMIT = 16 * 1024 * 1024
FORM_NOT_UTF8 = (
    "Le formulaire contient des caractères illisibles (encodage non UTF-8) : rien n'a été "
    "enregistré. Retapez le texte, ou recollez-le depuis un document enregistré en UTF-8, "
    "puis envoyez de nouveau le formulaire."
)
QUERY_NOT_UTF8 = (
    "L'adresse de cette page contient des caractères illisibles (encodage non UTF-8). "
    "Revenez en arrière et relancez la recherche depuis le formulaire."
)


def init_bodies(app: Flask) -> None:
    app.request_class = Request


class UnreadableText(BadRequest):
    """A form body whose bytes are not UTF-8 text."""

    description = FORM_NOT_UTF8


def is_utf8(urlencoded: bytes) -> bool:
    """Whether url-encoded text (a form body, a query string), once decoded, is UTF-8.

    Werkzeug keeps `%FF` as the three characters « %FF » and drops a form whose raw bytes are
    not UTF-8: the person would see « session expirée » (no CSRF token) or save garbage.
    """
    try:
        unquote_to_bytes(urlencoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class FormParser(FormDataParser):
    def _parse_urlencoded(self, stream: IO[bytes], mimetype: str, content_length, options):
        body = stream.read()
        if not is_utf8(body):
            raise UnreadableText()
        return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)


def _drain(stream: IO[bytes]) -> None:
    drained = 0
    while drained < DRAIN_LIMIT and (chunk := stream.read(READ_SIZE)):
        drained += len(chunk)


class Request(FlaskRequest):
    """A chunked body (Transfer-Encoding: chunked, no Content-Length) is read up to the
    route's limit (`max_content_length`, raised by a few routes when their URL is matched),
    then parsed as a body of that length: past the limit, the French 413 as for any other.

    Werkzeug would stop reading at the limit and parse what it read, so a 3 MB text sent in
    chunks was saved cut at 2 MB instead of refused (issue #14).
    """

    form_data_parser_class = FormParser

    @property
    def is_chunked(self) -> bool:
        """A body the server de-chunks and ends itself (gunicorn and Werkzeug's server do)."""
        encoding = self.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        return "chunked" in encoding and bool(self.environ.get("wsgi.input_terminated"))

    @cached_property
    def chunked_body(self) -> bytes:
        limit = self.max_content_length
        stream, chunks, size = self.environ["wsgi.input"], [], 0
        while limit is None or size <= limit:
            chunk = stream.read(READ_SIZE if limit is None else min(READ_SIZE, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if limit is not None and size > limit:
            _drain(stream)
            raise RequestEntityTooLarge()
        return b"".join(chunks)

    @cached_property
    def content_length(self) -> int | None:
        if self.is_chunked:
            return len(self.chunked_body)
        return super().content_length

    @cached_property
    def stream(self) -> IO[bytes]:
        if self.is_chunked:
            return io.BytesIO(self.chunked_body)
        return super().stream
