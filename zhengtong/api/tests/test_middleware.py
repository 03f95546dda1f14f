"""
Middleware is one list that every request passes (issue 16): API writes
included, nothing answers before the last middleware has seen the request.
The HTTP checks (``Recorder`` appended to the list) are in
cases/tests/test_api_strict_json.py and queueing/tests/test_api_strict_json.py.
"""

from django.conf import settings

SEEN: list[str] = []


class Recorder:
    """Record the path of every request that reaches the end of the list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        SEEN.append(request.path)
        return self.get_response(request)


def test_no_middleware_answers_api_requests_by_itself():
    names = [name.rsplit(".", 1)[-1] for name in settings.MIDDLEWARE]
    assert "FastLaneMiddleware" not in names
    assert not any(name.startswith("zhengtong.api") for name in settings.MIDDLEWARE)
