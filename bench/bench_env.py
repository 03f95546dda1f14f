"""
The environment every bench server needs under ``config.settings.prod``.

Production settings refuse to start without SECRET_KEY, ALLOWED_HOSTS and
AUDIT_HMAC_KEY and redirect plain HTTP to HTTPS; the benches serve loopback
over plain HTTP, so they pass throw-away keys and turn TLS enforcement off.
"""

import secrets

PROD_ENV = {
    "SECRET_KEY": "bench-only-" + secrets.token_urlsafe(32),
    "AUDIT_HMAC_KEY": "bench-only-" + secrets.token_urlsafe(32),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}
