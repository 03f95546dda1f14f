"""
Demo settings: the embedded demo served as production serves it.

``scripts/demo.sh`` uses these: DEBUG off (Chinese 404/500 pages, no debug
pages with settings and SQL), static files from STATIC_ROOT through
WhiteNoise with hashed names (collectstatic), the embedded default stack
(SQLite, huey on a file, in-memory channel layer). The site answers on the
host of ``PUBLIC_BASE_URL`` (the address the demo prints) and on localhost.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def _demo_secret(name: str) -> None:
    """
    Give the demo its own random ``name`` (SECRET_KEY, AUDIT_HMAC_KEY) unless
    the environment has one: made once, kept in VAR_DIR/demo-keys/ (0600), so
    an exposed demo never runs on a public default key.
    """
    if os.environ.get(name):
        return
    base = Path(__file__).resolve().parent.parent.parent
    folder = Path(os.environ.get("VAR_DIR") or base / "var") / "demo-keys"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    os.environ[name] = path.read_text().strip()


_demo_secret("SECRET_KEY")
_demo_secret("AUDIT_HMAC_KEY")
# The demo's hosts are set below (the public address and localhost); prod
# only insists that there are some.
_hosts_from_env = "ALLOWED_HOSTS" in os.environ
if not _hosts_from_env:
    os.environ["ALLOWED_HOSTS"] = "localhost"

from .prod import *  # noqa: E402

if not _hosts_from_env:
    del os.environ["ALLOWED_HOSTS"]
_public = urlsplit(PUBLIC_BASE_URL)
# Served over plain HTTP unless its public address is HTTPS: then the
# production TLS settings apply as they are.
_https = _public.scheme == "https"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_https)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
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
