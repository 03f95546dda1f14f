"""
Bounded requests (issue 17): a body, request line or header block above the
limit is refused before the application reads it — 413 ``request_too_large``,
414 ``uri_too_long``, 431 ``headers_too_large`` (JSON under /api/) — and a
request inside the limits reaches the application unchanged.
"""

import asyncio
import io
import json

from django.test import override_settings

from zhengtong.core.bounded import BoundedRequestsASGI, BoundedRequestsWSGI

LIMITS = {
    "REQUEST_MAX_BODY_BYTES": 1000,
    "REQUEST_MAX_UPLOAD_BYTES": 5000,
    "REQUEST_MAX_URL_BYTES": 200,
    "REQUEST_MAX_HEADER_BYTES": 500,
}


class _App:
    """An ASGI app that reads the whole body, like Django's handler."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _asgi(path="/api/v1/x/", headers=(), chunks=(b"",), query=b""):
    app = _App()
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": list(headers),
    }
    asyncio.run(BoundedRequestsASGI(app)(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, body, app.bodies, read


@override_settings(**LIMITS)
def test_a_declared_body_above_the_limit_is_refused_unread():
    status, body, bodies, read = _asgi(
        headers=[(b"content-type", b"application/json"), (b"content-length", b"1001")],
        chunks=[b"x" * 1001],
    )
    assert status == 413 and read == 0 and bodies == []
    assert json.loads(body)["code"] == "request_too_large"


@override_settings(**LIMITS)
def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit():
    status, body, bodies, read = _asgi(
        headers=[(b"content-type", b"application/json")],
        chunks=[b"x" * 600, b"x" * 600, b"x" * 600, b"x" * 600],
    )
    assert status == 413 and bodies == [] and read == 2
    assert json.loads(body)["code"] == "request_too_large"


@override_settings(**LIMITS)
def test_uploads_have_their_own_larger_limit():
    multipart = (b"content-type", b"multipart/form-data; boundary=x")
    status, _body, bodies, _read = _asgi(
        headers=[multipart, (b"content-length", b"4000")], chunks=[b"x" * 4000]
    )
    assert status == 200 and bodies == [b"x" * 4000]
    status, _body, _bodies, _read = _asgi(
        headers=[multipart, (b"content-length", b"5001")], chunks=[b"x" * 5001]
    )
    assert status == 413


@override_settings(**LIMITS)
def test_a_long_address_and_large_headers_are_refused():
    status, body, _b, _r = _asgi(query=b"q=" + b"a" * 300)
    assert status == 414 and json.loads(body)["code"] == "uri_too_long"
    status, body, _b, _r = _asgi(headers=[(b"cookie", b"a" * 600)])
    assert status == 431 and json.loads(body)["code"] == "headers_too_large"
    status, body, _b, _r = _asgi(path="/cases/", query=b"q=" + b"a" * 300)
    assert status == 414 and "请求地址过长" in body.decode()


@override_settings(**LIMITS)
def test_a_request_inside_the_limits_passes_unchanged():
    status, body, bodies, _read = _asgi(
        headers=[(b"content-type", b"application/json"), (b"content-length", b"11")],
        chunks=[b'{"a":', b' "b"}'],
    )
    assert (status, body, bodies) == (200, b"ok", [b'{"a": "b"}'])


@override_settings(**LIMITS)
def test_wsgi_refuses_a_declared_body_above_the_limit():
    calls = []

    def app(environ, start_response):
        calls.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b"ok"]

    answers = []
    environ = {
        "PATH_INFO": "/api/v1/cases/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "2000",
        "wsgi.input": io.BytesIO(b"x" * 2000),
    }
    body = BoundedRequestsWSGI(app)(environ, lambda s, h: answers.append(s))
    assert answers == ["413 Content Too Large"] and calls == []
    assert json.loads(b"".join(body))["code"] == "request_too_large"
    environ.update(CONTENT_LENGTH="10", **{"wsgi.input": io.BytesIO(b"x" * 10)})
    assert BoundedRequestsWSGI(app)(environ, lambda s, h: answers.append(s)) == [b"ok"]
    assert calls == [b"x" * 10]
