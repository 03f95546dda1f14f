"""
Demo settings: the embedded demo served as production serves it.

``scripts/demo.sh`` uses these: DEBUG off (Chinese 404/500 pages, no debug
pages with settings and SQL), static files from STATIC_ROOT through
WhiteNoise with hashed names (collectstatic), the embedded default stack
(SQLite, huey on a file, in-memory channel layer). The site answers on the
host of ``PUBLIC_BASE_URL`` (the address the demo prints) and on localhost.
"""

from urllib.parse import urlsplit

from .prod import *

_public = urlsplit(PUBLIC_BASE_URL)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=sorted(
        {_public.hostname or "127.0.0.1", "localhost", "127.0.0.1", "[::1]"}
    ),
)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"{_public.scheme}://{_public.netloc}"]
)
# The demo has no SMS gateway (console backend): the code is also shown on the
# page, so a visitor can register and log in by SMS alone (docs/accounts.md).
ACCOUNTS_SMS_CODE_ON_PAGE = env.bool("ACCOUNTS_SMS_CODE_ON_PAGE", default=True)
