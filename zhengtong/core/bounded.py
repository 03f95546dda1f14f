"""
Bounded requests: size limits checked at the server edge, before a body is read.

One definition of the limits (``settings.REQUEST_MAX_*``, docs/operations.md)
and three places that apply it, each before Django reads anything:

- ``BoundedRequestsASGI`` wraps the ASGI application (config/asgi.py; uvicorn
  and daphne): it refuses a request line, header block or declared body that
  is too large at once, and counts a chunked body as it streams in, answering
  413 as soon as the limit is passed;
- ``BoundedRequestsWSGI`` does the same for WSGI (config/wsgi.py, gunicorn;
  Django reads no more than the declared ``Content-Length`` there);
- ``daphne_install()`` (the embedded default server) refuses at the socket,
  when daphne has parsed the headers: daphne otherwise reads a whole body into
  memory before it calls the application (a 200 MB POST took 2.4 GB).

Answers: 413 ``request_too_large``, 414 ``uri_too_long``, 431
``headers_too_large``; JSON under /api/, a short Chinese page elsewhere.

中文：请求大小限制
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

MULTIPART = b"multipart/form-data"


@dataclass(frozen=True)
class Refusal:
    """A refused request: status, stable code and Chinese message."""

    status: int
    code: str
    message: str

    def body(self, path: bytes) -> tuple[bytes, bytes]:
        """Return (content type, body) for a request to ``path``."""
        if path.startswith(b"/api/"):
            data = {"code": self.code, "message": self.message}
            return b"application/json", json.dumps(data, ensure_ascii=False).encode()
        page = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            f"<title>{self.message}</title><p>{self.message}</p></html>"
        )
        return b"text/html; charset=utf-8", page.encode()


REASONS = {
    413: b"Content Too Large",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
}


def too_large(limit: int) -> Refusal:
    return Refusal(
        413,
        "request_too_large",
        f"请求内容过大（上限 {limit / 1048576:.0f} MB），请减小文件或分次提交。",
    )


URI_TOO_LONG = Refusal(414, "uri_too_long", "请求地址过长。")
HEADERS_TOO_LARGE = Refusal(431, "headers_too_large", "请求头过大。")


def body_limit(content_type: bytes) -> int:
    """
    Return the largest body allowed for a request of ``content_type``:
    ``REQUEST_MAX_UPLOAD_BYTES`` for ``multipart/form-data`` (uploads),
    ``REQUEST_MAX_BODY_BYTES`` (1 MB: JSON, forms) for everything else.

    中文：请求体上限
    """
    if content_type.lower().lstrip().startswith(MULTIPART):
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.REQUEST_MAX_BODY_BYTES


def head_refusal(
    *, path: bytes, query: bytes, headers: Iterable[tuple[bytes, bytes]]
) -> Refusal | None:
    """
    Check the request line and headers; return the refusal or None.

    A declared ``Content-Length`` above the body limit is refused here, before
    one byte of the body is read.

    中文：请求头检查
    """
    if len(path) + len(query) + 1 > settings.REQUEST_MAX_URL_BYTES:
        return URI_TOO_LONG
    size = 0
    length = b""
    content_type = b""
    for name, value in headers:
        size += len(name) + len(value) + 4
        lower = name.lower()
        if lower == b"content-length":
            length = value
        elif lower == b"content-type":
            content_type = value
    if size > settings.REQUEST_MAX_HEADER_BYTES:
        return HEADERS_TOO_LARGE
    limit = body_limit(content_type)
    if length.strip().isdigit() and int(length) > limit:
        return too_large(limit)
    return None


def _content_type(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value
    return b""


# -- ASGI (uvicorn, daphne) ---------------------------------------------------


class _BodyTooLargeError(Exception):
    pass


class BoundedRequestsASGI:
    """ASGI middleware applying the limits to every HTTP request (see module)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("raw_path") or scope["path"].encode()
        headers = scope.get("headers", [])
        refusal = head_refusal(
            path=path, query=scope.get("query_string", b""), headers=headers
        )
        if refusal is not None:
            await _asgi_send(send, refusal, path)
            return
        limit = body_limit(_content_type(headers))
        received = 0
        started = False

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLargeError
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracked_send)
        except _BodyTooLargeError:
            if not started:
                await _asgi_send(send, too_large(limit), path)


async def _asgi_send(send, refusal: Refusal, path: bytes) -> None:
    content_type, body = refusal.body(path)
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- WSGI (gunicorn) ------------------------------------------------------------


class BoundedRequestsWSGI:
    """WSGI middleware applying the limits to every request (see module)."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
        headers = [
            (key[5:].replace("_", "-").encode("latin-1"), str(value).encode("latin-1"))
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        headers.append(
            (b"content-type", environ.get("CONTENT_TYPE", "").encode("latin-1"))
        )
        headers.append(
            (b"content-length", environ.get("CONTENT_LENGTH", "").encode("latin-1"))
        )
        refusal = head_refusal(
            path=path,
            query=environ.get("QUERY_STRING", "").encode("latin-1", "replace"),
            headers=headers,
        )
        if refusal is None:
            # Django's WSGI request reads at most CONTENT_LENGTH bytes (a
            # chunked body without one reads as empty): checked above.
            return self.app(environ, start_response)
        content_type, body = refusal.body(path)
        start_response(
            f"{refusal.status} {REASONS[refusal.status].decode()}",
            [
                ("Content-Type", content_type.decode()),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]


# -- daphne (the embedded default) ------------------------------------------


def _raw_response(refusal: Refusal, path: bytes) -> bytes:
    content_type, body = refusal.body(path)
    return (
        b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n"
        % (refusal.status, REASONS[refusal.status], content_type, len(body))
        + body
    )


def daphne_install() -> None:
    """
    Make daphne refuse an oversized request line or body at the socket, once
    the headers are in and before the body is read (see module doc).

    中文：daphne 请求大小限制
    """
    from daphne import http_protocol

    if getattr(http_protocol.WebRequest, "zt_bounded", False):
        return
    base = http_protocol.WebRequest

    class BoundedWebRequest(base):  # type: ignore[misc, valid-type]
        zt_bounded = True
        zt_refused = False
        zt_limit = 0
        zt_seen = 0

        def gotLength(self, length):  # noqa: N802 (twisted's name)
            super().gotLength(length)
            path = getattr(self.channel, "_path", b"") or b""
            headers = list(self.requestHeaders.getAllRawHeaders())
            flat = [(name, value) for name, values in headers for value in values]
            self.zt_limit = body_limit(_content_type(flat))
            refusal = head_refusal(path=path, query=b"", headers=flat)
            if refusal is not None:
                self.zt_refuse(refusal, path)

        def handleContentChunk(self, data):  # noqa: N802
            if self.zt_refused:
                return
            self.zt_seen += len(data)
            if self.zt_seen > self.zt_limit:
                path = getattr(self.channel, "_path", b"") or b""
                self.zt_refuse(too_large(self.zt_limit), path)
                return
            super().handleContentChunk(data)

        def requestReceived(self, command, path, version):  # noqa: N802
            # Twisted would parse a form or multipart body itself, into memory,
            # and answer an empty 400 when it cannot; Django parses it (to disk).
            self.zt_content_type = self.requestHeaders.getRawHeaders(b"content-type")
            if self.zt_content_type:
                self.requestHeaders.removeHeader(b"content-type")
            return super().requestReceived(command, path, version)

        def process(self):
            if self.zt_refused:
                return None
            if getattr(self, "zt_content_type", None):
                self.requestHeaders.setRawHeaders(b"content-type", self.zt_content_type)
            return super().process()

        def zt_refuse(self, refusal: Refusal, path: bytes) -> None:
            self.zt_refused = True
            transport = self.channel.transport
            transport.write(_raw_response(refusal, path.split(b"?", 1)[0]))
            transport.loseConnection()

    http_protocol.WebRequest = BoundedWebRequest
    build = http_protocol.HTTPFactory.buildProtocol

    def build_protocol(self, addr):
        protocol = build(self, addr)
        channel = getattr(protocol, "_channel", None)
        if channel is not None:
            channel.MAX_LENGTH = max(
                channel.MAX_LENGTH, settings.REQUEST_MAX_URL_BYTES + 1024
            )

            def line_too_long(line, channel=channel):
                first = getattr(channel, "_HTTPChannel__first_line", 0)
                refusal = URI_TOO_LONG if first else HEADERS_TOO_LARGE
                path = line.split(b" ", 2)[1] if first and b" " in line else b""
                channel.transport.write(_raw_response(refusal, path.split(b"?", 1)[0]))
                channel.transport.loseConnection()

            channel.lineLengthExceeded = line_too_long
        return protocol

    http_protocol.HTTPFactory.buildProtocol = build_protocol
