"""Request bodies: a chunked body is held to its route's size limit like any other."""

import io
from typing import IO

from flask import Flask
from flask import Request as FlaskRequest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property

READ_SIZE = 64 * 1024


def init_bodies(app: Flask) -> None:
    app.request_class = Request


class Request(FlaskRequest):
    """A chunked body (Transfer-Encoding: chunked, no Content-Length) is read up to the
    route's limit (`max_content_length`, raised by a few routes when their URL is matched),
    then parsed as a body of that length: past the limit, the French 413 as for any other.

    Werkzeug would stop reading at the limit and parse what it read, so a 3 MB text sent in
    chunks was saved cut at 2 MB instead of refused (issue #14).
    """

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
