"""The public lookup API is throttled per address (issue 17: only the page was)."""

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from rest_framework.test import APIClient

RATES = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_lookup": "3/hour"}


def test_the_public_lookup_api_is_limited_per_address(db):
    cache.clear()
    url = "/api/v1/cases/lookup/?number=511602-2026-000001&code=123456"
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    ):
        guesser = APIClient(REMOTE_ADDR="203.0.113.5")
        answers = [guesser.get(url) for _ in range(4)]
        other = APIClient(REMOTE_ADDR="198.51.100.5").get(url)
    cache.clear()
    assert [r.status_code for r in answers] == [404, 404, 404, 429]
    assert answers[-1].json()["code"] == "throttled"
    assert int(answers[-1]["Retry-After"]) > 0
    assert other.status_code == 404
