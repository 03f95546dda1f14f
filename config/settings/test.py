"""Test settings: fast hashing, jobs run inline, files in a temporary folder."""

import tempfile

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
HUEY.pop("filename", None)
HUEY["huey_class"] = "huey.MemoryHuey"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="zhengtong-media-"))
AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="zhengtong-audit-")) / "cp.jsonl"
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: "10000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
# Workdays: the calendar fingerprint never expires in tests (no stray queries
# inside other apps' query-count assertions); writes still invalidate it.
WORKDAYS_CACHE_SECONDS = None
# Catalogue search: re-check the catalogue fingerprint on every search in tests
# (new items are found at once); production trusts the index for 1 s.
CATALOG_SEARCH_RECHECK_SECONDS = 0
# Cases: read the item of each application from the database in tests (the
# memory is tested on its own with the setting overridden).
CASES_ITEM_CACHE_SECONDS = 0
# Queue displays: send every waiting-count update at once in tests (production
# sends at most one per hall every 0.1 s per process; see queueing/coalesce.py).
QUEUE_DISPLAY_COUNT_INTERVAL = 0
